package io.dbbackup.job;

import io.dbbackup.config.JobConfig;
import io.dbbackup.core.Log;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A copy job's read of a source backup stalled (the {@code faulty} store's {@code stall_read_after}) and a signal
 * cancels the run: the copy fails saying it was cancelled and why, as verify's and restore's reads do
 * ({@link ArtifactReader.Decoded#abortRead(String)}), not with the words of the store's stream it closed under the read.
 */
class CopyCancelledReadIT {
    @TempDir
    Path dir;

    @Test
    void aCopyCutBySigtermSaysCancelledBySignal() throws Exception {
        SqliteFixture.create(dir.resolve("shop.db"), 20_000);
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  shop: {engine: sqlite, path: %s, compression: zstd}
                stores:
                  s: {type: faulty, path: %s, stall_read_after: 20000}
                  offsite: {type: local, path: %s, fsync: false}
                jobs:
                  nightly: {datasource: shop, store: s, verify: false}
                  vault: {copy_of: nightly, store: offsite, verify: false}
                """.formatted(dir.resolve("shop.db"), dir.resolve("store"), dir.resolve("offsite")));
        Cli.Result b = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "nightly", "--no-progress");
        assertThat(b.exit()).as(b.toString()).isZero();
        Clock clock = Clock.systemUTC();
        Log log = new Log(new PrintWriter(new StringWriter()), Log.Format.TEXT, Log.Level.INFO, clock);
        Workspace ws = Workspace.load(dir.resolve("config.yaml"), "config.yaml", Map.of(), clock, log);
        JobConfig vault = ws.config().jobs().get("vault");
        Cancellation cancellation = new Cancellation();
        OperationContext ctx = new OperationContext(cancellation, log, dir);

        CompletableFuture<Copier.Result> run = CompletableFuture.supplyAsync(() -> new Copier(ws).run(vault, ctx,
                Progress.NONE));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(dir.resolve("store/.read-stalled")) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(dir.resolve("store/.read-stalled")).as("the copy's read stalled").exists();
        cancellation.cancel("signal SIGTERM");

        Throwable t = run.handle((r, e) -> e).get(10, TimeUnit.SECONDS);
        ws.closeStores();

        assertThat(t).isNotNull();
        assertThat(t.getCause()).hasMessageContaining("copy of shop/shop-").hasMessageEndingWith(
                "failed: interrupted (cancelled: signal SIGTERM)");
    }
}
