package io.dbbackup.store.sftp;

import io.dbbackup.spi.Store;
import io.dbbackup.spi.Upload;
import io.dbbackup.spi.CredentialedStoreContract;
import io.dbbackup.testkit.SshServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The store contract against Apache MINA SSHD (public-key auth, known_hosts). */
class SftpStoreIT extends CredentialedStoreContract {
    static SshServer ssh;
    static final String WRONG_PASSWORD = "wrong-pw-" + UUID.randomUUID();

    @BeforeAll
    static void startServer() throws Exception {
        ssh = new SshServer();
    }

    @AfterAll
    static void stopServer() {
        if (ssh != null) {
            ssh.close();
        }
    }

    @Override
    protected Store createStore() throws Exception {
        return new SftpStore(SftpFixture.withKey(ssh.host(), ssh.port(), ssh.user(), "/t-" + UUID.randomUUID(),
                ssh.clientKey(), ssh.knownHosts()));
    }

    @Override
    protected boolean claimWithoutLooking(String key, byte[] content) throws java.io.IOException {
        return ((SftpStore) store).claim(key, content, ctx());
    }

    @Override
    protected Store createStoreWithBadCredentials() throws Exception {
        return new SftpStore(SftpFixture.withPassword(ssh.host(), ssh.port(), ssh.user(), "/bad", WRONG_PASSWORD,
                List.of(ssh.hostKeyFingerprint())));
    }

    @Override
    protected List<String> badCredentialSecrets() {
        return List.of(WRONG_PASSWORD, ssh.password());
    }

    @Override
    protected void assertNoLeftovers(Store store) {
        assertThat(ssh.files()).as("temporary upload files on the server")
                .noneMatch(p -> p.getFileName().toString().contains(SftpStore.PART));
    }

    @Test
    void anUploadIsFlushedToTheServersDiskThenRenamedOntoItsKeyAtomically() throws Exception {
        int before = ssh.requests().size();
        try (Upload u = store.upload("db/backup-1.dump", ctx())) {
            u.stream().write(new byte[100_000]);
            u.commit();
        }
        List<String> seen = ssh.requests().subList(before, ssh.requests().size());
        int fsync = -1;
        int rename = -1;
        for (int i = 0; i < seen.size(); i++) {
            if (seen.get(i).startsWith("fsync .backup-1.dump" + SftpStore.PART)) {
                fsync = i;
            }
            if (seen.get(i).startsWith("rename .backup-1.dump" + SftpStore.PART) && seen.get(i).contains(" backup-1.dump [")) {
                rename = i;
            }
        }
        assertThat(fsync).as("the server received fsync for the temporary file: " + seen).isNotNegative();
        assertThat(rename).as("and then the rename onto the key: " + seen).isGreaterThan(fsync);
        assertThat(read("db/backup-1.dump")).hasSize(100_000);

        // the same key again: replaced in one atomic rename (posix-rename@openssh.com), never removed first
        before = ssh.requests().size();
        try (Upload u = store.upload("db/backup-1.dump", ctx())) {
            u.stream().write(new byte[7]);
            u.commit();
        }
        List<String> again = ssh.requests().subList(before, ssh.requests().size());
        assertThat(again).noneMatch(r -> r.equals("remove backup-1.dump"))
                .anyMatch(r -> r.startsWith("rename .backup-1.dump" + SftpStore.PART) && r.contains(" backup-1.dump [")
                        && r.contains("ATOMIC_MOVE") && r.contains("REPLACE_EXISTING"));
        assertThat(read("db/backup-1.dump")).hasSize(7);
    }
}
