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
 * call has returned. Until it can be begun (an application holds the write lock; a database file this process may not
 * write is opened read-only whatever was asked) the copy is paused, not let go on: {@link #untilStopped} keeps the
 * copy's thread in the progress callback, between two steps (no lock held on the source), and tries again every
 * {@link #RETRY_MS}; the copy neither reads nor writes another page, and ends as soon as the lock is free. A file that
 * cannot be written keeps it paused until the process exits ({@link CopyThread} has let it go by then): it used to run on
 * to its end, a core and the disk busy for minutes after the job had ended. SQLite does not refuse {@code BEGIN
 * IMMEDIATE} on a database it opened read-only: it begins a read transaction instead, which does not end the copy (the
 * stop took it for the lock, and a copy of an immutable file ran on to its last page after the run, its deleted snapshot
 * written whole). So once begun, the stop asks the connection whether SQLite opened it read-only ({@link
 * OpenedReadOnly}; a {@code Files.isWritable} checked before the open could be stale by the open): if so, it rolls the
 * read transaction back and is not tried again (that never changes for the connection): the copy pauses.
 */
final class BackupStop implements AutoCloseable {
    /** How often a paused copy tries again to take the lock that ends it. */
    static final long RETRY_MS = 50;

    private final SQLiteConnection source;
    private boolean readOnly;
    private boolean begun;
    private boolean rolledBack;

    BackupStop(SQLiteConnection source) {
        this.source = source;
    }

    /** Called after each step: once {@code cancellation} is cancelled, the next step is the last. */
    void afterStep(Cancellation cancellation) {
        if (begun || readOnly || !cancellation.isCancelled()) {
            return;
        }
        try {
            source.getDatabase().busy_timeout(0);
            source.getDatabase()._exec("BEGIN IMMEDIATE");
        } catch (SQLException locked) {
            return; // an application holds the write lock now: after the next step again
        }
        try {
            readOnly = OpenedReadOnly.in(source);
        } catch (SQLException unknown) {
            readOnly = false; // not learnt: rolled back below, and asked again after the next step
            rollBackQuietly();
            return;
        }
        if (readOnly) {
            rollBackQuietly(); // only a read transaction: it would not end the copy
        } else {
            begun = true;
        }
    }

    private void rollBackQuietly() {
        try {
            source.getDatabase()._exec("ROLLBACK");
        } catch (SQLException ignored) {
            // nothing was written in it; closing the connection ends it
        }
    }

    /**
     * Called after each step once {@code cancellation} is cancelled: returns when the next step is the last; until then
     * (the lock cannot be taken) the copy is paused here. An interrupt of the copy's thread returns at once.
     */
    void untilStopped(Cancellation cancellation) {
        untilStopped(cancellation, () -> false, () -> { });
    }

    /**
     * {@link #untilStopped(Cancellation)}; once {@code letGo} is true (the operation has let the copy go: its snapshot is
     * deleted, this copy's handles alone keep it), {@code release} runs, once, on this thread between two steps (no page
     * is being written): it frees what the snapshot holds while the copy stays paused.
     */
    void untilStopped(Cancellation cancellation, java.util.function.BooleanSupplier letGo, Runnable release) {
        afterStep(cancellation);
        boolean released = false;
        while (!begun) {
            if (!released && letGo.getAsBoolean()) {
                released = true;
                release.run();
            }
            try {
                Thread.sleep(RETRY_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            afterStep(cancellation);
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
