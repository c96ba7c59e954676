package io.dbbackup.engine.mysql;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.FreePort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A MariaDB datasource whose server cannot be reached (nothing listens on its port; its host name does not resolve): the
 * error names the host and port keys and their config places, as a refused password names its key. Real client, through
 * the CLI; no server is needed to be refused.
 */
class MySqlUnreachableIT {
    @TempDir
    Path dir;

    private Cli.Result backup(String host, int port) throws Exception {
        Path c = dir.resolve("config.yaml");
        Files.writeString(c, """
                datasources:
                  shop:
                    engine: mariadb
                    host: %s
                    port: %d
                    user: backup
                    password_env: DB_PW
                    database: shop
                stores:
                  local: {type: local, path: store, fsync: false}
                jobs:
                  shop:
                    datasource: shop
                    store: local
                    retry: {max_attempts: 1}
                """.formatted(host, port));
        Files.setPosixFilePermissions(c, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Cli.Result r = new Cli().workingDir(dir).env("DB_PW", "some-Pa55word").run("-c", "config.yaml", "backup", "shop");
        System.out.println(r.out() + r.err());
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err() + r.out()).doesNotContain("some-Pa55word");
        return r;
    }

    @Test
    void aRefusedConnectionNamesTheHostAndPortKeys() throws Exception {
        Cli.Result r = backup("127.0.0.1", FreePort.pick());
        assertThat(r.err()).as(r.toString()).contains("Can't connect").contains("; check datasources.shop.host at "
                + "config.yaml:4:11 and datasources.shop.port at config.yaml:5:11");
    }

    /**
     * A port that takes the connection and never sends the server's greeting (a black-holed port, another service): the
     * client's connect timeout (30 s) ends the wait, which before held the run for ever, and the error says what happened.
     */
    @Test
    @org.junit.jupiter.api.Timeout(value = 150, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void aServerThatNeverAnswersIsNamedAsSuchWithTheHostAndPortKeys() throws Exception {
        try (io.dbbackup.testkit.SilentServer silent = new io.dbbackup.testkit.SilentServer()) {
            long start = System.nanoTime();
            Cli.Result r = backup("127.0.0.1", silent.port());
            java.time.Duration took = java.time.Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).as(r.toString()).isLessThan(java.time.Duration.ofSeconds(75));
            assertThat(r.err()).as(r.toString()).contains("the server at 127.0.0.1:" + silent.port() + " accepted the "
                    + "connection but did not answer within 30 s: is it MariaDB?").contains("; check datasources.shop.host at "
                    + "config.yaml:4:11 and datasources.shop.port at config.yaml:5:11");
        }
    }

    @Test
    void aHostNameThatDoesNotResolveNamesTheHostAndPortKeys() throws Exception {
        Cli.Result r = backup("no-such-host.invalid", 3306);
        assertThat(r.err()).as(r.toString()).contains("no-such-host.invalid").contains("; check datasources.shop.host at "
                + "config.yaml:4:11 and datasources.shop.port at config.yaml:5:11");
    }
}
