package io.dbbackup.engine.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One 512-byte tar header (ustar, as pg_basebackup writes it; GNU and pax long-name records are read
 * by {@link TarReader}). {@code type}: {@code '0'} file, {@code '5'} folder, {@code '2'} symlink,
 * {@code '1'} hard link, {@code 'L'} GNU long name, {@code 'x'}/{@code 'g'} pax headers.
 */
record TarHeader(String name, char type, long size, String linkName) {
    static final int BLOCK = 512;

    boolean isFile() {
        return type == '0' || type == '\0' || type == '7';
    }

    boolean isDirectory() {
        return type == '5';
    }

    /** Bytes of content plus padding up to the next header. */
    long paddedSize() {
        return (size + BLOCK - 1) / BLOCK * BLOCK;
    }

    /** The header in {@code b[off..off+512)}, or null for an all-zero block (the end of the archive). */
    static TarHeader parse(byte[] b, int off) throws IOException {
        boolean zero = true;
        for (int i = 0; i < BLOCK; i++) {
            if (b[off + i] != 0) {
                zero = false;
                break;
            }
        }
        if (zero) {
            return null;
        }
        long stored = octal(b, off + 148, 8);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (b[off + i] & 0xff);
        }
        if (stored != sum) {
            throw new IOException("not a tar stream: header checksum mismatch at '" + text(b, off, 100) + "'");
        }
        String name = text(b, off, 100);
        if (text(b, off + 257, 5).equals("ustar")) {
            String prefix = text(b, off + 345, 155);
            if (!prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
        }
        return new TarHeader(name, (char) b[off + 156], number(b, off + 124, 12), text(b, off + 157, 100));
    }

    /** A ustar header of a regular file (mode 0600), as pg_basebackup writes the {@code backup_manifest} it adds. */
    static byte[] file(String name, long size, long mtimeSeconds) {
        return build(name, '0', size, "", mtimeSeconds);
    }

    /** A ustar header (mode 0600, owner 0) of any {@code type}; {@code link}: a link's target, else empty. */
    static byte[] build(String name, char type, long size, String link, long mtimeSeconds) {
        byte[] h = new byte[BLOCK];
        put(h, 0, name);
        put(h, 100, "0000600");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, String.format(Locale.ROOT, "%011o", size));
        put(h, 136, String.format(Locale.ROOT, "%011o", mtimeSeconds));
        h[156] = (byte) type;
        put(h, 157, link);
        return seal(h);
    }

    /** Marks {@code h} ustar and writes its checksum (the sum of its bytes, the checksum field counted as spaces). */
    private static byte[] seal(byte[] h) {
        put(h, 257, "ustar");
        put(h, 263, "00");
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format(Locale.ROOT, "%06o", sum));
        h[154] = 0;
        return h;
    }

    /**
     * A copy of the ustar header in {@code b[off..off+512)} with its name moved under the folder {@code dir}
     * (mode, owner, times and type kept; the checksum recomputed): into the name field when it fits, else
     * {@code dir} goes into the ustar prefix field. A header that already uses its prefix is refused.
     */
    static byte[] underFolder(byte[] b, int off, String dir) throws IOException {
        byte[] h = java.util.Arrays.copyOfRange(b, off, off + BLOCK);
        String name = text(h, 0, 100);
        if (!text(h, 345, 155).isEmpty() || dir.getBytes(StandardCharsets.UTF_8).length > 155) {
            throw new IOException("cannot move tar entry '" + name + "' under " + dir + ": its name is too long");
        }
        String full = dir + "/" + name;
        java.util.Arrays.fill(h, 0, 100, (byte) 0);
        if (full.getBytes(StandardCharsets.UTF_8).length <= 100) {
            put(h, 0, full);
        } else {
            put(h, 0, name);
            put(h, 345, dir);
        }
        return seal(h);
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(b, 0, h, off, b.length);
    }

    private static String text(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    /** Octal, or GNU base-256 when the high bit of the first byte is set (sizes of 8 GiB and more). */
    private static long number(byte[] b, int off, int len) throws IOException {
        if ((b[off] & 0x80) != 0) {
            long v = b[off] & 0x7f;
            for (int i = 1; i < len; i++) {
                v = (v << 8) | (b[off + i] & 0xff);
            }
            return v;
        }
        return octal(b, off, len);
    }

    private static long octal(byte[] b, int off, int len) throws IOException {
        long v = 0;
        int i = off;
        int end = off + len;
        while (i < end && (b[i] == ' ' || b[i] == 0)) {
            i++;
        }
        for (; i < end && b[i] >= '0' && b[i] <= '7'; i++) {
            v = (v << 3) | (b[i] - '0');
        }
        for (; i < end; i++) {
            if (b[i] != ' ' && b[i] != 0) {
                throw new IOException("not a tar stream: bad number in header");
            }
        }
        return v;
    }
}
