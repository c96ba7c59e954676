package io.dbbackup.engine.sqlite;

import io.dbbackup.spi.Cancellation;
import org.sqlite.BusyHandler;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * SQLite's busy timeout (how long a statement or a backup step waits for a lock another connection holds: an
 * application's write), in slices of {@link #SLICE_MS}, that gives up at once when the operation is cancelled. SQLite's
 * own timeout sleeps in native code that neither {@code sqlite3_interrupt} nor a cancellation reaches: a job with a 1 s
 * timeout waited out the whole {@link SqliteEngine#BUSY_TIMEOUT_MS} for an application's lock. The patience for one lock
 * is the same as before.
 */
final class CancellableBusyWait extends BusyHandler {
    static final long SLICE_MS = 10;

    private final Cancellation cancellation;
    private long deadline;

    private CancellableBusyWait(Cancellation cancellation) {
        this.cancellation = cancellation;
    }

    /** Replaces {@code c}'s busy timeout by one that {@code cancellation} ends. */
    static void install(Connection c, Cancellation cancellation) throws SQLException {
        BusyHandler.setHandler(c, new CancellableBusyWait(cancellation));
    }

    /** {@code previous}: how often this handler was called before for the same lock (0: the wait begins). */
    @Override
    protected int callback(int previous) {
        long now = System.nanoTime();
        if (previous == 0) {
            deadline = now + SqliteEngine.BUSY_TIMEOUT_MS * 1_000_000L;
        }
        long left = (deadline - now) / 1_000_000L;
        if (cancellation.isCancelled() || left <= 0) {
            return 0; // give up: the statement or step returns SQLITE_BUSY
        }
        try {
            Thread.sleep(Math.min(SLICE_MS, left));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
        return 1;
    }
}
