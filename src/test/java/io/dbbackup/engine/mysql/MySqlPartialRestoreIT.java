package io.dbbackup.engine.mysql;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code restore --table/--data-only} of a MariaDB backup of one database against a real server (mariadb-dump writes the
 * backup, the real client loads the part): a dropped table comes back with its rows and trigger while the other tables
 * keep what they gained since; a table that exists stops the restore untouched; a truncated table's rows come back in
 * place; a name the dump does not hold, --schema and a backup of several databases are refused before anything is touched.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MySqlPartialRestoreIT extends MySqlCliFixture {
    static final String SCHEMA = """
            DROP TABLE IF EXISTS orders; DROP TABLE IF EXISTS customers; DROP VIEW IF EXISTS big_orders;
            CREATE TABLE customers(id int primary key, name varchar(100) not null);
            CREATE TABLE orders(id int primary key, customer_id int not null, total decimal(10,2),
                                FOREIGN KEY (customer_id) REFERENCES customers(id));
            CREATE TRIGGER orders_positive BEFORE INSERT ON orders FOR EACH ROW SET NEW.total = ABS(NEW.total);
            CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100;
            INSERT INTO customers SELECT seq, CONCAT('customer ', seq) FROM seq_1_to_50;
            INSERT INTO orders SELECT seq, 1 + seq % 50, seq * 1.5 FROM seq_1_to_300;
            """;

    @BeforeAll
    void start() {
        server.createDatabase("shop");
        server.createDatabase("other");
    }

    @BeforeEach
    void backUp() throws Exception {
        server.load("shop", SCHEMA);
        server.rootSql("DROP DATABASE IF EXISTS scratch");
        String shopSettings = """
                    compression: zstd
                """;
        String datasources = """
                  seqs:
                    <<: *db
                    database: seqs
                  hist:
                    <<: *db
                    database: hist
                  histh:
                    <<: *db
                    database: hist
                    dump_history: true
                  ai:
                    <<: *db
                    database: ai
                  nv:
                    <<: *db
                    database: nv
                  both:
                    engine: mariadb
                    host: 127.0.0.1
                    port: %d
                    user: backup
                    password_env: DB_PW
                    databases: [shop, other]
                """.formatted(server.port());
        String jobs = """
                  both: {datasource: both, store: local, prefix: both}
                  seqs: {datasource: seqs, store: local}
                  hist: {datasource: hist, store: local}
                  histh: {datasource: histh, store: local, prefix: with-history}
                  ai: {datasource: ai, store: local}
                  nv: {datasource: nv, store: local}
                """;
        cli = configure(shopSettings, datasources, jobs);
        runBackup("shop");
    }

    private String sql(String database, String query) {
        return rows(database, query);
    }

    private String fingerprint(String database) {
        return sql(database, "SELECT (SELECT COUNT(*) FROM customers), (SELECT COUNT(*) FROM orders), (SELECT SUM(total) FROM orders)");
    }

    @Test
    void aDroppedTableComesBackWithItsRowsAndTriggerWhileTheOthersKeepTheirNewRows() {
        String before = sql("shop", "SELECT COUNT(*), SUM(total) FROM orders");
        server.rootSql("shop", "DROP TABLE orders; INSERT INTO customers VALUES (51, 'came after the backup')");

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "shop", "--table", "orders", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("restored table orders from shop/shop-").contains(" into mariadb");
        assertThat(sql("shop", "SELECT COUNT(*), SUM(total) FROM orders")).isEqualTo(before);
        assertThat(sql("shop", "SELECT COUNT(*) FROM customers")).isEqualTo("51"); // not replaced by the backup's 50
        assertThat(sql("shop", "SELECT name FROM customers WHERE id = 51")).isEqualTo("came after the backup");
        server.rootSql("shop", "INSERT INTO orders VALUES (1000, 1, -5)");
        assertThat(sql("shop", "SELECT total FROM orders WHERE id = 1000")).as("the trigger came back").isEqualTo("5.00");
        assertThat(sql("shop", "SELECT COUNT(*) FROM big_orders")).as("the view still works").isNotEqualTo("0");
    }

    @Test
    void aDroppedViewComesBackAndOneThatExistsIsLeftAsItWas() {
        server.rootSql("shop", "DROP VIEW big_orders");

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "shop", "--table", "big_orders", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(sql("shop", "SHOW FULL TABLES WHERE Table_type = 'VIEW'")).isEqualTo("big_orders\tVIEW");
        assertThat(sql("shop", "SELECT COUNT(*) FROM big_orders")).isEqualTo(sql("shop", "SELECT COUNT(*) FROM orders WHERE total > 100"))
                .isNotEqualTo("0");

        server.rootSql("shop", "CREATE OR REPLACE VIEW big_orders AS SELECT * FROM orders WHERE total > 400");
        Cli.Result again = cli.run("-c", "config.yaml", "restore", "shop", "--table", "big_orders", "--auto-confirm");
        assertThat(again.exit()).as(again.toString()).isEqualTo(2);
        assertThat(again.err()).contains("'big_orders' already exists");
        assertThat(sql("shop", "SELECT VIEW_DEFINITION LIKE '%400%' FROM information_schema.VIEWS WHERE TABLE_NAME = 'big_orders'"))
                .as("the view in place was not replaced").isEqualTo("1");

        Cli.Result rows = cli.run("-c", "config.yaml", "restore", "shop", "--table", "big_orders", "--data-only", "--auto-confirm");
        assertThat(rows.exit()).as(rows.toString()).isEqualTo(1);
        assertThat(rows.err()).contains("the backup holds no rows of view big_orders (a view has none");
    }

    @Test
    void oneTableIntoAnEmptyScratchDatabase() {
        Cli.Result r = cli.run("-c", "config.yaml", "restore", "shop", "--to", "scratch", "--table", "customers");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(sql("scratch", "SHOW FULL TABLES")).isEqualTo("customers\tBASE TABLE");
        assertThat(sql("scratch", "SELECT COUNT(*) FROM customers")).isEqualTo("50");
    }

    @Test
    void aTableThatExistsStopsTheRestoreAndIsLeftAsItWas() {
        server.rootSql("shop", "DELETE FROM orders WHERE id > 10");

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "shop", "--table", "orders", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("'orders' already exists")
                .as("the error names the ways on: the rows into the table there, or elsewhere")
                .contains("a restore in part (--table, --schema) does not replace what is in place: add --data-only to "
                        + "load the backup's rows into the table that is there").contains("restore into another datasource with --to");
        assertThat(r.err().strip().lines().filter(l -> l.startsWith("error:")).count()).as("one line").isEqualTo(1);
        assertThat(sql("shop", "SELECT COUNT(*) FROM orders")).isEqualTo("10");
    }

    @Test
    void aTruncatedTablesRowsComeBackInPlaceWithoutTouchingItsDefinition() {
        String before = fingerprint("shop");
        server.rootSql("shop", "DELETE FROM orders; ALTER TABLE orders COMMENT = 'the one in production'");

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "shop", "--table", "orders", "--data-only", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("restored rows of table orders from shop/shop-");
        assertThat(r.err()).as("the trigger that fired is named").contains("a trigger fires for every restored row")
                .contains("table=shop.orders trigger=orders_positive");
        assertThat(fingerprint("shop")).isEqualTo(before);
        assertThat(sql("shop", "SELECT TABLE_COMMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'shop' AND "
                + "TABLE_NAME = 'orders'")).as("the table was not recreated").isEqualTo("the one in production");
        assertThat(sql("shop", "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'shop'")).isEqualTo("1");
    }

    /**
     * A restore in part brings back tables, not the database: the default character set and collation the backup's header
     * applies to the database it loads into ({@code ALTER DATABASE}, for a whole restore) used to come along, so a table's
     * rows put back — even a rows-only load that failed and was rolled back — set the live database's defaults back to the
     * backup's, and every table and routine created after it took them.
     */
    @Test
    void aRestoreInPartLeavesTheDatabasesDefaultCharacterSetAlone() {
        String defaults = "SELECT CONCAT(DEFAULT_CHARACTER_SET_NAME, ' ', DEFAULT_COLLATION_NAME) FROM information_schema.SCHEMATA"
                + " WHERE SCHEMA_NAME = 'shop'";
        String atBackup = sql(null, defaults);
        try {
            server.rootSql("shop", "ALTER DATABASE shop CHARACTER SET latin1 COLLATE latin1_german1_ci; DELETE FROM orders;"
                    + " DROP VIEW big_orders");

            Cli.Result rows = cli.run("-c", "config.yaml", "restore", "shop", "--table", "orders", "--data-only", "--auto-confirm");
            assertThat(rows.exit()).as(rows.toString()).isZero();
            assertThat(sql(null, defaults)).as("after rows only").isEqualTo("latin1 latin1_german1_ci");

            Cli.Result failed = cli.run("-c", "config.yaml", "restore", "shop", "--table", "orders", "--data-only", "--auto-confirm");
            assertThat(failed.exit()).as(failed.toString()).isEqualTo(2);
            assertThat(sql(null, defaults)).as("after rows only, rolled back").isEqualTo("latin1 latin1_german1_ci");

            Cli.Result view = cli.run("-c", "config.yaml", "restore", "shop", "--table", "big_orders", "--auto-confirm");
            assertThat(view.exit()).as(view.toString()).isZero();
            assertThat(sql(null, defaults)).as("after --table").isEqualTo("latin1 latin1_german1_ci");
            assertThat(atBackup).isNotEqualTo("latin1 latin1_german1_ci");
        } finally {
            server.rootSql("ALTER DATABASE shop CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci");
        }
    }

    /**
     * Rows only go into the table as it is now. The dump's INSERTs named no columns, so a table whose columns were
     * reordered since the backup ({@code MODIFY … AFTER}, or one column dropped and another added) took each value by
     * position: {@code a}'s values went into {@code b} and back, exit 0. The dump now names the columns of each INSERT
     * ({@code --complete-insert}): each value goes into its column by name.
     */
    @Test
    void rowsOnlyGoIntoTheirColumnsByNameWhenTheTablesColumnsWereReorderedSinceTheBackup() throws InterruptedException {
        server.rootSql("shop", "DROP TABLE IF EXISTS drift; CREATE TABLE drift (id int primary key, a int, b varchar(5));"
                + " INSERT INTO drift VALUES (1, 10, '20')");
        Thread.sleep(1100); // a backup's key has the second: not the one @BeforeEach just stored
        runBackup("shop");
        server.rootSql("shop", "DELETE FROM drift; ALTER TABLE drift MODIFY b varchar(5) AFTER id");

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "shop", "--table", "drift", "--data-only", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(sql("shop", "SELECT id, a, b FROM drift")).isEqualTo("1\t10\t20");
        server.rootSql("shop", "DROP TABLE drift");
    }

    @Test
    void rowsOnlyLoadAllOrNothing() {
        // customers (loaded first) is empty, orders still holds one of its rows: its duplicate stops the load
        server.rootSql("shop", "DELETE FROM orders WHERE id < 300; SET FOREIGN_KEY_CHECKS = 0; DELETE FROM customers");

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "shop", "--data-only", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("Duplicate entry '300'", "; rows only load in one transaction, rolled back: nothing "
                + "was applied (a table of an engine without transactions, MyISAM, keeps the rows loaded before the error)");
        assertThat(sql("shop", "SELECT COUNT(*) FROM customers")).as("rolled back").isEqualTo("0");
        assertThat(sql("shop", "SELECT COUNT(*) FROM orders")).isEqualTo("1");
    }

    @Test
    void aNameTheBackupDoesNotHoldIsRefusedBeforeAnythingIsTouched() {
        server.rootSql("shop", "DROP TABLE orders");

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "shop", "--table", "orders", "--table", "invoices",
                "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("the backup holds no table invoices (it holds tables customers, orders; views big_orders); "
                + "nothing was restored");
        assertThat(sql("shop", "SHOW TABLES LIKE 'orders'")).as("orders was not restored either").isEmpty();
    }

    @Test
    void showListsTheTablesAndViewsOfTheDump() {
        Cli.Result one = cli.run("-c", "config.yaml", "show", "shop", "--contents");
        assertThat(one.exit()).as(one.toString()).isZero();
        assertThat(one.out()).contains("contents    table customers\n            table orders\n            view big_orders\n");

        server.rootSql("other", "DROP TABLE IF EXISTS notes; CREATE TABLE notes(id int); CREATE TABLE IF NOT EXISTS skipped(id int)");
        Cli.Result b = cli.run("-c", "config.yaml", "backup", "both");
        assertThat(b.exit()).as(b.toString()).isZero();
        Cli.Result both = cli.run("-c", "config.yaml", "show", "both", "--contents", "--json");
        assertThat(both.exit()).as(both.toString()).isZero();
        assertThat(both.out()).contains("\"table other.notes\"", "\"table shop.orders\"", "\"view shop.big_orders\"");
    }

    @Test
    void aSchemaOfADumpOfOneDatabaseAndCleanAreRefused() {
        Cli.Result schema = cli.run("-c", "config.yaml", "restore", "shop", "--schema", "shop", "--auto-confirm");
        assertThat(schema.exit()).as(schema.toString()).isEqualTo(1);
        assertThat(schema.err()).contains("--schema: in MySQL/MariaDB a schema is a database");

        Cli.Result clean = cli.run("-c", "config.yaml", "restore", "shop", "--table", "orders", "--clean", "--auto-confirm");
        assertThat(clean.exit()).as(clean.toString()).isEqualTo(1);
        assertThat(clean.err()).contains("cannot be combined with --clean");
        assertThat(fingerprint("shop")).isEqualTo("50\t300\t67725.00");
    }

    @Test
    void aDumpOfSeveralDatabasesGivesBackATableOrADatabase() {
        server.rootSql("other", "DROP TABLE IF EXISTS notes; DROP TABLE IF EXISTS skipped; "
                + "CREATE TABLE notes(id int primary key, body text); INSERT INTO notes VALUES (1, 'kept'), (2, 'too')");
        Cli.Result b = cli.run("-c", "config.yaml", "backup", "both");
        assertThat(b.exit()).as(b.toString()).isZero();
        server.rootSql("shop", "DROP TABLE orders");
        server.rootSql("other", "DROP TABLE notes");

        Cli.Result unqualified = cli.run("-c", "config.yaml", "restore", "both", "--table", "orders", "--auto-confirm");
        assertThat(unqualified.exit()).as(unqualified.toString()).isEqualTo(1);
        assertThat(unqualified.err()).contains("no table orders (the backup is of several databases: name the table as database.table)");

        Cli.Result table = cli.run("-c", "config.yaml", "restore", "both", "--table", "shop.orders", "--auto-confirm");
        assertThat(table.exit()).as(table.toString()).isZero();
        assertThat(fingerprint("shop")).isEqualTo("50\t300\t67725.00");
        assertThat(sql("other", "SHOW TABLES LIKE 'notes'")).as("not part of it").isEmpty();

        Cli.Result database = cli.run("-c", "config.yaml", "restore", "both", "--schema", "other", "--auto-confirm");
        assertThat(database.exit()).as(database.toString()).isZero();
        assertThat(sql("other", "SELECT GROUP_CONCAT(body ORDER BY id) FROM notes")).isEqualTo("kept,too");

        Cli.Result into = cli.run("-c", "config.yaml", "restore", "both", "--to", "scratch", "--table", "shop.orders",
                "--auto-confirm");
        assertThat(into.exit()).as(into.toString()).isEqualTo(1);
        assertThat(into.err()).contains("would write into");
    }

    /**
     * The audit's F2: mariadb-dump writes sequences before every table, and a restore in part kept them as preamble — every
     * live sequence was dropped and recreated at its backup-time value, so it handed out ids again.
     */
    @Test
    void aRestoreInPartLeavesLiveSequencesAloneAndBringsBackOnlyANamedOne() {
        server.rootSql("DROP DATABASE IF EXISTS seqs; CREATE DATABASE seqs");
        server.rootSql("seqs", "CREATE TABLE a_t (id int); INSERT INTO a_t VALUES (1); CREATE SEQUENCE b_seq; "
                + "CREATE TABLE m_t (id int); INSERT INTO m_t VALUES (2); SELECT SETVAL(b_seq, 100)");
        Cli.Result b = cli.run("-c", "config.yaml", "backup", "seqs");
        assertThat(b.exit()).as(b.toString()).isZero();
        server.rootSql("seqs", "SELECT SETVAL(b_seq, 5000); DROP TABLE a_t");

        Cli.Result table = cli.run("-c", "config.yaml", "restore", "seqs", "--table", "a_t", "--auto-confirm");
        assertThat(table.exit()).as(table.toString()).isZero();
        assertThat(sql("seqs", "SELECT COUNT(*) FROM a_t")).isEqualTo("1");
        assertThat(sql("seqs", "SELECT next_not_cached_value FROM b_seq")).as("not set back to the backup's 101").isEqualTo("5001");

        server.rootSql("seqs", "TRUNCATE m_t");
        Cli.Result rows = cli.run("-c", "config.yaml", "restore", "seqs", "--table", "m_t", "--data-only", "--auto-confirm");
        assertThat(rows.exit()).as(rows.toString()).isZero();
        assertThat(sql("seqs", "SELECT id FROM m_t")).isEqualTo("2");
        assertThat(sql("seqs", "SELECT next_not_cached_value FROM b_seq")).isEqualTo("5001");

        Cli.Result exists = cli.run("-c", "config.yaml", "restore", "seqs", "--table", "b_seq", "--auto-confirm");
        assertThat(exists.exit()).as(exists.toString()).isEqualTo(2);
        assertThat(exists.err()).contains("'b_seq' already exists");
        assertThat(sql("seqs", "SELECT next_not_cached_value FROM b_seq")).isEqualTo("5001");
        Cli.Result value = cli.run("-c", "config.yaml", "restore", "seqs", "--table", "b_seq", "--data-only", "--auto-confirm");
        assertThat(value.exit()).as(value.toString()).isEqualTo(1);
        assertThat(value.err()).contains("no rows of sequence b_seq");

        server.rootSql("seqs", "DROP SEQUENCE b_seq");
        Cli.Result named = cli.run("-c", "config.yaml", "restore", "seqs", "--table", "b_seq", "--auto-confirm");
        assertThat(named.exit()).as(named.toString()).isZero();
        assertThat(sql("seqs", "SELECT next_not_cached_value FROM b_seq")).as("the backup's value").isEqualTo("101");
        assertThat(sql("seqs", "SELECT COUNT(*) FROM a_t")).isEqualTo("1");
    }

    /**
     * The audit's F5, documented rather than fixed: a system-versioned table's history is not in the dump (no
     * --dump-history), so the backup says so, per table and in the manifest, and a restore has the current rows only
     * (unless the datasource says {@code dump_history: true}, below).
     */
    @Test
    void aSystemVersionedTablesHistoryIsNotBackedUpAndTheBackupSaysSo() {
        server.rootSql("DROP DATABASE IF EXISTS hist; CREATE DATABASE hist");
        server.rootSql("hist", "CREATE TABLE t_ver (id int primary key, v text) WITH SYSTEM VERSIONING; CREATE TABLE plain (id int);"
                + " INSERT INTO t_ver VALUES (1, 'first'); UPDATE t_ver SET v = 'second' WHERE id = 1");

        Cli.Result b = cli.run("-c", "config.yaml", "backup", "hist");

        assertThat(b.exit()).as(b.toString()).isZero();
        assertThat(b.err()).contains("system-versioned table: only its current rows are backed up, not its history",
                "table=hist.t_ver").doesNotContain("table=hist.plain");
        Cli.Result r = cli.run("-c", "config.yaml", "restore", "hist", "--to", "scratch", "--auto-confirm");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(sql("hist", "SELECT COUNT(*) FROM t_ver FOR SYSTEM_TIME ALL")).isEqualTo("2");
        assertThat(sql("scratch", "SELECT GROUP_CONCAT(v) FROM t_ver FOR SYSTEM_TIME ALL")).isEqualTo("second");
    }

    /**
     * With {@code dump_history: true} (mariadb-dump's --dump-history) the history rows and their ROW_START/ROW_END times
     * are in the backup and come back, by a whole restore under another name and by {@code --table}; the backup does not
     * warn that they are missing and its manifest names the tables as kept with their history. Before the key, a backup
     * of such a table always restored its current rows only.
     */
    @Test
    void withDumpHistoryASystemVersionedTablesHistoryComesBackAsItWas() throws Exception {
        server.rootSql("DROP DATABASE IF EXISTS hist; DROP DATABASE IF EXISTS scratch; CREATE DATABASE hist");
        server.rootSql("hist", "CREATE TABLE t_ver (id int primary key, v text) WITH SYSTEM VERSIONING;"
                + " INSERT INTO t_ver VALUES (1, 'first'), (2, 'gone'); UPDATE t_ver SET v = 'second' WHERE id = 1;"
                + " DELETE FROM t_ver WHERE id = 2");
        String all = "SELECT id, v, ROW_START, ROW_END FROM t_ver FOR SYSTEM_TIME ALL ORDER BY id, ROW_START";
        String source = sql("hist", all);
        assertThat(source.lines()).hasSize(3);

        Cli.Result b = cli.run("-c", "config.yaml", "backup", "histh");

        assertThat(b.exit()).as(b.toString()).isZero();
        assertThat(b.err()).doesNotContain("system-versioned table");
        try (var files = java.nio.file.Files.list(dir.resolve("store/with-history/hist"))) {
            java.nio.file.Path manifest = files.filter(f -> f.toString().endsWith(".manifest.json")).findFirst().orElseThrow();
            assertThat(java.nio.file.Files.readString(manifest)).contains("\"system_versioned_tables_with_history\"", "hist.t_ver")
                    .doesNotContain("\"system_versioned_tables\"");
        }
        Cli.Result r = cli.run("-c", "config.yaml", "restore", "histh", "--to", "scratch", "--auto-confirm");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(sql("scratch", all)).as("every version with its times").isEqualTo(source);

        server.rootSql("scratch", "DROP TABLE t_ver");
        Cli.Result t = cli.run("-c", "config.yaml", "restore", "histh", "--to", "scratch", "--table", "t_ver", "--auto-confirm");
        assertThat(t.exit()).as(t.toString()).isZero();
        assertThat(sql("scratch", all)).as("--table brings the history too").isEqualTo(source);
    }

    /**
     * Rows only do not load the {@code CREATE TABLE}, which holds the table's AUTO_INCREMENT counter: a counter the backup
     * had moved past its highest row (rows deleted at the top) was lost, and new rows took ids the backup had handed out.
     * Now it is raised to the backup's, and a live counter already past it is never lowered. {@code --table} (structure
     * and rows) keeps the backup's counter from its CREATE TABLE.
     */
    @Test
    void rowsOnlyRaiseTheAutoIncrementCounterToTheBackupsAndNeverLowerALiveOne() {
        server.rootSql("DROP DATABASE IF EXISTS ai; CREATE DATABASE ai");
        server.rootSql("ai", "CREATE TABLE tickets (id int AUTO_INCREMENT PRIMARY KEY, v int);"
                + " CREATE TABLE notes (id int AUTO_INCREMENT PRIMARY KEY, v int);"
                + " INSERT INTO tickets (v) VALUES (1), (2), (3), (4), (5), (6), (7), (8), (9), (10); DELETE FROM tickets WHERE id > 5;"
                + " INSERT INTO notes (v) SELECT seq FROM seq_1_to_3");
        Cli.Result b = cli.run("-c", "config.yaml", "backup", "ai");
        assertThat(b.exit()).as(b.toString()).isZero();
        // tickets emptied by TRUNCATE (its counter back to 1); notes emptied after 20 more rows (its counter past 23)
        server.rootSql("ai", "TRUNCATE tickets; INSERT INTO notes (v) SELECT seq FROM seq_1_to_20; DELETE FROM notes");
        String notesCounter = sql("ai", "SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'ai'"
                + " AND TABLE_NAME = 'notes'");
        assertThat(Long.parseLong(notesCounter)).isGreaterThanOrEqualTo(24);

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "ai", "--data-only", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(sql("ai", "SELECT COUNT(*), MAX(id) FROM tickets")).isEqualTo("5\t5");
        server.rootSql("ai", "INSERT INTO tickets (v) VALUES (100); INSERT INTO notes (v) VALUES (100)");
        assertThat(sql("ai", "SELECT id FROM tickets WHERE v = 100")).as("not an id the backup had handed out").isEqualTo("11");
        assertThat(sql("ai", "SELECT id FROM notes WHERE v = 100")).as("the live counter, higher, kept").isEqualTo(notesCounter);

        // one table named, rows only: the same
        server.rootSql("ai", "TRUNCATE tickets");
        Cli.Result one = cli.run("-c", "config.yaml", "restore", "ai", "--table", "tickets", "--data-only", "--auto-confirm");
        assertThat(one.exit()).as(one.toString()).isZero();
        server.rootSql("ai", "INSERT INTO tickets (v) VALUES (101)");
        assertThat(sql("ai", "SELECT id FROM tickets WHERE v = 101")).isEqualTo("11");

        // structure and rows: the backup's CREATE TABLE carries its counter
        server.rootSql("ai", "DROP TABLE tickets");
        Cli.Result whole = cli.run("-c", "config.yaml", "restore", "ai", "--table", "tickets", "--auto-confirm");
        assertThat(whole.exit()).as(whole.toString()).isZero();
        server.rootSql("ai", "INSERT INTO tickets (v) VALUES (102)");
        assertThat(sql("ai", "SELECT id FROM tickets WHERE v = 102")).isEqualTo("11");
    }

    /**
     * MariaDB writes a sequence in a column default with its database ({@code DEFAULT nextval(`nv`.`s`)}): a backup of
     * {@code nv} restored as {@code scratch} took its ids from {@code nv}'s sequence. The name now follows the restore;
     * a string literal spelling the same text does not change. And the table's rows load at all.
     */
    @Test
    void aSequenceDefaultFollowsARestoreUnderAnotherName() {
        server.rootSql("DROP DATABASE IF EXISTS nv; CREATE DATABASE nv");
        server.rootSql("nv", "CREATE SEQUENCE s START WITH 100 NOCACHE;"
                + " CREATE TABLE t (id int PRIMARY KEY DEFAULT NEXTVAL(s), note varchar(80) DEFAULT 'nextval(`nv`.`s`)');"
                + " INSERT INTO t (id) VALUES (DEFAULT)");
        assertThat(sql("nv", "SELECT COLUMN_DEFAULT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'nv' AND COLUMN_NAME = 'id'"))
                .isEqualTo("nextval(`nv`.`s`)");
        Cli.Result b = cli.run("-c", "config.yaml", "backup", "nv");
        assertThat(b.exit()).as(b.toString()).isZero();

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "nv", "--to", "scratch", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(sql("scratch", "SELECT COLUMN_NAME, COLUMN_DEFAULT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'scratch'"
                + " AND TABLE_NAME = 't' ORDER BY ORDINAL_POSITION")).isEqualTo("id\tnextval(`scratch`.`s`)\nnote\t'nextval(`nv`.`s`)'");
        String source = sql("nv", "SELECT next_not_cached_value FROM s");
        server.rootSql("scratch", "INSERT INTO t (id) VALUES (DEFAULT)");
        assertThat(sql("scratch", "SELECT GROUP_CONCAT(id ORDER BY id) FROM t")).isEqualTo("100,101");
        assertThat(sql("nv", "SELECT next_not_cached_value FROM s")).as("the source's sequence untouched").isEqualTo(source);
        assertThat(sql("nv", "SELECT COLUMN_DEFAULT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'nv' AND COLUMN_NAME = 'id'"))
                .isEqualTo("nextval(`nv`.`s`)");

        // under its own name: mariadb-dump's LOCK TABLES around the rows made MariaDB refuse them (ERROR 1100, "Table 's'
        // was not locked with LOCK TABLES"): such a backup did not restore at all
        server.rootSql("nv", "INSERT INTO t (id) VALUES (DEFAULT)");
        Cli.Result same = cli.run("-c", "config.yaml", "restore", "nv", "--clean", "--auto-confirm");
        assertThat(same.exit()).as(same.toString()).isZero();
        assertThat(sql("nv", "SELECT GROUP_CONCAT(id ORDER BY id) FROM t")).isEqualTo("100");
        assertThat(sql("nv", "SELECT COLUMN_DEFAULT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'nv' AND COLUMN_NAME = 'id'"))
                .isEqualTo("nextval(`nv`.`s`)");
    }

    /**
     * The same under another name with statement lines past the rewriters' heads: a CREATE TABLE whose LIST partition line
     * is 169 KB (MariaDB refuses a column line that long, "Table definition is too large", so the default itself stays on
     * a short line), read whole, its default retargeted; and a view of 1.1 MiB that also reads another database, so
     * mariadb-dump names every table with its database: before, a view line over 1 MiB went on unread and the copy's view
     * silently read the source's table.
     */
    @Test
    void aRestoreUnderAnotherNameRewritesStatementLinesPast64KiBAndViewsPast1MiB() {
        String values = java.util.stream.IntStream.range(0, 30_000).mapToObj(Integer::toString)
                .collect(java.util.stream.Collectors.joining(","));
        server.rootSql("DROP DATABASE IF EXISTS nv; CREATE DATABASE nv; DROP DATABASE IF EXISTS nvo; CREATE DATABASE nvo;"
                + " CREATE TABLE nvo.o (id int)");
        server.rootSql("nv", "CREATE SEQUENCE s START WITH 100 NOCACHE;"
                + " CREATE TABLE t (id int PRIMARY KEY DEFAULT NEXTVAL(s), note varchar(80))"
                + " PARTITION BY LIST (id) (PARTITION p0 VALUES IN (" + values + "));"
                + " INSERT INTO t (id) VALUES (DEFAULT);"
                + " CREATE VIEW v AS SELECT t.id FROM t JOIN nvo.o ON o.id = t.id WHERE t.note <> '" + "y".repeat(1_100_000) + "'");
        Cli.Result b = cli.run("-c", "config.yaml", "backup", "nv");
        assertThat(b.exit()).as(b.toString()).isZero();

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "nv", "--to", "scratch", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(sql("scratch", "SELECT COLUMN_DEFAULT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'scratch'"
                + " AND TABLE_NAME = 't' AND COLUMN_NAME = 'id'")).isEqualTo("nextval(`scratch`.`s`)");
        server.rootSql("scratch", "INSERT INTO t (id) VALUES (DEFAULT)");
        assertThat(sql("scratch", "SELECT GROUP_CONCAT(id ORDER BY id) FROM t")).isEqualTo("100,101");
        assertThat(sql("scratch", "SELECT LENGTH(PARTITION_DESCRIPTION) FROM information_schema.PARTITIONS"
                + " WHERE TABLE_SCHEMA = 'scratch' AND TABLE_NAME = 't'")).isEqualTo(String.valueOf(values.length()));
        String view = sql("scratch", "SELECT VIEW_DEFINITION FROM information_schema.VIEWS WHERE TABLE_SCHEMA = 'scratch'");
        assertThat(view).hasSizeGreaterThan(1 << 20).contains("from (`scratch`.`t` join `nvo`.`o`").doesNotContain("`nv`.");
        server.rootSql("DROP DATABASE nvo");
    }

    /**
     * A view line over 16 MiB cannot be read whole: the restore under another name stops there with one line naming it
     * (the client killed, not handed a dump cut short as if complete) and drops the database it created. Before, such a
     * view was loaded still reading the source's table.
     */
    @Test
    void aViewLineOver16MiBStopsARestoreUnderAnotherNameNamingItsLine() {
        server.rootSql("SET GLOBAL max_allowed_packet = 67108864");
        try {
            server.rootSql("DROP DATABASE IF EXISTS nv; CREATE DATABASE nv; DROP DATABASE IF EXISTS nvo; CREATE DATABASE nvo;"
                    + " CREATE TABLE nvo.o (id int)");
            server.rootSql("nv", "CREATE TABLE t (id int PRIMARY KEY, note varchar(80)); INSERT INTO t VALUES (1, 'a');"
                    + " CREATE VIEW v AS SELECT t.id FROM t JOIN nvo.o ON o.id = t.id WHERE t.note <> '"
                    + "y".repeat(17 << 20) + "'");
            Cli.Result b = cli.run("-c", "config.yaml", "backup", "nv");
            assertThat(b.exit()).as(b.toString()).isZero();

            Cli.Result r = cli.run("-c", "config.yaml", "restore", "nv", "--to", "scratch", "--auto-confirm");

            assertThat(r.exit()).as(r.toString()).isNotZero();
            assertThat(r.err()).containsPattern("line \\d+ of the dump, in a view's definition, is longer than 16 MiB")
                    .contains("`scratch`, which this restore created, was dropped again")
                    .doesNotContain("raise it on the target server"); // not taken for the server's packet limit
            assertThat(sql(null, "SHOW DATABASES LIKE 'scratch'")).isEmpty();
        } finally {
            server.rootSql("SET GLOBAL max_allowed_packet = 16777216; DROP DATABASE IF EXISTS nvo; DROP DATABASE IF EXISTS nv");
        }
    }
}
