package io.dbbackup.engine.postgres;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SilentServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A PostgreSQL datasource whose port accepts the TCP connection and never answers (a black-holed port, a service that is no
 * PostgreSQL): the backup fails within libpq's connect timeout (30 s) plus a little, and the error says the server accepted
 * the connection but did not answer, and names the host and port keys and their config places, for the logical path
 * (psql's probe and pg_dump, libpq) and both clients of a physical job (the built-in replication client, pg_basebackup).
 */
class PostgresSilentServerIT {
    @TempDir
    Path dir;

    private Cli.Result backup(String method) throws Exception {
        try (SilentServer silent = new SilentServer()) {
            Files.writeString(dir.resolve("config.yaml"), """
                    datasources:
                      pg:
                        engine: postgres
                        host: 127.0.0.1
                        port: %d
                        user: postgres
                    %s
                    stores:
                      local: {type: local, path: store, fsync: false}
                    jobs:
                      j:
                        datasource: pg
                        store: local
                        retry: {max_attempts: 1}
                    """.formatted(silent.port(), method));
            Files.setPosixFilePermissions(dir.resolve("config.yaml"),
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            long start = System.nanoTime();
            Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "j");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            System.out.println("took " + took + "\n" + r);
            assertThat(took).as(r.toString()).isLessThan(Duration.ofSeconds(75));
            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).as(r.toString())
                    .contains("the server at 127.0.0.1:" + silent.port() + " accepted the connection but did not answer within 30 s")
                    .contains("is it PostgreSQL?")
                    .contains("check datasources.pg.host at config.yaml:4:11 and datasources.pg.port at config.yaml:5:11");
            return r;
        }
    }

    @Test
    void aLogicalBackupNamesASilentServerAndTheHostAndPortKeys() throws Exception {
        backup("    database: app");
    }

    @ParameterizedTest
    @ValueSource(strings = {"auto", "pg_basebackup"})
    void aPhysicalBackupNamesASilentServerAndTheHostAndPortKeys(String client) throws Exception {
        backup("    method: physical\n    base_backup_client: " + client);
    }
}
