package io.dbbackup.engine.mysql;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A dump script rewritten line by line as it streams by, the same however its bytes arrive: a line is held, up to
 * {@code limit} bytes with its line end, and handed to {@link #passOn} whole; a longer line's first {@code limit}
 * bytes are handed on as its head and the rest goes to {@code out} untouched as it comes, never held whole (rows). A
 * line the subclass does not want ({@link #holds}) goes on untouched from there. Lines end at {@code \n}.
 * {@link #flush} flushes {@code out}; {@link #close} hands on a last line without a line end and leaves {@code out}
 * open. Unlike {@link io.dbbackup.spi.LineFilter} (a line kept or dropped on a decoded head), lines are rewritten
 * byte for byte.
 */
abstract class LineRewriter extends OutputStream {
    /** Where the lines go: {@link #passOn} writes each held line (or what replaces it) here. */
    final OutputStream out;
    private final int limit;
    private final ByteArrayOutputStream held = new ByteArrayOutputStream();
    /** The current line's held bytes went on: the rest of the line goes straight through. */
    private boolean passing;

    LineRewriter(int limit, OutputStream out) {
        this.limit = limit;
        this.out = out;
    }

    /**
     * Writes to {@link #out} what goes on for the line held: {@code bytes} is the whole line with its line end (if it has
     * one), or, not {@code whole}, its first {@code limit} bytes (the rest follows untouched).
     */
    abstract void passOn(byte[] bytes, boolean whole) throws IOException;

    /**
     * Whether the current line, {@code held} bytes of it so far and {@code b[from, to)} next, is still held; if not, it
     * goes on untouched, never handed to {@link #passOn}. Default: every line is.
     */
    boolean holds(int held, byte[] b, int from, int to) {
        return true;
    }

    /**
     * Whether the current line, {@code held} bytes of it so far and {@code more} next ({@code ends}: with its line end),
     * is too long to hold: it is then handed on as its first {@code limit} bytes. Default: longer than the limit.
     */
    boolean tooLong(int held, int more, boolean ends) {
        return held + more > limit;
    }

    /** Sees the bytes of every line but its line end, in order, as they arrive. Default: nothing. */
    void scanned(byte[] b, int from, int to) {
    }

    /** At the end of every line (its {@code \n}), after its {@link #passOn}. Default: nothing. */
    void lineEnded() throws IOException {
    }

    @Override
    public final void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public final void write(byte[] b, int off, int len) throws IOException {
        int end = off + len;
        int i = off;
        while (i < end) {
            int stop = i;
            while (stop < end && b[stop] != '\n') {
                stop++;
            }
            boolean ends = stop < end;
            int upTo = ends ? stop + 1 : stop;
            int n = upTo - i;
            scanned(b, i, stop);
            if (passing) {
                out.write(b, i, n);
            } else if (tooLong(held.size(), n, ends)) {
                int take = Math.max(0, Math.min(limit - held.size(), n));
                held.write(b, i, take);
                passOn(takeHeld(), false);
                out.write(b, i + take, n - take);
                passing = true;
            } else if (!holds(held.size(), b, i, upTo)) {
                held.writeTo(out);
                held.reset();
                out.write(b, i, n);
                passing = true;
            } else {
                held.write(b, i, n);
                if (ends) {
                    passOn(takeHeld(), true);
                }
            }
            i = upTo;
            if (ends) {
                passing = false;
                lineEnded();
            }
        }
    }

    private byte[] takeHeld() {
        byte[] bytes = held.toByteArray();
        held.reset();
        return bytes;
    }

    @Override
    public final void flush() throws IOException {
        out.flush();
    }

    /** Hands on a last line without a line end; leaves {@code out} open. */
    @Override
    public final void close() throws IOException {
        if (!passing && held.size() > 0) {
            passOn(takeHeld(), true);
        }
    }
}
