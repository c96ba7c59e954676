package io.dbbackup.pipeline;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Every byte read from it is also written to {@code copy}. Closing it closes neither stream: each belongs to whoever
 * opened it (the store's stream, an upload, a checker that must be closed only after the last byte).
 */
public final class TeeInputStream extends FilterInputStream {
    private final OutputStream copy;
    private long count;

    public TeeInputStream(InputStream in, OutputStream copy) {
        super(in);
        this.copy = copy;
    }

    /** A stream that only counts what is read through it ({@link #count}). */
    public static TeeInputStream counting(InputStream in) {
        return new TeeInputStream(in, OutputStream.nullOutputStream());
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            copy.write(b);
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            copy.write(b, off, n);
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[(int) Math.min(n, 8192)];
        int r = read(buf, 0, buf.length);
        return Math.max(r, 0);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public void close() {
        // each stream is closed by its owner
    }

    /** Bytes read (and copied). */
    public long count() {
        return count;
    }
}
