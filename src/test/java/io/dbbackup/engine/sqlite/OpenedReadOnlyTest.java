package io.dbbackup.engine.sqlite;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.Function;
import org.sqlite.SQLiteConfig;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

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
