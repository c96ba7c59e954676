package io.dbbackup.spi;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A text stream of any size filtered line by line as it is written: each line is decided on its first {@value #HEAD}
 * bytes ({@link #keep}) and passed on to {@code out} whole or not at all, however long it is and however the bytes
 * arrive; a subclass that must follow the whole text sees every byte ({@link #scanned}). Lines end at
 * {@code \n}; a {@code \r} before it is not part of the head. {@link #close} decides a last line without
 * a newline and leaves {@code out} open.
 */
public abstract class LineFilter extends OutputStream {
    public static final int HEAD = 512;

    private final OutputStream out;
    private final byte[] head = new byte[HEAD];
    private int headLength;
    private boolean inHead = true;
    private boolean keep;

    protected LineFilter(OutputStream out) {
        this.out = out;
    }

    /**
     * Whether the line beginning with {@code head} (decoded, without its line end) is passed on; {@code whole}: the line
     * ended within those bytes.
     */
    protected abstract boolean keep(String head, boolean whole) throws IOException;

    /** Called at the end of every line, after {@link #keep}. */
    protected void lineEnded() {
    }

    /**
     * Called with every byte of every line but its {@code \n}, in order, before the line's {@link #lineEnded} (the bytes
     * of a line's head before its {@link #keep}): for a filter that follows what the whole text says.
     */
    protected void scanned(byte c) {
    }

    @Override
    public final void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public final void write(byte[] b, int off, int len) throws IOException {
        int i = off;
        int end = off + len;
        while (i < end) {
            if (inHead) {
                while (i < end && headLength < HEAD) {
                    byte c = b[i++];
                    head[headLength++] = c;
                    remember(c);
                    if (c == '\n') {
                        decide(true);
                        break;
                    }
                }
                if (inHead && headLength == HEAD) {
                    decide(false);
                }
            } else {
                int stop = i;
                while (stop < end && b[stop] != '\n') {
                    remember(b[stop]);
                    stop++;
                }
                boolean lineEnds = stop < end;
                if (lineEnds) {
                    stop++;
                }
                if (keep) {
                    out.write(b, i, stop - i);
                }
                i = stop;
                if (lineEnds) {
                    endLine();
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (inHead && headLength > 0) {
            decide(true);
        }
    }

    private void remember(byte c) {
        if (c != '\n') {
            scanned(c);
        }
    }

    private void decide(boolean whole) throws IOException {
        int n = headLength;
        while (n > 0 && (head[n - 1] == '\n' || head[n - 1] == '\r')) {
            n--;
        }
        keep = keep(new String(head, 0, n, StandardCharsets.UTF_8), whole);
        if (keep) {
            out.write(head, 0, headLength);
        }
        headLength = 0;
        if (whole) {
            endLine();
        } else {
            inHead = false;
        }
    }

    private void endLine() {
        lineEnded();
        inHead = true;
    }
}
