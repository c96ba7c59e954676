package io.dbbackup.spi;

import java.nio.charset.Charset;
import java.util.Arrays;

/**
 * The last {@code size} bytes of what was {@link #add}ed, however it was cut into writes: a dump tool's end
 * ({@link DumpTail}), the end of a dump's line (whether it ends a statement).
 */
public final class LastBytes {
    private final byte[] kept;
    private int filled;

    public LastBytes(int size) {
        kept = new byte[size];
    }

    /** Adds {@code b[off, off + len)} after what came before, dropping what falls out of the window. */
    public void add(byte[] b, int off, int len) {
        int size = kept.length;
        if (len >= size) {
            System.arraycopy(b, off + len - size, kept, 0, size);
            filled = size;
            return;
        }
        int stay = Math.min(filled, size - len);
        System.arraycopy(kept, filled - stay, kept, 0, stay);
        System.arraycopy(b, off, kept, stay, len);
        filled = stay + len;
    }

    /** Forgets what was added. */
    public void clear() {
        filled = 0;
    }

    /** The kept bytes, oldest first. */
    public byte[] bytes() {
        return Arrays.copyOf(kept, filled);
    }

    /** The kept bytes decoded (the first character may be cut). */
    public String text(Charset charset) {
        return new String(kept, 0, filled, charset);
    }
}
