package io.dbbackup.spi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Function;

/**
 * A stream read through a filter written as an {@link OutputStream} (a line scanner that passes on what it keeps):
 * {@code filter} is given the sink the kept bytes go to and returns the stream the source's bytes are written into, 64
 * KiB at a time; it is closed at the source's end. What is held is one chunk's kept bytes.
 */
public final class FilteredInputStream extends InputStream {
    private final InputStream in;
    private final Kept kept = new Kept();
    private final OutputStream filter;
    private final byte[] chunk = new byte[1 << 16];
    private int position;
    private boolean ended;

    public FilteredInputStream(InputStream in, Function<OutputStream, OutputStream> filter) {
        this.in = in;
        this.filter = filter.apply(kept);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (position == kept.size()) {
            if (ended) {
                return -1;
            }
            kept.reset();
            position = 0;
            int n = in.read(chunk, 0, chunk.length);
            if (n < 0) {
                filter.close();
                ended = true;
            } else {
                filter.write(chunk, 0, n);
            }
        }
        int n = Math.min(len, kept.size() - position);
        System.arraycopy(kept.bytes(), position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private static final class Kept extends ByteArrayOutputStream {
        byte[] bytes() {
            return buf;
        }
    }
}
