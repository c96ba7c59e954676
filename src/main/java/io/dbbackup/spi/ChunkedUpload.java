package io.dbbackup.spi;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upload of a stream of unknown length in numbered chunks that the service assembles at commit (S3 parts, Azure
 * blocks). Bytes fill a chunk buffer; each full chunk goes to {@code concurrency} worker threads while the writer fills
 * the next. At most {@code concurrency + 1} buffers exist, so the writer (and the dump with it) waits when the network
 * is slower than the dump: memory stays at {@code chunk size × (concurrency + 1)}. An object smaller than one chunk is
 * sent whole at commit. A worker's failure fails the next write or the commit; any failure or {@link #abort()} lets
 * the chunks on their way finish for a second (a request cut off could still be stored after the discard), cuts off
 * those still going ({@link #cutOff}: a stalled connection must not hold a SIGTERM), then discards what was sent. The store says how to send, commit and discard ({@link #sendChunk}, {@link #commitChunks}, {@link #discardChunks}).
 */
public abstract class ChunkedUpload implements Upload {
    private static final AtomicInteger THREADS = new AtomicInteger();
    /** How long an abort lets chunks on their way finish before it cuts them off. */
    static final long FINISH_WAIT_MILLIS = 1_000;
    /** How long an abort after a cancellation (SIGTERM, a job's timeout) may take in all, the discard included. */
    static final long CANCELLED_ABORT_MILLIS = 5_000;
    /** The same after a failure: the store's own retries of its discard (S3: 30 s while it is unreachable) fit in it. */
    static final long FAILED_ABORT_MILLIS = 40_000;

    /** The object as the user knows it, for messages: {@code s3://bucket/key}, {@code azure://account/container/name}. */
    protected final String location;
    protected final OperationContext ctx;
    private final int concurrency;
    private final String threadName;
    private final int maxBuffers;
    private final BlockingQueue<byte[]> free;
    private final List<Future<?>> inFlight = new ArrayList<>();
    private final AtomicInteger sent = new AtomicInteger();
    private final OutputStream stream = new ChunkStream();
    private final java.util.Set<Thread> workerThreads = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private int buffers;
    private byte[] buf;
    private int len;
    private long total;
    private int nextChunk = 1;
    private ExecutorService workers;
    private volatile Throwable failure;
    private boolean committed;
    private volatile boolean aborted;

    protected ChunkedUpload(String location, OperationContext ctx, int concurrency, String threadName) {
        this.location = location;
        this.ctx = ctx;
        this.concurrency = concurrency;
        this.threadName = threadName;
        this.maxBuffers = concurrency + 1;
        this.free = new ArrayBlockingQueue<>(maxBuffers);
    }

    /** The size of chunk {@code number} (1-based); chunks may grow with the object. */
    protected abstract int chunkSize(int number);

    /** The service's limit of chunks per object, and what the user does when it is reached. */
    protected abstract int maxChunks();

    protected abstract String tooManyChunksAdvice();

    /** On the writer's thread, before chunk 1 goes to the workers (S3: CreateMultipartUpload). */
    protected void beforeFirstChunk() throws IOException {
    }

    /** Sends chunk {@code number} ({@code data[0..length)}) from a worker thread. */
    protected abstract void sendChunk(int number, byte[] data, int length) throws IOException;

    /** The commit of an object no chunk was sent for: {@code data[0..length)} in one request. */
    protected abstract void commitWhole(byte[] data, int length) throws IOException;

    /** The commit of chunks 1 to {@code count}, all sent. */
    protected abstract void commitChunks(int count) throws IOException;

    /** After either commit: checks the stored object against the {@code total} bytes written; throws if it is wrong. */
    protected abstract void checkCommitted(long total, int chunks) throws IOException;

    /** Discards what was sent, once no chunk is on its way; called after {@link #beforeFirstChunk}. Best effort, logs. */
    protected abstract void discardChunks();

    /**
     * What a discard that did not finish in time may leave, for a warning: {@code the multipart upload ID}, {@code the
     * staged blocks (the service drops them 7 days after staging)}.
     */
    protected abstract String leftIfNotDiscarded();

    /**
     * Cuts off the requests that {@code threads} (the upload's workers) have on their way: closes their connections,
     * so that a thread blocked in a socket write or read on a stalled connection returns at once (an interrupt does
     * not wake it). By default the threads are interrupted, which cancels a request of the JDK's HTTP client.
     */
    protected void cutOff(java.util.Collection<Thread> threads) {
        threads.forEach(Thread::interrupt);
    }

    /** Whether {@link #abort()} began: a worker's failure after it is no error of its own. */
    protected final boolean aborted() {
        return aborted;
    }

    @Override
    public final OutputStream stream() {
        return stream;
    }

    private final class ChunkStream extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int n) throws IOException {
            checkWritable();
            while (n > 0) {
                if (buf == null) {
                    buf = takeBuffer(chunkSize(nextChunk));
                    len = 0;
                }
                int c = Math.min(n, buf.length - len);
                System.arraycopy(b, off, buf, len, c);
                len += c;
                off += c;
                n -= c;
                total += c;
                if (len == buf.length) {
                    submitChunk();
                }
            }
        }

        @Override
        public void close() {
            // closing the stream does not commit; the last (short) chunk is sent by commit()
        }
    }

    private void checkWritable() throws IOException {
        if (committed || aborted) {
            throw new IOException("upload of " + location + " is already " + (committed ? "committed" : "aborted"));
        }
        ctx.cancellation().throwIfCancelled();
        rethrowFailure();
    }

    private void rethrowFailure() throws IOException {
        Throwable f = failure;
        if (f instanceof IOException io) {
            throw io;
        }
        if (f instanceof RuntimeException re) {
            throw re;
        }
        if (f != null) {
            throw new IOException("upload of " + location + " failed: " + f, f);
        }
    }

    /** A buffer of exactly {@code size} bytes: a free one, a new one while under the limit, or wait. */
    private byte[] takeBuffer(int size) throws IOException {
        while (true) {
            byte[] b = free.poll();
            if (b == null && buffers < maxBuffers) {
                buffers++;
                return new byte[size];
            }
            if (b == null) {
                try {
                    b = free.poll(200, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while uploading " + location);
                }
                checkWritable();
            }
            if (b != null) {
                if (b.length == size) {
                    return b;
                }
                buffers--; // the chunk size grew: drop the old buffer and allocate one of the new size
            }
        }
    }

    private void submitChunk() throws IOException {
        if (nextChunk == 1) {
            beforeFirstChunk();
        }
        int number = nextChunk++;
        if (number > maxChunks()) {
            throw new IOException("upload of " + location + " exceeds " + maxChunks() + " chunks; " + tooManyChunksAdvice());
        }
        byte[] data = buf;
        int length = len;
        buf = null;
        len = 0;
        if (workers == null) {
            workers = Executors.newFixedThreadPool(concurrency, r -> {
                Thread t = new Thread(() -> {
                    try {
                        r.run();
                    } finally {
                        workerThreads.remove(Thread.currentThread());
                    }
                }, threadName + "-" + THREADS.incrementAndGet());
                t.setDaemon(true);
                workerThreads.add(t);
                return t;
            });
        }
        inFlight.add(workers.submit(() -> send(number, data, length)));
        inFlight.removeIf(Future::isDone);
    }

    private void send(int number, byte[] data, int length) {
        try {
            if (failure == null && !aborted) {
                sendChunk(number, data, length);
                sent.incrementAndGet();
            }
        } catch (Throwable t) {
            if (failure == null) {
                failure = aborted ? new InterruptedIOException("aborted") : t;
            }
        } finally {
            free.offer(data);
        }
    }

    @Override
    public final void commit() throws IOException {
        if (committed) {
            throw new IOException("upload of " + location + " is already committed");
        }
        try {
            checkWritable();
            if (nextChunk == 1) {
                commitWhole(buf == null ? new byte[0] : buf, buf == null ? 0 : len);
            } else {
                if (len > 0) {
                    submitChunk();
                }
                awaitChunks();
                commitChunks(nextChunk - 1);
            }
            checkCommitted(total, Math.max(1, nextChunk - 1));
            committed = true;
        } catch (IOException | RuntimeException e) {
            abort();
            throw e;
        } finally {
            releaseBuffers();
        }
    }

    private void awaitChunks() throws IOException {
        for (Future<?> f : inFlight) {
            try {
                while (true) {
                    try {
                        f.get(200, TimeUnit.MILLISECONDS);
                        break;
                    } catch (TimeoutException e) {
                        ctx.cancellation().throwIfCancelled();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while uploading " + location);
            } catch (ExecutionException e) {
                failure = failure == null ? e.getCause() : failure;
            }
        }
        inFlight.clear();
        rethrowFailure();
        if (sent.get() != nextChunk - 1) {
            throw new IOException("upload of " + location + " lost chunks: " + sent.get() + " of " + (nextChunk - 1) + " stored");
        }
    }

    /**
     * Lets the chunks on their way finish for {@link #FINISH_WAIT_MILLIS} (a request cut off could still be stored after
     * the discard), then cuts off the ones still going (a stalled connection would hold the abort — and a pod's
     * SIGTERM — for as long as the stall lasts), then discards what was sent. After a cancellation the whole abort takes
     * at most {@link #CANCELLED_ABORT_MILLIS}; a discard that did not finish by then is left and named in a warning.
     */
    @Override
    public final void abort() {
        if (committed || aborted) {
            return;
        }
        aborted = true;
        long start = System.nanoTime();
        long budget = TimeUnit.MILLISECONDS.toNanos(ctx.cancellation().stopped() ? CANCELLED_ABORT_MILLIS : FAILED_ABORT_MILLIS);
        if (workers != null) {
            workers.shutdown();
            try {
                if (!workers.awaitTermination(FINISH_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                    cutOff(List.copyOf(workerThreads));
                    workers.shutdownNow();
                    if (!workers.awaitTermination(FINISH_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                        ctx.log().warn("chunks still on their way after an abort could not be cut off", "object", location);
                    } else {
                        ctx.log().debug("chunks still on their way after an abort were cut off", "object", location);
                    }
                }
            } catch (InterruptedException e) {
                workers.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        if (nextChunk > 1) {
            discardWithin(budget - (System.nanoTime() - start));
        }
        releaseBuffers();
    }

    /** {@link #discardChunks()} on a thread of its own, waited for at most {@code nanos}; then left with a warning. */
    private void discardWithin(long nanos) {
        Thread discard = new Thread(this::discardChunks, threadName + "-discard");
        discard.setDaemon(true);
        discard.start();
        try {
            discard.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (discard.isAlive()) {
            discard.interrupt();
            cutOff(List.of(discard));
            ctx.log().warn("the discard of the upload did not finish in time; " + leftIfNotDiscarded()
                    + " may be left (prune removes an abandoned upload once it is a day old)", "object", location);
        }
    }

    private void releaseBuffers() {
        buf = null;
        free.clear();
    }

    @Override
    public final void close() {
        abort();
    }
}
