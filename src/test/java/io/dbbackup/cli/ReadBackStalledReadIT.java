package io.dbbackup.cli;

import io.dbbackup.codec.age.AgeKeys;
import io.dbbackup.testkit.DbbackupJar;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The read-back of a backup encrypted to recipients only (no identity here: its stored bytes alone are checked against
 * the sidecar) whose read stalls ({@code stall_read_after}: the read waits until its stream is closed or for the store's
 * stall timeout of 60 s) ends within seconds of a SIGTERM: the stalled read is cut off on the signal, the backup stays.
 * That read ran with no cancellation: the run was ended only by the 15 s grace watchdog.
 */
class ReadBackStalledReadIT {
    @TempDir
    Path dir;

    @Test
    void sigtermWhileAStoredBytesReadBackStallsExitsWithinSeconds() throws Exception {
        SqliteFixture.create(dir.resolve("shop.db"), 20_000);
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  shop: {engine: sqlite, path: shop.db, compression: zstd}
                stores:
                  s: {type: faulty, path: store, stall_read_after: 20000}
                jobs:
                  nightly: {datasource: shop, store: s, verify: true, encryption: {recipients: [%s]}}
                """.formatted(AgeKeys.generate().recipient()));
        Process p = DbbackupJar.startWithTestEngine(dir, Map.of(), "backup", "nightly", "--no-progress");
        try {
            DbbackupJar.Stopped s = DbbackupJar.terminateWhen(p, dir, "the read-back stalls",
                    () -> Files.exists(dir.resolve("store/.read-stalled")), 1000);
            assertThat(s.exit()).as(s.toString()).isEqualTo(143);
            assertThat(s.ms()).as("exits within seconds of SIGTERM, not after the grace watchdog: " + s).isLessThan(6_000);
            assertThat(s.out() + s.err()).contains("interrupted").contains("its read-back was stopped: it stays, not read back")
                    .doesNotContain("SourceReadException", "is corrupt", "removed the backup");
        } finally {
            p.destroyForcibly();
        }
    }
}
