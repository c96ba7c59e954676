package io.dbbackup.engine.postgres;

import io.dbbackup.cli.Main;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.HashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A restore waits, with {@code lock_timeout} off, for a lock an application's open transaction holds ({@code BEGIN;
 * SELECT … ;} then idle): it used to wait for ever without a word. Now it says, within seconds, which session holds the
 * lock and how to go on, and completes once that session lets go.
 */
class PostgresLockWaitIT {
    static PostgresServer pg;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() {
        pg = PostgresServer.start();
    }

    @AfterAll
    static void stopServer() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void aCleanRestoreWaitingOnAnIdleTransactionNamesItsHolderAndCompletesOnceItEnds() throws Exception {
        pg.createDatabase("lockwait");
        pg.execute("lockwait", "create table t (id int primary key); insert into t values (1)");

        Waited w = restoreWhileHeld("lockwait", "postgres", pg.password());

        assertThat(w.warning()).as(w.log())
                .contains("pid " + w.holderPid())
                .contains("application_name 'billing-worker'")
                .contains("user 'postgres'")
                .contains("client '127.0.0.1'")
                .contains("idle in transaction since ")
                .contains("pg_terminate_backend");
    }

    @Test
    void aRoleWithoutPgReadAllStatsIsToldWhatItCanSee() throws Exception {
        pg.execute("postgres", "create role lw_owner login password 'lw-pw'");
        pg.execute("postgres", "create database lockwait_own owner lw_owner");
        pg.execute("lockwait_own", "set role lw_owner; create table t (id int primary key); insert into t values (1)");

        Waited w = restoreWhileHeld("lockwait_own", "lw_owner", "lw-pw");

        // the holder is the superuser's session: its client and state are hidden from lw_owner
        assertThat(w.warning()).as(w.log())
                .contains("pid " + w.holderPid())
                .contains("user 'postgres'")
                .contains("application_name 'billing-worker'")
                .contains("state unknown")
                .contains("pg_terminate_backend");
    }

    private record Waited(String holderPid, String warning, String log) {
    }

    /**
     * Backs {@code db} up (custom), adds a row, then restores it with --clean as {@code user} while a superuser session
     * of application 'billing-worker' sits idle in a transaction that read t; waits for the warning, ends that
     * transaction, and checks that the restore completed (exit 0, the backup's rows) with one warning.
     */
    private Waited restoreWhileHeld(String db, String user, String password) throws Exception {
        Files.writeString(dir.resolve("pg.password"), password + "\n");
        Files.setPosixFilePermissions(dir.resolve("pg.password"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app:
                    engine: postgres
                    host: 127.0.0.1
                    port: %d
                    user: %s
                    password_file: pg.password
                    database: %s
                    format: custom
                stores:
                  local: {type: local, path: store}
                jobs:
                  app: {datasource: app, store: local}
                """.formatted(pg.port(), user, db));
        Files.setPosixFilePermissions(dir.resolve("config.yaml"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Cli.Result b = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "app");
        assertThat(b.exit()).as(b.toString()).isZero();
        pg.execute(db, "insert into t values (2)");

        StringWriter err = new StringWriter(); // a StringBuffer inside: read while the restore writes
        CompletableFuture<Integer> restore;
        String holderPid;
        String warning;
        try (Connection holder = pg.connect(db); Statement st = holder.createStatement()) {
            st.execute("set application_name = 'billing-worker'");
            holder.setAutoCommit(false);
            try (ResultSet rs = st.executeQuery("select pg_backend_pid(), count(*) from t")) {
                rs.next();
                holderPid = rs.getString(1);
            }
            // now idle in transaction, holding ACCESS SHARE on t: the clean step's DROP SCHEMA waits for it
            restore = CompletableFuture.supplyAsync(() -> new Main(new HashMap<>(System.getenv()), Clock.systemUTC(),
                    Cli.noTerminal(), dir).run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                    "-c", "config.yaml", "restore", "app", "--clean", "--auto-confirm"));

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!err.toString().contains("waits for a lock") && !restore.isDone() && System.nanoTime() < deadline) {
                Thread.sleep(200); // polls the log the restore writes while it runs
            }
            String seen = err.toString();
            assertThat(restore.isDone()).as("the restore waits while the lock is held: " + seen).isFalse();
            warning = seen.lines().filter(l -> l.contains("waits for a lock")).findFirst().orElse("");
            holder.rollback(); // the application's transaction ends
        }

        int exit = restore.get(120, TimeUnit.SECONDS);
        String log = err.toString();
        assertThat(exit).as(log).isZero();
        assertThat(log.lines().filter(l -> l.contains("waits for a lock")).count()).as("one warning, not a flood: " + log)
                .isEqualTo(1);
        assertThat(pg.queryOne(db, "select string_agg(id::text, ',') from t")).isEqualTo("1");
        return new Waited(holderPid, warning, log);
    }
}
