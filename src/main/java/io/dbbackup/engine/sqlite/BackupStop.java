package io.dbbackup.engine.sqlite;

import io.dbbackup.spi.Cancellation;
import org.sqlite.SQLiteConnection;

import java.sql.SQLException;

/**
 * Ends an online backup at its next step once the operation is cancelled (a job's timeout, a signal). SQLite's backup
 * API runs its whole copy in one native call, which neither an exception from its progress callback nor
 * {@code sqlite3_interrupt} ends: a copy of some GiB ran on for minutes after the timeout. A step does return
 * SQLITE_BUSY at once while its own source connection is in a write transaction, and the call gives up after a few
 * such retries. So, once cancelled, the progress callback begins one ({@code BEGIN IMMEDIATE}, without waiting for the
 * lock) on the source connection, which is opened read-write for this alone: no statement that writes ever runs on it
 * ({@code query_only} would refuse the {@code BEGIN IMMEDIATE} too), and the transaction is rolled back when the backup
 * call has returned. An application holding the write lock at that moment makes it try again after the next step; a
 * database file this process may not write (opened read-only whatever was asked) cannot be stopped this way: its copy
 * is left to run to its end on its {@link CopyThread}.
 */
final class BackupStop implements AutoCloseable {
    private final SQLiteConnection source;
    private boolean begun;
    private boolean rolledBack;

    BackupStop(SQLiteConnection source) {
        this.source = source;
    }

    /** Called after each step: once {@code cancellation} is cancelled, the next step is the last. */
    void afterStep(Cancellation cancellation) {
        if (begun || !cancellation.isCancelled()) {
            return;
        }
        try {
            source.getDatabase().busy_timeout(0);
            source.getDatabase()._exec("BEGIN IMMEDIATE");
            begun = true;
        } catch (SQLException lockedOrReadOnly) {
            // an application holds the write lock now: after the next step again
        }
    }

    /** Whether a cancellation ended the copy (its result code is then SQLITE_BUSY, not a failure to report). */
    boolean stopped() {
        return begun;
    }

    @Override
    public void close() throws SQLException {
        if (begun && !rolledBack) {
            rolledBack = true;
            source.getDatabase()._exec("ROLLBACK");
        }
    }
}
