package io.dbbackup.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A sink for an SQL script of any size that keeps what a completeness check needs and nothing more: the
 * first and last few non-blank lines (each cut at 200 bytes) and how many lines begin with each of the
 * given prefixes (a dump tool's section comments, e.g. {@code "-- Data for Name: "}). Lines end at
 * {@code \n}; a trailing {@code \r} is dropped.
 */
public final class ScriptLines extends OutputStream {
    private static final int KEPT_BYTES = 200;
    private static final int KEPT_LINES = 4;

    private final byte[][] prefixes;
    private final long[] counts;
    private final byte[] line = new byte[KEPT_BYTES];
    private int length;
    private boolean blank = true;
    private final List<String> first = new ArrayList<>();
    private final Deque<String> last = new ArrayDeque<>();
    private long bytes;

    public ScriptLines(String... prefixes) {
        this.prefixes = new byte[prefixes.length][];
        for (int i = 0; i < prefixes.length; i++) {
            this.prefixes[i] = prefixes[i].getBytes(StandardCharsets.UTF_8);
        }
        this.counts = new long[prefixes.length];
    }

    /** Reads {@code in} to its end into this sink (256 KiB at a time); returns this. */
    public ScriptLines readAll(InputStream in) throws IOException {
        byte[] buf = new byte[1 << 18];
        int n;
        while ((n = in.read(buf, 0, buf.length)) >= 0) {
            write(buf, 0, n);
        }
        close();
        return this;
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        bytes += len;
        int end = off + len;
        int i = off;
        while (i < end) {
            // the kept start of the line, byte by byte
            while (i < end && length < KEPT_BYTES) {
                byte c = b[i++];
                if (c == '\n') {
                    endLine();
                } else {
                    line[length++] = c;
                    if (blank && c != ' ' && c != '\t' && c != '\r') {
                        blank = false;
                    }
                }
            }
            // the rest of a long line (a row of data, mostly): only its end matters
            while (i < end && b[i] != '\n') {
                if (blank && b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
                    blank = false;
                }
                i++;
            }
            if (i < end) {
                i++;
                endLine();
            }
        }
    }

    /** Ends a last line without a newline. */
    @Override
    public void close() {
        if (length > 0) {
            endLine();
        }
    }

    private void endLine() {
        if (!blank) {
            for (int p = 0; p < prefixes.length; p++) {
                if (startsWith(prefixes[p])) {
                    counts[p]++;
                }
            }
            int n = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
            String text = new String(line, 0, n, StandardCharsets.UTF_8);
            if (first.size() < KEPT_LINES) {
                first.add(text);
            }
            last.addLast(text);
            if (last.size() > KEPT_LINES) {
                last.removeFirst();
            }
        }
        length = 0;
        blank = true;
    }

    private boolean startsWith(byte[] prefix) {
        if (length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (line[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Lines that began with the {@code i}-th prefix given to the constructor. */
    public long count(int i) {
        return counts[i];
    }

    /** The first non-blank lines (up to 4), each cut at 200 bytes. */
    public List<String> firstLines() {
        return List.copyOf(first);
    }

    /** The last non-blank lines (up to 4, oldest first), each cut at 200 bytes. */
    public List<String> lastLines() {
        return List.copyOf(last);
    }

    /** Bytes written. */
    public long bytes() {
        return bytes;
    }
}
