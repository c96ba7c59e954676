package io.dbbackup.codec;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Runs the stage below it (encryption; hashing and the store's writes) on its own thread, so that
 * it overlaps with the stage above (compression) instead of adding to it. Bytes travel in blocks
 * through a small bounded queue; the block arrays are recycled (at most {@code queuedBlocks + 2}
 * exist), so memory is fixed and nothing is allocated per block. A failure of the stage below is
 * rethrown to the writer on its next write and on close. {@link #close()} waits until the stage
 * below is finished and closed.
 */
public final class PipelinedOutputStream extends BlockOutputStream {
    private record Block(byte[] data, int length) {
    }

    private static final Block END = new Block(new byte[0], 0);

    private final BlockingQueue<Block> queue;
    private final Thread worker;
    private volatile Throwable failure;
    private boolean reported;
    private boolean closed;

    /** Blocks of {@code blockSize} bytes, at most {@code queuedBlocks} waiting; the thread is named {@code name}. */
    public PipelinedOutputStream(OutputStream target, String name, int blockSize, int queuedBlocks) {
        super(blockSize, queuedBlocks + 2);
        this.queue = new ArrayBlockingQueue<>(queuedBlocks);
        worker = new Thread(() -> drain(target), name);
        worker.setDaemon(true);
        worker.start();
    }

    private void drain(OutputStream target) {
        boolean ended = false;
        try {
            while (true) {
                Block b = queue.take();
                if (b == END) {
                    ended = true;
                    break;
                }
                if (failure == null) {
                    target.write(b.data(), 0, b.length());
                }
                recycle(b.data());
            }
            if (failure == null) {
                target.close();
            }
        } catch (Throwable t) {
            failure = t;
            if (ended) {
                return; // the close below failed (a full disk on the last flush): the writer waits in join, not on the queue
            }
            try {
                // keep taking blocks so that the writer never waits on a full queue, until it ends
                for (Block b = queue.take(); b != END; b = queue.take()) {
                    recycle(b.data());
                }
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * From any thread: nothing more reaches the stage below. The writer's next write and its close fail, what is queued
     * is dropped, and the stage below is not closed (its owner aborts it). For a writer stuck in a call that cannot be
     * interrupted, whose output must go nowhere once it returns.
     */
    public void abandon() {
        if (failure == null) {
            failure = new InterruptedIOException("abandoned: the data for " + worker.getName() + " is discarded");
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        rethrow();
        super.write(b, off, len);
    }

    @Override
    protected void handOver(byte[] block, int length) throws IOException {
        put(new Block(block, length));
    }

    /** Hands the bytes written so far to the stage below (without waiting for it). */
    @Override
    public void flush() throws IOException {
        rethrow();
        handOverCurrent();
    }

    private void put(Block b) throws IOException {
        try {
            queue.put(b);
        } catch (InterruptedException e) {
            worker.interrupt();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while handing data to " + worker.getName());
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (failure == null) {
            handOverCurrent();
        }
        put(END);
        try {
            worker.join();
        } catch (InterruptedException e) {
            worker.interrupt();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + worker.getName());
        }
        rethrow();
    }

    private void rethrow() throws IOException {
        Throwable f = failure;
        if (f == null) {
            return;
        }
        if (reported) {
            // a second time (close after a failed write): a new exception, since try-with-resources
            // cannot add an exception to itself as suppressed
            throw new IOException(f.getMessage(), f);
        }
        reported = true;
        if (f instanceof IOException io) {
            throw io;
        }
        if (f instanceof RuntimeException re) {
            throw re;
        }
        if (f instanceof Error err) {
            throw err;
        }
        throw new IOException(f.getMessage(), f);
    }
}
