package io.dbbackup.codec;

import io.dbbackup.core.Compression;
import io.dbbackup.testkit.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** gzip compressed in parallel blocks is one ordinary gzip member: the CLI and the JDK read it back. */
class ParallelGzipCliTest {
    @TempDir
    Path dir;

    private static byte[] dumpLike(int n, long seed) {
        byte[] b = new byte[n];
        Random r = new Random(seed);
        for (int i = 0; i < n; i++) {
            // text-ish: repeated words with noise, like a SQL dump
            b[i] = (byte) (r.nextInt(8) == 0 ? 'a' + r.nextInt(26) : "INSERT INTO t VALUES (42, 'x');\n".charAt(i % 32));
        }
        return b;
    }

    private Path compress(byte[] data, int writeSize) throws IOException {
        Path file = dir.resolve("dump-" + data.length + "-" + writeSize + ".gz");
        try (OutputStream out = Codecs.compress(Files.newOutputStream(file), Compression.GZIP, 6)) {
            for (int off = 0; off < data.length; off += writeSize) {
                out.write(data, off, Math.min(writeSize, data.length - off));
            }
        }
        return file;
    }

    @Test
    void theGzipCliAndTheJdkReadEverySizeBack() throws Exception {
        int block = ParallelGzipOutputStream.BLOCK;
        for (int size : new int[] {0, 1, 1000, block - 1, block, block + 1, 3 * block, 5_000_000}) {
            byte[] data = dumpLike(size, size);
            Path file = compress(data, 7_777);
            Shell.ok(dir, "gzip", "-t", file.getFileName().toString());
            String viaCli = Shell.sh(dir, "gzip -dc " + file.getFileName() + " | sha256sum | cut -d' ' -f1").strip();
            assertThat(viaCli).as("size %d", size).isEqualTo(Sha256.hex(data, 0, data.length));
            ByteArrayOutputStream back = new ByteArrayOutputStream();
            try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
                in.transferTo(back);
            }
            assertThat(back.toByteArray()).as("size %d", size).isEqualTo(data);
        }
    }

    @Test
    void theBlocksShareTheirDictionarySoTheSizeStaysThatOfPlainGzip() throws Exception {
        byte[] data = dumpLike(8_000_000, 9);
        long parallel = Files.size(compress(data, 1 << 20));
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(plain) {
            {
                def.setLevel(6);
            }
        }) {
            out.write(data);
        }
        assertThat((double) parallel).isBetween(plain.size() * 0.98, plain.size() * 1.01);
    }

    @Test
    void aFailingStoreBelowReachesTheWriter() {
        OutputStream broken = new OutputStream() {
            private long n;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                n += len;
                if (n > 100_000) {
                    throw new IOException("No space left on device");
                }
            }
        };
        byte[] noise = new byte[1 << 20];
        new Random(1).nextBytes(noise);
        assertThatThrownBy(() -> {
            try (OutputStream out = Codecs.compress(broken, Compression.GZIP, 6)) {
                for (int i = 0; i < 20; i++) {
                    out.write(noise);
                }
            }
        }).isInstanceOf(IOException.class).hasMessageContaining("No space left on device");
        // the compression threads end with the stream, failed or not
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (gzipThreadsAlive() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(gzipThreadsAlive()).isFalse();
    }

    private static boolean gzipThreadsAlive() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("gzip-") && t.isAlive());
    }
}
