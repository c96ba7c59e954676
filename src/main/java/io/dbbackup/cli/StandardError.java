package io.dbbackup.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * The process's standard error, written by a thread of its own, so that a log line never holds a backup: a stderr pipe
 * whose reader stalls without closing it (a log shipper that hangs, {@code 2>&1 | slow}) used to block the first thread
 * that logged — the job, and then the SIGTERM handler, which logs before it cancels — for as long as the reader slept.
 * Lines wait here (at most {@value #CAPACITY} bytes) while the reader takes them, as slowly as it likes; once nothing got
 * out for {@value #STALL_MILLIS} ms with the buffer full, further lines are dropped, as a write to a closed or full
 * stderr already was. A non-blocking stderr (O_NONBLOCK left by a parent) is waited for as a blocking one, instead of
 * losing the lines a full pipe refused. {@link #settle} waits, as long as lines get out, until all did: before the process
 * exits and before anything is written to stdout ({@code 2>&1} keeps the order of the two).
 */
final class StandardError extends OutputStream {
    static final int CAPACITY = 1 << 20;
    static final long STALL_MILLIS = 2_000;
    private static volatile StandardError installed;

    private final WritableByteChannel fd;
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    private long pendingBytes;
    private boolean writing;
    private boolean failed;
    /** When bytes last got out, or the writer last started on bytes after waiting for some (System.nanoTime). */
    private long progress = System.nanoTime();

    StandardError(WritableByteChannel fd) {
        this.fd = fd;
        Thread writer = new Thread(this::drainForever, "stderr");
        writer.setDaemon(true);
        writer.start();
    }

    /** Makes {@link System#err} this process's fd 2 through one of these; returns it. */
    static StandardError install() {
        StandardError e = new StandardError(new FileOutputStream(FileDescriptor.err).getChannel());
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        installed = e;
        return e;
    }

    /** {@link #settle} of the installed one, if any (the real process); true when there is none. */
    static boolean settleInstalled() {
        StandardError e = installed;
        return e == null || e.settle();
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        if (failed || len == 0) {
            return;
        }
        while (pendingBytes + len > CAPACITY && pendingBytes > 0) {
            if (stalled() || !waited()) {
                return; // dropped: nothing reads stderr (or the thread was interrupted, which stays set)
            }
        }
        if (pendingBytes == 0 && !writing) {
            progress = System.nanoTime(); // the writer starts on these now: its clock starts too
        }
        byte[] copy = new byte[len];
        System.arraycopy(b, off, copy, 0, len);
        pending.add(copy);
        pendingBytes += len;
        notifyAll();
    }

    @Override
    public void flush() {
        // written by the writer thread as soon as it can; settle() waits for it
    }

    @Override
    public void close() {
        // standard error stays open for whatever else writes there (the JVM itself, on its way out)
    }

    /**
     * Waits until every byte written so far is out, as long as some keep getting out: false when stderr stalled (nothing
     * got out for {@value #STALL_MILLIS} ms) and the rest may never arrive.
     */
    synchronized boolean settle() {
        while (pendingBytes > 0 || writing) {
            if (failed) {
                return true;
            }
            if (stalled() || !waited()) {
                return false;
            }
        }
        return true;
    }

    private boolean stalled() {
        return System.nanoTime() - progress > STALL_MILLIS * 1_000_000L;
    }

    /** Waits a moment for the writer; false when the thread was interrupted (the interrupt is put back). */
    private boolean waited() {
        try {
            wait(20);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void drainForever() {
        while (true) {
            byte[] next;
            synchronized (this) {
                while (pending.isEmpty()) {
                    writing = false;
                    notifyAll();
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                next = pending.poll();
                writing = true;
            }
            boolean ok = writeAll(ByteBuffer.wrap(next));
            synchronized (this) {
                pendingBytes -= next.length;
                if (!ok) {
                    failed = true; // closed, full, its reader gone: every later line is dropped, as System.err did
                    pending.clear();
                    pendingBytes = 0;
                }
                notifyAll();
            }
        }
    }

    private boolean writeAll(ByteBuffer bytes) {
        try {
            while (bytes.hasRemaining()) {
                if (fd.write(bytes) == 0) {
                    Thread.sleep(2); // a non-blocking stderr that is full: wait, as a blocking one does
                } else {
                    synchronized (this) {
                        progress = System.nanoTime();
                    }
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            return false;
        }
    }
}
