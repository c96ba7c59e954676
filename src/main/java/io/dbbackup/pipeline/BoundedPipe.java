package io.dbbackup.pipeline;

import io.dbbackup.codec.BlockOutputStream;
import io.dbbackup.core.SingleByte;
import io.dbbackup.spi.ReadingSink;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bounded in-memory pipe between two threads: the producer (the engine's dump) writes chunks,
 * the consumer (compression, hashing, upload) reads them. At most {@code capacity} chunks of
 * {@code chunkSize} bytes are queued, and the chunk arrays are recycled (at most
 * {@code capacity + 2} ever exist), so memory is bounded whatever the dump's size and the dump
 * allocates nothing per chunk. {@link InputStream#transferTo} on the source hands each chunk to the
 * consumer whole, without another copy. A failure on either side reaches the other: the reader sees
 * the writer's exception, the writer gets an IOException once the reader has given up.
 */
final class BoundedPipe {
    private record Chunk(byte[] data, int length) {
    }

    private static final Chunk EOF = new Chunk(new byte[0], 0);

    private final BlockingQueue<Chunk> queue;
    private final Sink sink;
    private volatile IOException writerFailure;
    private volatile boolean readerGone;
    /** {@link System#nanoTime} of the writer's last step forward: a byte written, or room found after waiting for it. */
    private volatile long lastProgress = System.nanoTime();
    /** The writer waits for room (the reader is slower): the pipeline holds it back, the dump is not stalled. */
    private volatile boolean waitingForRoom;
    /** The writer closed its end (the dump ended) or failed: it has nothing more to write. */
    private volatile boolean writerDone;

    BoundedPipe(int capacity, int chunkSize) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.sink = new Sink(chunkSize, capacity + 2);
    }

    OutputStream sink() {
        return sink;
    }

    InputStream source() {
        return new Source();
    }

    /**
     * How long the writer has gone without writing a byte of its own accord, as of {@code now} ({@link System#nanoTime}):
     * the time it spent waiting for room in the pipe (compression or the upload slower than the dump) is not counted,
     * and nothing is once it has closed its end.
     */
    long writerIdleNanos(long now) {
        return waitingForRoom || writerDone ? 0 : Math.max(0, now - lastProgress);
    }

    /** The producer failed: the reader will get {@code e} instead of end-of-stream. */
    void fail(IOException e) {
        writerDone = true;
        writerFailure = e;
        queue.clear();
        queue.offer(EOF);
    }

    /** The consumer stopped reading: pending and later writes fail. */
    void closeReader() {
        readerGone = true;
        queue.clear();
    }

    private final class Sink extends BlockOutputStream implements ReadingSink {
        private boolean closed;

        Sink(int chunkSize, int recycled) {
            super(chunkSize, recycled);
        }

        /** A tool's stdout read straight into the chunks. */
        @Override
        public long readFrom(InputStream in) throws IOException {
            return readFully(new java.io.FilterInputStream(in) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = in.read(b, off, len);
                    if (n > 0) {
                        lastProgress = System.nanoTime();
                    }
                    return n;
                }
            });
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            super.write(b, off, len);
            if (len > 0) {
                lastProgress = System.nanoTime();
            }
        }

        @Override
        protected void handOver(byte[] block, int length) throws IOException {
            put(new Chunk(block, length));
        }

        private void put(Chunk chunk) throws IOException {
            waitingForRoom = true;
            try {
                do {
                    if (readerGone) {
                        throw new IOException("the consumer of the dump stream stopped");
                    }
                } while (!queue.offer(chunk, 100, TimeUnit.MILLISECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while writing the dump stream");
            } finally {
                lastProgress = System.nanoTime(); // the time spent waiting for room was the pipeline's, not the dump's
                waitingForRoom = false;
            }
        }

        @Override
        public void flush() {
            // chunks are handed over when full; close hands over the rest
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            writerDone = true;
            handOverCurrent();
            put(EOF);
        }
    }

    private final class Source extends InputStream {
        private Chunk current;
        private int pos;
        private boolean eof;

        @Override
        public int read() throws IOException {
            return SingleByte.read(this);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!haveData()) {
                return -1;
            }
            int n = Math.min(len, current.length() - pos);
            System.arraycopy(current.data(), pos, b, off, n);
            pos += n;
            return n;
        }

        /** Writes each chunk to {@code out} in one call, then recycles its array. */
        @Override
        public long transferTo(OutputStream out) throws IOException {
            long total = 0;
            while (haveData()) {
                int n = current.length() - pos;
                out.write(current.data(), pos, n);
                pos += n;
                total += n;
            }
            return total;
        }

        /** Makes {@code current} a chunk with unread bytes; false at end of stream. */
        private boolean haveData() throws IOException {
            while (current == null || pos == current.length()) {
                if (eof) {
                    return false;
                }
                if (current != null) {
                    sink.recycle(current.data()); // the consumer is done with it (OutputStream.write keeps no reference)
                    current = null;
                }
                Chunk next;
                try {
                    next = queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while reading the dump stream");
                }
                if (next == EOF) {
                    if (writerFailure != null) {
                        throw writerFailure;
                    }
                    eof = true;
                    return false;
                }
                current = next;
                pos = 0;
            }
            return true;
        }

        @Override
        public void close() {
            closeReader();
        }
    }
}
