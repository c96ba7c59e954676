package io.dbbackup.engine.sqlite;

import io.dbbackup.spi.Cancellation;
import org.sqlite.BusyHandler;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * SQLite's busy timeout (how long a statement or a backup step waits for a lock another connection holds: an
 * application's write), in slices of {@link #SLICE_MS}, that gives up at once when the operation is cancelled. SQLite's
 * own timeout sleeps in native code that neither {@code sqlite3_interrupt} nor a cancellation reaches: a job with a 1 s
 * timeout waited out the whole busy timeout for an application's lock. The patience for one lock is the datasource's
 * {@code lock_timeout} ({@link SqliteEngine#DEFAULT_LOCK_TIMEOUT} when absent).
 *
 * <p>The online backup's steps ({@link #installForCopy}) need more: SQLite counts a connection's calls of its busy
 * handler ({@code previous}) on from one wait to the next until a statement runs, which a backup step never does, and
 * once the handler has given up it calls it no more. So the copy's first wait for an application's lock set the only
 * deadline: a copy that waited once at its start, and met a writer's commit again 30 s later, gave up at once, and
 * every writer it met after that returned SQLITE_BUSY at once too, which SQLite's native loop tries again 1 ms later,
 * {@link SqliteEngine#BUSY_RETRIES} times for the whole copy: a database written all the time failed its backup as
 * "online backup failed with SQLite result code 5". After each step that waited ({@link #stepDone}) the handler is set
 * again, which starts SQLite's count anew: each lock gets the whole patience. A lock held past it fails the copy
 * ({@link #lockedOut}), the native loop's tries then failing at once.
 */
final class CancellableBusyWait extends BusyHandler {
    static final long SLICE_MS = 10;

    private final Cancellation cancellation;
    private final long timeoutNanos;
    private long deadline;
    private boolean waited;
    private volatile boolean lockedOut;

    private CancellableBusyWait(Duration timeout, Cancellation cancellation) {
        this.cancellation = cancellation;
        this.timeoutNanos = timeout.toNanos();
    }

    /** Replaces {@code c}'s busy timeout by one of {@code timeout} for each lock, that {@code cancellation} ends. */
    static void install(Connection c, Duration timeout, Cancellation cancellation) throws SQLException {
        BusyHandler.setHandler(c, new CancellableBusyWait(timeout, cancellation));
    }

    /** As {@link #install}, for the online backup's source connection: call {@link #stepDone} after each step. */
    static CancellableBusyWait installForCopy(Connection c, Duration timeout, Cancellation cancellation) throws SQLException {
        CancellableBusyWait wait = new CancellableBusyWait(timeout, cancellation);
        BusyHandler.setHandler(c, wait);
        return wait;
    }

    /** A step of the copy on {@code c} succeeded: the next lock is waited for with the whole patience. */
    void stepDone(Connection c) throws SQLException {
        lockedOut = false;
        if (waited) {
            waited = false;
            BusyHandler.setHandler(c, this); // SQLite's count of this connection's calls starts at 0 again
        }
    }

    /** Whether a wait ran out its patience and no step succeeded since: the copy failed for the lock. */
    boolean lockedOut() {
        return lockedOut;
    }

    /** {@code previous}: how often this handler was called before for the same lock (0: the wait begins). */
    @Override
    protected int callback(int previous) {
        long now = System.nanoTime();
        waited = true;
        if (previous == 0) {
            deadline = now + timeoutNanos;
        }
        long left = (deadline - now) / 1_000_000L;
        if (cancellation.isCancelled()) {
            return 0; // give up: the statement or step returns SQLITE_BUSY
        }
        if (left <= 0) {
            lockedOut = true;
            return 0;
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
