package io.dbbackup.engine.sqlite;

import io.dbbackup.spi.Cancellation;

import java.io.InterruptedIOException;
import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs an online backup's native copy on a thread of its own and waits for it, for at most {@link #GRACE_MS} once the
 * operation is cancelled. {@link BackupStop} ends the copy at its next step; where it cannot (a database file this
 * process may not write is opened read-only, and no write lock can be taken on it; an application holds the write lock),
 * nothing else does: SQLite's backup step checks neither {@code sqlite3_interrupt} nor anything the progress callback can
 * set. Such a copy is paused by {@link BackupStop#untilStopped} (it copies nothing more) and left on its thread, which
 * ends it once the lock can be taken (then closes its connections and removes what it made); the operation goes on as
 * cancelled. Its snapshot, deleted by the caller, is emptied by the paused copy once let go ({@link SnapshotRelease}).
 */
final class CopyThread {
    /** How long a cancelled operation waits for the copy to stop at its next step. */
    static final long GRACE_MS = 1_000;

    /** The copy: {@link SqliteEngine}'s online backup, its connections opened and closed inside. */
    interface Copy {
        void run() throws SQLException;
    }

    private CopyThread() {
    }

    /**
     * Runs {@code copy}; its failure is thrown here. Cancelled and not stopped within {@link #GRACE_MS}: abandoned, and
     * {@code cleanUp} runs on its thread once it has ended (the files it may have made after the caller removed them).
     */
    static void run(Copy copy, Copy cleanUp, Cancellation cancellation) throws SQLException, InterruptedIOException {
        run(copy, cleanUp, cancellation, new AtomicBoolean());
    }

    /** {@link #run(Copy, Copy, Cancellation)}, {@code abandoned} set once the operation has let the copy go. */
    static void run(Copy copy, Copy cleanUp, Cancellation cancellation, AtomicBoolean abandoned)
            throws SQLException, InterruptedIOException {
        CountDownLatch done = new CountDownLatch(1);
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                copy.run();
            } catch (SQLException | RuntimeException | Error e) {
                failure[0] = e;
            } finally {
                done.countDown();
            }
            if (abandoned.get()) {
                try {
                    cleanUp.run();
                } catch (SQLException | RuntimeException e) {
                    // nobody waits for this copy any more; the next run's sweep of the scratch folder remains
                }
            }
        }, "sqlite-online-backup");
        t.setDaemon(true);
        t.start();
        long cancelledAt = 0;
        try {
            while (!done.await(20, TimeUnit.MILLISECONDS)) {
                if (!cancellation.isCancelled()) {
                    continue;
                }
                long now = System.nanoTime();
                if (cancelledAt == 0) {
                    cancelledAt = now;
                } else if (now - cancelledAt > GRACE_MS * 1_000_000L) {
                    abandoned.set(true);
                    cancellation.throwIfCancelled(); // the copy goes on by itself
                }
            }
        } catch (InterruptedException e) {
            abandoned.set(true); // the copy goes on by itself: its thread removes what it makes once it ends
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while SQLite's online backup ran");
        }
        if (failure[0] instanceof SQLException e) {
            throw e;
        }
        if (failure[0] instanceof RuntimeException e) {
            throw e;
        }
        if (failure[0] instanceof Error e) {
            throw e;
        }
    }
}
