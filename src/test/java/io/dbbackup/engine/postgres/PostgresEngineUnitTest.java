package io.dbbackup.engine.postgres;

import io.dbbackup.config.ConfigException;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.DumpFormat;
import io.dbbackup.core.Secret;
import io.dbbackup.spi.Engine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Version parsing, client choice, pass files and config validation: no server needed. */
class PostgresEngineUnitTest {
    @TempDir
    Path dir;

    @Test
    void versionsParseFromServerToolsAndFolders() {
        PgVersion tool = PgVersion.ofToolOutput("pg_dump (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)\n").orElseThrow();
        assertThat(tool.num()).isEqualTo(150014);
        assertThat(tool.major()).isEqualTo("15");
        assertThat(tool.text()).isEqualTo("15.14");
        assertThat(PgVersion.ofToolOutput("psql (PostgreSQL) 9.6.24").orElseThrow().major()).isEqualTo("9.6");
        assertThat(PgVersion.ofToolOutput("pg_dump (PostgreSQL) 17devel").orElseThrow().major()).isEqualTo("17");
        assertThat(PgVersion.ofServer(160002, "16.2").sameMajor(PgVersion.ofMajorName("16").orElseThrow())).isTrue();
        assertThat(PgVersion.ofServer(90624, "9.6.24").sameMajor(PgVersion.ofMajorName("9.6").orElseThrow())).isTrue();
        assertThat(PgVersion.ofMajorName("15.2")).isEmpty();
        assertThat(PgVersion.ofMajorName("latest")).isEmpty();
        assertThat(PgVersion.ofMajorName("99999999999999999999999")).as("no int overflow").isEmpty();
    }

    /** Found by ConfigMutationFuzzTest: "datasources.pg: cannot be set up: For input string: ..." at the datasource. */
    @Test
    void aHugePgVersionIsAnErrorAtItsKey() {
        assertThatThrownBy(() -> load("    database: app\n    pg_version: 99999999999999999999999\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("datasources.pg.pg_version: must be a PostgreSQL major version")
                .hasMessageNotContaining("cannot be set up");
    }

    private Path fakeInstall(String major, String version) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("root").resolve(major).resolve("bin"));
        for (String tool : new String[] {"pg_dump", "psql", "pg_restore"}) {
            Path exe = bin.resolve(tool);
            Files.writeString(exe, "#!/bin/sh\necho '" + tool + " (PostgreSQL) " + version + "'\n");
            Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return bin;
    }

    @Test
    void theMatchingMajorWinsThenTheNewestAboveAndAnOlderOneIsRefused() throws IOException {
        fakeInstall("13", "13.16");
        fakeInstall("15", "15.14");
        fakeInstall("17", "17.2");
        ClientLocator locator = new ClientLocator(dir.resolve("root"), null, null);
        assertThat(locator.forServer("pg_dump", PgVersion.ofServer(150010, "15.10")).version().text()).isEqualTo("15.14");
        assertThat(locator.forServer("pg_dump", PgVersion.ofServer(160004, "16.4")).version().text()).isEqualTo("17.2");
        assertThat(locator.versionOf(locator.probeExecutable()).text()).isEqualTo("17.2");
        assertThat(locator.installed("pg_dump")).hasSize(3);
        // only clients older than the server would remain: refused, naming both and what to install
        ClientLocator old = new ClientLocator(dir.resolve("root"), dir.resolve("root/13/bin"), null);
        assertThatThrownBy(() -> old.forServer("pg_dump", PgVersion.ofServer(150010, "15.10")))
                .isInstanceOfSatisfying(DbBackupException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("server is version 15 (15.10)").hasMessageContaining("13.16")
                .hasMessageContaining("apt-get install postgresql-client-15");
        ClientLocator pinned = new ClientLocator(dir.resolve("root"), null, "16");
        assertThatThrownBy(() -> pinned.forServer("pg_dump", PgVersion.ofServer(150010, "15.10")))
                .hasMessageContaining("pg_version 16").hasMessageContaining("apt-get install postgresql-client-16");
    }

    @Test
    void thePassFileIsPrivateEscapedAndDeleted() throws IOException {
        Path file;
        try (PassFile pf = PassFile.create(dir.resolve("scratch"), new Secret("a:b\\c", "test"))) {
            file = pf.path();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(Files.readString(file)).isEqualTo("*:*:*:*:a\\:b\\\\c\n");
        }
        assertThat(file).doesNotExist();
        try (PassFile none = PassFile.create(dir.resolve("scratch"), null)) {
            assertThat(none.path()).isNull();
        }
    }

    private Engine load(String extra) throws IOException {
        return PgTestEngines.fromYaml(dir, Map.of("PW", "secret-pw"), """
                datasources:
                  pg:
                    engine: postgres
                    password_env: PW
                """ + extra);
    }

    @Test
    void configDefaultsAndFormats() throws IOException {
        Engine plain = load("    database: app\n");
        assertThat(plain.format()).isEqualTo(DumpFormat.SQL);
        assertThat(plain.database()).isEqualTo("app");
        assertThat(plain.describe()).isEqualTo("postgres " + System.getProperty("user.name") + "@localhost:5432/app")
                .doesNotContain("secret-pw");
        Engine custom = load("    database: app\n    format: custom\n    host: db.internal\n    port: 6543\n    user: backup\n"
                + "    schemas: [sales, public]\n    exclude_table_data: 'public.log_*'\n    no_owner: true\n"
                + "    extra_args: ['--lock-wait-timeout=30s']\n    timeout: 2h\n    sslmode: verify-full\n");
        assertThat(custom.format()).isEqualTo(DumpFormat.DUMP);
        assertThat(custom.describe()).isEqualTo("postgres backup@db.internal:6543/app");
    }

    @Test
    void rolesTakeTheConnectionAndTheClusterButNoDumpOrBaseBackupKeys() throws IOException {
        Engine roles = load("    method: roles\n    cluster: main\n    host: db.internal\n    role_passwords: false\n");
        assertThat(roles).isInstanceOf(RolesEngine.class);
        assertThat(roles.database()).isEqualTo("main");
        assertThat(roles.format()).isEqualTo(DumpFormat.SQL);
        assertThat(roles.describe()).isEqualTo("postgres roles of " + System.getProperty("user.name") + "@db.internal:5432 (cluster main)");
        assertThatThrownBy(() -> load("    method: roles\n    database: app\n    checkpoint: fast\n    no_owner: true\n"
                + "    pg_version: fifteen\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("database: not used with method: roles")
                .hasMessageContaining("checkpoint: only for method: physical")
                .hasMessageContaining("no_owner: only for method: logical")
                .hasMessageContaining("pg_version: must be a PostgreSQL major version");
        assertThatThrownBy(() -> load("    database: app\n    role_passwords: false\n"))
                .hasMessageContaining("role_passwords: only for method: roles");
    }

    @Test
    void theRolesScriptKeepsExistingRolesAndTheRestoringRolesOwnAttributes() throws IOException {
        String script = String.join("\n", "CREATE ROLE app;", "ALTER ROLE app WITH LOGIN PASSWORD 'x';", "CREATE ROLE \"Odd \"\"One\";",
                "ALTER ROLE \"Odd \"\"One\" WITH NOLOGIN;", "CREATE ROLE admin;", "ALTER ROLE admin WITH SUPERUSER PASSWORD 'y';",
                "ALTER ROLE admin SET work_mem TO '8MB';", "GRANT app TO admin;", "");
        RoleScript rs = new RoleScript(new java.io.ByteArrayInputStream(script.getBytes(java.nio.charset.StandardCharsets.UTF_8)), "admin");
        String out = new String(rs.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(out.lines().toList()).containsExactly(
                "DO $dbbackup$BEGIN CREATE ROLE app; EXCEPTION WHEN duplicate_object THEN NULL; END$dbbackup$;",
                "ALTER ROLE app WITH LOGIN PASSWORD 'x';",
                "DO $dbbackup$BEGIN CREATE ROLE \"Odd \"\"One\"; EXCEPTION WHEN duplicate_object THEN NULL; END$dbbackup$;",
                "ALTER ROLE \"Odd \"\"One\" WITH NOLOGIN;",
                "DO $dbbackup$BEGIN CREATE ROLE admin; EXCEPTION WHEN duplicate_object THEN NULL; END$dbbackup$;",
                "ALTER ROLE admin SET work_mem TO '8MB';",
                "GRANT app TO admin;");
        assertThat(rs.skipped()).isEqualTo(1);
        RoleScript quoted = new RoleScript(new java.io.ByteArrayInputStream("ALTER ROLE \"Odd \"\"One\" WITH NOLOGIN;\n"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)), "Odd \"One");
        assertThat(quoted.readAllBytes()).isEmpty();
        RoleScript hostile = new RoleScript(new java.io.ByteArrayInputStream("CREATE ROLE \"a$dbbackup$b\";\n"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)), "admin");
        assertThatThrownBy(hostile::readAllBytes).hasMessageContaining("cannot load safely");
    }

    @Test
    void configProblemsAreReportedTogether() {
        assertThatThrownBy(() -> load("    format: tar\n    sslmode: sometimes\n    pg_version: fifteen\n"
                + "    extra_args: ['--password=hunter2', 'postgresql://u:p@h/db', '-h', '--lock-wait-timeout=1s']\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("missing required key")
                .hasMessageContaining("format")
                .hasMessageContaining("sslmode")
                .hasMessageContaining("pg_version")
                .hasMessageContaining("looks like a password or a connection string")
                .hasMessageContaining("'-h' is set by dbbackup itself")
                .hasMessageNotContaining("hunter2")
                .hasMessageNotContaining("lock-wait-timeout");
        assertThatThrownBy(() -> load("    database: a/b\n")).hasMessageContaining("cannot name a backup folder");
        assertThatThrownBy(() -> PgTestEngines.fromYaml(dir, Map.of(), """
                datasources:
                  pg:
                    engine: postgres
                    database: app
                    password: literal
                """)).hasMessageContaining("secrets are not read from the config file");
    }

    /** verify --deep's line for a script of one object: "1 objects" said before. */
    @Test
    void aDeepVerifysCountIsSingularForOne() throws Exception {
        String script = "--\n-- PostgreSQL database dump\n--\n\n-- Name: t; Type: TABLE; Schema: public; Owner: app\n"
                + "CREATE TABLE public.t (x int);\n\n--\n" + PostgresEngine.SCRIPT_END + "\n--\n";
        assertThat(load("    database: app\n").verifyDeep(new java.io.ByteArrayInputStream(script.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                DumpFormat.SQL, PgTestEngines.context(dir)))
                .isEqualTo("SQL script complete ('" + PostgresEngine.SCRIPT_END + "'): 1 object, 0 with table data");
    }

    @Test
    void whatATargetHoldsIsCountedInTheSingularForOne() {
        assertThat(PostgresEngine.holding("app on db:5432", 1, 0, 1, 2))
                .isEqualTo("database app on db:5432 holds 1 table, 0 views, 1 sequence, 2 large objects");
    }
}
