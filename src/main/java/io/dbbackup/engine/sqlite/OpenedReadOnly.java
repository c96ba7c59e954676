package io.dbbackup.engine.sqlite;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Whether SQLite opened a connection's database read-only: a file this process may not write (a {@code :ro} mount, no
 * write permission, {@code chattr +i}) is opened read-only whatever was asked, and SQLite then grants {@code BEGIN
 * IMMEDIATE} as a read transaction, without an error. Learnt from the connection itself, not from {@code
 * Files.isWritable} checked before the open (the file could change between the two). Asked inside the caller's {@code
 * BEGIN IMMEDIATE}: a statement that would write and writes nothing ({@code DELETE ... WHERE 0}) fails with {@code
 * SQLITE_READONLY} on a read-only database before any lock is asked for, and on a writable one runs under the write
 * lock already held. A database without a table of its own, or whose table's statement does not compile here (a
 * trigger calling a function only the application defines), is asked with {@code PRAGMA user_version}, a write the
 * caller's rollback undoes.
 */
final class OpenedReadOnly {
    /** SQLite's primary result code for "attempt to write a readonly database". */
    static final int SQLITE_READONLY = 8;

    private OpenedReadOnly() {
    }

    /** Whether {@code c}'s main database is read-only; {@code c} is in a transaction its caller rolls back. */
    static boolean in(Connection c) throws SQLException {
        String table = null;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT name FROM main.sqlite_schema "
                + "WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND sql NOT LIKE 'CREATE VIRTUAL%' LIMIT 1")) {
            if (rs.next()) {
                table = rs.getString(1);
            }
        }
        if (table != null) {
            try {
                return refused(c, "DELETE FROM main.\"" + table.replace("\"", "\"\"") + "\" WHERE 0");
            } catch (SQLException notCompiled) {
                // the table's triggers or generated columns call a function only the application defines ("no such
                // function"): the statement does not compile here, so it tells nothing; the header's write does
            }
        }
        return refused(c, "PRAGMA main.user_version = 0");
    }

    /** Whether {@code write} is refused as a write to a read-only database; any other failure thrown. */
    private static boolean refused(Connection c, String write) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(write);
            return false;
        } catch (SQLException e) {
            if ((e.getErrorCode() & 0xff) == SQLITE_READONLY) {
                return true;
            }
            throw e;
        }
    }
}
