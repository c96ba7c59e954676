package io.dbbackup.engine.postgres;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code restore --table/--schema} of what the audit found restored wrong, from real pg_dump output (a custom archive and
 * a plain script of one database): a table comment and a function body that carry lines reading like pg_dump's object
 * comments followed by an INSERT and a CREATE ROLE.
 */
class PostgresPartialEdgeIT {
    static PostgresServer pg;

    @TempDir
    static Path dir;
    static Cli cli;

    @BeforeAll
    static void backUp() throws Exception {
        pg = PostgresServer.start();
        pg.createDatabase("edge");
        pg.execute("edge", """
                create table notes(id int primary key, t text);
                create table victim(id int primary key, v text);
                insert into notes values (1, 'n');
                insert into victim values (1, 'a'), (2, 'b');
                comment on table notes is E'x\\n--\\n-- Data for Name: victim; Type: TABLE DATA; Schema: public; Owner: postgres\\n--\\n\\n'
                  'INSERT INTO public.victim VALUES (99, NULL);\\nCREATE ROLE edge_injected SUPERUSER;\\n--';
                create function f() returns int language plpgsql as $$
                begin
                --
                -- Name: victim; Type: TABLE; Schema: public; Owner: postgres
                --
                return 1;
                end $$;
                create table parted(k int, v text) partition by range (k);
                create table parted_1 partition of parted for values from (0) to (100);
                create table parted_2 partition of parted for values from (100) to (200) partition by list (v);
                create table parted_2a partition of parted_2 for values in ('a');
                create table parted_def partition of parted default;
                insert into parted values (1, 'x'), (150, 'a'), (500, 'z');
                create schema "Odd Schema";
                create schema "we""ird sch";
                create table "Odd Schema"."Tab ""q"" Ünï"("Col 1" text);
                insert into "Odd Schema"."Tab ""q"" Ünï" values ('v');
                create table "we""ird sch"."表格"(id int);
                insert into "we""ird sch"."表格" values (7);
                create role edge_reader;
                create table secret(id int, owner text);
                alter table secret enable row level security;
                alter table secret force row level security;
                create policy p1 on secret for select to edge_reader using (owner = current_user);
                grant select on secret to edge_reader;
                comment on table secret is 'only their own rows';
                comment on column secret.owner is 'a role';
                insert into secret values (1, 'a'), (2, 'b');
                create table secretive(id int);
                alter table secretive enable row level security;
                create policy p2 on secretive using (true);
                """);
        pg.writePasswordFile(dir.resolve("pg.password"));
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  edge: &pg
                    engine: postgres
                    host: 127.0.0.1
                    port: %d
                    user: postgres
                    password_file: pg.password
                    database: edge
                    format: custom
                  edge-plain:
                    <<: *pg
                    format: plain
                  scratch:
                    <<: *pg
                    database: scratch
                stores:
                  local: {type: local, path: store}
                jobs:
                  edge: {datasource: edge, store: local}
                  edge-plain: {datasource: edge-plain, store: local, prefix: plain}
                """.formatted(pg.port()));
        cli = new Cli().workingDir(dir);
        Cli.Result b = cli.run("-c", "config.yaml", "backup", "edge", "edge-plain");
        assertThat(b.exit()).as(b.toString()).isZero();
    }

    @AfterAll
    static void stopServer() {
        if (pg != null) {
            pg.close();
        }
    }

    @BeforeEach
    void freshScratch() {
        if (pg.databaseExists("scratch")) {
            pg.dropDatabase("scratch");
        }
    }

    private Cli.Result restore(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "-c";
        all[1] = "config.yaml";
        all[2] = "restore";
        System.arraycopy(args, 0, all, 3, args.length);
        return cli.run(all);
    }

    /** Audit F1: the comment's lines ran as the restoring user (a row 99 and a superuser role). */
    @ParameterizedTest
    @ValueSource(strings = {"edge", "edge-plain"})
    void aTableAndItsRowsAreOnlyThatNotWhatAnotherObjectsTextSays(String job) {
        Cli.Result table = restore(job, "--to", "scratch", "--table", "victim");
        assertThat(table.exit()).as(table.toString()).isZero();
        assertThat(pg.query("scratch", "select id from victim order by id")).containsExactly("1", "2");

        pg.execute("scratch", "truncate victim");
        Cli.Result rows = restore(job, "--to", "scratch", "--table", "victim", "--data-only", "--auto-confirm");
        assertThat(rows.exit()).as(rows.toString()).isZero();
        assertThat(pg.query("scratch", "select id from victim order by id")).containsExactly("1", "2");
        assertThat(pg.query("scratch", "select proname from pg_proc where proname = 'f'")).isEmpty();
        assertThat(pg.queryOne("postgres", "select count(*) from pg_roles where rolname = 'edge_injected'")).isEqualTo("0");

        Cli.Result show = cli.run("-c", "config.yaml", "show", job, "--contents");
        assertThat(show.exit()).as(show.toString()).isZero();
        assertThat(show.out().split("table public.victim\n", -1)).as(show.out()).hasSize(2);
    }

    /** Audit F8: "restored table parted, rows only" with 0 rows (they are the partitions'), or an empty bare parent. */
    @ParameterizedTest
    @ValueSource(strings = {"edge", "edge-plain"})
    void aPartitionedTableComesBackWithItsPartitionsAtEveryLevel(String job) {
        Cli.Result table = restore(job, "--to", "scratch", "--table", "parted");
        assertThat(table.exit()).as(table.toString()).isZero();
        assertThat(pg.query("scratch", "select k || ' ' || tableoid::regclass from parted order by k"))
                .containsExactly("1 parted_1", "150 parted_2a", "500 parted_def");
        assertThat(pg.query("scratch", "select inhrelid::regclass || ' of ' || inhparent::regclass from pg_inherits order by 1"))
                .containsExactly("parted_1 of parted", "parted_2 of parted", "parted_2a of parted_2", "parted_def of parted");
        assertThat(pg.query("scratch", "select relname from pg_class where relname in ('victim', 'notes')")).isEmpty();

        pg.execute("scratch", "truncate parted");
        Cli.Result rows = restore(job, "--to", "scratch", "--table", "parted", "--data-only", "--auto-confirm");
        assertThat(rows.exit()).as(rows.toString()).isZero();
        assertThat(pg.queryOne("scratch", "select count(*) from parted")).isEqualTo("3");
    }

    /** Audit F12: a custom archive's schema with a space or a quote could not be named (its --list line was misread). */
    @ParameterizedTest
    @ValueSource(strings = {"edge", "edge-plain"})
    void schemasAndTablesWithSpacesAndQuotesCanBeNamed(String job) {
        Cli.Result show = cli.run("-c", "config.yaml", "show", job, "--contents");
        assertThat(show.exit()).as(show.toString()).isZero();
        assertThat(show.out()).contains("table Odd Schema.Tab \"q\" Ünï\n", "table we\"ird sch.表格\n");

        Cli.Result odd = restore(job, "--to", "scratch", "--schema", "Odd Schema", "--table", "Tab \"q\" Ünï");
        assertThat(odd.exit()).as(odd.toString()).isZero();
        assertThat(pg.queryOne("scratch", "select \"Col 1\" from \"Odd Schema\".\"Tab \"\"q\"\" Ünï\"")).isEqualTo("v");

        Cli.Result weird = restore(job, "--to", "scratch", "--schema", "we\"ird sch", "--table", "表格", "--auto-confirm");
        assertThat(weird.exit()).as(weird.toString()).isZero();
        assertThat(pg.queryOne("scratch", "select id from \"we\"\"ird sch\".\"表格\"")).isEqualTo("7");
    }

    /** Audit F9: a table restored alone came back without its row level security and policies (plain: grants, comment). */
    @ParameterizedTest
    @ValueSource(strings = {"edge", "edge-plain"})
    void aTableComesBackWithItsRowSecurityPoliciesGrantsAndComments(String job) {
        Cli.Result r = restore(job, "--to", "scratch", "--table", "secret");
        assertThat(r.exit()).as(r.toString()).isZero();

        assertThat(pg.queryOne("scratch", "select relrowsecurity || ' ' || relforcerowsecurity || ' ' "
                + "|| has_table_privilege('edge_reader', oid, 'select') || ' ' || obj_description(oid, 'pg_class') "
                + "|| ' ' || col_description(oid, 2) from pg_class where relname = 'secret'"))
                .isEqualTo("true true true only their own rows a role");
        assertThat(pg.query("scratch", "select polname || ' on ' || polrelid::regclass from pg_policy")).containsExactly("p1 on secret");
        assertThat(pg.queryOne("scratch", "select count(*) from secret")).isEqualTo("2");
    }
}
