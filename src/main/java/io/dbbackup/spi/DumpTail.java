package io.dbbackup.spi;

import io.dbbackup.core.SingleByte;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
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
public final class DumpTail extends FilterOutputStream implements ReadingSink {
    private static final int KEEP = 4096;
    private final byte[] tail = new byte[KEEP];
    private int filled;
    private long count;

    public DumpTail(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        keep(b, off, len);
    }

    @Override
    public long readFrom(InputStream in) throws IOException {
        if (!(out instanceof ReadingSink below)) {
            return in.transferTo(this);
        }
        return below.readFrom(new FilterInputStream(in) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    keep(b, off, n);
                }
                return n;
            }

            @Override
            public int read() throws IOException {
                return SingleByte.read(this);
            }
        });
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
