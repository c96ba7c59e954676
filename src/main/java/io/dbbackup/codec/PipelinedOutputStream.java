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
public final class PipelinedOutputStream extends OutputStream {
    private record Block(byte[] data, int length) {
    }

    private static final Block END = new Block(new byte[0], 0);

    private final BlockingQueue<Block> queue;
    private final BlockingQueue<byte[]> free;
    private final int blockSize;
    private final Thread worker;
    private volatile Throwable failure;
    private boolean reported;
    private byte[] current;
    private int position;
    private boolean closed;

    /** Blocks of {@code blockSize} bytes, at most {@code queuedBlocks} waiting; the thread is named {@code name}. */
    public PipelinedOutputStream(OutputStream target, String name, int blockSize, int queuedBlocks) {
        this.blockSize = blockSize;
        this.queue = new ArrayBlockingQueue<>(queuedBlocks);
        this.free = new ArrayBlockingQueue<>(queuedBlocks + 2);
        this.current = new byte[blockSize];
        worker = new Thread(() -> drain(target), name);
        worker.setDaemon(true);
        worker.start();
    }

    private void drain(OutputStream target) {
        try {
            while (true) {
                Block b = queue.take();
                if (b == END) {
                    break;
                }
                if (failure == null) {
                    target.write(b.data(), 0, b.length());
                }
                free.offer(b.data());
            }
            if (failure == null) {
                target.close();
            }
        } catch (Throwable t) {
            failure = t;
            try {
                // keep taking blocks so that the writer never waits on a full queue, until it ends
                for (Block b = queue.take(); b != END; b = queue.take()) {
                    free.offer(b.data());
                }
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        rethrow();
        while (len > 0) {
            int n = Math.min(len, blockSize - position);
            System.arraycopy(b, off, current, position, n);
            position += n;
            off += n;
            len -= n;
            if (position == blockSize) {
                handOver();
            }
        }
    }

    /** Hands the bytes written so far to the stage below (without waiting for it). */
    @Override
    public void flush() throws IOException {
        rethrow();
        if (position > 0) {
            handOver();
        }
    }

    private void handOver() throws IOException {
        put(new Block(current, position));
        byte[] recycled = free.poll();
        current = recycled != null ? recycled : new byte[blockSize];
        position = 0;
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
        if (position > 0 && failure == null) {
            put(new Block(current, position));
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
