package io.dbbackup.engine.mysql;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The restore host's client ({@code mariadb}) against a real MariaDB: a target datasource whose {@code bin_dir} holds
 * no client stops the restore before the backup is read (a backup of hundreds of GB is not fetched and checked for an
 * hour only to be told then that nothing can load it), and the target is not touched.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MySqlRestoreClientIT extends MySqlCliFixture {

    @Test
    void aTargetWithoutItsClientStopsTheRestoreBeforeTheBackupIsRead() throws Exception {
        freshShop("CREATE TABLE t(id int primary key); INSERT INTO t VALUES (1);");
        Path empty = Files.createDirectories(dir.resolve("bin-empty"));
        cli = configure("", """
                  noclient:
                    <<: *db
                    database: shop_noclient
                    bin_dir: %s
                """.formatted(empty), "");
        runBackup("shop");

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "shop", "--to", "noclient", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("mariadb not found in bin_dir " + empty)
                .as("stopped before the backup's read").doesNotContain("checking backup before restore");
        assertThat(rows(null, "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'shop_noclient'"))
                .isEqualTo("0");

        Cli.Result dry = cli.run("-c", "config.yaml", "restore", "shop", "--to", "noclient", "--dry-run");
        assertThat(dry.exit()).as(dry.toString()).isEqualTo(2);
        assertThat(dry.err()).contains("mariadb not found in bin_dir").doesNotContain("checking backup before restore");
    }

    /**
     * A restore into a database that is there, stopped midway (here: the account may not create the backup's view, the
     * last object; a signal or a lost server stops it the same way): the error says the database is partly restored —
     * the backup's tables it reached replaced, the others as they were — not only that it "keeps what loaded".
     */
    @Test
    void aRestoreStoppedMidwayIntoADatabaseThatIsThereSaysItIsPartlyRestored() throws Exception {
        server.rootSql("DROP DATABASE IF EXISTS half_src; DROP DATABASE IF EXISTS half_live; CREATE DATABASE half_src;"
                + " CREATE DATABASE half_live; CREATE TABLE half_live.mine(id int); INSERT INTO half_live.mine VALUES (7);"
                + " CREATE TABLE half_live.a(id int); INSERT INTO half_live.a VALUES (99);"
                + " DROP USER IF EXISTS 'noview'@'127.0.0.1'; CREATE USER 'noview'@'127.0.0.1' IDENTIFIED BY 'nv';"
                + " GRANT SELECT, INSERT, CREATE, DROP, ALTER, INDEX, LOCK TABLES ON half_live.* TO 'noview'@'127.0.0.1';");
        server.load("half_src", "CREATE TABLE a(id int primary key); INSERT INTO a VALUES (1), (2);"
                + " CREATE VIEW v AS SELECT id FROM a;");
        cli = configure("", """
                  half:
                    <<: *db
                    database: half_src
                  live:
                    <<: *db
                    database: half_live
                    user: noview
                    password_env: NV_PW
                """, """
                  half: {datasource: half, store: local}
                """);
        runBackup("half");

        Cli.Result r = cli.env("NV_PW", "nv").run("-c", "config.yaml", "restore", "half", "--to", "live", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("database `half_live` keeps what loaded before the error and is partly restored",
                "the backup's tables the load reached were dropped and created again", "with --clean for exactly the backup");
        assertThat(rows("half_live", "SELECT (SELECT GROUP_CONCAT(id ORDER BY id) FROM a), (SELECT id FROM mine)"))
                .as("the state it names").isEqualTo("1,2\t7");
    }
    /**
     * A restore that the server stops with an SQL error midway (here a statement of the backup naming a table that is
     * not there, stored with a matching checksum): the error line is led by what failed, as a PostgreSQL or SQLite
     * restore's is — "restore of KEY into mariadb DB on HOST:PORT failed: …" — once, and the server named once. It was the
     * client's words alone, "mariadb 127.0.0.1:PORT: ERROR 1146 …", without the backup or the target it was restored into.
     */
    @Test
    void aRestoreStoppedByAnSqlErrorIsSaidAsTheRestoreOfTheBackupIntoItsTarget() throws Exception {
        freshShop("CREATE TABLE t(id int primary key); INSERT INTO t VALUES (1), (2);");
        server.rootSql("DROP DATABASE IF EXISTS shop_broken;");
        cli = configure("", """
                  broken:
                    <<: *db
                    database: shop_broken
                """, "");
        runBackup("shop");
        Path artifact;
        try (var files = Files.walk(dir.resolve("store"))) {
            artifact = files.filter(f -> f.getFileName().toString().matches("shop-.*\\.sql\\.(zst|gz)")).findFirst()
                    .orElseThrow();
        }
        io.dbbackup.testkit.Reseal.rewrite(artifact, dump -> new String(dump, java.nio.charset.StandardCharsets.UTF_8)
                .replaceFirst("\nUNLOCK TABLES;\n", "\nUNLOCK TABLES;\nINSERT INTO `no_such_table` VALUES (1);\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String key = dir.resolve("store").relativize(artifact).toString();

        Cli.Result r = cli.run("-q", "-c", "config.yaml", "restore", "shop", "--to", "broken", "--auto-confirm",
                "--no-progress");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        String first = r.err().lines().findFirst().orElse("");
        assertThat(first).as(r.toString()).matches("error: restore of \\Q" + key + "\\E into mariadb shop_broken on "
                + "127\\.0\\.0\\.1:" + server.port() + " failed: ERROR 1146 \\(42S02\\) at line \\d+: Table "
                + "'shop_broken\\.no_such_table' doesn't exist; database `shop_broken`, which this restore created, was "
                + "dropped again");
        assertThat(rows(null, "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'shop_broken'"))
                .isEqualTo("0");
    }

    /**
     * A restore of a backup of all databases whose read of the backup fails midway (a download cut after half of it):
     * the client applied the statements it was given, so the server holds the part read before the failure, and the
     * error says so. It said only the read's failure: the dump names its databases only as it is read, so none was said
     * to be partly restored.
     */
    @Test
    void anAllDatabasesRestoreWhoseReadFailsMidwaySaysTheServerHoldsThePartRead() throws Exception {
        server.rootSql("DROP DATABASE IF EXISTS whole_a; DROP DATABASE IF EXISTS whole_b; CREATE DATABASE whole_a;"
                + " CREATE DATABASE whole_b;");
        server.rootSql("whole_a", "CREATE TABLE whole_a.t (id INT PRIMARY KEY, v VARCHAR(64));"
                + " INSERT INTO whole_a.t SELECT seq, MD5(seq) FROM seq_1_to_100000;"
                + " CREATE TABLE whole_b.t (id INT PRIMARY KEY, v VARCHAR(64));"
                + " INSERT INTO whole_b.t SELECT seq, MD5(seq) FROM seq_1_to_100000;");
        String config = """
                datasources:
                  every: {engine: mariadb, host: 127.0.0.1, port: %d, user: %s, password_env: DB_PW, all_databases: true, compression: none}
                stores:
                  s: %s
                jobs:
                  every: {datasource: every, store: s, verify: false}
                """;
        Files.writeString(dir.resolve("config.yaml"), config.formatted(server.port(), server.user(), "{type: local, path: store}"));
        cli = new Cli().workingDir(dir).env("DB_PW", server.password());
        runBackup("every");
        long size;
        try (var files = Files.walk(dir.resolve("store"))) {
            size = files.filter(f -> f.toString().endsWith(".sql")).findFirst().orElseThrow().toFile().length();
        }
        Files.writeString(dir.resolve("config.yaml"), config.formatted(server.port(), server.user(),
                "{type: faulty, path: store, fail_read_after: " + size * 3 / 4 + ", fail_read_from: 2}"));

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "every", "--auto-confirm", "--no-progress");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).as(r.toString()).contains("faulty store: connection reset while downloading",
                "; the server holds the part of the backup read before the failure: the backup's databases the load "
                        + "reached are partly restored");
        assertThat(rows("whole_a", "SELECT (SELECT COUNT(*) FROM whole_a.t) + (SELECT COUNT(*) FROM whole_b.t)"))
                .as("the state it names: a table cut short").isNotEqualTo("200000");
    }
}
