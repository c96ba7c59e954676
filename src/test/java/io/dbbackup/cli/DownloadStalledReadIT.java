package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.DbbackupJar;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code download --decompress} whose read stalls ({@code stall_read_after}) ends within seconds of a SIGTERM, says it
 * was interrupted and leaves no file: the signal closes the store's stream under the read. It closed the decoder, whose
 * close (zstd's) waits on the stalled read: the run did not end within 20 s.
 */
class DownloadStalledReadIT {
    @TempDir
    Path dir;

    @Test
    void sigtermWhileADecompressingDownloadStallsExitsWithinSeconds() throws Exception {
        SqliteFixture.create(dir.resolve("shop.db"), 20_000);
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  shop: {engine: sqlite, path: shop.db, compression: zstd}
                stores:
                  s: {type: faulty, path: store, stall_read_after: 20000}
                jobs:
                  nightly: {datasource: shop, store: s, verify: false}
                """);
        Cli.Result b = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "nightly", "--no-progress");
        assertThat(b.exit()).as(b.toString()).isZero();

        Process p = DbbackupJar.startWithTestEngine(dir, Map.of(), "download", "nightly", "-o", "got.sqlite", "--decompress",
                "--no-progress");
        try {
            DbbackupJar.Stopped s = DbbackupJar.terminateWhen(p, dir, "the download's read stalls",
                    () -> Files.exists(dir.resolve("store/.read-stalled")), 1000);
            assertThat(s.exit()).as(s.toString()).isEqualTo(143);
            assertThat(s.ms()).as("exits within seconds of SIGTERM, not after the stall: " + s).isLessThan(6_000);
            assertThat(s.err()).contains("download of shop/shop-").contains("failed: interrupted (cancelled: signal SIGTERM)")
                    .doesNotContain("SourceReadException", "is corrupt");
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(f -> f.getFileName().toString())).noneMatch(f -> f.startsWith("got") || f.contains("got.sqlite"));
            }
        } finally {
            p.destroyForcibly();
        }
    }
}
