package io.dbbackup.engine.sqlite;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.Function;
import org.sqlite.SQLiteConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link OpenedReadOnly} on a database whose only table has a trigger calling a function the application defines (and
 * dbbackup does not): its {@code DELETE ... WHERE 0} does not compile ("no such function"), which was thrown, so the
 * stop asked again after every step and never stopped the copy, and the writer hold said the writers could not be held.
 */
class OpenedReadOnlyTest {
    @TempDir
    Path dir;

    @Test
    void aTableWhoseTriggerCallsAnApplicationsFunctionIsAskedThroughTheHeader() throws Exception {
        Path db = dir.resolve("app.db");
        try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            Function.create(app, "app_fn", new Function() {
                @Override
                protected void xFunc() throws SQLException {
                    result(value_int(0));
                }
            });
            try (Statement st = app.createStatement()) {
                st.execute("CREATE TABLE t (a INTEGER)");
                st.execute("CREATE TABLE log (b INTEGER)");
                st.execute("CREATE TRIGGER tr AFTER DELETE ON t BEGIN INSERT INTO log VALUES (app_fn(old.a)); END");
                st.execute("INSERT INTO t VALUES (1)");
            }
        }
        assertThat(askedInImmediate(db, false)).as("a writable file").isFalse();
        assertThat(askedInImmediate(db, true)).as("a file SQLite opened read-only").isTrue();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT (SELECT count(*) FROM t), (SELECT count(*) FROM log), "
                     + "(SELECT user_version FROM pragma_user_version)")) {
            assertThat(rs.getInt(1)).as("rows in t").isEqualTo(1);
            assertThat(rs.getInt(2)).as("rows in log").isZero();
            assertThat(rs.getInt(3)).as("user_version").isZero();
        }
    }

    /**
     * The header's write of the fallback (a rollback-journal database whose one table's {@code DELETE} does not compile)
     * opened a {@code -journal} beside the user's database, which stayed there for as long as the caller's transaction
     * lasted (the stop's lock, the writer hold). Now the probe is undone at once: no journal is left once it returns,
     * and the file is never changed (its header, its {@code user_version}, its mtime).
     */
    @Test
    void theHeadersProbeLeavesNoJournalBesideTheDatabaseAndNeverChangesIt() throws Exception {
        Path db = dir.resolve("app.db");
        try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            Function.create(app, "app_fn", new Function() {
                @Override
                protected void xFunc() throws SQLException {
                    result(value_int(0));
                }
            });
            try (Statement st = app.createStatement()) {
                st.execute("PRAGMA user_version = 7");
                st.execute("CREATE TABLE t (a INTEGER)"); // the only table: no DELETE compiles here
                st.execute("CREATE TRIGGER tr AFTER DELETE ON t BEGIN SELECT app_fn(old.a); END");
                st.execute("INSERT INTO t VALUES (1)");
            }
        }
        java.nio.file.attribute.FileTime then = java.nio.file.attribute.FileTime.fromMillis(1_700_000_000_000L);
        Files.setLastModifiedTime(db, then);
        byte[] header = Arrays.copyOf(Files.readAllBytes(db), 100);
        Path journal = dir.resolve("app.db-journal");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            assertThat(OpenedReadOnly.in(c)).as("a writable file").isFalse();
            assertThat(journal).as("the journal, while the caller's transaction lasts").doesNotExist();
            st.execute("ROLLBACK");
        }
        assertThat(journal).as("the journal, after the caller's rollback").doesNotExist();
        assertThat(Arrays.copyOf(Files.readAllBytes(db), 100)).as("the database's header").isEqualTo(header);
        assertThat(Files.getLastModifiedTime(db)).as("the database's mtime").isEqualTo(then);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT user_version FROM pragma_user_version")) {
            assertThat(rs.getInt(1)).as("user_version").isEqualTo(7);
        }
    }

    /** The probe inside the caller's write lock: another connection cannot write meanwhile, before or after it. */
    @Test
    void theCallerStillHoldsTheWriteLockAfterTheHeadersProbe() throws Exception {
        Path db = dir.resolve("empty.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("PRAGMA user_version = 3"); // no table: the header's probe
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            assertThat(OpenedReadOnly.in(c)).isFalse();
            assertThat(dir.resolve("empty.db-journal")).as("the journal, while the caller's transaction lasts")
                    .doesNotExist();
            SQLiteConfig other = new SQLiteConfig();
            other.setBusyTimeout(0);
            try (Connection w = other.createConnection("jdbc:sqlite:" + db); Statement ws = w.createStatement()) {
                assertThatThrownBy(() -> ws.execute("CREATE TABLE x (a)")).as("another writer while the probe's caller "
                        + "holds the lock").hasMessageContaining("locked");
            }
            st.execute("ROLLBACK");
        }
        assertThat(dir.resolve("empty.db-journal")).doesNotExist();
    }

    /** SQLite's own {@code sqlite_stat1} (no trigger can be put on it) is asked first: read-only said as such. */
    @Test
    void anAnalyzedDatabaseIsAskedThroughItsStatistics() throws Exception {
        Path db = dir.resolve("analyzed.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (a INTEGER)");
            st.execute("CREATE INDEX ta ON t (a)");
            st.execute("INSERT INTO t VALUES (1)");
            st.execute("ANALYZE");
        }
        assertThat(askedInImmediate(db, false)).as("a writable file").isFalse();
        assertThat(askedInImmediate(db, true)).as("a file SQLite opened read-only").isTrue();
        assertThat(dir.resolve("analyzed.db-journal")).doesNotExist();
    }

    private static boolean askedInImmediate(Path db, boolean readOnly) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(readOnly);
        try (Connection c = config.createConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            try {
                return OpenedReadOnly.in(c);
            } finally {
                st.execute("ROLLBACK");
            }
        }
    }
}
