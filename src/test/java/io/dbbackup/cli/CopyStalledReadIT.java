package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.DbbackupJar;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A copy job whose read of the source backup stalls (a store that stops sending mid-download, {@code stall_read_after}:
 * the read waits until its stream is closed or for the store's stall timeout of 60 s) ends within seconds of a SIGTERM,
 * says it was interrupted, and leaves nothing under the copy's key (its read is closed on the cancellation: a guard,
 * this held before).
 */
class CopyStalledReadIT {
    @TempDir
    Path dir;

    @Test
    void sigtermWhileACopysReadStallsExitsWithinSecondsSayingInterrupted() throws Exception {
        SqliteFixture.create(dir.resolve("shop.db"), 20_000);
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  shop: {engine: sqlite, path: shop.db, compression: zstd}
                stores:
                  s: {type: faulty, path: store, stall_read_after: 20000}
                  offsite: {type: local, path: offsite, fsync: false}
                jobs:
                  nightly: {datasource: shop, store: s, verify: false}
                  vault: {copy_of: nightly, store: offsite, verify: false}
                """);
        Cli.Result b = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "nightly", "--no-progress");
        assertThat(b.exit()).as(b.toString()).isZero();

        Process p = DbbackupJar.startWithTestEngine(dir, Map.of(), "backup", "vault", "--no-progress");
        try {
            DbbackupJar.Stopped s = DbbackupJar.terminateWhen(p, dir, "the copy's read stalls",
                    () -> Files.exists(dir.resolve("store/.read-stalled")), 1000);
            assertThat(s.exit()).as(s.toString()).isEqualTo(143);
            assertThat(s.ms()).as("exits within seconds of SIGTERM, not after the stall: " + s).isLessThan(6_000);
            assertThat(s.out()).contains("interrupted by SIGTERM; the partial backup was discarded");
            assertThat(s.err()).doesNotContain("SourceReadException", "is corrupt");
            assertThat(files("offsite")).as("nothing under the copy's key").noneMatch(f -> f.endsWith(".sqlite.zst")
                    || f.endsWith(".sha256") || f.endsWith(".manifest.json"));
        } finally {
            p.destroyForcibly();
        }
    }

    private List<String> files(String store) throws IOException {
        Path root = dir.resolve(store);
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }
}
