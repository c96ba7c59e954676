package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.DbbackupJar;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code show --contents} whose read of the backup stalls (a store that stops sending mid-download,
 * {@code stall_read_after}: the read waits until its stream is closed or for the store's stall timeout of 60 s) ends
 * within seconds of a SIGTERM and says it was interrupted: the stalled read is cut off on the signal. It was ended only
 * by the 15 s grace watchdog, without a word.
 */
class ShowContentsStalledReadIT {
    @TempDir
    Path dir;

    @Test
    void sigtermWhileShowContentsReadStallsExitsWithinSecondsSayingInterrupted() throws Exception {
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

        Process p = DbbackupJar.startWithTestEngine(dir, Map.of(), "show", "nightly", "--contents");
        try {
            DbbackupJar.Stopped s = DbbackupJar.terminateWhen(p, dir, "the show's read stalls",
                    () -> Files.exists(dir.resolve("store/.read-stalled")), 1000);
            assertThat(s.exit()).as(s.toString()).isEqualTo(143);
            assertThat(s.ms()).as("exits within seconds of SIGTERM, not after the grace watchdog: " + s).isLessThan(6_000);
            assertThat(s.err()).contains("cannot read the contents of shop/shop-").contains("interrupted (cancelled: signal SIGTERM)")
                    .doesNotContain("SourceReadException", "is corrupt");
        } finally {
            p.destroyForcibly();
        }
    }
}
