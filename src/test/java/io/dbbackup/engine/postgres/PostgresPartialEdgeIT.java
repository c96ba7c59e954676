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
}
