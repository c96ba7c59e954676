package io.dbbackup.spi;

import io.dbbackup.core.SingleByte;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Passes a stream through unchanged while looking at every byte that goes by ({@link #watch}): a dump's end, a tar
 * stream's headers. When the stream below reads for itself ({@link ReadingSink}), the watcher looks at what it reads
 * instead of copying it: no extra copy of the stream either way.
 */
public abstract class WatchingSink extends FilterOutputStream implements ReadingSink {
    protected WatchingSink(OutputStream out) {
        super(out);
    }

    /** Sees {@code len} bytes of the stream, in order, after they were passed on. */
    protected abstract void watch(byte[] b, int off, int len) throws IOException;

    @Override
    public final void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public final void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        watch(b, off, len);
    }

    @Override
    public final long readFrom(InputStream in) throws IOException {
        if (!(out instanceof ReadingSink below)) {
            return in.transferTo(this);
        }
        return below.readFrom(new FilterInputStream(in) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    watch(b, off, n);
                }
                return n;
            }

            @Override
            public int read() throws IOException {
                return SingleByte.read(this);
            }
        });
    }
}
