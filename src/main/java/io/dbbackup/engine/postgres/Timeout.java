package io.dbbackup.engine.postgres;

import java.time.Duration;

/** A datasource's {@code timeout} for work done in-process: runs {@code onExpiry} (closing the connection) when it passes. */
final class Timeout {
    private final Thread timer;
    private volatile boolean expired;

    private Timeout(Duration limit, Runnable onExpiry) {
        if (limit == null) {
            timer = null;
            return;
        }
        timer = new Thread(() -> {
            try {
                Thread.sleep(limit.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            expired = true;
            onExpiry.run();
        }, "timeout");
        timer.setDaemon(true);
        timer.start();
    }

    /** Starts the clock; a null {@code limit} never expires. */
    static Timeout start(Duration limit, Runnable onExpiry) {
        return new Timeout(limit, onExpiry);
    }

    boolean expired() {
        return expired;
    }

    void cancel() {
        if (timer != null) {
            timer.interrupt();
        }
    }
}
