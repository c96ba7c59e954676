package io.dbbackup.spi;

import io.dbbackup.core.DbBackupException;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * An object's content read over the network that survives a dropped or stalled connection: on a read that fails for
 * the network (or a stream that ends before the object's length), the rest is asked for again from where it broke
 * off ({@link Opener}, a ranged request tied to the same version of the object), up to {@code maxResumes} times.
 * A restore of a large backup then does not start over — or fail — for one broken connection. A request for the rest
 * that fails too (connection refused, a connect timeout: the service restarting, a balancer's blip) counts as one of
 * those resumes and is asked again after a pause ({@value #FIRST_PAUSE_MILLIS} ms, doubled each time, at most
 * {@value #MAX_PAUSE_MILLIS} ms) that a cancellation or a close ends at once; when the budget is spent, the error
 * says both, the read's failure and the last request's, and the byte reached, for every store ({@link #gaveUp}); a read
 * that breaks again after the last resume says its failure and the byte reached ({@link #brokeAgain}). Cancellation
 * ({@link InterruptedIOException}), a missing object, the rest that cannot be read as asked ({@link NotResumable}) and
 * the store's own refusals (unchecked) are not resumed; a cancellation ({@link #stopped}), a missing object
 * ({@link #gone}) and a store's refusal of the request for the rest ({@link #refused}) or of the read itself
 * ({@link #refusedRead}) say the byte reached too, each keeping its class; every line names it as "byte N of L"
 * ({@link #byteOf}), followed by "(after K resumed reads)" when K resumes had gone on reading before ({@link #reached};
 * a changed object's {@link NotResumable} gets it at its end).
 */
public final class ResumingInputStream extends InputStream {
    /** Opens the object's content from byte {@code offset} on (of the same version as the first read). */
    @FunctionalInterface
    public interface Opener {
        InputStream open(long offset) throws IOException;
    }

    /**
     * An {@link Opener}'s answer that the rest cannot be read as asked, whatever the network does (the object changed
     * since the read began, a server that ignores the range): not asked for again.
     */
    public static class NotResumable extends IOException {
        public NotResumable(String message) {
            super(message);
        }

        public NotResumable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The pause before asking for the rest again after a request for it failed; doubled each time after. */
    static final long FIRST_PAUSE_MILLIS = 1_000;
    static final long MAX_PAUSE_MILLIS = 8_000;

    private final Opener opener;
    private final long firstPauseMillis;
    private final long length;
    private final int maxResumes;
    private final String location;
    private volatile InputStream in; // volatile: close() from another thread closes the current one
    private long position;
    private int resumes;
    /** How many of those resumes went on reading (the rest was opened): said in a later failure's line. */
    private int resumed;
    private volatile boolean closed;
    /** Cancelled when the stream is closed: stops a request for the rest on its way ({@link #reopen}). */
    private final Cancellation closing = new Cancellation();

    /**
     * @param first      the content as first opened (from byte 0)
     * @param length     the object's length, or -1 when unknown (then an early end is not noticed here, the
     *                   checksum still is)
     */
    public ResumingInputStream(InputStream first, long length, Opener opener, int maxResumes, String location) {
        this(first, length, opener, maxResumes, location, FIRST_PAUSE_MILLIS);
    }

    ResumingInputStream(InputStream first, long length, Opener opener, int maxResumes, String location, long firstPauseMillis) {
        this.in = first;
        this.length = length;
        this.opener = opener;
        this.maxResumes = maxResumes;
        this.location = location;
        this.firstPauseMillis = firstPauseMillis;
    }

    /** How many times the content was asked for again. */
    public int resumes() {
        return resumes;
    }

    @Override
    public int read() throws IOException {
        return io.dbbackup.core.SingleByte.read(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (true) {
            IOException failure;
            boolean ended = false; // an early end: its line names the byte already
            try {
                int n = in.read(b, off, len);
                if (n > 0) {
                    position += n;
                    return n;
                }
                if (n < 0 && (length < 0 || position >= length)) {
                    return -1;
                }
                if (n == 0) {
                    continue;
                }
                failure = new IOException("the content of " + location + " ended at byte " + position + " of " + length);
                ended = true;
            } catch (InterruptedIOException e) {
                if (e.getClass() != InterruptedIOException.class) {
                    failure = e; // a timeout (SocketTimeoutException), not a cancellation
                } else {
                    throw closed ? stopped(e) : stopped(e, e.getMessage());
                }
            } catch (IOException e) {
                failure = e;
            } catch (DbBackupException e) {
                throw e.getClass() == DbBackupException.class ? refusedRead(e) : e;
            }
            if (closed) { // closed from another thread (a cancellation): the read failed for that, not the network
                throw stopped(failure);
            }
            if (failure instanceof NoSuchKeyException gone) {
                throw new NoSuchKeyException(gone.getMessage() + ", deleted since the read began: the read stopped at "
                        + reached(), gone);
            }
            if (resumes >= maxResumes) {
                throw brokeAgain(failure, ended);
            }
            resumes++;
            try {
                in.close();
            } catch (IOException | RuntimeException ignored) {
                // the broken connection
            }
            in = resume(failure);
            resumed++;
            if (closed) { // close() ran between reopen's check and the line above: it closed the broken stream, not this one
                in.close();
                throw stopped(null);
            }
        }
    }

    /**
     * The rest from {@link #position}, asked for again (after a pause) while the request fails for the network and the
     * budget of resumes lasts.
     */
    private InputStream resume(IOException broke) throws IOException {
        long pause = firstPauseMillis;
        while (true) {
            try {
                return reopen();
            } catch (RuntimeException e) {
                throw refused(broke, e);
            } catch (IOException e) {
                if (e instanceof NoSuchKeyException gone) {
                    throw gone(broke, gone);
                }
                if (e.getClass() == InterruptedIOException.class) { // a cancellation; a close's, reopen said already
                    throw closed ? e : stopped(e, e.getMessage()); // closed: reopen made it, with the byte
                }
                if (e instanceof NotResumable && resumed > 0) {
                    throw new NotResumable(e.getMessage() + afterResumed(), e); // its line names the byte, not the resumes
                }
                if (e instanceof NotResumable || Thread.currentThread().isInterrupted()) {
                    throw e; // the object changed (its line names the byte), or a cancellation in other words
                }
                if (resumes >= maxResumes) {
                    throw gaveUp(broke, e);
                }
                resumes++;
                pause(pause, e);
                pause = Math.min(pause * 2, MAX_PAUSE_MILLIS);
            }
        }
    }

    /**
     * The last request for the rest ({@code failed}) failed too, the budget spent: one line with the read's failure
     * ({@code broke}, which the store words to name the read), the byte reached ({@link #reached}, as every other line
     * says it: it was "byte N" without the length) and that request's failure. S3's and Azure's said the last
     * request's alone ("s3 get … failed: Connection refused"), not the byte reached.
     */
    private IOException gaveUp(IOException broke, IOException failed) {
        return new IOException(broke.getMessage() + "; going on from " + reached() + " over a new connection failed too: "
                + failed.getMessage(), failed);
    }

    /**
     * The object is gone ({@code gone}, a store's {@link NoSuchKeyException} for the request for the rest): deleted
     * since the read began (a prune on another host, while a restore read it). Still a {@link NoSuchKeyException}, for
     * the callers that tell a missing object by it, now with the read's failure and the byte reached as {@link #gaveUp}
     * says them; it was the store's "no such object: KEY" alone.
     */
    private NoSuchKeyException gone(IOException broke, NoSuchKeyException gone) {
        return new NoSuchKeyException(broke.getMessage() + "; going on from " + reached() + " over a new connection failed: "
                + gone.getMessage() + " (deleted since the read began)", gone);
    }

    /**
     * The store refused the request for the rest (unchecked: a 403 while resuming, a 412 for an object replaced since
     * the read began): a {@link DbBackupException} is made again with the read's failure and the byte reached before
     * the store's line, and the same exit status and retry; it was the store's line alone, and {@code Failures.map}
     * hands a {@link DbBackupException} found in a chain on as it is, so a wrapper's words would be lost. Any other
     * (a subclass, a bug) is left as it is.
     */
    private RuntimeException refused(IOException broke, RuntimeException e) {
        if (e.getClass() != DbBackupException.class) {
            return e;
        }
        return reworded((DbBackupException) e, broke.getMessage() + "; going on from " + reached()
                + " over a new connection failed: " + e.getMessage());
    }

    /**
     * The store refused the read itself, mid-stream (a {@link DbBackupException} from the content's read, not from a
     * request for the rest): not resumed, made again with the byte reached before the store's line ("the read of
     * LOCATION failed at byte N of L: …"), keeping its exit status and retry, as {@link #refused} does; it was the
     * store's line alone.
     */
    private DbBackupException refusedRead(DbBackupException e) {
        return reworded(e, "the read of " + location + " failed at " + reached() + ": " + e.getMessage());
    }

    private static DbBackupException reworded(DbBackupException d, String message) {
        return new DbBackupException(d.status(), message, d, d.retryable());
    }

    /**
     * "byte N of L", or "byte N" when the length is unknown: how far the read got; then " (after K resumed reads)" when
     * the read went on over a new connection before (K > 0), so a failure after a flaky network's resumes says there were
     * some: it said the byte alone, as if the read had broken once.
     */
    private String reached() {
        return byteOf(position, length) + afterResumed();
    }

    /** " (after K resumed reads)", or nothing when no resume went on reading. */
    private String afterResumed() {
        return resumed == 0 ? "" : " (after " + resumed + " resumed read" + (resumed == 1 ? "" : "s") + ")";
    }

    /**
     * "byte N of L", or "byte N" when the length {@code length} is unknown (below 0): how every failed read names the
     * byte it reached, here and in the stores' lines (a {@link NotResumable}).
     */
    public static String byteOf(long position, long length) {
        return "byte " + position + (length < 0 ? "" : " of " + length);
    }

    /**
     * The read broke ({@code failure}) after the last resume the budget allows (or with none allowed): its line, the
     * byte reached and the resumes made, as {@link #gaveUp} says it; an early end's line ({@code ended}) names the byte
     * already, and the resumes are added. It used to be the read's failure alone ("s3 get … failed: Connection reset"),
     * without the byte.
     */
    private IOException brokeAgain(IOException failure, boolean ended) {
        String after = resumes == 0 ? "" : ", after " + resumes + (resumes == 1 ? " resume" : " resumes")
                + " (the most a read makes)";
        if (ended) {
            return resumes == 0 ? failure : new IOException(failure.getMessage() + after);
        }
        return new IOException(failure.getMessage() + "; broke" + (resumes == 0 ? "" : " again") + " at "
                + byteOf(position, length) + after, failure); // the resumes said after it
    }

    /** Waits {@code millis}, or less when the operation is cancelled or this stream closed (then throws). */
    private void pause(long millis, IOException failed) throws IOException {
        io.dbbackup.core.CancelSignal.Token cancel = io.dbbackup.core.CancelSignal.current();
        java.util.concurrent.CountDownLatch woken = new java.util.concurrent.CountDownLatch(1);
        try (io.dbbackup.core.CancelSignal.Registration ignored = io.dbbackup.core.CancelSignal.anyOf(cancel, closing)
                .onCancel(woken::countDown)) {
            woken.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw stopped(failed);
        }
        if (closed) {
            throw stopped(failed);
        }
        if (cancel.isCancelled()) {
            throw stopped(failed, "cancelled (" + cancel.reason() + ")");
        }
    }

    /**
     * The rest, asked for under a cancellation that also fires when this stream is closed from another thread: the
     * store cuts its request then (as for its operation's), where the request used to wait for an answer that a
     * stalled server never gives while the cancellation had nothing to stop.
     */
    private InputStream reopen() throws IOException {
        InputStream rest;
        io.dbbackup.core.CancelSignal.Scope scope = io.dbbackup.core.CancelSignal.enter(
                io.dbbackup.core.CancelSignal.anyOf(io.dbbackup.core.CancelSignal.current(), closing));
        try {
            rest = opener.open(position);
        } catch (IOException e) {
            if (closed) {
                throw stopped(e);
            }
            throw e;
        } finally {
            scope.close();
        }
        if (closed) {
            rest.close();
            throw stopped(null);
        }
        return rest;
    }

    /** A close from another thread stopped the read ({@code cause}: how the read or the request for the rest failed). */
    private InterruptedIOException stopped(IOException cause) {
        return stopped(cause, null);
    }

    /**
     * "the read of LOCATION was stopped at byte N of L", and {@code why} when said (a cancellation's reason, the store's
     * line): exactly an {@link InterruptedIOException}, which callers take for a cancellation. It did not say the byte.
     */
    private InterruptedIOException stopped(IOException cause, String why) {
        InterruptedIOException stopped = new InterruptedIOException(stoppedLine() + (why == null || why.isBlank() ? ""
                : ": " + why));
        stopped.initCause(cause);
        return stopped;
    }

    /** "the read of LOCATION was stopped at byte N of L". */
    private String stoppedLine() {
        return "the read of " + location + " was stopped at " + reached();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        closing.cancel("closed");
        in.close();
    }
}
