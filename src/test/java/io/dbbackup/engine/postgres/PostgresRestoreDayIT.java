package io.dbbackup.engine.postgres;

import io.dbbackup.testkit.DbbackupJar;
import io.dbbackup.testkit.PostgresServer;
import io.dbbackup.testkit.ScriptBackup;
import io.dbbackup.testkit.Shell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built jar on the day a logical backup is restored into another server than its source, one that differs in an
 * ordinary way: a role or a tablespace the backup names is not there. Each restore fails with nothing applied, and its one
 * line says what is missing and how to get past it.
 */
class PostgresRestoreDayIT {
    static PostgresServer source;
    static PostgresServer target;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServers() throws Exception {
        // the source has an extension (as from a package) that the target's server does not
        source = PostgresServer.startWithExtension("dbb_answer", "CREATE FUNCTION dbb_answer() RETURNS int LANGUAGE sql AS 'SELECT 42';");
        target = PostgresServer.start();
        source.execute("postgres", "create role appowner");
        source.createDatabase("owned");
        source.execute("owned", "create table orders(id int primary key); insert into orders values (1), (2); "
                + "alter table orders owner to appowner");
        Path space = Files.createDirectories(source.dir().resolve("fast-space"));
        Shell.ok(source.dir(), "chown", "postgres:postgres", space.toString());
        source.execute("postgres", "create tablespace fast location '" + space + "'");
        source.createDatabase("spaced");
        source.execute("spaced", "create table hot(id int) tablespace fast; insert into hot values (1)");
        source.createDatabase("plain");
        source.execute("plain", "create table items(id int); insert into items values (1)");
        source.createDatabase("extended");
        source.execute("extended", "create extension dbb_answer; create table answers(a int default dbb_answer()); "
                + "insert into answers default values");
        for (String db : List.of("onstandby", "fresh")) {
            source.createDatabase(db);
            source.execute(db, "create table items(id int); insert into items values (1)");
        }
        source.createDatabase("held");
        source.execute("held", "create table items(id int); insert into items values (1)");
        source.createDatabase("sorted");
        source.execute("sorted", "create table big as select g as id from generate_series(1, 300000) g; "
                + "alter table big add primary key (id)");
    }

    @AfterAll
    static void stopServers() {
        for (PostgresServer pg : new PostgresServer[] {source, target}) {
            if (pg != null) {
                pg.close();
            }
        }
    }

    /** Job {@code db} backs up database {@code db} of the source in {@code format}; datasource {@code copy} is {@code db} on the target. */
    private void config(String db, String format) throws Exception {
        config(db, format, target.port());
    }

    /** {@link #config(String, String)} with datasource {@code copy} on the server at {@code targetPort}. */
    private void config(String db, String format, int targetPort) throws Exception {
        config(db, format, targetPort, target);
    }

    /** {@link #config(String, String)} with datasource {@code copy} on {@code to}. */
    private void config(String db, String format, PostgresServer to) throws Exception {
        config(db, format, to.port(), to);
    }

    /** {@link #config(String, String)} with datasource {@code copy} at {@code targetPort}, with {@code to}'s password. */
    private void config(String db, String format, int targetPort, PostgresServer to) throws Exception {
        Path srcPw = source.writePasswordFile(dir.resolve("source.pw"));
        Path tgtPw = to.writePasswordFile(dir.resolve("target.pw"));
        String yaml = """
                datasources:
                  %1$s:
                    engine: postgres
                    host: 127.0.0.1
                    port: %2$d
                    user: postgres
                    password_file: %3$s
                    database: %1$s
                    format: %6$s
                  copy:
                    engine: postgres
                    host: 127.0.0.1
                    port: %4$d
                    user: postgres
                    password_file: %5$s
                    database: %1$s
                stores:
                  local:
                    type: local
                    path: store
                jobs:
                  %1$s:
                    datasource: %1$s
                    store: local
                    prefix: p
                """.formatted(db, source.port(), srcPw, targetPort, tgtPw, format);
        Path c = dir.resolve("config.yaml");
        Files.writeString(c, yaml);
        Files.setPosixFilePermissions(c, PosixFilePermissions.fromString("rw-------"));
    }

    private DbbackupJar.Run dbbackup(String... args) throws Exception {
        return DbbackupJar.run(dir, List.of(), n -> n.startsWith("PG"), Map.of(), args);
    }

    private static String errorLine(DbbackupJar.Run run) {
        return run.err().lines().filter(l -> l.startsWith("error: ")).findFirst().orElse(run.out() + run.err());
    }

    /** Backs up {@code db} in {@code format} and restores it into the target; the restore's run. */
    private DbbackupJar.Run backedUpAndRestored(String db, String format) throws Exception {
        config(db, format);
        DbbackupJar.Run backup = dbbackup("backup", db);
        assertThat(backup.exit()).as(backup.toString()).isZero();
        return dbbackup("restore", db, "--to", "copy", "--auto-confirm");
    }

    /**
     * A target that holds the backup's tables is not overwritten by a restore without --clean (it fails, nothing applied):
     * the dry run and the refusal without a terminal say to add --clean, not only --auto-confirm.
     */
    @Test
    void aRestoreWithoutCleanIntoADatabaseThatHoldsTablesSaysToAddClean() throws Exception {
        config("held", "custom");
        DbbackupJar.Run backup = dbbackup("backup", "held");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        target.createDatabase("held");
        target.execute("held", "create table items(id int)");
        String advice = "without --clean the restore keeps what it holds, and an object the backup holds too fails it with"
                + " nothing applied: add --clean to replace them";

        DbbackupJar.Run dry = dbbackup("restore", "held", "--to", "copy", "--dry-run");
        assertThat(dry.exit()).as(dry.toString()).isZero();
        assertThat(dry.out()).contains("(a restore asks for confirmation, or takes --auto-confirm); " + advice);

        DbbackupJar.Run refused = dbbackup("restore", "held", "--to", "copy");
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
        assertThat(errorLine(refused)).contains("refusing to restore into postgres")
                .endsWith("no terminal to ask; pass --auto-confirm (" + advice + ")");

        DbbackupJar.Run cleaned = dbbackup("restore", "held", "--to", "copy", "--clean", "--dry-run");
        assertThat(cleaned.exit()).as(cleaned.toString()).isZero();
        assertThat(cleaned.out()).contains("(a restore asks for confirmation, or takes --auto-confirm)").doesNotContain("--clean the");
    }

    @Test
    void aBackupNamingAnOwnerTheTargetLacksSaysToRestoreTheRolesFirstOrLeaveOwnersOut() throws Exception {
        for (String format : List.of("custom", "plain")) {
            DbbackupJar.Run run = backedUpAndRestored("owned", format);
            assertThat(run.exit()).as(run.toString()).isEqualTo(2);
            assertThat(errorLine(run)).as(format).contains("rolled back: nothing was applied")
                    .contains("role \"appowner\" does not exist")
                    .contains("roles backup").contains("no_owner: true");
            assertThat(target.databaseExists("owned")).as("the database created for it dropped again").isFalse();
        }
    }

    @Test
    void aBackupNamingATablespaceTheTargetLacksSaysToCreateIt() throws Exception {
        for (String format : List.of("custom", "plain")) {
            DbbackupJar.Run run = backedUpAndRestored("spaced", format);
            assertThat(run.exit()).as(run.toString()).isEqualTo(2);
            assertThat(errorLine(run)).as(format).contains("rolled back: nothing was applied")
                    .contains("tablespace \"fast\"").contains("CREATE TABLESPACE fast");
            assertThat(target.databaseExists("spaced")).as("the database created for it dropped again").isFalse();
        }
    }

    /** A database set read-only by its DBA (a standby says the same words): a restore into it changes nothing. */
    @Test
    void aTargetThatTakesNoWritesSaysWhyAndWhereToLook() throws Exception {
        target.createDatabase("plain");
        target.execute("postgres", "alter database plain set default_transaction_read_only = on");
        for (String format : List.of("custom", "plain")) {
            DbbackupJar.Run run = backedUpAndRestored("plain", format);
            assertThat(run.exit()).as(run.toString()).isEqualTo(2);
            assertThat(errorLine(run)).as(format).contains("rolled back: nothing was applied")
                    .contains("in a read-only transaction").contains("standby").contains("default_transaction_read_only");
            assertThat(target.queryOne("plain", "select count(*) from pg_tables where schemaname = 'public'")).isEqualTo("0");
        }
    }

    /**
     * The backup uses an extension (a package on the source's server) that the target's server does not have: one line
     * naming it and the package to install, not pg_restore's bare "is not available". Before, no hint.
     */
    @Test
    void anExtensionTheTargetLacksIsNamedWithWhatToInstall() throws Exception {
        for (String format : List.of("custom", "plain")) {
            DbbackupJar.Run run = backedUpAndRestored("extended", format);
            assertThat(run.exit()).as(run.toString()).isEqualTo(2);
            assertThat(errorLine(run)).as(format).contains("rolled back: nothing was applied")
                    .contains("extension \"dbb_answer\" is not available")
                    .contains("the backup uses extension \"dbb_answer\", which the target's server does not have")
                    .contains("no dbb_answer.control in /usr/share/postgresql/15/extension").contains("postgresql-15-");
            assertThat(target.databaseExists("extended")).as("the database created for it dropped again").isFalse();
        }
    }

    /**
     * The target's server has the extension's control file and script but not its shared library (a package installed in
     * part, or for another major): one line naming the library, where it is missing and the package, not the server's bare
     * "could not access file". Before, no hint.
     */
    @Test
    void anExtensionWhoseLibraryTheTargetLacksIsNamedWithWhatToInstall() throws Exception {
        try (PostgresServer halfInstalled = PostgresServer.startWithExtension("dbb_answer",
                "CREATE FUNCTION dbb_answer() RETURNS int LANGUAGE c AS '$libdir/dbb_answer', 'dbb_answer';")) {
            for (String format : List.of("custom", "plain")) {
                config("extended", format, halfInstalled);
                DbbackupJar.Run backup = dbbackup("backup", "extended");
                assertThat(backup.exit()).as(backup.toString()).isZero();
                DbbackupJar.Run run = dbbackup("restore", "extended", "--to", "copy", "--auto-confirm");
                assertThat(run.exit()).as(run.toString()).isEqualTo(2);
                assertThat(errorLine(run)).as(format).contains("rolled back: nothing was applied")
                        .contains("could not access file \"$libdir/dbb_answer\"")
                        .contains("shared library dbb_answer.so, which the target's server does not have")
                        .contains("pg_config --pkglibdir").contains("/usr/lib/postgresql/15/lib").contains("postgresql-15-");
                assertThat(halfInstalled.databaseExists("extended")).as("the database created for it dropped again").isFalse();
            }
        }
    }

    /**
     * A restore into a hot standby (a datasource pointing at the replica): said to be a standby, asked of the server
     * (pg_is_in_recovery), with where to restore instead; also when the restore would first create the database. Before:
     * "standby, or default_transaction_read_only", and nothing after CREATE DATABASE's refusal.
     */
    @Test
    void aRestoreIntoAHotStandbySaysSoAndToRestoreIntoThePrimary() throws Exception {
        target.createDatabase("onstandby");
        target.execute("postgres", "checkpoint"); // pg_basebackup's own is spread over minutes when much is to be written
        try (PostgresServer standby = PostgresServer.startStandby(target, Map.of(), Map.of())) {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (!standby.databaseExists("onstandby") && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            for (String db : List.of("onstandby", "fresh")) {
                for (String format : List.of("custom", "plain")) {
                    config(db, format);
                    assertThat(dbbackup("backup", db).exit()).isZero();
                    config(db, format, standby.port());
                    DbbackupJar.Run run = dbbackup("restore", db, "--to", "copy", "--auto-confirm");
                    assertThat(run.exit()).as(run.toString()).isEqualTo(2);
                    assertThat(errorLine(run)).as(db + " " + format).contains("read-only transaction")
                            .contains("hot standby").contains("pg_is_in_recovery").contains("restore into its primary")
                            .doesNotContain("default_transaction_read_only");
                }
            }
            assertThat(standby.databaseExists("fresh")).isFalse();
        }
    }

    /**
     * A temp_file_limit on the target (here its database's) stops the restore's CREATE INDEX of a big table: named with
     * who may lift it. dbbackup does not set it aside as it does statement_timeout: only a superuser may set it.
     */
    @Test
    void aTempFileLimitOnTheTargetIsNamedWithWhoMayLiftIt() throws Exception {
        target.createDatabase("sorted");
        target.execute("postgres", "alter database sorted set temp_file_limit = '1MB'; "
                + "alter database sorted set maintenance_work_mem = '1MB'");
        DbbackupJar.Run run = backedUpAndRestored("sorted", "custom");
        assertThat(run.exit()).as(run.toString()).isEqualTo(2);
        assertThat(errorLine(run)).contains("rolled back: nothing was applied").contains("exceeds temp_file_limit")
                .contains("ALTER ROLE … SET temp_file_limit = -1").contains("only a superuser may set it");
        assertThat(target.queryOne("sorted", "select count(*) from pg_tables where schemaname = 'public'")).isEqualTo("0");
    }

    /**
     * A wrong password for the restore's target is said before the backup is read to its end (the check before a restore
     * reads it all: an hour for 100 GB): the backup here is damaged after it was made, so a read of it would fail first
     * (exit 3). The restore and its dry run alike fail on the target's login (exit 2), nothing read. Before, the check
     * read it first: "checksum mismatch", exit 3.
     */
    @Test
    void aWrongTargetPasswordIsSaidBeforeTheBackupIsRead() throws Exception {
        source.createDatabase("guarded");
        source.execute("guarded", "create table items(id int); insert into items values (1)");
        for (String format : List.of("custom", "plain")) {
            config("guarded", format);
            DbbackupJar.Run backup = dbbackup("backup", "guarded");
            assertThat(backup.exit()).as(backup.toString()).isZero();
            try (var files = Files.walk(dir.resolve("store"))) {
                for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.toString().endsWith(".sha256")
                        && !f.toString().endsWith(".json")).toList()) {
                    Files.write(f, new byte[(int) Files.size(f)]); // its bytes gone: any read of it fails its checksum
                }
            }
            Files.writeString(dir.resolve("target.pw"), "wrongpw\n");
            for (String option : List.of("--auto-confirm", "--dry-run")) {
                DbbackupJar.Run run = dbbackup("restore", "guarded", "--to", "copy", "--clean", option);
                assertThat(run.exit()).as(format + " " + option + ": " + run).isEqualTo(2);
                assertThat(errorLine(run)).as(format + " " + option).contains("password authentication failed")
                        .contains("datasources.copy.password_file");
                assertThat(run.err()).as(format + " " + option).doesNotContain("checking backup before restore");
            }
            assertThat(target.databaseExists("guarded")).isFalse();
        }
    }

    /** The dry run of a restore into a database that is not there yet says the restore creates it (it does). */
    @Test
    void aDryRunIntoAMissingDatabaseSaysTheRestoreCreatesIt() throws Exception {
        source.createDatabase("notyet");
        source.execute("notyet", "create table items(id int); insert into items values (1)");
        config("notyet", "custom");
        assertThat(dbbackup("backup", "notyet").exit()).isZero();
        DbbackupJar.Run dry = dbbackup("restore", "notyet", "--to", "copy", "--dry-run");
        assertThat(dry.exit()).as(dry.toString()).isZero();
        assertThat(dry.out()).contains("target: database notyet does not exist on 127.0.0.1:" + target.port()
                + "; the restore creates it\n");
        assertThat(target.databaseExists("notyet")).isFalse();
    }

    /**
     * A --data-only restore into a database that is not there creates it, fails at the first row (its table is not there)
     * and drops it again, custom archive and script alike: its dry run says that it fails and what to do instead, not
     * that the restore creates it (it said so).
     */
    @Test
    void aDataOnlyDryRunIntoAMissingDatabaseSaysTheRestoreFails() throws Exception {
        source.createDatabase("rowsonly");
        source.execute("rowsonly", "create table items(id int); insert into items values (1)");
        for (String format : List.of("custom", "plain")) {
            config("rowsonly", format);
            assertThat(dbbackup("backup", "rowsonly").exit()).isZero();
            DbbackupJar.Run dry = dbbackup("restore", "rowsonly", "--to", "copy", "--data-only", "--dry-run");
            assertThat(dry.exit()).as(dry.toString()).isZero();
            assertThat(dry.out()).as(format).contains("target: database rowsonly does not exist on 127.0.0.1:" + target.port()
                    + "; a --data-only restore fails: its rows need it and the tables to exist; restore without --data-only "
                    + "first\n");
            assertThat(target.databaseExists("rowsonly")).isFalse();

            DbbackupJar.Run run = dbbackup("restore", "rowsonly", "--to", "copy", "--data-only", "--auto-confirm");
            assertThat(run.exit()).as("the restore the dry run describes, " + format + ": " + run).isNotZero();
            assertThat(errorLine(run)).as(format).contains("items").contains("does not exist");
            assertThat(target.databaseExists("rowsonly")).as(format).isFalse();
        }
    }

    /**
     * A script cut at a statement's end, its checksum holding, the older one whole: the restore (its target reached
     * first) and its dry run name the backup and the next older one, exit 3, nothing touched. (It was a unit test with an
     * unreachable target, which the check before the restore failed before reaching.)
     */
    @Test
    void aScriptCutShortNamesTheBackupAndTheNextOlderOne() throws Exception {
        config("cutshort", "plain");
        String script = "--\n-- PostgreSQL database dump\n--\n\nCREATE TABLE t (id int);\n\n"
                + "--\n-- PostgreSQL database dump complete\n--\n\n";
        String end = "\n--\n-- PostgreSQL database dump complete";
        ScriptBackup.put(dir.resolve("store"), "p/cutshort/cutshort-20261201-020000.sql.gz", "cutshort", "postgres", "cutshort", script);
        ScriptBackup.put(dir.resolve("store"), "p/cutshort/cutshort-20261202-020000.sql.gz", "cutshort", "postgres", "cutshort",
                script.substring(0, script.indexOf(end) + 1));
        for (String option : List.of("--auto-confirm", "--dry-run")) {
            DbbackupJar.Run r = dbbackup("restore", "cutshort", "--to", "copy", option);
            assertThat(r.exit()).as(r.toString()).isEqualTo(3);
            assertThat(r.err().lines().filter(l -> l.startsWith("error: "))).as(r.toString()).singleElement().asString()
                    .startsWith("error: the backup p/cutshort/cutshort-20261202-020000.sql.gz does not restore: the SQL script "
                            + "is cut short: it does not end with '-- PostgreSQL database dump complete'; the next older backup "
                            + "is cutshort-20261201-020000.sql.gz (")
                    .endsWith("restore cutshort cutshort-20261201-020000.sql.gz --to copy" + (option.equals("--dry-run")
                            ? " --dry-run" : "") + ")");
            assertThat(r.err()).doesNotContain("restore started");
        }
        assertThat(target.databaseExists("cutshort")).isFalse();
    }
}
