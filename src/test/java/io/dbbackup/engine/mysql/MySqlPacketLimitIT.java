package io.dbbackup.engine.mysql;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.MariaDbServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit's F6: a row with a 9 MiB blob is one 18 MiB line of the dump ({@code --hex-blob}), past the 16 MiB
 * {@code max_allowed_packet} a MariaDB server has by default. The backup is fine; its restore fails naming the server's
 * limit and the fix, and drops the database it created instead of leaving it half restored; once the server's limit is
 * raised it restores (the client's own limit, 16 MiB by default too, is not in the way).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MySqlPacketLimitIT {
    MariaDbServer server;
    @TempDir
    Path dir;

    @BeforeAll
    void start() {
        server = MariaDbServer.start();
        server.createDatabase("big");
        server.rootSql("big", "CREATE TABLE t_big (id int primary key, b longblob); CREATE TABLE z (id int); INSERT INTO z VALUES (1);"
                + "INSERT INTO t_big VALUES (1, REPEAT(UNHEX('00FF'), 9 * 1024 * 1024 / 2))");
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aRowPastTheServersPacketLimitFailsSayingHowToFixItAndLeavesNoDatabaseBehind() throws IOException {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  big: &db
                    engine: mariadb
                    host: 127.0.0.1
                    port: %d
                    user: backup
                    password_env: DB_PW
                    database: big
                  copy:
                    <<: *db
                    database: big_copy
                stores:
                  local: {type: local, path: store}
                jobs:
                  big: {datasource: big, store: local}
                """.formatted(server.port()));
        assertThat(server.rootSql("SELECT @@GLOBAL.max_allowed_packet").strip()).isEqualTo(Long.toString(16L << 20));
        Cli cli = new Cli().workingDir(dir).env("DB_PW", server.password());
        Cli.Result b = cli.run("-c", "config.yaml", "backup", "big");
        assertThat(b.exit()).as(b.toString()).isZero();
        Cli.Result v = cli.run("-c", "config.yaml", "verify", "big", "--deep");
        assertThat(v.exit()).as(v.toString()).isZero();

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "big", "--to", "copy", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("is larger than the target server's max_allowed_packet (16.0 MiB)",
                "SET GLOBAL max_allowed_packet = 67108864", "database `big_copy`, which this restore created, was dropped again");
        assertThat(server.rootSql("SHOW DATABASES LIKE 'big_copy'")).as("no half-restored database").isEmpty();

        server.rootSql("CREATE DATABASE big_copy");
        Cli.Result into = cli.run("-c", "config.yaml", "restore", "big", "--to", "copy", "--auto-confirm");
        assertThat(into.exit()).as(into.toString()).isEqualTo(2);
        assertThat(into.err()).contains("SET GLOBAL max_allowed_packet", "database `big_copy` keeps what loaded before the error")
                .doesNotContain("dropped again");
        assertThat(server.rootSql("SHOW DATABASES LIKE 'big_copy'").strip()).as("it was there before: kept").isEqualTo("big_copy");

        server.rootSql("DROP DATABASE big_copy; SET GLOBAL max_allowed_packet = 67108864");
        Cli.Result fixed = cli.run("-c", "config.yaml", "restore", "big", "--to", "copy", "--auto-confirm");
        assertThat(fixed.exit()).as(fixed.toString()).isZero();
        assertThat(server.rootSql("SELECT LENGTH(b), MD5(b) FROM big_copy.t_big").strip())
                .isEqualTo(server.rootSql("SELECT LENGTH(b), MD5(b) FROM big.t_big").strip()).startsWith("9437184\t");
        assertThat(server.rootSql("SELECT id FROM big_copy.z").strip()).isEqualTo("1");
    }
}
