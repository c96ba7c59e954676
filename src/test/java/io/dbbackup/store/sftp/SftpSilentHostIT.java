package io.dbbackup.store.sftp;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SilentServer;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An SFTP store whose host accepts the TCP connection and never sends the SSH banner (a hung sshd, a port of another
 * service, a load balancer with nothing behind it): the backup fails within the store's bound (its {@code connect_timeout},
 * 15 s by default) and some slack, not minutes, naming the host:port and the phase; the job's {@code retry} is kept.
 */
class SftpSilentHostIT {
    @TempDir
    Path dir;

    private Cli.Result backup(SilentServer silent, String storeExtra, int attempts) throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 3);
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app:
                    engine: sqlite
                    path: app.db
                stores:
                  nas:
                    type: sftp
                    host: 127.0.0.1
                    port: %d
                    user: backup
                    path: backups
                    password_env: SFTP_PASSWORD
                    host_key_fingerprint: "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"
                %s
                jobs:
                  app:
                    datasource: app
                    store: nas
                    retry: {max_attempts: %d, delay: 1s}
                """.formatted(silent.port(), storeExtra, attempts));
        Files.setPosixFilePermissions(dir.resolve("config.yaml"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return new Cli().workingDir(dir).env("SFTP_PASSWORD", "pw-Secret-1").run("-c", "config.yaml", "backup", "app");
    }

    @Test
    void aHostThatSendsNoBannerFailsWithinTheConnectTimeoutNamingThePhase() throws Exception {
        try (SilentServer silent = new SilentServer()) {
            long start = System.nanoTime();
            Cli.Result r = backup(silent, "", 1);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            System.out.println("took " + took + "\n" + r);
            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).as(r.toString())
                    .contains("cannot reach store sftp backup@127.0.0.1:" + silent.port() + ":backups: cannot connect: "
                            + "no SSH banner within 15 s (the port took the connection but no SSH server answered")
                    .contains("'connect_timeout' sets how long")
                    .doesNotContain("pw-Secret-1");
            assertThat(took).as("one connection's connect_timeout, not one per operation: took " + took + "\n" + r)
                    .isLessThan(Duration.ofSeconds(25));
        }
    }
}
