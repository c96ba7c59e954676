package io.dbbackup.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** Deterministic pseudo-random streams of any length, without holding them in memory. */
public final class TestBytes {
    private TestBytes() {
    }

    /** Writes {@code size} bytes from {@code seed} to {@code out} in 64 KiB writes; returns their SHA-256. */
    public static String write(OutputStream out, long size, long seed) throws IOException {
        MessageDigest md = sha();
        SplittableRandom r = new SplittableRandom(seed);
        byte[] chunk = new byte[1 << 16];
        long left = size;
        while (left > 0) {
            int n = (int) Math.min(chunk.length, left);
            for (int i = 0; i < n; i += 8) {
                long v = r.nextLong();
                for (int j = 0; j < 8 && i + j < n; j++) {
                    chunk[i + j] = (byte) (v >>> (8 * j));
                }
            }
            out.write(chunk, 0, n);
            md.update(chunk, 0, n);
            left -= n;
        }
        return HexFormat.of().formatHex(md.digest());
    }

    public static String sha256(InputStream in) throws IOException {
        MessageDigest md = sha();
        byte[] b = new byte[1 << 16];
        for (int n; (n = in.read(b)) > 0; ) {
            md.update(b, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    public static long count(InputStream in) throws IOException {
        long total = 0;
        byte[] b = new byte[1 << 16];
        for (int n; (n = in.read(b)) > 0; ) {
            total += n;
        }
        return total;
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Flips one bit of the byte in the middle of {@code file}: bit rot, or a store that damaged it. */
    public static void flipMiddleByte(java.nio.file.Path file) throws IOException {
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            long at = f.length() / 2;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x40);
        }
    }
}
