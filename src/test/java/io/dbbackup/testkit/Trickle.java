package io.dbbackup.testkit;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Hands a stream out {@code chunk} bytes at a time at most: a filter must give the same result however bytes arrive. */
public final class Trickle extends FilterInputStream {
    private final int chunk;

    public Trickle(InputStream in, int chunk) {
        super(in);
        this.chunk = chunk;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return in.read(b, off, Math.min(len, chunk));
    }
}
