package io.dbbackup.engine.sqlite;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether SQLite opened a connection's database read-only: a file this process may not write (a {@code :ro} mount, no
 * write permission, {@code chattr +i}) is opened read-only whatever was asked, and SQLite then grants {@code BEGIN
 * IMMEDIATE} as a read transaction, without an error. Learnt from the connection itself, not from {@code
 * Files.isWritable} checked before the open (the file could change between the two). Asked inside the caller's {@code
 * BEGIN IMMEDIATE}: a statement that would write and writes nothing ({@code DELETE ... WHERE 0}) fails with {@code
 * SQLITE_READONLY} on a read-only database before any lock is asked for, and on a writable one runs under the write
 * lock already held, writing no page (no {@code -journal} is made beside the database). Each table is tried (SQLite's
 * own {@code sqlite_stat1} and {@code sqlite_sequence} first: no trigger or index can be put on them) until one's
 * statement compiles: a trigger calling a function only the application defines, or an index on a collation it
 * defines, does not compile here. A database where none does (or without a table) is asked with {@code PRAGMA
 * user_version}, which does write page 1: on a writable one, SQLite opens a {@code -journal} beside the database for
 * it, which would stay there as long as the caller's transaction (the stop's lock, the writer hold). So that write is
 * rolled back at once, which deletes the journal without writing the database file (the page changed only in this
 * connection's cache), and the caller's {@code BEGIN IMMEDIATE} is taken again before returning; if another
 * connection took the write lock in between, that {@code BEGIN IMMEDIATE} fails and is thrown, the caller's
 * transaction ended.
 */
final class OpenedReadOnly {
    /** SQLite's primary result code for "attempt to write a readonly database". */
    static final int SQLITE_READONLY = 8;

    private OpenedReadOnly() {
    }

    /**
     * Whether {@code c}'s main database is read-only; {@code c} is in a {@code BEGIN IMMEDIATE} transaction its caller
     * rolls back, and is in one again on return.
     */
    static boolean in(Connection c) throws SQLException {
        for (String table : tables(c)) {
            try {
                return refused(c, "DELETE FROM main.\"" + table.replace("\"", "\"\"") + "\" WHERE 0");
            } catch (SQLException notCompiled) {
                // the table's triggers or indexes call a function or collation only the application defines ("no such
                // function"): the statement does not compile here, so it tells nothing; the next table may
            }
        }
        if (refused(c, "PRAGMA main.user_version = 0")) {
            return true; // refused before any page was written
        }
        try (Statement st = c.createStatement()) {
            st.execute("ROLLBACK"); // undoes page 1 in the cache and deletes the -journal; the file was not written
            st.execute("BEGIN IMMEDIATE");
        }
        return false;
    }

    /** The main database's tables a {@code DELETE} may name: SQLite's own writable ones first, then the others. */
    private static List<String> tables(Connection c) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT name FROM main.sqlite_schema "
                + "WHERE type = 'table' AND (name IN ('sqlite_stat1', 'sqlite_sequence') OR name NOT LIKE 'sqlite%' "
                + "AND sql NOT LIKE 'CREATE VIRTUAL%') ORDER BY name NOT IN ('sqlite_stat1', 'sqlite_sequence')")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
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
