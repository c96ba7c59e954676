package io.dbbackup.spi;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A datasource's {@code timeout} for one piece of work: when it passes, {@code onExpiry} runs (it kills the
 * child process, closes the connection) and {@link #expired()} says so, so that the failure that follows is
 * reported as a timeout. One timer thread serves every deadline.
 */
public final class Deadline {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(io.dbbackup.core.Log.untagged(r), "deadline-timer");
        t.setDaemon(true);
        return t;
    });

    private final ScheduledFuture<?> timer;
    private volatile boolean expired;

    private Deadline(Duration limit, Runnable onExpiry) {
        timer = limit == null || limit.isZero() ? null : TIMER.schedule(() -> {
            expired = true;
            onExpiry.run();
        }, limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts the clock; a null or zero {@code limit} never expires. */
    public static Deadline start(Duration limit, Runnable onExpiry) {
        return new Deadline(limit, onExpiry);
    }

    public boolean expired() {
        return expired;
    }

    /** The work ended first. */
    public void cancel() {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
