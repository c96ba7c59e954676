package io.dbbackup.engine.sqlite;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Log;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The {@code -journal} a writer killed inside a transaction leaves beside a rollback-journal database: the database
 * file may hold part of that transaction, and SQLite reads it only after the journal is played back, which takes
 * write access. A backup reads through a read-only connection, which SQLite refuses then; the first writer to open
 * the database (the application at its restart, a sqlite3 shell) would roll it back. The backup does the same, as
 * SQLite itself does it, and says so: the transaction was never committed, and the last committed state is backed up.
 */
final class HotJournal {
    private HotJournal() {
    }

    /** Whether a read-only connection failed for want of rolling back a hot journal. */
    static boolean isTheCause(SQLException e) {
        return e instanceof SQLiteException se && se.getResultCode() == SQLiteErrorCode.SQLITE_READONLY_ROLLBACK;
    }

    /** Opens {@code db} for writing and reads its schema, which rolls the hot journal back. */
    static void rollBack(Path db, java.time.Duration lockTimeout, io.dbbackup.spi.OperationContext ctx) throws IOException {
        Log log = ctx.log();
        try (Connection c = SqliteEngine.open(db, false, lockTimeout, ctx.cancellation()); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select count(*) from sqlite_schema")) {
            rs.next();
        } catch (SQLException e) {
            throw DbBackupException.permanent("SQLite database " + db + " has a hot journal (" + db.getFileName()
                    + "-journal: a writer was killed inside a transaction) that must be rolled back before it can be read, "
                    + "and this process cannot roll it back (" + e.getMessage() + "): open the database once as a user "
                    + "who may write it (sqlite3 " + db + " 'pragma quick_check'), or back it up as that user", e);
        }
        log.warn("SQLite database " + db + " had a hot journal (a writer was killed inside a transaction): it was "
                + "rolled back, as the next writer to open the database would have done, and the last committed state "
                + "is backed up", "journal", db.resolveSibling(db.getFileName() + "-journal"));
    }
}
