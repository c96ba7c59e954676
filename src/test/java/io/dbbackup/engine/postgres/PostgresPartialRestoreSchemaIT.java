package io.dbbackup.engine.postgres;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code restore --table T} without {@code --schema} against a real server: pg_restore brings T back into the schema the
 * backup has it in, so the dry run's "it holds … already" names a table of that schema only, never a same-named one of
 * another schema of the target; the restore that follows shows the dry run's claim true, both ways.
 */
class PostgresPartialRestoreSchemaIT {
    static PostgresServer pg;

    @TempDir
    Path dir;
    Cli cli;

    @BeforeAll
    static void startServer() {
        pg = PostgresServer.start();
        pg.createDatabase("shop"); // public.orders
        pg.execute("shop", "create table orders(id int primary key, total numeric);"
                + " insert into orders select i, i * 1.5 from generate_series(1, 30) i;");
        pg.createDatabase("books"); // audit.orders, no public one
        pg.execute("books", "create schema audit; create table audit.orders(id int primary key, what text);"
                + " insert into audit.orders select i, 'entry ' || i from generate_series(1, 12) i;");
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
        if (pg.databaseExists("scratch")) {
            pg.dropDatabase("scratch");
        }
        pg.createDatabase("scratch");
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
                  books:
                    <<: *pg
                    database: books
                  books-plain:
                    <<: *pg
                    database: books
                    format: plain
                  scratch:
                    <<: *pg
                    database: scratch
                stores:
                  local: {type: local, path: store}
                jobs:
                  shop: {datasource: shop, store: local}
                  shop-plain: {datasource: shop-plain, store: local, prefix: plain}
                  books: {datasource: books, store: local, prefix: books}
                  books-plain: {datasource: books-plain, store: local, prefix: books-plain}
                """.formatted(pg.port()));
        cli = new Cli().workingDir(dir);
    }

    private void backup(String job) {
        Cli.Result b = cli.run("-c", "config.yaml", "backup", job);
        assertThat(b.exit()).as(b.toString()).isZero();
    }

    private Cli.Result restore(String job, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("-c", "config.yaml", "restore", job, "--to", "scratch",
                "--table", "orders"));
        args.addAll(List.of(more));
        return cli.run(args.toArray(String[]::new));
    }

    private List<String> tables() {
        return pg.query("scratch", "select schemaname || '.' || tablename from pg_tables where schemaname not in "
                + "('pg_catalog', 'information_schema') order by 1");
    }

    /** The backup's public.orders; the target's audit.orders, which pg_restore leaves alone. */
    @ParameterizedTest
    @ValueSource(strings = {"shop", "shop-plain"})
    void aTableOfAnotherSchemaInTheTargetIsNotInPlace(String job) {
        backup(job);
        pg.execute("scratch", "create schema audit; create table audit.orders(id int, note text);"
                + " insert into audit.orders values (7, 'keep me')");

        Cli.Result dry = restore(job, "--dry-run");
        assertThat(dry.exit()).as(dry.toString()).isZero();
        assertThat(dry.toString()).doesNotContain("would fail").doesNotContain("audit.orders");

        Cli.Result r = restore(job, "--auto-confirm");
        assertThat(r.exit()).as("the dry run said it restores: " + r).isZero();
        assertThat(tables()).containsExactly("audit.orders", "public.orders");
        assertThat(pg.queryOne("scratch", "select count(*) from public.orders")).isEqualTo("30");
        assertThat(pg.queryOne("scratch", "select id || ' ' || note from audit.orders")).isEqualTo("7 keep me");
    }

    /**
     * The backup's audit.orders; the target's public.orders, which pg_restore leaves alone (and its schema audit, empty:
     * {@code --table} alone creates no schema).
     */
    @ParameterizedTest
    @ValueSource(strings = {"books", "books-plain"})
    void aTableOfPublicInTheTargetIsNotInPlaceForTheBackupsOtherSchema(String job) {
        backup(job);
        pg.execute("scratch", "create schema audit; create table orders(id int, note text);"
                + " insert into orders values (7, 'keep me')");

        Cli.Result dry = restore(job, "--dry-run");
        assertThat(dry.exit()).as(dry.toString()).isZero();
        assertThat(dry.toString()).doesNotContain("would fail").doesNotContain("public.orders");

        Cli.Result r = restore(job, "--auto-confirm");
        assertThat(r.exit()).as("the dry run said it restores: " + r).isZero();
        assertThat(tables()).containsExactly("audit.orders", "public.orders");
        assertThat(pg.queryOne("scratch", "select count(*) from audit.orders")).isEqualTo("12");
        assertThat(pg.queryOne("scratch", "select id || ' ' || note from public.orders")).isEqualTo("7 keep me");
    }

    /** The target holds the backup's public.orders and an audit.orders: the dry run names the one that stops the restore. */
    @ParameterizedTest
    @ValueSource(strings = {"shop", "shop-plain"})
    void theTableOfTheBackupsSchemaIsInPlaceAndNamedAlone(String job) {
        backup(job);
        pg.execute("scratch", "create schema audit; create table audit.orders(id int); create table orders(id int);"
                + " insert into orders values (1)");

        Cli.Result dry = restore(job, "--dry-run");
        assertThat(dry.toString()).contains("it holds table public.orders already, so the restore of table orders would fail")
                .doesNotContain("audit.orders");

        Cli.Result r = restore(job, "--auto-confirm");
        assertThat(r.exit()).as("the dry run said it fails: " + r).isEqualTo(2);
        assertThat(r.err()).contains("already exists").contains("rolled back");
        assertThat(pg.queryOne("scratch", "select count(*) from public.orders")).isEqualTo("1");
    }
}
