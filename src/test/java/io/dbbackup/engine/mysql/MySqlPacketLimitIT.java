package io.dbbackup.engine.mysql;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit's F6: a row with a 9 MiB blob is one 18 MiB line of the dump ({@code --hex-blob}), past the 16 MiB
 * {@code max_allowed_packet} a MariaDB server has by default. The backup is fine; its restore fails naming the server's
 * limit and the fix, and drops the database it created instead of leaving it half restored; once the server's limit is
 * raised it restores (the client's own limit, 16 MiB by default too, is not in the way).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MySqlPacketLimitIT extends MySqlCliFixture {
    @BeforeAll
    void source() {
        freshShop("CREATE TABLE t_big (id int primary key, b longblob); CREATE TABLE z (id int); INSERT INTO z VALUES (1);"
                + "INSERT INTO t_big VALUES (1, REPEAT(UNHEX('00FF'), 9 * 1024 * 1024 / 2))");
    }

    @Test
    void aRowPastTheServersPacketLimitFailsSayingHowToFixItAndLeavesNoDatabaseBehind() throws IOException {
        cli = configure("""
                  copy:
                    <<: *db
                    database: big_copy
                """);
        assertThat(server.rootSql("SELECT @@GLOBAL.max_allowed_packet").strip()).isEqualTo(Long.toString(16L << 20));
        runBackup("shop");
        Cli.Result v = cli.run("-c", "config.yaml", "verify", "shop", "--deep");
        assertThat(v.exit()).as(v.toString()).isZero();

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "shop", "--to", "copy", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("is larger than the target server's max_allowed_packet (16.0 MiB)",
                "SET GLOBAL max_allowed_packet = 67108864", "database `big_copy`, which this restore created, was dropped again");
        assertThat(server.rootSql("SHOW DATABASES LIKE 'big_copy'")).as("no half-restored database").isEmpty();

        server.rootSql("CREATE DATABASE big_copy");
        Cli.Result into = cli.run("-c", "config.yaml", "restore", "shop", "--to", "copy", "--auto-confirm");
        assertThat(into.exit()).as(into.toString()).isEqualTo(2);
        assertThat(into.err()).contains("SET GLOBAL max_allowed_packet", "database `big_copy` keeps what loaded before the error")
                .doesNotContain("dropped again");
        assertThat(server.rootSql("SHOW DATABASES LIKE 'big_copy'").strip()).as("it was there before: kept").isEqualTo("big_copy");

        server.rootSql("DROP DATABASE big_copy; SET GLOBAL max_allowed_packet = 67108864");
        Cli.Result fixed = cli.run("-c", "config.yaml", "restore", "shop", "--to", "copy", "--auto-confirm");
        assertThat(fixed.exit()).as(fixed.toString()).isZero();
        assertThat(server.rootSql("SELECT LENGTH(b), MD5(b) FROM big_copy.t_big").strip())
                .isEqualTo(server.rootSql("SELECT LENGTH(b), MD5(b) FROM shop.t_big").strip()).startsWith("9437184\t");
        assertThat(server.rootSql("SELECT id FROM big_copy.z").strip()).isEqualTo("1");
    }
}
