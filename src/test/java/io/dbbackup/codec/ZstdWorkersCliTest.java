package io.dbbackup.codec;

import io.dbbackup.core.Compression;
import io.dbbackup.testkit.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** zstd on worker threads still writes one standard frame that the zstd CLI decodes and checks. */
class ZstdWorkersCliTest {
    @TempDir
    Path dir;

    @Test
    void aMultiJobFrameDecompressesWithTheCli() throws Exception {
        // several of zstd's 4 MiB jobs, half compressible half not
        byte[] block = new byte[1 << 20];
        Random r = new Random(11);
        Path file = dir.resolve("dump.zst");
        HashingOutputStream raw = new HashingOutputStream(OutputStream.nullOutputStream());
        try (OutputStream out = Codecs.compress(Files.newOutputStream(file), Compression.ZSTD, 3)) {
            for (int i = 0; i < 20; i++) {
                r.nextBytes(block);
                for (int j = 0; j < block.length; j += 2) {
                    block[j] = 'a';
                }
                out.write(block);
                raw.write(block);
            }
        }
        assertThat(Codecs.WORKERS).isBetween(1, 4);
        assertThat(Shell.ok(dir, "zstd", "-t", "-q", "dump.zst")).isEmpty(); // frame and content checksum verified
        String decoded = Shell.sh(dir, "zstd -d -c -q dump.zst | sha256sum | cut -d' ' -f1").strip();
        assertThat(decoded).isEqualTo(raw.hex());
        assertThat(Files.size(file)).isLessThan(20L << 20);
    }
}
