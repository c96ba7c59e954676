package io.dbbackup.engine.mysql;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A dump script rewritten line by line as it streams by, the same however its bytes arrive: a line is held, up to
 * {@code limit} bytes with its line end, and handed to {@link #passOn} whole. A longer line is decided on its first
 * {@code limit} bytes and the lines before it, never on how its bytes arrive ({@link #wholeLine}): a line of a statement
 * the subclass must read whole (a CREATE TABLE, a view) is held on, up to {@value #WHOLE_LIMIT} bytes, and a longer one
 * fails the load with an error naming its line; any other line (rows) has its first {@code limit} bytes handed on as
 * its head and the rest goes to {@code out} untouched as it comes, never held whole. A line the subclass does not want
 * ({@link #holds}) goes on untouched from there. Lines end at {@code \n}. {@link #flush} flushes {@code out};
 * {@link #close} hands on a last line without a line end and leaves {@code out} open. Unlike
 * {@link io.dbbackup.spi.LineFilter} (a line kept or dropped on a decoded head), lines are rewritten byte for byte.
 */
abstract class LineRewriter extends OutputStream {
    /** The longest line of a statement read whole: MariaDB's default max_allowed_packet, so no longer statement loads there. */
    static final int WHOLE_LIMIT = 16 << 20;
    /** Where the lines go: {@link #passOn} writes each held line (or what replaces it) here. */
    final OutputStream out;
    private final int limit;
    private final ByteArrayOutputStream held = new ByteArrayOutputStream();
    /** The current line's held bytes went on: the rest of the line goes straight through. */
    private boolean passing;
    /** The current line is longer than {@code limit} and held whole: what statement it is part of ({@link #wholeLine}). */
    private String statement;
    /** Lines that ended so far. */
    private long lines;
    /** Why the stream stopped (a line over {@value #WHOLE_LIMIT} bytes): every later write fails with it. */
    private String stopped;

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
     * Whether the current line, longer than {@code limit} bytes and {@code head} its first {@code limit} bytes, is still
     * held, to be handed on whole: null (the default) hands on its head and passes the rest untouched; otherwise what it
     * is part of, for the error that stops a line over {@value #WHOLE_LIMIT} bytes ({@code "a CREATE TABLE statement"}).
     * Decided on the head and the lines before, never on how the bytes arrive.
     */
    String wholeLine(byte[] head) {
        return null;
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
        if (stopped != null) {
            throw new IOException(stopped);
        }
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
            } else if (!holds(held.size(), b, i, upTo)) {
                held.writeTo(out);
                held.reset();
                out.write(b, i, n);
                passing = true;
            } else {
                hold(b, i, n, ends);
            }
            i = upTo;
            if (ends) {
                passing = false;
                statement = null;
                lines++;
                lineEnded();
            }
        }
    }

    /** Holds {@code b[i, i + n)} of the current line ({@code ends}: with its line end), handing the line on as it may. */
    private void hold(byte[] b, int i, int n, boolean ends) throws IOException {
        if (statement == null && held.size() + n > limit) {
            int take = limit - held.size();
            held.write(b, i, take);
            byte[] head = held.toByteArray();
            statement = wholeLine(head);
            if (statement == null) {
                held.reset();
                passOn(head, false);
                out.write(b, i + take, n - take);
                passing = true;
                return;
            }
            i += take;
            n -= take;
        }
        if (held.size() + n > WHOLE_LIMIT) {
            held.reset();
            stopped = "line " + (lines + 1) + " of the dump, in " + statement + ", is longer than " + (WHOLE_LIMIT >> 20)
                    + " MiB: dbbackup reads such a line whole to rewrite it (a sequence default, a view's database name) "
                    + "and holds at most " + (WHOLE_LIMIT >> 20) + " MiB of one, so the load stopped there (a MariaDB server "
                    + "at its default packet limit would refuse that statement too)"; // not the limit's name: PacketLimit
            throw new IOException(stopped);
        }
        held.write(b, i, n);
        if (ends) {
            passOn(takeHeld(), true);
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
