package io.dbbackup.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bounded in-memory pipe between two threads: the producer (the engine's dump) writes chunks,
 * the consumer (compression, hashing, upload) reads them. At most {@code capacity} chunks of
 * {@code chunkSize} bytes are in flight, so memory is bounded whatever the dump's size. A failure on
 * either side reaches the other: the reader sees the writer's exception, the writer gets an
 * IOException once the reader has given up.
 */
final class BoundedPipe {
    private static final byte[] EOF = new byte[0];

    private final BlockingQueue<byte[]> queue;
    private final int chunkSize;
    private volatile IOException writerFailure;
    private volatile boolean readerGone;

    BoundedPipe(int capacity, int chunkSize) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.chunkSize = chunkSize;
    }

    OutputStream sink() {
        return new Sink();
    }

    InputStream source() {
        return new Source();
    }

    /** The producer failed: the reader will get {@code e} instead of end-of-stream. */
    void fail(IOException e) {
        writerFailure = e;
        offerQuietly(EOF);
    }

    /** The consumer stopped reading: pending and later writes fail. */
    void closeReader() {
        readerGone = true;
        queue.clear();
    }

    private void offerQuietly(byte[] chunk) {
        queue.clear();
        queue.offer(chunk);
    }

    private final class Sink extends OutputStream {
        private byte[] buf = new byte[chunkSize];
        private int pos;
        private boolean closed;

        @Override
        public void write(int b) throws IOException {
            if (pos == buf.length) {
                flushChunk();
            }
            buf[pos++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (pos == buf.length) {
                    flushChunk();
                }
                int n = Math.min(len, buf.length - pos);
                System.arraycopy(b, off, buf, pos, n);
                pos += n;
                off += n;
                len -= n;
            }
        }

        private void flushChunk() throws IOException {
            if (pos == 0) {
                return;
            }
            put(pos == buf.length ? buf : Arrays.copyOf(buf, pos));
            buf = freshChunk();
            pos = 0;
        }

        private void put(byte[] chunk) throws IOException {
            try {
                do {
                    if (readerGone) {
                        throw new IOException("the consumer of the dump stream stopped");
                    }
                } while (!queue.offer(chunk, 100, TimeUnit.MILLISECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while writing the dump stream");
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
            flushChunk();
            put(EOF);
        }
    }

    private final class Source extends InputStream {
        private byte[] current;
        private int pos;
        private boolean eof;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (current == null || pos == current.length) {
                if (eof) {
                    return -1;
                }
                try {
                    current = queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while reading the dump stream");
                }
                pos = 0;
                if (current == EOF) {
                    if (writerFailure != null) {
                        throw writerFailure;
                    }
                    eof = true;
                    return -1;
                }
            }
            int n = Math.min(len, current.length - pos);
            System.arraycopy(current, pos, b, off, n);
            pos += n;
            return n;
        }

        /** Hands each chunk to {@code out} as it is (no copy through a buffer of its own): big writes, one copy less. */
        @Override
        public long transferTo(OutputStream out) throws IOException {
            long n = 0;
            if (current != null && pos < current.length) {
                out.write(current, pos, current.length - pos);
                n += current.length - pos;
                pos = current.length;
            }
            while (!eof) {
                byte[] chunk;
                try {
                    chunk = queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while reading the dump stream");
                }
                if (chunk == EOF) {
                    current = null;
                    if (writerFailure != null) {
                        throw writerFailure;
                    }
                    eof = true;
                    break;
                }
                out.write(chunk, 0, chunk.length);
                n += chunk.length;
                recycle(chunk);
            }
            return n;
        }

        @Override
        public void close() {
            closeReader();
        }
    }

    /** Full-size chunks the reader is done with, for the writer to fill again (fewer 1 MiB allocations). */
    private final BlockingQueue<byte[]> spare = new ArrayBlockingQueue<>(2);

    private void recycle(byte[] chunk) {
        if (chunk.length == chunkSize) {
            spare.offer(chunk);
        }
    }

    private byte[] freshChunk() {
        byte[] b = spare.poll();
        return b != null ? b : new byte[chunkSize];
    }
}
