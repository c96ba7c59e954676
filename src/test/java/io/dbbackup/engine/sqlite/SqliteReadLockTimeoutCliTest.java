package io.dbbackup.engine.sqlite;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The datasource's {@code lock_timeout} covers the reads of the database outside a backup too: {@code inspect}, and the
 * target's check of a restore's dry run. They waited a fixed 30 s for an application's exclusive lock (a write it is
 * committing in rollback-journal mode), whatever {@code lock_timeout} said, then said "database is locked" or, for the
 * target, that it was "not readable as SQLite". With {@code lock_timeout: 2s} they give up after about 2 s, and say
 * which database stayed locked, for the configured time, and what to do.
 */
class SqliteReadLockTimeoutCliTest {
    /** Well under SQLite's fixed 30 s, well over the configured 2 s. */
    private static final long AT_MOST_MS = 15_000;

    @TempDir
    Path dir;

    @Test
    void inspectGivesUpOnAnApplicationsLockAfterTheLockTimeout() throws Exception {
        Path db = database();
        try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = app.createStatement()) {
            st.execute("BEGIN EXCLUSIVE");
            st.execute("insert into t values (1)");
            long t0 = System.nanoTime();
            Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "inspect", "app");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            st.execute("ROLLBACK");
            assertThat(r.exit()).as(r.toString()).isNotZero();
            assertThat(ms).as("inspect's wait for the lock: lock_timeout (2 s), not 30 s").isBetween(1_500L, AT_MOST_MS);
            assertThat(r.out() + r.err()).as(r.toString()).containsPattern("SQLite database " + Pattern.quote(db.toString())
                    + " " + LOCKED + ": find what holds it \\(fuser " + Pattern.quote(db.toString()) + "\\)");
        }
    }

    @Test
    void aRestoresDryRunSaysTheTargetStayedLockedForTheLockTimeout() throws Exception {
        Path db = database();
        Cli.Result backup = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "app");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = app.createStatement()) {
            st.execute("BEGIN EXCLUSIVE");
            st.execute("insert into t values (1)");
            long t0 = System.nanoTime();
            Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "restore", "app", "--dry-run");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            st.execute("ROLLBACK");
            assertThat(ms).as("the target's check: lock_timeout (2 s), not 30 s").isBetween(1_500L, AT_MOST_MS);
            assertThat(r.out()).as(r.toString()).containsPattern("target: " + Pattern.quote(db.toString())
                            + " exists \\(\\d+ bytes\\) and " + LOCKED + ", its tables not counted")
                    .doesNotContain("not readable as SQLite");
        }
    }

    private static final String LOCKED = "stayed locked by another connection \\(an application's write transaction\\) "
            + "for the 2 s of its lock_timeout";

    private Path database() throws Exception {
        Path db = dir.resolve("app.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("create table t(x)");
            st.execute("insert into t values (1)");
        }
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db, lock_timeout: 2s}
                stores:
                  local: {type: local, path: store, fsync: false}
                jobs:
                  app: {datasource: app, store: local}
                """);
        return db;
    }
}
