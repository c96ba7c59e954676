package io.dbbackup.engine.postgres;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.FreePort;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A physical job whose server cannot be reached names the {@code host} and {@code port} keys and their config places, as a
 * logical one does ({@link PostgresFailureMailIT}): whichever client meets it, the built-in replication client (its own
 * socket, no libpq words) or pg_basebackup's probe (psql, libpq's line). A free loopback port where nothing listens; the
 * real client tools.
 */
class PhysicalUnreachableIT {
    @TempDir
    Path dir;

    private Path config(String host, int port, String client) throws Exception {
        Path c = dir.resolve("config.yaml");
        Files.writeString(c, """
                datasources:
                  pg:
                    engine: postgres
                    method: physical
                    host: %s
                    port: %d
                    user: postgres
                    base_backup_client: %s
                stores:
                  local: {type: local, path: store, fsync: false}
                jobs:
                  phys:
                    datasource: pg
                    store: local
                    retry: {max_attempts: 1}
                """.formatted(host, port, client));
        Files.setPosixFilePermissions(c, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return c;
    }

    @ParameterizedTest
    @ValueSource(strings = {"auto", "pg_basebackup"})
    void aRefusedConnectionNamesTheHostAndPortKeys(String client) throws Exception {
        int closed = FreePort.pick();
        config("127.0.0.1", closed, client);
        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "phys");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).as(r.toString())
                .contains("cannot open a replication connection to PostgreSQL postgres@127.0.0.1:" + closed)
                .contains("Connection refused; check datasources.pg.host at config.yaml:5:11 "
                        + "and datasources.pg.port at config.yaml:6:11");
    }

    @ParameterizedTest
    @ValueSource(strings = {"auto", "pg_basebackup"})
    void aHostNameThatDoesNotResolveNamesTheHostKey(String client) throws Exception {
        config("no-such-host.invalid", 5432, client);
        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "phys");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).as(r.toString())
                .contains("could not translate host name \"no-such-host.invalid\" to address")
                .contains("; check datasources.pg.host at config.yaml:5:11 and datasources.pg.port at config.yaml:6:11");
    }
}
