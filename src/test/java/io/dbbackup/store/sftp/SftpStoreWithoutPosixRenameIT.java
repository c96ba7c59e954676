package io.dbbackup.store.sftp;

import io.dbbackup.spi.Store;
import io.dbbackup.spi.StoreContract;
import io.dbbackup.spi.Upload;
import io.dbbackup.testkit.SshServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The store contract against Apache MINA SSHD without {@code posix-rename@openssh.com}, whose rename never replaces an
 * existing file (servers that speak plain SFTP version 3): a replacement must still never leave the key without an
 * object.
 */
class SftpStoreWithoutPosixRenameIT extends StoreContract {
    static SshServer ssh;

    @BeforeAll
    static void startServer() throws Exception {
        ssh = SshServer.withoutPosixRename();
    }

    @AfterAll
    static void stopServer() {
        if (ssh != null) {
            ssh.close();
        }
    }

    @AfterEach
    void renamesWork() {
        ssh.failRenames(r -> false);
    }

    @Override
    protected Store createStore() throws Exception {
        return new SftpStore(SftpFixture.withKey(ssh.host(), ssh.port(), ssh.user(), "/t-" + UUID.randomUUID(),
                ssh.clientKey(), ssh.knownHosts()));
    }

    @Override
    protected void assertNoLeftovers(Store store) {
        assertThat(ssh.files()).as("temporary upload files on the server")
                .noneMatch(p -> p.getFileName().toString().contains(SftpStore.PART));
    }

    /** This store's folder on the server's disk. */
    private Path folder() {
        return ssh.root().resolve(((SftpStore) store).settingsForTest().path().substring(1));
    }

    /** The files in this store's folder on the server, hidden ones too, as paths relative to it. */
    private List<String> files() {
        Path folder = folder();
        return ssh.files().stream().filter(p -> p.startsWith(folder)).map(p -> folder.relativize(p).toString()).toList();
    }

    private void replace(String key, String content) throws IOException {
        try (Upload u = store.upload(key, ctx())) {
            u.stream().write(content.getBytes(StandardCharsets.UTF_8));
            u.commit();
        }
    }

    /** The old object is renamed aside, the new one in, then the old one deleted: never removed before the new one is in. */
    @Test
    void aReplacementMovesTheOldObjectAsideUntilTheNewOneIsIn() throws Exception {
        replace("db/backup-1.dump.sha256", "old");
        int before = ssh.requests().size();
        replace("db/backup-1.dump.sha256", "new");
        List<String> seen = ssh.requests().subList(before, ssh.requests().size()).stream()
                .filter(r -> !r.startsWith("fsync ")).toList();

        assertThat(seen).as("what the server did to its disk").hasSize(3);
        assertThat(seen.get(0)).as("the old object renamed aside, not removed: " + seen)
                .matches("rename backup-1\\.dump\\.sha256 \\.backup-1\\.dump\\.sha256\\.part-[0-9a-f]{8}\\.replaced \\[]");
        assertThat(seen.get(1)).as("then the new one renamed in: " + seen)
                .matches("rename \\.backup-1\\.dump\\.sha256\\.part-[0-9a-f]{8} backup-1\\.dump\\.sha256 \\[]");
        assertThat(seen.get(2)).as("then the old one deleted: " + seen).isEqualTo("remove " + seen.get(0).split(" ")[2]);
        assertThat(read("db/backup-1.dump.sha256")).isEqualTo("new");
        assertThat(files()).as("this store's files on the server").containsExactly("db/backup-1.dump.sha256");
    }

    /** A rename in that the server refuses puts the old object back: the key keeps it, nothing else is left. */
    @Test
    void aRefusedRenameInPutsTheOldObjectBack() throws Exception {
        replace("db/backup-1.dump.sha256", "old");
        ssh.failRenames(r -> r.matches("\\.backup-1\\.dump\\.sha256\\.part-[0-9a-f]{8} backup-1\\.dump\\.sha256"));

        Throwable t = catchThrowable(() -> replace("db/backup-1.dump.sha256", "new"));

        String key = ((SftpStore) store).settingsForTest().path() + "/db/backup-1.dump.sha256";
        assertThat(t).isInstanceOf(IOException.class).hasMessageStartingWith("sftp commit ")
                .hasMessageContaining("db/backup-1.dump.sha256 failed: ")
                .as("what became of the old and the new object, said as it is")
                .hasMessageEndingWith("; the old object is back under " + key + "; the new one was not stored")
                .hasMessageNotContaining("kept as").hasMessageNotContaining("\n");
        assertThat(ssh.requests()).anyMatch(r -> r.startsWith("refused rename .backup-1.dump.sha256.part-"));
        assertThat(read("db/backup-1.dump.sha256")).as("the key still holds the old object").isEqualTo("old");
        assertThat(files()).as("this store's files on the server: the key alone, no temporary or aside file")
                .containsExactly("db/backup-1.dump.sha256");
    }

    /** When the old object cannot be put back either, the error names where it is kept: it is not deleted. */
    @Test
    void anOldObjectThatCannotBePutBackIsKeptAndNamed() throws Exception {
        replace("db/backup-1.dump.sha256", "old");
        ssh.failRenames(r -> r.endsWith(" backup-1.dump.sha256"));

        Throwable t = catchThrowable(() -> replace("db/backup-1.dump.sha256", "new"));

        List<String> left = files();
        assertThat(left).as("this store's files on the server").hasSize(1);
        assertThat(left.get(0)).matches("db/\\.backup-1\\.dump\\.sha256\\.part-[0-9a-f]{8}\\.replaced");
        assertThat(t).isInstanceOf(IOException.class).hasMessageContaining("db/backup-1.dump.sha256 failed: ")
                .hasMessageContaining("could not be put back").hasMessageContaining(" and is kept as "
                        + ((SftpStore) store).settingsForTest().path() + "/" + left.get(0) + " (rename it back to "
                        + ((SftpStore) store).settingsForTest().path() + "/db/backup-1.dump.sha256 if that holds no object)")
                .hasMessageNotContaining("\n");
        assertThat(Files.readString(folder().resolve(left.get(0)))).as("the old object").isEqualTo("old");
        assertThat(store.listSetAside("db/")).as("the set-aside object, listed as such")
                .extracting(u -> u.key() + " " + u.name() + " " + u.size())
                .containsExactly("db/backup-1.dump.sha256 " + left.get(0) + " 3");
        assertThat(store.listUnfinished("")).as("never an abandoned upload, which prune removes").isEmpty();
        assertThat(store.listSetAside("other/")).isEmpty();
    }
}
