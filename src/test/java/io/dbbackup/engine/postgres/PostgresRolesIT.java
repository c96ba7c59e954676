package io.dbbackup.engine.postgres;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.PostgresServer;
import io.dbbackup.testkit.Reseal;
import io.dbbackup.testkit.Shell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code method: roles} between two real servers: a database dump that needs its owner's role cannot be restored
 * onto a fresh server; the roles backup brings the roles (attributes, password, setting, membership) there, the
 * restoring superuser keeps its own password, and then the database restores.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresRolesIT {
    static final String WEIRD = "Weird \"Name\"";
    PostgresServer source;
    PostgresServer target;
    Path dir;
    Cli cli;

    @BeforeAll
    void start() throws Exception {
        source = PostgresServer.start();
        target = PostgresServer.start();
        dir = Files.createTempDirectory("roles-it");
        source.writePasswordFile(dir.resolve("source.pw"));
        target.writePasswordFile(dir.resolve("target.pw"));
        source.execute("postgres", "create role readers nologin");
        source.execute("postgres", "create role app login password 'app-secret'");
        source.execute("postgres", "create role \"" + WEIRD.replace("\"", "\"\"") + "\" login");
        source.execute("postgres", "grant readers to app");
        source.execute("postgres", "alter role app set work_mem = '8MB'");
        source.execute("postgres", "create database shop owner app");
        source.execute("shop", "create table orders(id int primary key, note text)");
        source.execute("shop", "insert into orders select g, 'n' || g from generate_series(1, 50) g");
        source.execute("shop", "alter table orders owner to app");
        source.execute("shop", "grant select on orders to readers");
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  roles:
                    engine: postgres
                    method: roles
                    cluster: main
                    host: 127.0.0.1
                    port: %1$d
                    user: postgres
                    password_file: source.pw
                  roles-nopw:
                    engine: postgres
                    method: roles
                    cluster: main-nopw
                    role_passwords: false
                    host: 127.0.0.1
                    port: %1$d
                    user: postgres
                    password_file: source.pw
                  new-roles:
                    engine: postgres
                    method: roles
                    host: 127.0.0.1
                    port: %2$d
                    user: postgres
                    password_file: target.pw
                  shop:
                    engine: postgres
                    database: shop
                    format: custom
                    host: 127.0.0.1
                    port: %1$d
                    user: postgres
                    password_file: source.pw
                  new-shop:
                    engine: postgres
                    database: shop
                    host: 127.0.0.1
                    port: %2$d
                    user: postgres
                    password_file: target.pw
                stores:
                  local: {type: local, path: store}
                jobs:
                  roles: {datasource: roles, store: local, compression: zstd, verify: deep}
                  roles-nopw: {datasource: roles-nopw, store: local, compression: zstd}
                  shop: {datasource: shop, store: local, compression: zstd}
                """.formatted(source.port(), target.port()));
        cli = new Cli().workingDir(dir);
    }

    @AfterAll
    void stop() throws Exception {
        if (source != null) {
            source.close();
        }
        if (target != null) {
            target.close();
        }
        if (dir != null) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private Cli.Result run(String... args) {
        String[] full = new String[args.length + 2];
        full[0] = "-c";
        full[1] = "config.yaml";
        System.arraycopy(args, 0, full, 2, args.length);
        return cli.run(full);
    }

    private Path artifact(String folder) throws Exception {
        try (Stream<Path> s = Files.list(dir.resolve("store").resolve(folder))) {
            return s.filter(p -> p.toString().endsWith(".sql.zst")).findFirst().orElseThrow();
        }
    }

    @Test
    @Order(1)
    void theRolesBackupIsPgDumpallsScriptCheckedToItsEnd() throws Exception {
        Cli.Result r = run("backup", "roles", "roles-nopw", "shop");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("result=roles script complete");
        String script = Shell.sh(dir, "zstd -dc '" + artifact("main") + "'");
        assertThat(script).contains("CREATE ROLE app;", "GRANT readers TO app", "ALTER ROLE app SET work_mem TO '8MB';")
                .containsPattern("ALTER ROLE app WITH .*PASSWORD 'SCRAM-SHA-256\\$");
        long roles = script.lines().filter(l -> l.startsWith("CREATE ROLE ")).count();
        long grants = script.lines().filter(l -> l.startsWith("GRANT ")).count();
        Cli.Result deep = run("verify", "roles", "--deep");
        assertThat(deep.exit()).as(deep.toString()).isZero();
        assertThat(grants).isEqualTo(1); // readers to app: "1 memberships" said before
        assertThat(deep.out()).contains("roles script complete ('-- PostgreSQL database cluster dump complete'): " + roles
                + " roles, 1 membership");
        assertThat(roles).isEqualTo(4); // postgres, app, readers and the quoted one
        Cli.Result show = run("show", "roles", "--contents");
        assertThat(show.exit()).as(show.toString()).isZero();
        assertThat(show.out().lines().filter(l -> l.contains("role "))).hasSize(4);
        assertThat(show.out()).contains("contents    role ").contains("role app\n", "role readers\n", "role postgres\n")
                .doesNotContain("SCRAM");
        assertThat(Shell.sh(dir, "zstd -dc '" + artifact("main-nopw") + "'")).contains("CREATE ROLE app;").doesNotContain("PASSWORD");

        // inspect shows the same roles the script holds, read-only and without any password
        Cli.Result inspect = run("inspect", "roles", "--json");
        assertThat(inspect.exit()).as(inspect.toString()).isZero();
        @SuppressWarnings("unchecked")
        Map<String, Object> info = (Map<String, Object>) io.dbbackup.core.Json.parse(inspect.out().strip());
        assertThat(info).containsEntry("method", "roles").containsEntry("cluster", "main").containsEntry("role_count", (long) roles);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> listed = (List<Map<String, Object>>) info.get("roles");
        assertThat(listed).extracting(m -> m.get("name")).containsExactlyInAnyOrder("postgres", "app", "readers", WEIRD);
        Map<String, Object> app = listed.stream().filter(m -> m.get("name").equals("app")).findFirst().orElseThrow();
        assertThat(app).containsEntry("login", true).containsEntry("superuser", false)
                .containsEntry("member_of", List.of("readers")).containsEntry("settings", List.of("work_mem=8MB"));
        assertThat(inspect.out()).doesNotContain("SCRAM").doesNotContain("app-secret");
        Cli.Result check = run("check", "roles", "shop");
        assertThat(check.exit()).as(check.toString()).isZero();
        assertThat(check.out()).containsPattern("ok     roles datasource: PostgreSQL 127\\.0\\.0\\.1:\\d+ has 4 roles; PostgreSQL 15\\.\\d+, pg_dumpall 15\\.")
                .containsPattern("ok     shop datasource: database .* holds .*; PostgreSQL 15\\.\\d+, pg_dump 15\\.")
                .contains("2 of 2 jobs passed every check (exit 0)");
        Cli.Result text = run("inspect", "roles");
        assertThat(text.out()).contains("role_count:      4").contains("\"name\":\"app\"");
    }

    @Test
    @Order(2)
    void onAFreshServerTheDatabaseNeedsTheRolesAndTheRolesBackupBringsThem() throws Exception {
        Cli.Result without = run("restore", "shop", "--to", "new-shop", "--auto-confirm");
        assertThat(without.exit()).as(without.toString()).isEqualTo(2);
        assertThat(without.err()).contains("role \"app\" does not exist").contains("nothing was applied");

        Cli.Result unconfirmed = run("restore", "roles", "--to", "new-roles");
        assertThat(unconfirmed.exit()).as(unconfirmed.toString()).isEqualTo(1);
        // a fresh server has its superuser alone: "has 1 roles" said before
        assertThat(unconfirmed.toString()).contains(" has 1 role; the backup's are created where missing");
        assertThat(target.queryOne("postgres", "select count(*) from pg_roles where rolname = 'app'")).isEqualTo("0");

        Cli.Result roles = run("restore", "roles", "--to", "new-roles", "--auto-confirm");
        assertThat(roles.exit()).as(roles.toString()).isZero();
        assertThat(roles.err()).contains("the restoring role kept its own attributes and password");
        // the restoring superuser still logs in with the target's own password (the harness's next queries)
        assertThat(target.queryOne("postgres", "select rolcanlogin::text || ',' || pg_has_role('app', 'readers', 'member')::text"
                + " from pg_roles where rolname = 'app'")).isEqualTo("true,true");
        assertThat(target.queryOne("postgres", "select count(*) from pg_roles where rolname = '" + WEIRD + "'")).isEqualTo("1");
        assertThat(target.queryOne("postgres", "select array_to_string(setconfig, ',') from pg_db_role_setting s "
                + "join pg_roles r on r.oid = s.setrole where r.rolname = 'app'")).isEqualTo("work_mem=8MB");
        // app's password came along: it logs in to the new server with the source's password
        ProcessBuilder pb = target.tool("postgres", "psql", "-X", "-A", "-t", "-c", "select current_user");
        pb.environment().put("PGUSER", "app");
        pb.environment().put("PGPASSWORD", "app-secret");
        Process p = pb.redirectErrorStream(true).start();
        String who = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor()).as(who).isZero();
        assertThat(who).isEqualTo("app");

        Cli.Result db = run("restore", "shop", "--to", "new-shop", "--auto-confirm");
        assertThat(db.exit()).as(db.toString()).isZero();
        assertThat(target.queryOne("shop", "select pg_get_userbyid(relowner) || ',' || has_table_privilege('readers', 'orders', "
                + "'select')::text from pg_class where relname = 'orders'")).isEqualTo("app,true");

        Cli.Result again = run("restore", "roles", "--to", "new-roles", "--auto-confirm");
        assertThat(again.exit()).as("loading the same roles again: " + again).isZero();
        source.execute("postgres", "create role late_comer nologin");
        Cli.Result sync = run("sync", "roles", "new-roles", "--auto-confirm");
        assertThat(sync.exit()).as("roles straight from one server into the other: " + sync).isZero();
        assertThat(target.queryOne("postgres", "select count(*) from pg_roles where rolname = 'late_comer'")).isEqualTo("1");
        Cli.Result itself = run("sync", "roles", "roles-nopw", "--auto-confirm");
        assertThat(itself.exit()).isEqualTo(1);
        assertThat(itself.err()).contains("into itself");
        Cli.Result clean = run("restore", "roles", "--to", "new-roles", "--auto-confirm", "--clean");
        assertThat(clean.exit()).as(clean.toString()).isEqualTo(1);
        assertThat(clean.err()).contains("a roles restore never drops a role");
    }

    @Test
    @Order(3)
    void aRolesScriptCutShortIsRefusedBeforeTheTargetIsTouched() throws Exception {
        target.execute("postgres", "drop role \"" + WEIRD.replace("\"", "\"\"") + "\"");
        Path artifact = artifact("main");
        Reseal.rewrite(artifact, dump -> {
            String text = new String(dump, StandardCharsets.UTF_8);
            return text.substring(0, text.indexOf("CREATE ROLE readers;")).getBytes(StandardCharsets.UTF_8);
        });
        Cli.Result verify = run("verify", "roles");
        assertThat(verify.exit()).as("the bytes match their resealed sidecar: " + verify).isZero();
        Cli.Result r = run("restore", "roles", "--to", "new-roles", "--auto-confirm");
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.err()).contains("the backup main/" + artifact.getFileName() + " does not restore: the roles script is cut short");
        assertThat(target.queryOne("postgres", "select count(*) from pg_roles where rolname = '" + WEIRD + "'")).isEqualTo("0");
    }

    /** A pg_dumpall (or a wrapper around one) that exits 0 with its script cut short does not become a backup. */
    @Test
    @Order(4)
    void aPgDumpallThatExitsZeroWithoutItsEndFailsTheBackup() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin-cut"));
        Files.createSymbolicLink(bin.resolve("psql"), source.binDir().resolve("psql"));
        Path real = source.binDir().resolve("pg_dumpall");
        Path tool = bin.resolve("pg_dumpall");
        Files.writeString(tool, "#!/bin/sh\nfor a in \"$@\"; do case \"$a\" in --version|-V) exec " + real + " \"$@\";; esac; done\n"
                + real + " \"$@\" | head -c 400; exit 0\n");
        Files.setPosixFilePermissions(tool, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dir.resolve("config-cut.yaml"), """
                datasources:
                  roles:
                    engine: postgres
                    method: roles
                    cluster: cut
                    host: 127.0.0.1
                    port: %d
                    user: postgres
                    password_file: source.pw
                    bin_dir: %s
                stores:
                  local: {type: local, path: store}
                jobs:
                  roles-cut: {datasource: roles, store: local, compression: zstd}
                """.formatted(source.port(), bin));
        Cli.Result r = cli.run("-c", "config-cut.yaml", "backup", "roles-cut");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("pg_dumpall exited 0, but its script does not end with '-- PostgreSQL database cluster dump complete'");
        assertThat(cli.run("-c", "config-cut.yaml", "list", "roles-cut").out()).doesNotContain(".sql");
    }
}
