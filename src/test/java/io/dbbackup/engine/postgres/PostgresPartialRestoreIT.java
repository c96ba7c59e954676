package io.dbbackup.engine.postgres;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code restore --table/--schema/--data-only} against a real server: one table of last night's custom archive into a
 * scratch database (the rest not), a schema, a truncated table's rows back in place; a name the archive does not hold,
 * a plain script, and --clean refused before anything is touched.
 */
class PostgresPartialRestoreIT {
    static PostgresServer pg;

    @TempDir
    Path dir;
    Cli cli;

    @BeforeAll
    static void startServer() {
        pg = PostgresServer.start();
        pg.createDatabase("shop");
        pg.execute("shop", """
                create schema audit;
                create table customers(id int primary key, name text not null);
                create table orders(id serial primary key, customer_id int not null references customers(id), total numeric);
                create index orders_customer on orders(customer_id);
                create table audit.log(id int, what text);
                insert into customers select i, 'customer ' || i from generate_series(1, 50) i;
                insert into orders(customer_id, total) select 1 + i % 50, i * 1.5 from generate_series(1, 300) i;
                insert into audit.log select i, 'event ' || i from generate_series(1, 20) i;
                create table bulk as select g as id, md5(g::text) as v from generate_series(1, 150000) g;
                """); // bulk: the archive is far larger than a pipe, so pg_restore --section=pre-data stops reading long before its end

    }

    @AfterAll
    static void stopServer() {
        if (pg != null) {
            pg.close();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        pg.writePasswordFile(dir.resolve("pg.password"));
        for (String db : List.of("scratch", "scratch2")) {
            if (pg.databaseExists(db)) {
                pg.dropDatabase(db);
            }
        }
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  shop: &pg
                    engine: postgres
                    host: 127.0.0.1
                    port: %d
                    user: postgres
                    password_file: pg.password
                    database: shop
                    format: custom
                  shop-plain:
                    <<: *pg
                    format: plain
                  scratch:
                    <<: *pg
                    database: scratch
                  scratch2:
                    <<: *pg
                    database: scratch2
                stores:
                  local: {type: local, path: store}
                jobs:
                  shop: {datasource: shop, store: local}
                  shop-plain: {datasource: shop-plain, store: local, prefix: plain}
                """.formatted(pg.port()));
        cli = new Cli().workingDir(dir);
        Cli.Result b = cli.run("-c", "config.yaml", "backup", "shop", "shop-plain");
        assertThat(b.exit()).as(b.toString()).isZero();
    }

    private List<String> tables(String db) {
        return pg.query(db, "select schemaname || '.' || tablename from pg_tables where schemaname not in ('pg_catalog', "
                + "'information_schema') order by 1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"shop", "shop-plain"}) // a custom archive, a plain script
    void oneTableOfTheBackupIntoAScratchDatabase(String job) {
        Cli.Result r = cli.run("-c", "config.yaml", "restore", job, "--to", "scratch", "--table", "orders");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("restored table orders from ").contains("shop/shop-").contains("/scratch");
        assertThat(tables("scratch")).containsExactly("public.orders");
        assertThat(pg.queryOne("scratch", "select count(*) || ' ' || sum(total) from orders"))
                .isEqualTo(pg.queryOne("shop", "select count(*) || ' ' || sum(total) from orders"));
    }

    @Test
    void showListsWhatTheArchiveAndTheScriptHold() {
        Cli.Result custom = cli.run("-c", "config.yaml", "show", "shop", "--contents");
        assertThat(custom.exit()).as(custom.toString()).isZero();
        assertThat(custom.out()).contains("contents    table audit.log\n", "table public.customers\n", "table public.orders\n",
                "sequence public.orders_id_seq\n").doesNotContain("orders_customer");

        Cli.Result plain = cli.run("-c", "config.yaml", "show", "shop-plain", "--contents");
        assertThat(plain.exit()).as(plain.toString()).isZero();
        assertThat(plain.out()).contains("(sql, gzip level 6)", "table public.customers\n", "table public.orders\n",
                "sequence public.orders_id_seq\n", "table audit.log\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"shop", "shop-plain"})
    void aSchemaOfTheBackup(String job) {
        Cli.Result r = cli.run("-c", "config.yaml", "restore", job, "--to", "scratch2", "--schema", "audit");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(tables("scratch2")).containsExactly("audit.log");
        assertThat(pg.queryOne("scratch2", "select count(*) from audit.log")).isEqualTo("20");
    }

    @ParameterizedTest
    @ValueSource(strings = {"shop", "shop-plain"})
    void aTruncatedTablesRowsComeBackInPlace(String job) {
        pg.execute("shop", "truncate audit.log");

        Cli.Result r = cli.run("-c", "config.yaml", "restore", job, "--schema", "audit", "--table", "log", "--data-only",
                "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(pg.queryOne("shop", "select count(*) from audit.log")).isEqualTo("20");
        assertThat(pg.queryOne("shop", "select count(*) from orders")).isEqualTo("300");

        // the rows are there again: a second load would duplicate them, so it fails whole (one transaction)
        pg.execute("shop", "alter table audit.log add primary key (id)");
        try {
            Cli.Result again = cli.run("-c", "config.yaml", "restore", job, "--schema", "audit", "--table", "log", "--data-only",
                    "--auto-confirm");
            assertThat(again.exit()).as(again.toString()).isEqualTo(2);
            assertThat(again.err()).contains("rolled back").contains("duplicate key");
            assertThat(pg.queryOne("shop", "select count(*) from audit.log")).isEqualTo("20");
        } finally {
            pg.execute("shop", "alter table audit.log drop constraint log_pkey");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"shop", "shop-plain"})
    void aNameTheBackupDoesNotHoldIsRefusedBeforeAnythingIsTouched(String job) {
        Cli.Result r = cli.run("-c", "config.yaml", "restore", job, "--to", "scratch", "--table", "ordres");

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("the backup holds no table ordres").contains("public.orders").contains("audit.log")
                .contains("nothing was restored");
        assertThat(pg.databaseExists("scratch")).isFalse();

        Cli.Result wrongSchema = cli.run("-c", "config.yaml", "restore", job, "--to", "scratch", "--schema", "audit",
                "--table", "orders");
        assertThat(wrongSchema.exit()).as(wrongSchema.toString()).isEqualTo(1);
        assertThat(wrongSchema.err()).contains("no table orders in schema audit");

        Cli.Result qualified = cli.run("-c", "config.yaml", "restore", job, "--to", "scratch", "--table", "audit.log");
        assertThat(qualified.exit()).as(qualified.toString()).isEqualTo(1);
        assertThat(qualified.err()).contains("no table audit.log (pg_restore takes a table's name without its schema: "
                + "--schema audit --table log)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"shop", "shop-plain"})
    void cleanIsRefusedWithTheWaysOutThatWork(String job) {
        Cli.Result clean = cli.run("-c", "config.yaml", "restore", job, "--table", "orders", "--clean", "--auto-confirm");
        assertThat(clean.exit()).as(clean.toString()).isEqualTo(1);
        assertThat(clean.err()).contains("cannot be combined with --clean");
        assertThat(pg.queryOne("shop", "select count(*) from orders")).isEqualTo("300");
        assertThat(pg.databaseExists("scratch")).isFalse();

        Cli.Result log = cli.run("-c", "config.yaml", "restore", job, "--schema", "audit", "--table", "log", "--clean",
                "--auto-confirm");
        assertThat(log.exit()).as(log.toString()).isEqualTo(1);
        assertThat(log.err()).contains("without --clean: empty the table and add --data-only to load the "
                + "backup's rows into it, drop the table first to bring back the backup's own, or restore into a scratch "
                + "datasource (--to) and copy back what you need");
        Cli.Result rowsOnly = cli.run("-c", "config.yaml", "restore", job, "--schema", "audit", "--table", "log",
                "--data-only", "--clean", "--auto-confirm");
        assertThat(rowsOnly.exit()).as(rowsOnly.toString()).isEqualTo(1);
        assertThat(rowsOnly.err()).contains("without --clean: empty the table to load the backup's rows into it,"
                + " or restore into a scratch datasource (--to)").doesNotContain("drop the table first");

        // each way it names: the rows into the emptied table, the table dropped first, a scratch datasource
        pg.execute("shop", "truncate audit.log");
        Cli.Result rows = cli.run("-c", "config.yaml", "restore", job, "--schema", "audit", "--table", "log", "--data-only",
                "--auto-confirm");
        assertThat(rows.exit()).as(rows.toString()).isZero();
        assertThat(pg.queryOne("shop", "select count(*) || ' ' || max(what) from audit.log")).isEqualTo("20 event 9");

        pg.execute("shop", "drop table audit.log");
        Cli.Result dropped = cli.run("-c", "config.yaml", "restore", job, "--schema", "audit", "--table", "log",
                "--auto-confirm");
        assertThat(dropped.exit()).as(dropped.toString()).isZero();
        assertThat(pg.queryOne("shop", "select count(*) || ' ' || max(what) from audit.log")).isEqualTo("20 event 9");

        Cli.Result scratch = cli.run("-c", "config.yaml", "restore", job, "--to", "scratch", "--schema", "audit", "--table",
                "log");
        assertThat(scratch.exit()).as(scratch.toString()).isZero();
        assertThat(pg.queryOne("scratch", "select count(*) from audit.log")).isEqualTo("20");
    }

    /** The backup's rows went through the target's triggers once already: loading them again must not fire them. */
    @ParameterizedTest
    @ValueSource(strings = {"shop", "shop-plain"})
    void rowsOnlyDoNotFireTheTargetsTriggers(String job) {
        pg.execute("shop", """
                create table audit.trail(log_id int);
                create function audit.keep_trail() returns trigger language plpgsql as $$
                  begin insert into audit.trail values (new.id); return new; end $$;
                create trigger log_trail after insert on audit.log for each row execute function audit.keep_trail();
                create trigger log_always after insert on audit.log for each row execute function audit.keep_trail();
                alter table audit.log enable always trigger log_always;
                create trigger log_replica after insert on audit.log for each row execute function audit.keep_trail();
                alter table audit.log enable replica trigger log_replica;
                truncate audit.log;
                """);
        String modes = "select string_agg(tgname || ':' || tgenabled::text, ',' order by tgname) from pg_trigger "
                + "where tgrelid = 'audit.log'::regclass and not tgisinternal";
        try {
            Cli.Result r = cli.run("-c", "config.yaml", "restore", job, "--schema", "audit", "--table", "log", "--data-only",
                    "--auto-confirm");
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(pg.queryOne("shop", "select count(*) from audit.log")).isEqualTo("20");
            // replica mode alone fired the ALWAYS and the REPLICA trigger: 40 rows
            assertThat(pg.queryOne("shop", "select count(*) from audit.trail")).as("no trigger fired").isEqualTo("0");
            assertThat(pg.queryOne("shop", modes)).as("each in its own mode again")
                    .isEqualTo("log_always:A,log_replica:R,log_trail:O");
            pg.execute("shop", "insert into audit.log values (1000, 'after the restore')");
            assertThat(pg.queryOne("shop", "select count(*) from audit.trail")).as("and they fire again afterwards (not the "
                    + "replica one)").isEqualTo("2");
        } finally {
            pg.execute("shop", "delete from audit.log where id = 1000; drop trigger log_trail on audit.log; "
                    + "drop trigger log_always on audit.log; drop trigger log_replica on audit.log; "
                    + "drop function audit.keep_trail(); drop table audit.trail");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"shop", "shop-plain"})
    void aTableThatIsThereStopsTheRestoreWithAWayOutThatWorks(String job) {
        Cli.Result dry = cli.run("-c", "config.yaml", "restore", job, "--table", "customers", "--dry-run");
        assertThat(dry.toString()).contains("it holds table public.customers already, so the restore of table customers "
                + "would fail: a restore in part (--table, --schema) does not replace what is in place: add --data-only");
        Cli.Result dryRows = cli.run("-c", "config.yaml", "restore", job, "--table", "customers", "--data-only", "--dry-run");
        assertThat(dryRows.toString()).doesNotContain("would fail");

        Cli.Result r = cli.run("-c", "config.yaml", "restore", job, "--table", "customers", "--auto-confirm");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("already exists").contains("restore into another datasource with --to")
                .contains("add --data-only to load the backup's rows into the table that is there (one transaction: a row "
                        + "whose key is there already rolls it all back), drop it first to bring back the backup's own")
                .doesNotContain("restore with --clean");
        assertThat(r.err().lines().filter(l -> l.startsWith("error: ")).count()).as(r.toString()).isEqualTo(1);
        assertThat(pg.queryOne("shop", "select count(*) from customers")).isEqualTo("50");

        // the --data-only it names: one transaction, which a row whose key is there already rolls back whole
        Cli.Result rows = cli.run("-c", "config.yaml", "restore", job, "--table", "customers", "--data-only", "--auto-confirm");
        assertThat(rows.exit()).as(rows.toString()).isEqualTo(2);
        assertThat(rows.err()).contains("rolled back").contains("duplicate key");
        assertThat(pg.queryOne("shop", "select count(*) from customers")).isEqualTo("50");
        // and into the table emptied of its rows, they come back
        pg.execute("shop", "create table keep_orders as select * from orders; truncate orders, customers");
        try {
            Cli.Result back = cli.run("-c", "config.yaml", "restore", job, "--table", "customers", "--data-only",
                    "--auto-confirm");
            assertThat(back.exit()).as(back.toString()).isZero();
            assertThat(pg.queryOne("shop", "select count(*) from customers")).isEqualTo("50");
        } finally {
            pg.execute("shop", "insert into orders select * from keep_orders; drop table keep_orders");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"shop", "shop-plain"})
    void aDryRunChecksTheNamesAndSaysWhatWouldBeRestored(String job) {
        Cli.Result r = cli.run("-c", "config.yaml", "restore", job, "--to", "scratch", "--table", "customers", "--dry-run");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("(only table customers)").contains("nothing was changed")
                .contains("checked (SHA-256 and decoding, ").as("the decoded bytes counted, for a script too")
                .doesNotContain("decoding, 0 B decoded");
        assertThat(pg.databaseExists("scratch")).isFalse();
    }
}
