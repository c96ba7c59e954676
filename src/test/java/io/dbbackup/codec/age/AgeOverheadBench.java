package io.dbbackup.codec.age;

import io.dbbackup.codec.Codecs;
import io.dbbackup.codec.Encryptor;
import io.dbbackup.codec.HashingOutputStream;
import io.dbbackup.core.Compression;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A benchmark, run by {@code bench/age-overhead.sh} and never by the test suite (its name matches neither
 * surefire's nor failsafe's patterns: a wall-time ratio is a figure to print, not a test that a loaded machine
 * may fail). What the age stage costs a backup: the same semi-compressible stream (SQL-dump-like rows, 512 MiB
 * by default, {@code -Dbench.mib=N}) through the backup chain {@code zstd → (age) → SHA-256 → sink}, with and
 * without encryption, best of three each. Prints the ratio; fails the benchmark (exit 1) when encrypting
 * doubles the time.
 */
class AgeOverheadBench {
    private static final int BLOCK = 8 << 20;

    static byte[] dumpLikeBlock() {
        Random r = new Random(42);
        StringBuilder sb = new StringBuilder(BLOCK + 200);
        int id = 0;
        while (sb.length() < BLOCK) {
            sb.append("INSERT INTO orders VALUES (").append(++id).append(", ").append(r.nextInt(100_000)).append(", '")
                    .append(Long.toString(r.nextLong() & Long.MAX_VALUE, 36)).append("', ")
                    .append(String.format(Locale.ROOT, "%.2f", r.nextDouble() * 1000)).append(", 'customer note ")
                    .append(r.nextInt(50)).append("', '2026-0").append(1 + r.nextInt(9)).append("-1").append(r.nextInt(10))
                    .append("');\n");
        }
        return sb.substring(0, BLOCK).getBytes(StandardCharsets.US_ASCII);
    }

    private static long compressedBytes;

    /** Seconds to push {@code total} bytes through compress → (encrypt) → hash → discard. */
    static double run(byte[] block, long total, Encryptor encryptor) throws IOException {
        long t0 = System.nanoTime();
        HashingOutputStream hashing = new HashingOutputStream(OutputStream.nullOutputStream());
        OutputStream chain = encryptor == null ? hashing : encryptor.encrypt(hashing);
        try (OutputStream out = Codecs.compress(chain, Compression.ZSTD, 3)) {
            for (long done = 0; done < total; done += block.length) {
                // the pipeline hands the codec 1 MiB pieces
                for (int off = 0; off < block.length; off += 1 << 20) {
                    out.write(block, off, Math.min(1 << 20, block.length - off));
                }
            }
        }
        assertThat(hashing.hex()).hasSize(64);
        compressedBytes = hashing.count();
        return (System.nanoTime() - t0) / 1e9;
    }

    @Test
    void encryptionAddsLittleToTheBackupChain() throws IOException {
        long mib = Long.getLong("bench.mib", 512);
        long total = mib << 20;
        byte[] block = dumpLikeBlock();
        Encryptor recipients = AgeEncryptor.toRecipients(List.of(AgeKeys.generate().recipient()));
        run(block, 64L << 20, null); // warm up both paths
        run(block, 64L << 20, recipients);
        double plain = Double.MAX_VALUE;
        double encrypted = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            plain = Math.min(plain, run(block, total, null));
            encrypted = Math.min(encrypted, run(block, total, recipients));
        }
        double ratio = encrypted / plain;
        System.out.printf(Locale.ROOT, "age overhead: %d MiB dump-like stream (%d MiB after zstd-3) -> sha256: %.2f s plain,"
                + " %.2f s with age: ratio %.3f (%.0f vs %.0f MiB/s of dump; Java %s)%n", mib, compressedBytes >> 20, plain,
                encrypted, ratio, mib / plain, mib / encrypted, System.getProperty("java.version"));
        assertThat(ratio).as("encrypted/plain wall time").isLessThan(2.0);
    }
}
