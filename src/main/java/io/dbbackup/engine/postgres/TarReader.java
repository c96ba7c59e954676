package io.dbbackup.engine.postgres;

import io.dbbackup.codec.IntegrityException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a tar stream entry by entry: {@link #next()} returns the next header (GNU long names and pax
 * {@code path} records applied), {@link #read} reads the current entry's content. A stream that ends
 * before the end-of-archive marker or inside an entry is an error, never a clean end: an
 * {@link IntegrityException} naming where it was cut (the byte, the entry, how many of its bytes are there). The
 * stream's end is its own (a backup's checking stream ends only once every stored byte was read and its checksum held;
 * a read that fails, a download the network cut, throws its own {@link IOException}, which passes unchanged), so an
 * archive that ends early is one that was stored cut short: no retry reads more of it.
 */
final class TarReader {
    private final InputStream in;
    private final byte[] block = new byte[TarHeader.BLOCK];
    private long remaining;
    private long padding;
    /** Bytes of the stream read so far. */
    private long position;
    /** The last entry returned by {@link #next} (null: none yet), and its size. */
    private String entry;
    private long entrySize;

    TarReader(InputStream in) {
        this.in = in;
    }

    /** The next entry, or null at the end-of-archive marker. */
    TarHeader next() throws IOException {
        skipRest();
        String longName = null;
        while (true) {
            readFully(block, TarHeader.BLOCK, "the tar header");
            TarHeader h = TarHeader.parse(block, 0);
            if (h == null) {
                return null;
            }
            if (h.type() == 'L' || h.type() == 'x' || h.type() == 'g') {
                byte[] data = readSmall(h);
                if (h.type() == 'L') {
                    longName = cString(data);
                } else if (h.type() == 'x') {
                    String path = paxPath(data);
                    longName = path != null ? path : longName;
                }
                continue;
            }
            remaining = h.size();
            padding = h.paddedSize() - h.size();
            TarHeader named = longName == null ? h : new TarHeader(longName, h.type(), h.size(), h.linkName());
            entry = named.name();
            entrySize = named.size();
            return named;
        }
    }

    /** Bytes of the stream read so far: after {@link #next} returned null, the offset just past the end-of-archive block. */
    long position() {
        return position;
    }

    /** Reads the current entry's content; -1 at its end. */
    int read(byte[] b, int off, int len) throws IOException {
        if (remaining == 0) {
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw insideTheEntry();
        }
        remaining -= n;
        position += n;
        return n;
    }

    private void skipRest() throws IOException {
        long skip = remaining + padding;
        byte[] buf = new byte[8192];
        while (skip > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, skip));
            if (n < 0) {
                throw remaining > 0 ? insideTheEntry() : cut("in the padding after entry '" + entry + "' (all of its "
                        + entrySize + " bytes there)");
            }
            long data = Math.min(n, remaining);
            remaining -= data;
            skip -= n;
            position += n;
        }
        remaining = 0;
        padding = 0;
    }

    private byte[] readSmall(TarHeader h) throws IOException {
        if (h.size() > 1 << 20) {
            throw new IOException("not a tar stream from pg_basebackup: a " + h.size() + "-byte extended header");
        }
        byte[] data = new byte[(int) h.paddedSize()];
        readFully(data, data.length, "the extended tar header");
        byte[] exact = new byte[(int) h.size()];
        System.arraycopy(data, 0, exact, 0, exact.length);
        return exact;
    }

    private void readFully(byte[] b, int len, String what) throws IOException {
        int off = 0;
        while (off < len) {
            int n = in.read(b, off, len - off);
            if (n < 0) {
                String after = entry == null ? "before the first entry" : "after entry '" + entry + "'";
                throw cut(off == 0 && b == block ? after + (entrySize > 0 ? " (all of its " + entrySize
                        + " bytes there)" : "") : "inside " + what + " " + after + " (" + off + " of its " + len + " bytes there)");
            }
            off += n;
            position += n;
        }
    }

    private IntegrityException insideTheEntry() {
        return cut("inside entry '" + entry + "' (" + (entrySize - remaining) + " of its " + entrySize + " bytes there)");
    }

    /** The stream ended at {@link #position} before the end-of-archive block, {@code where} in the archive. */
    private IntegrityException cut(String where) {
        return new IntegrityException("the tar archive is cut short at byte " + position + ", " + where
                + ", before its end-of-archive block (the archive is incomplete)");
    }

    private static String cString(byte[] data) {
        int end = 0;
        while (end < data.length && data[end] != 0) {
            end++;
        }
        return new String(data, 0, end, StandardCharsets.UTF_8);
    }

    /** The {@code path} record of a pax header ({@code "<len> path=<value>\n"} records). */
    private static String paxPath(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        String path = null;
        int i = 0;
        while (i < text.length()) {
            int space = text.indexOf(' ', i);
            if (space < 0) {
                break;
            }
            int len;
            try {
                len = Integer.parseInt(text.substring(i, space));
            } catch (NumberFormatException e) {
                break;
            }
            if (len <= 0 || i + len > text.length()) {
                break;
            }
            String record = text.substring(space + 1, i + len - 1);
            if (record.startsWith("path=")) {
                path = record.substring(5);
            }
            i += len;
        }
        return path;
    }
}
