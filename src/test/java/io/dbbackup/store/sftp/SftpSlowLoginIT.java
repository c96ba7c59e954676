package io.dbbackup.store.sftp;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.OpenSshServer;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An SFTP store whose server answers the banner and the key exchange, then does not finish the login (Debian's OpenSSH
 * with an {@code AuthorizedKeysCommand} that hangs, as a directory service that stopped answering does): the backup
 * fails within the store's {@code connect_timeout} (15 s by default) and some slack, naming the host:port and the phase,
 * with the store's exit code, the connection closed; not after {@code timeout} (60 s) per login method.
 */
class SftpSlowLoginIT {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void aServerThatDoesNotFinishTheLoginFailsTheBackupWithinTheConnectTimeout() throws Exception {
        try (OpenSshServer ssh = OpenSshServer.withConfig("AuthorizedKeysCommand /usr/bin/sleep 100",
                "AuthorizedKeysCommandUser nobody",
                "Match all", "AuthorizedKeysFile none")) { // the key is looked up through the command alone
            try {
                backupFailsWithinTheConnectTimeout(ssh);
            } finally {
                ssh.dropSessions(); // the hanging command with them
            }
        }
    }

    private void backupFailsWithinTheConnectTimeout(OpenSshServer ssh) throws Exception {
        {
            SqliteFixture.create(dir.resolve("app.db"), 3);
            Files.writeString(dir.resolve("config.yaml"), """
                    datasources:
                      app:
                        engine: sqlite
                        path: app.db
                    stores:
                      nas:
                        type: sftp
                        host: %s
                        port: %d
                        user: %s
                        path: %s
                        key_file: %s
                        known_hosts: %s
                    jobs:
                      app:
                        datasource: app
                        store: nas
                    """.formatted(ssh.host(), ssh.port(), ssh.user(), ssh.dataDir().resolve("b"), ssh.clientKey(),
                    ssh.knownHosts()));
            Files.setPosixFilePermissions(dir.resolve("config.yaml"),
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            long start = System.nanoTime();
            Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "app");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            System.out.println("took " + took + "\n" + r);
            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).as(r.toString())
                    .contains("sftp " + ssh.user() + "@" + ssh.host() + ":" + ssh.port())
                    .contains("the SSH server did not finish the login within 15 s")
                    .contains("'connect_timeout' sets how long");
            assertThat(took).as("one connect_timeout for the login, not timeout per method: took " + took + "\n" + r)
                    .isLessThan(Duration.ofSeconds(30));
            assertThat(ssh.files()).as("nothing stored").isEmpty();
            assertThat(clientConnections(ssh.port())).as("the client's connections to the server after the run").isEmpty();
        }
    }

    /** This host's established TCP connections to {@code port} (the client's ends), as {@code ss} lists them. */
    private static String clientConnections(int port) throws Exception {
        Process p = new ProcessBuilder("ss", "-Htn", "state", "established", "dport = :" + port).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }
}
