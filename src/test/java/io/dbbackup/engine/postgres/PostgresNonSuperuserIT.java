package io.dbbackup.engine.postgres;

import io.dbbackup.testkit.DbbackupJar;
import io.dbbackup.testkit.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built jar as a production user runs it against a managed server (RDS, Cloud SQL): as a role that owns its database
 * but is no superuser, next to other roles that own objects there; and against a server whose lock table is too small
 * for a database of many tables ({@code max_locks_per_transaction}).
 */
class PostgresNonSuperuserIT {
    static final int TABLES = 1200;
    static PostgresServer pg;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer(@TempDir Path setup) throws Exception {
        // room for about 10 × (20 + background processes) locks: far fewer than TABLES
        pg = PostgresServer.start(PostgresServer.DEFAULT_VERSION,
                Map.of("max_locks_per_transaction", "10", "max_connections", "20"), Map.of());
        pg.execute("postgres", "create role owner1 login password 'owner-pw'; create role other login password 'other-pw'");
        pg.execute("postgres", "create database many owner owner1");
        Path script = setup.resolve("tables.sql");
        Files.writeString(script, "set role owner1;\n" + IntStream.rangeClosed(1, TABLES)
                .mapToObj(i -> "create table t" + i + "(i int);").collect(Collectors.joining("\n")));
        pg.runTool("many", "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", script.toString()); // one transaction each
    }

    @AfterAll
    static void stopServer() {
        if (pg != null) {
            pg.close();
        }
    }

    /** Datasource and job {@code <db>} for each database, as {@code user}. */
    private void config(String user, String password, String... databases) throws Exception {
        Path pw = dir.resolve(user + ".pw");
        Files.writeString(pw, password + "\n");
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
        StringBuilder yaml = new StringBuilder("datasources:\n");
        for (String db : databases) {
            yaml.append("""
                      %1$s:
                        engine: postgres
                        host: 127.0.0.1
                        port: %2$d
                        user: %3$s
                        password_file: %4$s
                        database: %1$s
                    """.formatted(db, pg.port(), user, pw));
        }
        yaml.append("stores:\n  local:\n    type: local\n    path: store\njobs:\n");
        for (String db : databases) {
            yaml.append("  ").append(db).append(":\n    datasource: ").append(db).append("\n    store: local\n    prefix: p\n");
        }
        Path c = dir.resolve("config.yaml");
        Files.writeString(c, yaml);
        Files.setPosixFilePermissions(c, PosixFilePermissions.fromString("rw-------"));
    }

    private DbbackupJar.Run dbbackup(String... args) throws Exception {
        return DbbackupJar.run(dir, List.of(), n -> n.startsWith("PG"), Map.of(), args);
    }

    private List<Path> stored() throws Exception {
        if (!Files.exists(dir.resolve("store"))) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir.resolve("store"))) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    private static String errorLine(DbbackupJar.Run run) {
        return run.err().lines().filter(l -> l.startsWith("error: ")).findFirst().orElse(run.out() + run.err());
    }

    @Test
    void aDumpThatOutgrowsTheLockTableSaysToRaiseMaxLocksPerTransaction() throws Exception {
        config("postgres", pg.password(), "many");
        DbbackupJar.Run run = dbbackup("backup", "many");
        assertThat(run.exit()).as(run.toString()).isEqualTo(2);
        String failed = run.out().lines().filter(l -> l.startsWith("many ")).findFirst().orElseThrow();
        assertThat(failed).contains("backup of postgres postgres@127.0.0.1:" + pg.port() + "/many failed: pg_dump failed (exit 1)")
                .contains("out of shared memory").contains("raise max_locks_per_transaction")
                .contains("lock on every table");
        assertThat(stored()).as("nothing stored").isEmpty();
    }

    @Test
    void aCleanRestoreThatOutgrowsTheLockTableSaysToRaiseMaxLocksPerTransaction() throws Exception {
        pg.execute("postgres", "create database small owner owner1");
        pg.execute("small", "set role owner1; create table kept(i int); insert into kept values (1)");
        config("owner1", "owner-pw", "small", "many");
        assertThat(dbbackup("backup", "small").exit()).isZero();
        // the small database's backup restored over the one of many tables: --clean drops them all in one transaction
        DbbackupJar.Run run = dbbackup("restore", "small", "--to", "many", "--clean", "--auto-confirm");
        assertThat(run.exit()).as(run.toString()).isEqualTo(2);
        assertThat(errorLine(run)).contains("rolled back: nothing was applied").contains("out of shared memory")
                .contains("raise max_locks_per_transaction");
        assertThat(pg.queryOne("many", "select count(*) from pg_tables where schemaname = 'public'")).isEqualTo(String.valueOf(TABLES));
    }

    /** A database {@code name} owned by owner1 with a table of its own, in which role other may create objects. */
    private static void sharedDatabase(String name) {
        pg.execute("postgres", "create database " + name + " owner owner1");
        pg.execute(name, "grant create on database " + name + " to other; grant create on schema public to other; "
                + "set role owner1; create table mine(i int); insert into mine values (1)");
    }

    /**
     * owner1's backup of its database restored with --clean into it, as owner1: role other runs {@code before} before the
     * backup, {@code after} after it. Fails (exit 2) with nothing applied.
     */
    private DbbackupJar.Run ownBackupRestoredClean(String database, String before, String after) throws Exception {
        sharedDatabase(database);
        if (!before.isEmpty()) {
            pg.execute(database, "set role other; " + before);
        }
        config("owner1", "owner-pw", database);
        DbbackupJar.Run backup = dbbackup("backup", database);
        assertThat(backup.exit()).as(backup.toString()).isZero();
        if (!after.isEmpty()) {
            pg.execute(database, "set role other; " + after);
        }
        pg.execute(database, "set role owner1; insert into mine values (2)");
        DbbackupJar.Run run = dbbackup("restore", database, "--clean", "--auto-confirm");
        assertThat(run.exit()).as(run.toString()).isEqualTo(2);
        assertThat(errorLine(run)).contains("rolled back: nothing was applied");
        assertThat(pg.query(database, "select i from mine order by i")).as("nothing applied").containsExactly("1", "2");
        return run;
    }

    @Test
    void aCleanRestoreByTheDatabaseOwnerWhereAnotherRoleOwnsASchemaSaysWhyAndWhatToDo() throws Exception {
        DbbackupJar.Run run = ownBackupRestoredClean("shared_schema", "", "create schema theirs; create table theirs.t(i int)");
        assertThat(errorLine(run)).contains("must be owner of schema theirs")
                .contains("--clean first drops every user schema and large object").contains("superuser");
    }

    @Test
    void aCleanRestoreByTheDatabaseOwnerWhereAnotherRoleOwnsALargeObjectSaysWhyAndWhatToDo() throws Exception {
        // after the backup: pg_dump as owner1 could not read it
        DbbackupJar.Run run = ownBackupRestoredClean("shared_lo", "", "select lo_from_bytea(0, 'theirs')");
        assertThat(errorLine(run)).contains("must be owner of large object")
                .contains("--clean first drops every user schema and large object").contains("superuser");
    }

    @Test
    void aRestoreByTheDatabaseOwnerOfABackupNamingAnotherRoleSaysWhyAndWhatToDo() throws Exception {
        DbbackupJar.Run run = ownBackupRestoredClean("shared_defacl", "alter default privileges grant select on tables to owner1", "");
        assertThat(errorLine(run)).contains("must be member of role \"other\"").contains("no_privileges")
                .contains("no_owner").contains("superuser");
    }

    @Test
    void aStatementTimeoutOnTheRoleDoesNotCancelTheCleanStep() throws Exception {
        sharedDatabase("timed");
        config("owner1", "owner-pw", "timed");
        assertThat(dbbackup("backup", "timed").exit()).isZero();
        pg.execute("timed", "set role owner1; insert into mine values (2)");
        // as a managed server's role often has; the clean step runs longer: it waits for a session that reads the table
        pg.execute("postgres", "alter role owner1 in database timed set statement_timeout = '300ms'");
        java.util.concurrent.CompletableFuture<Void> reader = java.util.concurrent.CompletableFuture.runAsync(() -> pg.execute(
                "timed", "begin; lock table mine in access share mode; select pg_sleep(6); commit"));
        DbbackupJar.Run run = dbbackup("restore", "timed", "--clean", "--auto-confirm");
        reader.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(pg.query("timed", "select i from mine order by i")).containsExactly("1");
    }

    @Test
    void aReadOnlyRoleThatMayNotReadATableFailsTheBackupInOneLineAndStoresNothing() throws Exception {
        sharedDatabase("partly_readable");
        pg.execute("postgres", "create role ro login password 'ro-pw'");
        pg.execute("partly_readable", "set role owner1; create table hidden(i int); grant select on mine to ro");
        config("ro", "ro-pw", "partly_readable");
        DbbackupJar.Run run = dbbackup("backup", "partly_readable");
        assertThat(run.exit()).as(run.toString()).isEqualTo(2);
        assertThat(run.out()).contains("pg_dump failed (exit 1)").contains("permission denied for table hidden");
        assertThat(stored()).as("nothing stored").isEmpty();
    }

    /**
     * A role without CREATEDB restoring into a database that is not there (dropped, or a new server): one line saying so
     * and what to do, without psql's "psql:<stdin>:1: ERROR:" before it. Before: the server's words only.
     */
    @Test
    void aRoleThatMayNotCreateTheMissingTargetIsToldToHaveItCreated() throws Exception {
        pg.execute("postgres", "create database gone owner owner1");
        pg.execute("gone", "set role owner1; create table mine(i int); insert into mine values (1)");
        config("owner1", "owner-pw", "gone");
        assertThat(dbbackup("backup", "gone").exit()).isZero();
        pg.dropDatabase("gone");
        DbbackupJar.Run run = dbbackup("restore", "gone", "--auto-confirm");
        assertThat(run.exit()).as(run.toString()).isEqualTo(2);
        // the server said once: the restore's line names it, with the target, before the engine's words
        assertThat(run.err()).contains("error: restore of ").contains(" into postgres owner1@127.0.0.1:" + pg.port()
                + "/gone failed: cannot create database gone: permission denied to create database (the restoring role may not create databases (no CREATEDB): "
                + "have the database created for it first, CREATE DATABASE … OWNER <the role>");
        assertThat(pg.databaseExists("gone")).isFalse();
    }
}
