package io.dbbackup.store.sftp;

import io.dbbackup.spi.Store;
import io.dbbackup.spi.CredentialedStoreContract;
import io.dbbackup.testkit.SshServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

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
}
