package io.dbbackup.store.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An object's content read by a thread of its own, so that closing it from another thread (a cancellation: SIGTERM,
 * a job's timeout) returns at once and the reader's next read fails at once. The JDK's HTTP connection cannot be
 * stopped under a blocked read: its stream's close and {@code disconnect()} both wait for that read to return, which
 * on a stalled connection is the socket's read timeout. Here only the reading thread waits for it; it then ends.
 */
final class DetachedBody extends InputStream {
    private static final int CHUNK = 256 << 10;
    private static final Object END = new Object();

    private final BlockingQueue<Object> chunks = new ArrayBlockingQueue<>(2);
    private final InputStream in;
    private final Runnable abort;
    private final Thread reader;
    private volatile boolean closed;
    private byte[] current;
    private int pos;
    private boolean ended;

    /** {@code abort}: cuts the connection (may block: it runs on a thread of its own). */
    DetachedBody(InputStream in, Runnable abort) {
        this.in = in;
        this.abort = abort;
        this.reader = new Thread(this::pump, "s3-get");
        reader.setDaemon(true);
        reader.start();
    }

    private void pump() {
        byte[] buf = new byte[CHUNK];
        try (in) {
            while (!closed) {
                int n = in.read(buf, 0, CHUNK);
                if (n < 0) {
                    put(END);
                    return;
                }
                if (n > 0) {
                    put(Arrays.copyOf(buf, n));
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                put(e);
            }
        }
    }

    private void put(Object o) {
        try {
            while (!closed && !chunks.offer(o, 200, TimeUnit.MILLISECONDS)) {
                // the consumer is slower: wait for it
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
        while (current == null || pos == current.length) {
            if (ended) {
                return -1;
            }
            Object next = null;
            while (next == null) {
                if (closed) {
                    throw new InterruptedIOException("the read was stopped");
                }
                try {
                    next = chunks.poll(200, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted");
                }
            }
            if (next == END) {
                ended = true;
                return -1;
            }
            if (next instanceof IOException io) {
                throw io;
            }
            if (next instanceof RuntimeException re) {
                throw re;
            }
            current = (byte[]) next;
            pos = 0;
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        return n;
    }

    /** Returns at once: the connection is cut (unless the content was read to its end) by a thread of its own. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        chunks.clear();
        if (!ended) {
            Thread cut = new Thread(() -> {
                try {
                    abort.run();
                } catch (RuntimeException | Error ignored) {
                    // the reading thread ends with its read either way
                }
            }, "s3-get-abort");
            cut.setDaemon(true);
            cut.start();
        }
        reader.interrupt();
    }
}
