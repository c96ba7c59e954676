package io.dbbackup.engine.postgres;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.spi.Engine;
import io.dbbackup.testkit.ForeignBinaries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A {@code bin_dir} whose psql cannot run on this host fails the backup at the version probe once (not retried), saying
 * that the client cannot run, not that the server refused a connection.
 */
class ForeignClientTest {
    @TempDir
    Path dir;

    @Test
    void aPsqlBuiltForAnotherCpuIsNoRefusedConnection() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        String cpu = ForeignBinaries.forAnotherCpu(bin.resolve("psql"));
        assertThatThrownBy(() -> backup(bin))
                .isInstanceOfSatisfying(DbBackupException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).startsWith("cannot run psql for PostgreSQL ")
                            .contains("not a program for this machine: " + bin.resolve("psql") + " is built for " + cpu)
                            .doesNotContain("cannot connect");
                });
    }

    @Test
    void aPsqlEndedBySigillIsNotRetried() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        script(bin.resolve("psql"), "kill -ILL $$\n");
        assertThatThrownBy(() -> backup(bin))
                .isInstanceOfSatisfying(DbBackupException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).startsWith("cannot run psql for PostgreSQL ")
                            .contains("crashed with SIGILL (signal 4)");
                });
    }

    private void backup(Path bin) throws IOException {
        script(bin.resolve("pg_dump"), "echo 'pg_dump (PostgreSQL) 15.14'\n");
        Engine engine = PgTestEngines.fromYaml(dir, Map.of(), """
                datasources:
                  pg:
                    engine: postgres
                    host: 127.0.0.1
                    port: 5432
                    user: app
                    database: app
                    bin_dir: %s
                """.formatted(bin));
        engine.dump(new ByteArrayOutputStream(), PgTestEngines.context(dir));
    }

    private static void script(Path exe, String body) throws IOException {
        Files.writeString(exe, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
