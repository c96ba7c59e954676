package io.dbbackup.spi;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Passes a dump tool's output through unchanged, counting it and keeping its last 4 KiB: enough to see whether
 * the tool wrote the end it writes only after the last table (a dump tool, or a wrapper around one, that stopped
 * early yet exited 0 must not become a backup, and then let retention delete the good ones). When the stream below
 * reads for itself ({@link ReadingSink}), the tail is taken from what goes by: no copy of the dump.
 */
public final class DumpTail extends WatchingSink {
    private static final int KEEP = 4096;
    private final byte[] tail = new byte[KEEP];
    private int filled;
    private long count;

    public DumpTail(OutputStream out) {
        super(out);
    }

    @Override
    protected void watch(byte[] b, int off, int len) {
        keep(b, off, len);
    }

    private void keep(byte[] b, int off, int len) {
        count += len;
        if (len >= KEEP) {
            System.arraycopy(b, off + len - KEEP, tail, 0, KEEP);
            filled = KEEP;
            return;
        }
        int stay = Math.min(filled, KEEP - len);
        System.arraycopy(tail, filled - stay, tail, 0, stay);
        System.arraycopy(b, off, tail, stay, len);
        filled = stay + len;
    }

    /** Bytes the tool wrote. */
    public long count() {
        return count;
    }

    /** Whether the output ends with {@code n} zero bytes (a pg_dump custom archive's end-of-data marker). */
    public boolean endsWithZeros(int n) {
        if (filled < n) {
            return false;
        }
        for (int i = filled - n; i < filled; i++) {
            if (tail[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** The non-blank lines of the kept tail (the first may be cut), without their line ends. */
    public List<String> lastLines() {
        List<String> lines = new ArrayList<>();
        for (String l : new String(tail, 0, filled, StandardCharsets.UTF_8).split("\n")) {
            String s = l.endsWith("\r") ? l.substring(0, l.length() - 1) : l;
            if (!s.isBlank()) {
                lines.add(s);
            }
        }
        return lines;
    }
}
