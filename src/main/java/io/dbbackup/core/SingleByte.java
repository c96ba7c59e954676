package io.dbbackup.core;

import java.io.IOException;
import java.io.InputStream;

/** {@link InputStream#read()} for the project's streams that are written in terms of their bulk read. */
public final class SingleByte {
    private SingleByte() {
    }

    /** One byte through {@code stream}'s own {@code read(byte[], int, int)}, or -1 at its end. */
    public static int read(InputStream stream) throws IOException {
        byte[] one = new byte[1];
        int n = stream.read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }
}
