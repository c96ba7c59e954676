package io.dbbackup.engine.sqlite;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.Shell;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code restore --table/--data-only} of a SQLite backup into the live database: one table back with its index and
 * trigger while the others keep what changed since, rows only into a table that exists, all or nothing, and the names
 * checked before the target is touched.
 */
class SqlitePartialRestoreCliTest {
    @TempDir
    Path dir;
    Path db;
    Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        db = SqliteFixture.create(dir.resolve("app.db"), 30);
        sql("create table totals(id integer primary key, net real, gross real generated always as (net * 1.2) stored)");
        sql("insert into totals(id, net) values (1, 10), (2, 20)");
        sql("create trigger orders_no_negative before insert on orders when new.total < 0 begin select raise(abort, 'negative'); end");
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db, compression: zstd}
                stores:
                  local: {type: local, path: store}
                jobs:
                  app: {datasource: app, store: local}
                """);
        cli = new Cli().workingDir(dir);
        Cli.Result b = cli.run("-c", "config.yaml", "backup", "app");
        assertThat(b.exit()).as(b.toString()).isZero();
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    private String one(String query) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(query)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private Cli.Result restore(String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "-c";
        all[1] = "config.yaml";
        all[2] = "restore";
        all[3] = "app";
        System.arraycopy(args, 0, all, 4, args.length);
        return cli.run(all);
    }

    @Test
    void aDroppedTableComesBackWithItsIndexAndTriggerWhileTheOthersKeepTheirChanges() throws Exception {
        String orders = one("select count(*) || ' ' || sum(total) from orders");
        sql("drop table orders");
        sql("insert into customers(id, name) values (1000, 'came after the backup')");

        Cli.Result dry = restore("--table", "orders", "--table", "totals", "--dry-run");
        assertThat(dry.toString()).contains("; it holds table totals already, so the restore of tables orders and totals "
                + "would fail: a restore in part (--table, --schema) does not replace what is in place: add --data-only");

        Cli.Result r = restore("--table", "orders", "--table", "totals", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2); // totals exists: nothing applied
        assertThat(r.err()).contains("rolled back (nothing was applied)").contains("already exists")
                .contains("; a restore in part (--table, --schema) does not replace what is in place: add --data-only to "
                        + "load the backup's rows into the table that is there (one transaction: a row whose key is there "
                        + "already rolls it all back), drop it first to bring back the backup's own, or restore into another "
                        + "datasource with --to");
        assertThat(r.err().lines().filter(l -> l.startsWith("error: ")).count()).as(r.toString()).isEqualTo(1);
        assertThat(one("select count(*) from sqlite_master where name = 'orders'")).isEqualTo("0");
        // the --data-only it names: totals still holds its rows, so the load is rolled back whole
        Cli.Result rows = restore("--table", "totals", "--data-only", "--auto-confirm");
        assertThat(rows.exit()).as(rows.toString()).isEqualTo(2);
        assertThat(rows.err()).contains("rolled back (nothing was applied)").contains("UNIQUE constraint failed: totals.id");

        Cli.Result ok = restore("--table", "orders", "--auto-confirm");
        assertThat(ok.exit()).as(ok.toString()).isZero();
        assertThat(ok.out()).contains("restored table orders from app/app-");
        assertThat(one("select count(*) || ' ' || sum(total) from orders")).isEqualTo(orders);
        assertThat(one("select name from customers where id = 1000")).isEqualTo("came after the backup");
        assertThat(one("select count(*) from sqlite_master where type = 'index' and name = 'orders_customer'")).isEqualTo("1");
        assertThat(one("select count(*) from sqlite_master where type = 'trigger' and name = 'orders_no_negative'")).isEqualTo("1");
        assertThat(one("PRAGMA integrity_check")).isEqualTo("ok");
    }

    @Test
    void rowsOnlyIntoTablesThatExistAllOrNothing() throws Exception {
        sql("delete from orders");
        sql("delete from customers");

        // customers and orders load first, then totals' rows clash with the ones still there
        Cli.Result clash = restore("--data-only", "--auto-confirm");
        assertThat(clash.exit()).as(clash.toString()).isEqualTo(2);
        assertThat(clash.err()).contains("UNIQUE constraint failed: totals.id");
        // the backup and the target said once: the restore's line leads, the engine's words follow it
        assertThat(clash.err().lines().filter(l -> l.startsWith("error: ")).toList()).as(clash.toString())
                .singleElement().asString().matches("error: restore of app/app-\\d{8}-\\d{6}\\.sqlite\\.zst into sqlite "
                        + java.util.regex.Pattern.quote(db.toString()) + " failed: rows only: rolled back \\(nothing was "
                        + "applied\\): .*UNIQUE constraint failed: totals\\.id.*")
                .doesNotContain("into SQLite");
        assertThat(one("select count(*) from customers")).as("rolled back").isEqualTo("0");
        assertThat(one("select count(*) from orders")).as("rolled back").isEqualTo("0");

        sql("delete from totals");
        Cli.Result dry = restore("--data-only", "--dry-run"); // it read "(only rows only)"
        assertThat(dry.exit()).as(dry.toString()).isZero();
        assertThat(dry.out()).containsPattern("it would be restored into sqlite \\S+ \\(rows only\\)\n");
        Cli.Result r = restore("--data-only", "--auto-confirm");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("restored rows only from app/app-");
        assertThat(one("select count(*) from customers")).isEqualTo("30");
        assertThat(one("select count(*) from orders")).isEqualTo("90");
        assertThat(one("select group_concat(id || ':' || gross) from totals")).isEqualTo("1:12.0,2:24.0");
    }

    /** The backup's rows went through the target's triggers once already: a restore of rows must not fire them again. */
    @Test
    void rowsOnlyDoNotFireTheTargetsTriggersWhichStayInPlace() throws Exception {
        sql("create table orders_audit(order_id integer)");
        sql("create trigger orders_audited after insert on orders begin insert into orders_audit values (new.id); end");
        sql("delete from orders");

        Cli.Result r = restore("--table", "orders", "--data-only", "--auto-confirm");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(one("select count(*) from orders")).isEqualTo("90");
        assertThat(one("select count(*) from orders_audit")).as("the trigger did not fire for restored rows").isEqualTo("0");
        assertThat(one("select count(*) from sqlite_master where type = 'trigger' and name in ('orders_audited', "
                + "'orders_no_negative')")).isEqualTo("2");
        sql("insert into orders(id, customer_id, total) values (100000, 1, 5)");
        assertThat(one("select count(*) from orders_audit")).as("and it fires again afterwards").isEqualTo("1");
    }

    /** A second backup, a minute after setUp's, of what the test added. */
    private void backupAgain() {
        backupAfter(1);
    }

    /** A backup {@code minutes} after setUp's. */
    private void backupAfter(int minutes) {
        Cli.Result b = new Cli().workingDir(dir).clock(java.time.Clock.offset(java.time.Clock.systemUTC(), java.time.Duration.ofMinutes(minutes)))
                .run("-c", "config.yaml", "backup", "app");
        assertThat(b.exit()).as(b.toString()).isZero();
    }

    /**
     * A corrupt newest backup names the next older one and how to restore it: the same part of it (--table, a name
     * quoted for the shell, --data-only) and the same kind of run (--dry-run), not the whole database; the suggested
     * command, as a shell splits it, restores those tables.
     */
    @Test
    void theOlderBackupSuggestedForACorruptOneIsRestoredInTheSamePart() throws Exception {
        sql("create table \"order lines\"(id integer primary key, what text)");
        sql("insert into \"order lines\" values (1, 'lamp')");
        backupAfter(1);
        backupAfter(2);
        List<Path> backups;
        try (Stream<Path> s = Files.walk(dir.resolve("store"))) {
            backups = s.filter(p -> p.getFileName().toString().endsWith(".sqlite.zst")).sorted().toList();
        }
        Path newest = backups.get(backups.size() - 1);
        String older = backups.get(backups.size() - 2).getFileName().toString();
        byte[] bytes = Files.readAllBytes(newest);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(newest, bytes);

        Cli.Result corrupt = restore("--table", "orders", "--table", "order lines", "--auto-confirm");
        assertThat(corrupt.exit()).as(corrupt.toString()).isEqualTo(3);
        String suggested = "dbbackup -c config.yaml restore app " + older + " --table orders --table 'order lines'";
        assertThat(corrupt.err()).contains("; the next older backup is " + older + " (" + suggested + ")");

        Cli.Result dryRun = restore("--table", "orders", "--data-only", "--dry-run");
        assertThat(dryRun.exit()).as(dryRun.toString()).isEqualTo(3);
        assertThat(dryRun.err()).contains("(dbbackup -c config.yaml restore app " + older + " --table orders --data-only --dry-run)");

        sql("drop table orders");
        sql("drop table \"order lines\"");
        List<String> words = new java.util.ArrayList<>();
        words.addAll(Shell.sh(dir, "printf '%s\\n' " + suggested.substring("dbbackup ".length())).lines().toList());
        words.add("--auto-confirm");
        Cli.Result r = cli.run(words.toArray(String[]::new));
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("restored table orders, table order lines from app/" + older);
        assertThat(one("select what from \"order lines\" where id = 1")).isEqualTo("lamp");
        assertThat(one("select count(*) from orders")).isEqualTo("90");
    }

    /**
     * A dropped AUTOINCREMENT table restored alone keeps the backup's high-water mark: ids handed out before (rows deleted
     * since) are never handed out again (the copied rows alone set it to their largest id).
     */
    @Test
    void aTableWithAutoincrementKeepsItsHighWaterMark() throws Exception {
        sql("create table tickets(id integer primary key autoincrement, what text)");
        for (int i = 0; i < 10; i++) {
            sql("insert into tickets(what) values ('t" + i + "')");
        }
        sql("delete from tickets where id > 4");
        assertThat(one("select seq from sqlite_sequence where name = 'tickets'")).isEqualTo("10");
        backupAgain();
        sql("drop table tickets");

        Cli.Result r = restore("--table", "tickets", "--auto-confirm");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(one("select count(*) from tickets")).isEqualTo("4");
        assertThat(one("select seq from sqlite_sequence where name = 'tickets'")).isEqualTo("10");
        sql("insert into tickets(what) values ('new')");
        assertThat(one("select max(id) from tickets")).as("not 5: already handed out").isEqualTo("11");
    }

    /** Rows only of a whole database with a full-text index: its own tables used to be copied too (UNIQUE failed). */
    @Test
    void rowsOnlyOfADatabaseWithAFullTextIndex() throws Exception {
        sql("create virtual table notes using fts5(body)");
        sql("insert into notes(body) values ('restore day'), ('backup night'), ('restore drill')");
        backupAgain();
        sql("delete from notes");
        sql("delete from orders");
        sql("delete from customers");
        sql("delete from totals");

        Cli.Result r = restore("--data-only", "--auto-confirm");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(one("select count(*) from notes where notes match 'restore'")).isEqualTo("2");
        assertThat(one("select count(*) from orders")).isEqualTo("90");
        assertThat(one("PRAGMA integrity_check")).isEqualTo("ok");
        sql("insert into notes(notes) values ('integrity-check')"); // fails if the index does not match its rows
    }

    @Test
    void aViewComesBackAfterItsTableAndOneInPlaceStopsTheRestore() throws Exception {
        String big = one("select count(*) from big_orders");
        sql("drop view big_orders");
        sql("drop table orders");

        Cli.Result r = restore("--table", "big_orders", "--table", "orders", "--auto-confirm");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(one("select count(*) from big_orders")).isEqualTo(big).isNotEqualTo("0");
        assertThat(one("select type from sqlite_master where name = 'big_orders'")).isEqualTo("view");

        Cli.Result again = restore("--table", "big_orders", "--auto-confirm");
        assertThat(again.exit()).as(again.toString()).isEqualTo(2);
        assertThat(again.err()).contains("rolled back (nothing was applied)").contains("already exists")
                .contains("; a restore in part (--table, --schema) does not replace what is in place: drop it first to "
                        + "bring back the backup's own, or restore into another datasource with --to")
                .as("a view has no rows to load").doesNotContain("add --data-only");

        Cli.Result rows = restore("--table", "big_orders", "--data-only", "--auto-confirm");
        assertThat(rows.exit()).as(rows.toString()).isEqualTo(1);
        assertThat(rows.err()).contains("the backup holds no rows of view big_orders (a view has none");
    }

    @Test
    void namesTheBackupDoesNotHoldAndSchemasAreRefusedBeforeTheTargetIsTouched() throws Exception {
        sql("drop table orders");

        Cli.Result r = restore("--table", "orders", "--table", "invoices", "--table", "big_orders", "--auto-confirm");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("the backup holds no table invoices (it holds tables customers, orders, totals; "
                + "views big_orders); nothing was restored");
        assertThat(one("select count(*) from sqlite_master where name = 'orders'")).isEqualTo("0");

        Cli.Result schema = restore("--schema", "main", "--auto-confirm");
        assertThat(schema.exit()).isEqualTo(1);
        assertThat(schema.err()).contains("a SQLite database has no schemas");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("app.db.") && !n.endsWith("-journal"));
        }
    }

    /**
     * A target another process holds open (the application, WAL mode): its dry run and its refusal without
     * {@code --auto-confirm} said "a restore of the whole database is refused until it is stopped" under {@code --table},
     * which asked for no such restore, and is not refused: it writes in one transaction beside that process. The line
     * says what applies to the restore asked for; the restore, confirmed, goes through while the process holds the file.
     */
    @Test
    void aTargetAnotherProcessHoldsOpenIsSaidAsThePartialRestoreAskedFor() throws Exception {
        sql("pragma journal_mode = wal");
        String orders = one("select count(*) from orders");
        sql("drop table orders");
        Process holder = new ProcessBuilder("sqlite3", db.toString()).redirectErrorStream(true).start();
        try {
            java.io.Writer in = new java.io.OutputStreamWriter(holder.getOutputStream(), java.nio.charset.StandardCharsets.UTF_8);
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
            in.write("select count(*) from totals;\n");
            in.flush();
            assertThat(out.readLine()).isEqualTo("2"); // open, idle, in WAL mode

            Cli.Result dry = restore("--table", "orders", "--dry-run");
            Cli.Result refused = restore("--table", "orders");
            Cli.Result whole = restore("--dry-run");
            String line = " and is open in another process (the restore of table orders goes on beside it, in one "
                    + "transaction that waits up to 30 s for each lock that process holds)";
            assertThat(dry.exit()).as(dry.toString()).isZero();
            assertThat(dry.out()).as(dry.toString()).contains(db + " holds 2 tables and 1 view" + line)
                    .doesNotContain("whole database");
            assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
            assertThat(refused.err()).as(refused.toString()).contains("refusing to overwrite").contains(line)
                    .doesNotContain("whole database");
            assertThat(whole.out()).as("guard: a whole restore's line is as it was").contains(db + " holds 2 tables and "
                    + "1 view and is open in another process (a restore of the whole database is refused until it is stopped)");

            Cli.Result restored = restore("--table", "orders", "--auto-confirm");
            assertThat(restored.exit()).as(restored.toString()).isZero();
            in.write("select count(*) from orders;\n");
            in.flush();
            assertThat(out.readLine()).as("the holding process sees the restored table").isEqualTo(orders);
        } finally {
            holder.getOutputStream().close();
            holder.waitFor();
        }
    }
    /**
     * {@code --clean} with a restore in part is refused for SQLite as for PostgreSQL, but with SQLite's reason: its table
     * comes back with its index and trigger, so the PostgreSQL reason (pg_restore --table leaves them out) was not true
     * here. The database is left as it was.
     */
    @Test
    void cleanWithATableIsRefusedWithSqlitesReasonNotPgRestores() throws Exception {
        String before = one("select count(*) || ' ' || sum(total) from orders");
        Cli.Result r = restore("--table", "orders", "--clean", "--auto-confirm");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("cannot be combined with --clean")
                .contains("a table that exists stops the restore instead of being replaced")
                .contains("drop the table first")
                .doesNotContain("pg_restore");
        assertThat(one("select count(*) || ' ' || sum(total) from orders")).isEqualTo(before);
    }
}
