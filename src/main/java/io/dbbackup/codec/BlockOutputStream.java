package io.dbbackup.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Gathers what is written into blocks of one size and hands each full block to {@link #handOver}
 * (to a queue, another thread, a compressor). Whoever is done with a block gives its array back
 * with {@link #recycle} (from any thread), and new blocks are taken from those first, so that
 * nothing is allocated per block.
 */
public abstract class BlockOutputStream extends OutputStream {
    private final int blockSize;
    private final BlockingQueue<byte[]> free;
    private byte[] block;
    private int length;

    /** {@code recycled}: how many given-back arrays are kept for reuse (the rest are dropped). */
    protected BlockOutputStream(int blockSize, int recycled) {
        this.blockSize = blockSize;
        this.free = new ArrayBlockingQueue<>(Math.max(1, recycled));
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            takeBlock();
            int n = Math.min(len, blockSize - length);
            System.arraycopy(b, off, block, length, n);
            length += n;
            off += n;
            len -= n;
            if (length == blockSize) {
                handOverCurrent();
            }
        }
    }

    /**
     * Reads {@code in} to its end straight into blocks, handing each on when full, with no buffer in
     * between; returns the number of bytes read.
     */
    protected final long readFully(InputStream in) throws IOException {
        long total = 0;
        while (true) {
            takeBlock();
            int n = in.read(block, length, blockSize - length);
            if (n < 0) {
                return total;
            }
            length += n;
            total += n;
            if (length == blockSize) {
                handOverCurrent();
            }
        }
    }

    /** Makes sure there is a block being filled: a given-back array when there is one. */
    private void takeBlock() {
        if (block == null) {
            byte[] recycled = free.poll();
            block = recycled != null ? recycled : new byte[blockSize];
            length = 0;
        }
    }

    /** Hands on the bytes gathered so far as a (short) block, if there are any. */
    protected final void handOverCurrent() throws IOException {
        if (block != null && length > 0) {
            byte[] b = block;
            int n = length;
            block = null;
            length = 0;
            handOver(b, n);
        }
    }

    /** Gives back a block's array once its bytes are consumed. */
    public final void recycle(byte[] array) {
        if (array.length == blockSize) {
            free.offer(array);
        }
    }

    /** Takes {@code length} bytes in {@code block}; the array is the callee's from now on. */
    protected abstract void handOver(byte[] block, int length) throws IOException;
}
