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
    private final LastBytes tail = new LastBytes(KEEP);
    private long count;

    public DumpTail(OutputStream out) {
        super(out);
    }

    @Override
    protected void watch(byte[] b, int off, int len) {
        count += len;
        tail.add(b, off, len);
    }

    /** Bytes the tool wrote. */
    public long count() {
        return count;
    }

    /** Whether the output ends with {@code n} zero bytes (a pg_dump custom archive's end-of-data marker). */
    public boolean endsWithZeros(int n) {
        byte[] last = tail.bytes();
        if (last.length < n) {
            return false;
        }
        for (int i = last.length - n; i < last.length; i++) {
            if (last[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** The non-blank lines of the kept tail (the first may be cut), without their line ends. */
    public List<String> lastLines() {
        List<String> lines = new ArrayList<>();
        for (String l : tail.text(StandardCharsets.UTF_8).split("\n")) {
            String s = l.endsWith("\r") ? l.substring(0, l.length() - 1) : l;
            if (!s.isBlank()) {
                lines.add(s);
            }
        }
        return lines;
    }
}
