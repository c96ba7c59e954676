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
 * What a restore brings back beyond tables and rows, through the CLI against a real server: a backup taken with
 * {@code no_owner} restored {@code --to} another datasource, a schema whose table a publication names.
 */
class PostgresFidelityIT {
    static PostgresServer pg;

    @TempDir
    Path dir;
    Cli cli;

    @BeforeAll
    static void startServer() {
        pg = PostgresServer.start();
        pg.execute("postgres", "create role app_owner; create role app_reader");
        pg.createDatabase("app");
        pg.execute("app", """
                create schema shop authorization app_owner;
                create table shop.orders(id int generated always as identity primary key, doc oid, note text);
                alter table shop.orders owner to app_owner;
                grant usage on schema shop to app_reader;
                grant select on shop.orders to app_reader;
                select lo_from_bytea(7001, '\\x00ff00'::bytea);
                insert into shop.orders(doc, note) values (7001, 'with a large object'), (null, 'without');
                alter large object 7001 owner to app_owner;
                create publication orders_pub for table shop.orders;
                create publication shop_pub for tables in schema shop;
                create extension citext;
                create schema wide;
                """);
        pg.createDatabase("grants");
        pg.execute("grants", """
                create table public.secrets(s text);
                create function public.f() returns int language sql as 'select 1';
                alter default privileges grant select on tables to app_reader;
                alter default privileges revoke execute on functions from public;
                """); // after the objects: they keep the built-in defaults, and new ones get these
        // a table whose CREATE TABLE is longer than the lines of stderr a failure keeps
        pg.execute("app", "create table wide.t (email public.citext, " + String.join(", ",
                java.util.stream.IntStream.rangeClosed(1, 30).mapToObj(i -> "c" + i + " int").toList()) + ")");
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
        for (String db : List.of("copy", "copy2")) {
            if (pg.databaseExists(db)) {
                pg.dropDatabase(db);
            }
        }
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: &pg
                    engine: postgres
                    host: 127.0.0.1
                    port: %d
                    user: postgres
                    password_file: pg.password
                    database: app
                    format: custom
                  app-plain:
                    <<: *pg
                    format: plain
                  app-bare:
                    <<: *pg
                    no_owner: true
                    no_privileges: true
                  app-bare-plain:
                    <<: *pg
                    format: plain
                    no_owner: true
                    no_privileges: true
                  app-shop:
                    <<: *pg
                    schemas: [shop]
                  app-shop-blobs:
                    <<: *pg
                    schemas: [shop]
                    extra_args: [--blobs]
                  app-wide:
                    <<: *pg
                    schemas: [wide]
                  grants:
                    <<: *pg
                    database: grants
                  grants-plain:
                    <<: *pg
                    database: grants
                    format: plain
                  grants-bare:
                    <<: *pg
                    database: grants
                    no_privileges: true
                  copy:
                    <<: *pg
                    database: copy
                  copy2:
                    <<: *pg
                    database: copy2
                stores:
                  local: {type: local, path: store}
                jobs:
                  app: {datasource: app, store: local}
                  app-plain: {datasource: app-plain, store: local, prefix: plain}
                  app-bare: {datasource: app-bare, store: local, prefix: bare}
                  app-bare-plain: {datasource: app-bare-plain, store: local, prefix: bare-plain}
                  grants: {datasource: grants, store: local, prefix: grants}
                  grants-plain: {datasource: grants-plain, store: local, prefix: grants-plain}
                  grants-bare: {datasource: grants-bare, store: local, prefix: grants-bare}
                  app-wide: {datasource: app-wide, store: local, prefix: wide}
                  app-shop: {datasource: app-shop, store: local, prefix: shop}
                  app-shop-blobs: {datasource: app-shop-blobs, store: local, prefix: shop-blobs}
                """.formatted(pg.port()));
        cli = new Cli().workingDir(dir);
    }

    private void backup(String job) {
        Cli.Result b = cli.run("-c", "config.yaml", "backup", job);
        assertThat(b.exit()).as(b.toString()).isZero();
    }

    /**
     * What the rich schema of the round-trip tests lacks comes back as it was, from a LATIN1 database (text converted, not
     * mangled, into the UTF8 database the restore creates): bytea of every byte value, int/num/ts/custom ranges and a
     * multirange, an unlogged table (still unlogged, rows kept), a materialized view left unpopulated (still unpopulated:
     * a REFRESH would run its query at restore) beside a populated one, a sequence never called and one called, identity
     * values above the rows.
     */
    @ParameterizedTest
    @ValueSource(strings = {"custom", "plain"})
    void oddTypesUnloggedTablesAndUnpopulatedViewsComeBackAsTheyWere(String format) throws Exception {
        if (!pg.databaseExists("odd")) {
            pg.execute("postgres", "create database odd encoding 'LATIN1' lc_collate 'C' lc_ctype 'C' template template0");
            pg.execute("odd", """
                    create type floatrange as range (subtype = float8);
                    create table t (id int generated always as identity (start 100 increment 7) primary key, b bytea,
                        r int4range, nr numrange, tr tstzrange, fr floatrange, mr int4multirange, s text, a text[]);
                    insert into t (b, r, nr, tr, fr, mr, s, a) values
                        ((select string_agg(set_byte('\\x00'::bytea, 0, g), ''::bytea order by g) from generate_series(0, 255) g),
                         '[1,5)', 'empty', '["2026-03-29 01:59:59+01","2026-10-25 02:30:00+01")', '(1.5,2.5]', '{[1,3), [5,7)}',
                         'café ÿ ß', '{"a b",NULL,"q\\"x"}'),
                        ('', null, '(,)', null, null, '{}', '', '{}');
                    create unlogged table ul (id int primary key, s text);
                    insert into ul values (1, 'unlogged');
                    create materialized view mv as select count(*) as n from t;
                    create materialized view mv_empty as select 1 as x with no data;
                    create sequence s_called start 10 increment 5; select nextval('s_called'), nextval('s_called');
                    create sequence s_uncalled start 42;
                    """);
        }
        Files.writeString(dir.resolve("odd.yaml"), """
                datasources:
                  odd: &pg
                    engine: postgres
                    host: 127.0.0.1
                    port: %d
                    user: postgres
                    password_file: pg.password
                    database: odd
                    format: %s
                  copy:
                    <<: *pg
                    database: copy
                stores:
                  local: {type: local, path: store}
                jobs:
                  odd: {datasource: odd, store: local}
                """.formatted(pg.port(), format));
        Cli.Result b = cli.run("-c", "odd.yaml", "backup", "odd");
        assertThat(b.exit()).as(b.toString()).isZero();

        Cli.Result r = cli.run("-c", "odd.yaml", "restore", "odd", "--to", "copy");

        assertThat(r.exit()).as(r.toString()).isZero();
        for (String q : List.of(
                "select id, encode(b, 'hex'), r, nr, tr, fr, mr, s, a from t order by id",
                "select relname, relkind, relpersistence, relispopulated from pg_class"
                        + " where relnamespace = 'public'::regnamespace order by relname",
                "select * from ul", "select * from mv",
                "select last_value, is_called from s_called union all select last_value, is_called from s_uncalled",
                "select last_value, is_called from t_id_seq")) {
            assertThat(pg.query("copy", q)).as(q).isEqualTo(pg.query("odd", q)).isNotEmpty();
        }
        assertThat(pg.queryOne("copy", "select relpersistence::text || relispopulated::text from pg_class where relname = 'mv_empty'"))
                .isEqualTo("pfalse");
        assertThat(pg.queryOne("copy", "select relpersistence from pg_class where relname = 'ul'")).isEqualTo("u");
        assertThat(pg.queryOne("copy", "select length(b) || ':' || s from t where id = 100")).isEqualTo("256:café ÿ ß");
    }

    /**
     * pg_dump leaves the owners in a custom archive whatever {@code --no-owner} says: they are pg_restore's to leave out.
     * Restored into another datasource (a scratch copy, a new server where the roles do not exist) or synced into one, the
     * backup's datasource says the backup was taken without owners, whatever the target's says.
     */
    @ParameterizedTest
    @ValueSource(strings = {"app-bare", "app-bare-plain"})
    void aBackupTakenWithoutOwnersRestoresWithoutThemIntoAnotherDatasource(String job) {
        backup(job);

        Cli.Result r = cli.run("-c", "config.yaml", "restore", job, "--to", "copy");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(pg.queryOne("copy", "select relowner::regrole::text || ' ' || coalesce(relacl::text, '-') from pg_class "
                + "where oid = 'shop.orders'::regclass")).isEqualTo("postgres -");
        assertThat(pg.queryOne("copy", "select nspowner::regrole::text || ' ' || coalesce(nspacl::text, '-') from pg_namespace "
                + "where nspname = 'shop'")).isEqualTo("postgres -");
        assertThat(pg.queryOne("copy", "select lomowner::regrole::text from pg_largeobject_metadata")).isEqualTo("postgres");

        Cli.Result s = cli.run("-c", "config.yaml", "sync", job, "copy2");
        assertThat(s.exit()).as(s.toString()).isZero();
        assertThat(pg.queryOne("copy2", "select relowner::regrole::text || ' ' || coalesce(relacl::text, '-') from pg_class "
                + "where oid = 'shop.orders'::regclass")).isEqualTo("postgres -");
    }

    /**
     * A publication is no schema's object, but pg_dump files the table it names ({@code PUBLICATION TABLE}) under the
     * table's schema, and the schema it names ({@code PUBLICATION TABLES IN SCHEMA}) under that schema: a restore of that
     * schema ran {@code ALTER PUBLICATION … ADD TABLE / TABLES IN SCHEMA} without the publication and failed.
     */
    @ParameterizedTest
    @ValueSource(strings = {"app", "app-plain"})
    void aSchemaWhoseTableAPublicationNamesRestoresWithoutThePublication(String job) {
        backup(job);

        Cli.Result r = cli.run("-c", "config.yaml", "restore", job, "--to", "copy", "--schema", "shop");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(pg.queryOne("copy", "select count(*) from shop.orders")).isEqualTo("2");
        assertThat(pg.queryOne("copy", "select count(*) from pg_publication")).isEqualTo("0");

        Cli.Result t = cli.run("-c", "config.yaml", "restore", job, "--to", "copy2", "--schema", "shop", "--table", "orders");
        assertThat(t.exit()).as(t.toString()).isZero();
        assertThat(pg.queryOne("copy2", "select count(*) from shop.orders")).isEqualTo("2");
    }

    /**
     * Large objects belong to no schema: pg_dump leaves them out of a backup with {@code schemas:} or {@code tables:} (the
     * rows keep their oids, which then point at nothing), unless {@code extra_args: [--blobs]}; a restore in part of a
     * whole backup leaves them out too. A whole backup brings them back, contents and owner. The backup that leaves them
     * out says so, with how many, in a warning and in its manifest ({@code large_objects_left_out}); before, it said
     * nothing and the restore was short of them without a word.
     */
    @Test
    void largeObjectsComeBackWithAWholeBackupOnlyOrWithBlobsInExtraArgs() throws Exception {
        for (String job : List.of("app", "app-shop-blobs")) {
            Cli.Result b = cli.run("-c", "config.yaml", "backup", job);
            assertThat(b.exit()).as(b.toString()).isZero();
            assertThat(b.err()).as(job).doesNotContain("large objects left out");
        }
        Cli.Result leftOut = cli.run("-c", "config.yaml", "backup", "app-shop");
        assertThat(leftOut.exit()).as(leftOut.toString()).isZero();
        assertThat(leftOut.err()).contains("large objects left out", "extra_args: [--blobs]", "large_objects=1");
        try (var files = Files.list(dir.resolve("store/shop/app"))) {
            Path manifest = files.filter(f -> f.toString().endsWith(".manifest.json")).findFirst().orElseThrow();
            assertThat(Files.readString(manifest)).contains("\"large_objects_left_out\"");
        }
        String source = pg.queryOne("app", "select string_agg(oid || ':' || lomowner::regrole || ':' || md5(lo_get(oid)), ',') "
                + "from pg_largeobject_metadata");

        Cli.Result whole = cli.run("-c", "config.yaml", "restore", "app", "--to", "copy");
        assertThat(whole.exit()).as(whole.toString()).isZero();
        assertThat(pg.queryOne("copy", "select string_agg(oid || ':' || lomowner::regrole || ':' || md5(lo_get(oid)), ',') "
                + "from pg_largeobject_metadata")).isEqualTo(source).startsWith("7001:app_owner:");

        Cli.Result part = cli.run("-c", "config.yaml", "restore", "app", "--to", "copy2", "--schema", "shop");
        assertThat(part.exit()).as(part.toString()).isZero();
        assertThat(pg.queryOne("copy2", "select count(*) from shop.orders where doc is not null")).isEqualTo("1");
        assertThat(pg.queryOne("copy2", "select count(*) from pg_largeobject_metadata")).isEqualTo("0");
        pg.dropDatabase("copy");
        pg.dropDatabase("copy2");

        Cli.Result shop = cli.run("-c", "config.yaml", "restore", "app-shop", "--to", "copy");
        assertThat(shop.exit()).as(shop.toString()).isZero();
        assertThat(pg.queryOne("copy", "select count(*) from shop.orders where doc is not null")).isEqualTo("1");
        assertThat(pg.queryOne("copy", "select count(*) from pg_largeobject_metadata")).isEqualTo("0");

        Cli.Result blobs = cli.run("-c", "config.yaml", "restore", "app-shop-blobs", "--to", "copy2");
        assertThat(blobs.exit()).as(blobs.toString()).isZero();
        assertThat(pg.queryOne("copy2", "select string_agg(oid || ':' || lomowner::regrole || ':' || md5(lo_get(oid)), ',') "
                + "from pg_largeobject_metadata")).isEqualTo(source);
    }

    /**
     * A {@code schemas:} backup does not hold the extensions its tables use: restored into a fresh database, pg_restore
     * fails on the CREATE TABLE and writes the whole statement after its error line. The failure says why, not {@code );}.
     */
    @Test
    void aFailedRestoreOfAWideTableSaysWhyNotTheStatementsLastLine() {
        backup("app-wide");

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "app-wide", "--to", "copy");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("rolled back").contains("pg_restore failed (exit 1): could not execute query: ERROR:  type "
                + "\"public.citext\" does not exist");
        assertThat(pg.databaseExists("copy")).isFalse();
    }

    /**
     * Default privileges set without {@code IN SCHEMA} live outside every schema and outlast {@code --clean}'s drop: they
     * applied to every object the restore then created, so a table the source kept from a role came back readable by it
     * and a function everyone could run came back closed. The restore re-creates the backup's own at its end.
     */
    @ParameterizedTest
    @ValueSource(strings = {"grants", "grants-plain"})
    void aCleanRestoreGivesTheBackupsObjectsTheBackupsPrivilegesWhateverTheDefaultPrivileges(String job) {
        backup(job);
        String privileges = "select has_table_privilege('app_reader', 'public.secrets', 'select') || ' ' "
                + "|| has_function_privilege('app_reader', 'public.f()', 'execute') || ' ' "
                + "|| (select count(*) from pg_default_acl)";
        assertThat(pg.queryOne("grants", privileges)).isEqualTo("false true 2");

        Cli.Result fresh = cli.run("-c", "config.yaml", "restore", job, "--to", "copy");
        assertThat(fresh.exit()).as(fresh.toString()).isZero();
        assertThat(pg.queryOne("copy", privileges)).isEqualTo("false true 2");

        Cli.Result clean = cli.run("-c", "config.yaml", "restore", job, "--to", "copy", "--clean", "--auto-confirm");
        assertThat(clean.exit()).as(clean.toString()).isZero();
        assertThat(pg.queryOne("copy", privileges)).isEqualTo("false true 2");
        assertThat(pg.schemaDump("copy")).isEqualTo(pg.schemaDump("grants"));
    }

    /** A backup taken with {@code no_privileges} sets none: a clean restore of it leaves the target's default privileges. */
    @Test
    void aCleanRestoreOfABackupWithoutPrivilegesKeepsTheTargetsDefaultPrivileges() {
        backup("grants-bare");
        pg.createDatabase("copy");
        pg.execute("copy", "create table public.old(i int); alter default privileges grant select on tables to app_reader");

        Cli.Result clean = cli.run("-c", "config.yaml", "restore", "grants-bare", "--to", "copy", "--clean", "--auto-confirm");

        assertThat(clean.exit()).as(clean.toString()).isZero();
        assertThat(pg.queryOne("copy", "select (select count(*) from pg_default_acl) || ' ' "
                + "|| has_table_privilege('app_reader', 'public.secrets', 'select')")).isEqualTo("1 true");
    }

    /**
     * A table restored in part comes without its identity (pg_dump writes it as the sequence's object), unless its
     * sequence is named too: then inserts continue where the backup's left off.
     */
    @ParameterizedTest
    @ValueSource(strings = {"app", "app-plain"})
    void aTablesIdentityComesWithItsSequenceNamedToo(String job) {
        backup(job);
        String identity = "select attidentity from pg_attribute where attrelid = 'shop.orders'::regclass and attname = 'id'";

        Cli.Result bare = cli.run("-c", "config.yaml", "restore", job, "--to", "copy", "--schema", "shop", "--table", "orders");
        assertThat(bare.exit()).as(bare.toString()).isZero();
        assertThat(pg.queryOne("copy", identity)).isEmpty();

        Cli.Result with = cli.run("-c", "config.yaml", "restore", job, "--to", "copy2", "--schema", "shop", "--table", "orders",
                "--table", "orders_id_seq");
        assertThat(with.exit()).as(with.toString()).isZero();
        assertThat(pg.queryOne("copy2", identity)).isEqualTo("a");
        assertThat(pg.queryOne("copy2", "insert into shop.orders(note) values ('after the restore') returning id"))
                .isEqualTo(pg.queryOne("app", "select max(id) + 1 from shop.orders"));
    }
}
