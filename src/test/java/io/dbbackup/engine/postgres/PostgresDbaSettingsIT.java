package io.dbbackup.engine.postgres;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.PostgresServer;
import io.dbbackup.testkit.Shell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A PostgreSQL 15 set up as a careful DBA sets one up, through the CLI: the server speaks German ({@code lc_messages}),
 * and the backup role has a {@code client_encoding} of its own ({@code ALTER ROLE … SET client_encoding = 'LATIN1'}).
 */
class PostgresDbaSettingsIT {
    @TempDir
    static Path shared;
    static PostgresServer pg;

    @TempDir
    Path dir;

    @BeforeAll
    static void startGermanServer() throws Exception {
        assertThat(Path.of("/usr/share/i18n/locales/de_DE")).as("glibc locale sources (Debian package locales; bin/test installs it)")
                .isRegularFile();
        // the server (postgres) reads the compiled locale: a folder it may enter
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path locales = Files.createDirectories(shared.resolve("locales"));
        Shell.ok(shared, "localedef", "-i", "de_DE", "-f", "UTF-8", locales.resolve("de_DE.UTF-8").toString());
        pg = PostgresServer.start(PostgresServer.DEFAULT_VERSION, Map.of("lc_messages", "de_DE.UTF-8"),
                Map.of("LOCPATH", locales.toString()));
    }

    @AfterAll
    static void stopServer() {
        if (pg != null) {
            pg.close();
        }
    }

    private Path config(String user, String source, String target) throws Exception {
        pg.writePasswordFile(dir.resolve("pg.password"));
        Path c = dir.resolve("config.yaml");
        Files.writeString(c, """
                datasources:
                  source:
                    engine: postgres
                    host: 127.0.0.1
                    port: %1$d
                    user: %2$s
                    password_file: pg.password
                    database: "%3$s"
                    format: custom
                  target:
                    engine: postgres
                    host: 127.0.0.1
                    port: %1$d
                    user: %2$s
                    password_file: pg.password
                    database: "%4$s"
                stores:
                  local:
                    type: local
                    path: store
                jobs:
                  nightly:
                    datasource: source
                    store: local
                """.formatted(pg.port(), user, source, target));
        Files.setPosixFilePermissions(c, PosixFilePermissions.fromString("rw-------"));
        return c;
    }

    /**
     * Before: a server whose messages are German refuses a missing database with "Datenbank »fresh« existiert nicht",
     * which dbbackup did not take for a missing database: {@code restore --to} a new database failed (exit 2, "cannot
     * connect to PostgreSQL …") instead of creating it, as the README says it does.
     */
    @Test
    void aGermanSpeakingServerGetsTheMissingTargetDatabaseCreated() throws Exception {
        assertThat(pg.queryOne("postgres", "show lc_messages")).isEqualTo("de_DE.UTF-8");
        pg.createDatabase("shop");
        pg.execute("shop", "create table orders (id int primary key, note text); "
                + "insert into orders select g, 'o' || g from generate_series(1, 500) g");
        config("postgres", "shop", "shop_copy");
        Cli cli = new Cli().workingDir(dir);
        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "nightly");
        assertThat(backup.exit()).as(backup.toString()).isZero();

        Cli.Result restore = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "target", "--auto-confirm");
        assertThat(restore.exit()).as(restore.toString()).isZero();
        assertThat(restore.err()).contains("created database for the restore");
        assertThat(pg.contentHashes("shop_copy")).isEqualTo(pg.contentHashes("shop"));
    }

    /**
     * Before: a wrong password refused in German ("Passwort-Authentifizierung für Benutzer »postgres« fehlgeschlagen") was
     * taken for a transient failure: three attempts, each one more failed login on the server (an account lockout's
     * count), and the failure mail after all the pauses. Now one attempt, as in English.
     */
    @Test
    void aWrongPasswordRefusedInGermanIsNotRetried() throws Exception {
        Path c = config("postgres", "postgres", "postgres_copy");
        Files.writeString(dir.resolve("pg.password"), "not-" + pg.password());
        Files.writeString(c, Files.readString(c).replace("    store: local\n", "    store: local\n    retry:\n"
                + "      max_attempts: 3\n      delay: 1s\n"));

        Cli.Result failed = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "nightly");
        assertThat(failed.exit()).as(failed.toString()).isEqualTo(2);
        assertThat(failed.out() + failed.err()).contains("Passwort-Authentifizierung für Benutzer »postgres« fehlgeschlagen")
                .contains("attempt=1/3 retry=false").doesNotContain("attempt=2/3");
    }

    /**
     * A role's CONNECTION LIMIT reached, said in German ("zu viele Verbindungen von Rolle »voll«"): libpq shows no SQLSTATE
     * for a refused connection, and the hint (which limits, what to look at) followed the English words only. Now the
     * refusal's SQLSTATE (53300), asked by one login of dbbackup's own, gets the same hint; still retried. Before: the
     * German line alone.
     */
    @Test
    void aConnectionLimitReachedInGermanSaysWhichSettingsAndIsRetried() throws Exception {
        pg.execute("postgres", "drop role if exists voll; create role voll login password 'voll-pw' connection limit 1");
        Path pw = dir.resolve("voll.pw");
        Files.writeString(pw, "voll-pw\n");
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
        io.dbbackup.spi.Engine engine = PgTestEngines.engine(pg, dir, "postgres", "user: voll", "password_file: " + pw);
        try (java.sql.Connection held = java.sql.DriverManager.getConnection(
                "jdbc:postgresql://" + pg.host() + ":" + pg.port() + "/postgres", "voll", "voll-pw")) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.dump(out, PgTestEngines.context(dir)))
                    .isInstanceOfSatisfying(io.dbbackup.core.DbBackupException.class, e -> {
                        assertThat(e.retryable()).as("retried: a slot may be free later").isTrue();
                        assertThat(e.getMessage()).contains("zu viele Verbindungen von Rolle »voll«")
                                .contains(PgErrors.NO_FREE_SLOT_HINT).doesNotContain("\n");
                    });
            assertThat(out.size()).isZero();
        }
    }

    /**
     * Before: a restore into a database holding the backup's tables already, on a server speaking German, failed with
     * "Relation »kunden« existiert bereits" and no word of --clean (the hint followed the English "already exists"): for
     * pg_restore (custom format), which shows no SQLSTATE, nor for psql (plain format). Both now say to restore with --clean.
     */
    @Test
    void aRestoreIntoADatabaseHoldingItsObjectsSaysToUseCleanInGerman() throws Exception {
        pg.createDatabase("kasse");
        pg.execute("kasse", "create schema verkauf; create type verkauf.stufe as enum ('a', 'b'); "
                + "create function verkauf.brutto(n numeric) returns numeric language sql as 'select n * 1.19'; "
                + "create table verkauf.kunden (id int primary key, s verkauf.stufe); insert into verkauf.kunden values (1, 'a')");
        pg.createDatabase("kasse_copy");
        pg.execute("kasse_copy", "create table alt (id int)");
        for (String format : new String[] {"custom", "plain"}) {
            Path c = config("postgres", "kasse", "kasse_copy");
            Files.writeString(c, Files.readString(c).replace("format: custom", "format: " + format));
            Shell.ok(dir, "rm", "-rf", "store");
            Cli cli = new Cli().workingDir(dir);
            Cli.Result backup = cli.run("-c", "config.yaml", "backup", "nightly");
            assertThat(backup.exit()).as(backup.toString()).isZero();
            Cli.Result first = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "target", "--auto-confirm");
            assertThat(first.exit()).as(first.toString()).isZero();

            Cli.Result again = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "target", "--auto-confirm");
            assertThat(again.exit()).as(again.toString()).isEqualTo(2);
            assertThat(again.err()).as(format).contains("existiert bereits").contains("restore with --clean to replace them")
                    .doesNotContain("42P06").doesNotContain("42710");
            Cli.Result clean = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "target", "--clean", "--auto-confirm");
            assertThat(clean.exit()).as(clean.toString()).isZero();
            pg.execute("kasse_copy", "drop schema verkauf cascade");
        }
    }

    /**
     * Before: a restore onto a server without the backup's owner role, refused in German ("Rolle »eigner« existiert
     * nicht"), failed with that line alone: the hint naming the role, the roles backup and no_owner followed the English
     * words only. Both formats now name the role (psql's LOCATION get_role_oid; pg_restore's "Command was: … OWNER TO").
     */
    @Test
    void aRoleTheTargetLacksIsNamedInGerman() throws Exception {
        pg.createDatabase("laden");
        pg.execute("laden", "create table waren (id int); insert into waren values (1)");
        for (String format : new String[] {"custom", "plain"}) {
            pg.execute("laden", "create role eigner; alter table waren owner to eigner; grant select on waren to eigner");
            Path c = config("postgres", "laden", "laden_" + format);
            Files.writeString(c, Files.readString(c).replace("format: custom", "format: " + format));
            Shell.ok(dir, "rm", "-rf", "store");
            Cli cli = new Cli().workingDir(dir);
            Cli.Result backup = cli.run("-c", "config.yaml", "backup", "nightly");
            assertThat(backup.exit()).as(backup.toString()).isZero();
            pg.execute("laden", "reassign owned by eigner to postgres; drop owned by eigner; drop role eigner");

            Cli.Result restore = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "target", "--auto-confirm");
            assertThat(restore.exit()).as(restore.toString()).isEqualTo(2);
            assertThat(restore.err()).as(format).contains("Rolle »eigner« existiert nicht")
                    .contains("the backup names role \"eigner\" as an owner").contains("no_owner: true");
        }
    }

    /**
     * Before: a backup role that may not read one table, refused in German ("keine Berechtigung für Tabelle geheim"), was
     * tried three times (the English "permission denied" never was); now one attempt, the catalog asked
     * ({@code has_table_privilege}) for the table of pg_dump's refused LOCK TABLE. Exit 2, the table named.
     */
    @Test
    void aTableTheRoleMayNotReadFailsOnceInGerman() throws Exception {
        pg.execute("postgres", "create role bk_leser login password '" + pg.password().replace("'", "''") + "'");
        pg.createDatabase("archiv");
        pg.execute("archiv", "create table offen (id int); create table geheim (id int); grant select on offen to bk_leser");
        Path c = config("bk_leser", "archiv", "archiv_copy");
        Files.writeString(c, Files.readString(c).replace("    store: local\n", "    store: local\n    retry:\n"
                + "      max_attempts: 3\n      delay: 1s\n"));
        Cli.Result failed = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "nightly");
        assertThat(failed.exit()).as(failed.toString()).isEqualTo(2);
        assertThat(failed.out() + failed.err()).contains("keine Berechtigung für Tabelle geheim")
                .contains("attempt=1/3 retry=false").doesNotContain("attempt=2/3");
        assertThat(dir.resolve("store/archiv")).as("no partial object").doesNotExist();
    }

    /**
     * Before: a backup of a database that is not there (renamed, a typo), refused in German ("Datenbank »gibtsnicht«
     * existiert nicht"), was retried as if the server might still create it; now one attempt, as in English.
     */
    @Test
    void aMissingDatabaseRefusedInGermanIsNotRetried() throws Exception {
        Path c = config("postgres", "gibtsnicht", "gibtsnicht_copy");
        Files.writeString(c, Files.readString(c).replace("    store: local\n", "    store: local\n    retry:\n"
                + "      max_attempts: 3\n      delay: 1s\n"));

        Cli.Result failed = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "nightly");
        assertThat(failed.exit()).as(failed.toString()).isEqualTo(2);
        assertThat(failed.out() + failed.err()).contains("Datenbank »gibtsnicht« existiert nicht")
                .contains("attempt=1/3 retry=false");
    }

    /**
     * Before: refused in German ("Rolle »x« hat keine Berechtigung zum Einloggen", "Keine Berechtigung für Datenbank »x«"),
     * a role without LOGIN and a role without CONNECT on the database were tried three times (libpq shows no SQLSTATE and
     * the English words were never retried); now one more login of our own reads the SQLSTATE (28000, 42501).
     */
    @Test
    void aRoleWithoutLoginOrConnectRefusedInGermanIsNotRetried() throws Exception {
        String pw = pg.password().replace("'", "''");
        pg.execute("postgres", "create role ohne_login nologin password '" + pw + "'; "
                + "create role ohne_connect login password '" + pw + "'");
        pg.createDatabase("geschlossen");
        pg.execute("postgres", "revoke connect on database geschlossen from public; create role ohne_hba login password '" + pw + "'");
        Path hba = pg.dir().resolve("data/pg_hba.conf"); // a pg_hba.conf that rejects this role (28000, as no line for it)
        Files.writeString(hba, "host all ohne_hba all reject\n" + Files.readString(hba));
        pg.execute("postgres", "select pg_reload_conf()");
        for (String[] c : new String[][] {{"ohne_login", "postgres"}, {"ohne_connect", "geschlossen"}, {"ohne_hba", "postgres"}}) {
            Path cfg = config(c[0], c[1], c[1] + "_copy");
            Files.writeString(cfg, Files.readString(cfg).replace("    store: local\n", "    store: local\n    retry:\n"
                    + "      max_attempts: 3\n      delay: 1s\n"));
            Cli.Result failed = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "nightly");
            assertThat(failed.exit()).as(failed.toString()).isEqualTo(2);
            assertThat(failed.out() + failed.err()).as(c[0]).contains("attempt=1/3 retry=false")
                    .doesNotContain("attempt=2/3");
        }
    }

    /**
     * The least-privilege backup role of PostgreSQL 14+, {@code pg_read_all_data}, without BYPASSRLS, and a table under row
     * level security: pg_dump refuses to back it up in part. Before, the job tried again with {@code retry} (no attempt
     * can differ) and said only "query would be affected by row-level security policy for table "konten"", nothing of
     * the fix; now one attempt (exit 2) that names BYPASSRLS.
     */
    @Test
    void aTableUnderRowLevelSecurityFailsTheBackupOnceNamingBypassrls() throws Exception {
        pg.execute("postgres", "create role bk_rls login password '" + pg.password().replace("'", "''") + "'; "
                + "grant pg_read_all_data to bk_rls");
        pg.createDatabase("bank");
        pg.execute("bank", "alter database bank set lc_messages = 'C'; create table konten (id int, inhaber text); "
                + "insert into konten select g, 'k' || g from generate_series(1, 20) g; "
                + "alter table konten enable row level security; create policy eigene on konten using (inhaber = current_user)");
        Path c = config("bk_rls", "bank", "bank_copy");
        Files.writeString(c, Files.readString(c).replace("    store: local\n", "    store: local\n    retry:\n"
                + "      max_attempts: 3\n      delay: 1s\n"));
        Cli cli = new Cli().workingDir(dir);

        Cli.Result failed = cli.run("-c", "config.yaml", "backup", "nightly");
        assertThat(failed.exit()).as(failed.toString()).isEqualTo(2);
        assertThat(failed.out() + failed.err()).contains("row-level security policy for table \"konten\"")
                .contains("ALTER ROLE bk_rls BYPASSRLS").contains("attempt=1/3 retry=false");

        // what a user finds when searching for the error: pg_dump then exits 0 with the rows the policy shows (none here)
        Files.writeString(c, Files.readString(c).replace("    format: custom\n", "    format: custom\n"
                + "    extra_args: [--enable-row-security]\n"));
        Cli.Result partial = cli.run("-c", "config.yaml", "backup", "nightly");
        assertThat(partial.exit()).as(partial.toString()).isZero();
        assertThat(partial.err()).contains("rows left out: extra_args --enable-row-security").contains("BYPASSRLS");
        try (java.util.stream.Stream<Path> files = Files.walk(dir.resolve("store"))) {
            Path manifest = files.filter(p -> p.toString().endsWith(".manifest.json")).findFirst().orElseThrow();
            assertThat(Files.readString(manifest)).contains("\"row_security\"");
        }
        Files.writeString(c, Files.readString(c).replace("    extra_args: [--enable-row-security]\n", ""));
        Shell.ok(dir, "rm", "-rf", "store"); // the next backup may start within the same second, under the same key

        pg.execute("postgres", "alter role bk_rls bypassrls");
        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "nightly");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        assertThat(backup.err()).doesNotContain("rows left out");
    }

    /**
     * As above, the server speaking German: before, "Policy für Sicherheit auf Zeilenebene für Tabelle »depot« würde
     * Auswirkung auf die Anfrage haben" was retried (three attempts) with no word of BYPASSRLS; now the catalog is asked
     * (row_security_active) of the table pg_dump's own "Query was: COPY …" names: one attempt, with the fix.
     */
    @Test
    void aTableUnderRowLevelSecurityInGermanFailsOnceNamingBypassrls() throws Exception {
        pg.execute("postgres", "create role bk_rls_de login password '" + pg.password().replace("'", "''") + "'; "
                + "grant pg_read_all_data to bk_rls_de");
        pg.createDatabase("depotbank");
        pg.execute("depotbank", "create table \"Depot Posten\" (id int, inhaber text); "
                + "insert into \"Depot Posten\" select g, 'k' || g from generate_series(1, 20) g; "
                + "alter table \"Depot Posten\" enable row level security; create policy eigene on \"Depot Posten\" using (inhaber = current_user)");
        Path c = config("bk_rls_de", "depotbank", "depotbank_copy");
        Files.writeString(c, Files.readString(c).replace("    store: local\n", "    store: local\n    retry:\n"
                + "      max_attempts: 3\n      delay: 1s\n"));

        Cli.Result failed = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "nightly");
        assertThat(failed.exit()).as(failed.toString()).isEqualTo(2);
        assertThat(failed.out() + failed.err()).contains("Zeilenebene").contains("ALTER ROLE bk_rls_de BYPASSRLS")
                .contains("attempt=1/3 retry=false");
    }

    /**
     * A login role that does not inherit (NOINHERIT) and reads through a role it must SET ROLE to, as pg_dump's {@code
     * --role} is for. Before, {@code extra_args: [--role=reader]} was refused ("'--role' is set by dbbackup itself", which
     * it is not: no key sets it), exit 1, and without it pg_dump was denied the tables: that login could not back up.
     */
    @Test
    void aNoinheritLoginBacksUpThroughTheRoleItSetsWithExtraArgsRole() throws Exception {
        pg.execute("postgres", "create role reader nologin; grant pg_read_all_data to reader; "
                + "create role bk_login login noinherit password '" + pg.password().replace("'", "''") + "'; grant reader to bk_login");
        pg.createDatabase("lager");
        pg.execute("lager", "create table artikel (id int primary key, name text); "
                + "insert into artikel select g, 'a' || g from generate_series(1, 200) g");
        Path c = config("bk_login", "lager", "lager_copy");
        String yaml = Files.readString(c).replace("    format: custom\n", "    format: custom\n    extra_args: [--role=reader]\n");
        int target = yaml.indexOf("  target:");
        Files.writeString(c, yaml.substring(0, target) + yaml.substring(target).replace("user: bk_login", "user: postgres"));
        Cli cli = new Cli().workingDir(dir);

        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "nightly");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        Cli.Result restore = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "target", "--auto-confirm");
        assertThat(restore.exit()).as(restore.toString()).isZero();
        assertThat(pg.contentHashes("lager_copy")).isEqualTo(pg.contentHashes("lager"));
    }

    /** A job {@code roles} (method: roles, as {@code user} with the password in pg.password) and its backup, taken. */
    private Cli rolesBackedUpAs(String user) throws Exception {
        Path c = dir.resolve("config.yaml");
        Files.writeString(c, """
                datasources:
                  cluster:
                    engine: postgres
                    method: roles
                    host: 127.0.0.1
                    port: %d
                    user: %s
                    password_file: pg.password
                stores:
                  local:
                    type: local
                    path: store
                jobs:
                  roles:
                    datasource: cluster
                    store: local
                """.formatted(pg.port(), user));
        Files.setPosixFilePermissions(c, PosixFilePermissions.fromString("rw-------"));
        Cli cli = new Cli().workingDir(dir);
        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "roles");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        return cli;
    }

    /** A role {@code bk} that reads everything and may create databases, with a LATIN1 {@code client_encoding} of its own. */
    private static void latin1Role(String role) {
        pg.execute("postgres", "create role " + role + " login createdb password '" + pg.password().replace("'", "''") + "'; "
                + "grant pg_read_all_data to " + role + "; alter role " + role + " set client_encoding = 'LATIN1'");
    }

    /**
     * Before: dbbackup's own psql sessions took the role's LATIN1 for the text they were given, which is UTF-8: {@code restore
     * --to} a new database "café_copy" created "cafÃ©_copy", then could not connect to "café_copy" (exit 2, "database
     * "café_copy" does not exist"), and {@code inspect} showed a table "preis_ä" as "preis_�".
     */
    @Test
    void aRoleWithALatin1ClientEncodingRestoresIntoANewDatabaseWithANonAsciiName() throws Exception {
        latin1Role("bk_restore");
        pg.createDatabase("café");
        pg.execute("café", "create table preis_ä (id int primary key, note text); "
                + "insert into preis_ä select g, 'Grüße ' || g from generate_series(1, 300) g; alter table preis_ä owner to bk_restore");
        config("bk_restore", "café", "café_copy");
        Cli cli = new Cli().workingDir(dir);

        Cli.Result inspect = cli.run("-c", "config.yaml", "inspect", "source", "--json");
        assertThat(inspect.exit()).as(inspect.toString()).isZero();
        assertThat(inspect.out()).contains("\"preis_ä\"");

        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "nightly");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        Cli.Result restore = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "target", "--auto-confirm");
        assertThat(restore.exit()).as(restore.toString()).isZero();
        assertThat(pg.databaseExists("café_copy")).isTrue();
        assertThat(pg.databaseExists("cafÃ©_copy")).isFalse();
        assertThat(pg.contentHashes("café_copy")).isEqualTo(pg.contentHashes("café"));
    }

    /**
     * Before: a roles backup taken by a role with a LATIN1 client_encoding (a LATIN1 script) was listed by {@code show
     * --contents} as {@code role "m�ller"}.
     */
    @Test
    void aRolesBackupInLatin1ListsItsRolesByTheirNames() throws Exception {
        latin1Role("bk_rollen");
        pg.execute("postgres", "alter role bk_rollen superuser; create role \"müller\" login");
        pg.writePasswordFile(dir.resolve("pg.password"));
        Cli cli = rolesBackedUpAs("bk_rollen");

        Cli.Result show = cli.run("-c", "config.yaml", "show", "roles", "--contents");
        assertThat(show.exit()).as(show.toString()).isZero();
        assertThat(show.out()).contains("role \"müller\"").doesNotContain("\uFFFD");
    }

    /**
     * Before: a restoring role named "möller" whose client_encoding is LATIN1 (so pg_dumpall wrote the roles script in
     * LATIN1) did not have its own {@code ALTER ROLE "möller" WITH ... PASSWORD} left out, as it was looked for by its
     * UTF-8 bytes: loading the roles backup put back the password it had at backup time, locking the operator out.
     */
    @Test
    void aRestoringRoleWithANonAsciiNameInALatin1RolesScriptKeepsItsPassword() throws Exception {
        pg.execute("postgres", "create role \"möller\" superuser login password '" + pg.password().replace("'", "''") + "'; "
                + "alter role \"möller\" set client_encoding = 'LATIN1'");
        Path pw = dir.resolve("pg.password");
        pg.writePasswordFile(pw);
        Cli cli = rolesBackedUpAs("möller");

        pg.execute("postgres", "alter role \"möller\" password 'das-neue-Passwort'");
        Files.writeString(pw, "das-neue-Passwort\n");
        String changed = pg.queryOne("postgres", "select rolpassword from pg_authid where rolname = 'möller'");
        Cli.Result restore = cli.run("-c", "config.yaml", "restore", "roles", "--auto-confirm");
        assertThat(restore.exit()).as(restore.toString()).isZero();
        assertThat(pg.queryOne("postgres", "select rolpassword from pg_authid where rolname = 'möller'"))
                .as("the restoring role's password after loading the roles").isEqualTo(changed);
    }

    /**
     * pg_dump reads the rows in the session's encoding: with the role's LATIN1, a row holding "€" fails the backup. Before,
     * the one line said only {@code Dumping the contents of table "preise" failed: PQgetResult() failed.}; the server's
     * reason was on a line no report showed, and nothing said what to change.
     */
    @Test
    void aBackupFailedByTheRolesClientEncodingSaysWhyAndWhatToChange() throws Exception {
        latin1Role("bk_dump");
        pg.createDatabase("euro");
        pg.execute("euro", "create table preise (id int primary key, note text); insert into preise values (1, '5 €'); "
                + "alter table preise owner to bk_dump");
        pg.execute("postgres", "alter database euro set lc_messages = 'C'"); // the hint follows the server's English words
        config("bk_dump", "euro", "euro_copy");
        Cli cli = new Cli().workingDir(dir);

        Cli.Result failed = cli.run("-c", "config.yaml", "backup", "nightly");
        assertThat(failed.exit()).as(failed.toString()).isEqualTo(2);
        assertThat(failed.out() + failed.err()).contains("PQgetResult() failed. ERROR:  character with byte sequence")
                .contains("has no equivalent in encoding \"LATIN1\": the session's client_encoding")
                .contains("extra_args: [--encoding=UTF8]");

        Path c = dir.resolve("config.yaml");
        Files.writeString(c, Files.readString(c).replace("    format: custom\n", "    format: custom\n    extra_args: [--encoding=UTF8]\n"));
        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "nightly");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        Cli.Result restore = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "target", "--auto-confirm");
        assertThat(restore.exit()).as(restore.toString()).isZero();
        assertThat(pg.contentHashes("euro_copy")).isEqualTo(pg.contentHashes("euro"));
    }
}
