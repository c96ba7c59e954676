package io.dbbackup.store.local;

import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * Flushes a file that is still being written to disk every {@code step} bytes, on a thread of its own beside
 * the writing, so that the flush after the last byte waits for the rest only. The kernel starts writing a
 * file back only at its dirty limits (GiBs on a large machine) or at that last flush, which then waits for the
 * whole file: ~0.09 s per 100 MiB here, seconds for a large backup, and gigabytes of dirty page cache charged to
 * the container meanwhile. PostgreSQL's {@code *_flush_after} settings do the same with {@code sync_file_range},
 * which Java lacks; a flush of the part written does the same job.
 *
 * <p>A flush that fails is reported by the next {@link #wrote} and by {@link #finish}: Linux reports a failed
 * write-back to one flush only, so the final flush could not be relied on to see it again.
 */
final class WriteBehind {
    /** What flushes the file's data written so far; a seam so that a test can count flushes or inject a failing disk. */
    interface Flush {
        void flush() throws IOException;
    }

    /** Bytes between two flushes of a local upload: the final flush then waits for at most about this much. */
    static final long STEP = 16L << 20;

    private final Flush flush;
    private final long step;
    private final String name;
    private long unflushed;
    private Thread thread;
    private boolean requested;
    private boolean stopped;
    private IOException failure;

    WriteBehind(Flush flush, long step, String name) {
        this.flush = flush;
        this.step = step;
        this.name = name;
    }

    /** {@code n} more bytes were written; asks for a flush once a step's worth is unflushed and none is under way. */
    synchronized void wrote(long n) throws IOException {
        rethrow();
        unflushed += n;
        if (unflushed < step || requested || stopped) {
            return; // a flush under way takes these bytes too, or the next one will
        }
        unflushed = 0;
        requested = true;
        if (thread == null) {
            thread = new Thread(this::run, "fsync-" + name);
            thread.setDaemon(true);
            thread.start();
        }
        notifyAll();
    }

    /** Waits for the flush under way, if any, and ends the thread; throws what a flush failed with. */
    void finish() throws IOException {
        stop();
        rethrow();
    }

    /** As {@link #finish} without the verdict: an aborted upload only needs the thread gone before its file is. */
    void stop() throws InterruptedIOException {
        Thread t;
        synchronized (this) {
            stopped = true;
            notifyAll();
            t = thread;
        }
        if (t == null) {
            return;
        }
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the upload's flush to disk");
        }
    }

    private void run() {
        while (true) {
            synchronized (this) {
                while (!requested && !stopped) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return; // nobody interrupts this thread; finish() reports nothing lost: the final flush still runs
                    }
                }
                if (!requested) {
                    return;
                }
            }
            IOException failed = null;
            try {
                flush.flush();
            } catch (IOException e) {
                failed = e;
            } catch (RuntimeException e) {
                failed = new IOException(e.toString(), e);
            }
            synchronized (this) {
                requested = false;
                if (failed != null) {
                    failure = failed;
                    stopped = true;
                    return;
                }
            }
        }
    }

    private synchronized void rethrow() throws IOException {
        if (failure != null) {
            throw new IOException("flush to disk failed: " + failure.getMessage(), failure);
        }
    }
}
