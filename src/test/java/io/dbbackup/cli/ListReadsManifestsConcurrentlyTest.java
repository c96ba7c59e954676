package io.dbbackup.cli;

import io.dbbackup.config.Config;
import io.dbbackup.config.StoreConfig;
import io.dbbackup.core.CancelSignal;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Log;
import io.dbbackup.job.Workspace;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.ForwardingStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code list JOB} reads its backups' manifests a few at a time (on S3 each is a GET, thousands of them one after another
 * took minutes), with the table, the JSON and the warnings on stderr exactly as the reads one after another give them,
 * and under the operation's cancellation.
 */
class ListReadsManifestsConcurrentlyTest {
    private static final int BACKUPS = 20;
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-02T02:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;
    Path folder;

    /** Manifest GETs: each takes 200 ms; how many at once now and at most. */
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger peak = new AtomicInteger();
    final AtomicInteger gets = new AtomicInteger();
    /** For the cancellation case: a GET waits until its operation is cancelled (as the store cuts its request then). */
    volatile boolean untilCancelled;
    final CountDownLatch firstGet = new CountDownLatch(1);
    final List<CancelSignal.Token> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        Files.createFile(dir.resolve("app.db"));
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: %s, compression: gzip}
                stores:
                  local: {type: local, path: %s}
                jobs:
                  app: {datasource: app, store: local, prefix: prod}
                """.formatted(dir.resolve("app.db"), dir.resolve("store")));
        folder = dir.resolve("store/prod/app");
        Files.createDirectories(folder);
        for (int i = 0; i < BACKUPS; i++) {
            String name = String.format("app-20260301-02%02d00.sqlite.gz", i);
            String key = "prod/app/" + name;
            byte[] bytes = new byte[i == 13 ? 0 : 100 + i];
            Files.write(folder.resolve(name), bytes);
            if (i != 5) { // no .sha256
                Files.writeString(folder.resolve(name + ".sha256"), "0".repeat(64) + "  " + name + "\n");
            }
            long recorded = i == 3 ? 500 : bytes.length; // 3: cut short
            String manifest = i == 7 ? "not json" // 7: a manifest that is not JSON
                    : "{\"key\": \"" + key + "\", \"size\": " + recorded + ", \"finished\": \"2026-03-01T02:" + String.format("%02d", i) + ":30Z\"}";
            if (i != 11) { // 11: none
                Files.writeString(folder.resolve(name + ".manifest.json"), manifest);
            }
        }
    }

    private Workspace workspace(StringWriter err) {
        Log log = new Log(new PrintWriter(err, true), Log.Format.TEXT, Log.Level.INFO, CLOCK);
        Config loaded = Workspace.load(dir.resolve("config.yaml"), "config.yaml", Map.of(), CLOCK, log).config();
        StoreConfig local = loaded.stores().get("local");
        Map<String, StoreConfig> stores = new LinkedHashMap<>();
        stores.put("local", new StoreConfig("local", local.type(), new ForwardingStore(local.store()) {
            @Override
            public InputStream open(String key) throws IOException {
                if (!key.endsWith(".manifest.json")) {
                    return super.open(key);
                }
                gets.incrementAndGet();
                peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                try {
                    CancelSignal.Token cancel = CancelSignal.current();
                    seen.add(cancel);
                    firstGet.countDown();
                    if (untilCancelled) {
                        CountDownLatch cut = new CountDownLatch(1);
                        try (CancelSignal.Registration r = cancel.onCancel(cut::countDown)) {
                            if (!cut.await(30, TimeUnit.SECONDS)) {
                                throw new IOException("test: never cancelled");
                            }
                        }
                        throw new InterruptedIOException("test: the request was stopped: cancelled (" + cancel.reason() + ")");
                    }
                    Thread.sleep(200);
                    if (key.contains("-020900.")) { // 9: the store refuses it
                        throw new IOException("test: reading " + key + " is denied");
                    }
                    return super.open(key);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted");
                } finally {
                    inFlight.decrementAndGet();
                }
            }
        }));
        Config config = new Config(loaded.file(), loaded.datasources(), stores, loaded.notifiers(), loaded.jobs(),
                loaded.warnings(), loaded.unresolvedSecrets(), loaded.secretsRead());
        return new Workspace(config, CLOCK, log, dir.resolve("scratch"));
    }

    private record Listed(String out, String err, int peak) {
    }

    private Listed list(boolean json, int reads) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Workspace ws = workspace(err);
        ListCommand c = new ListCommand();
        c.root = new Root(null, new PrintWriter(out, true), new PrintWriter(err, true));
        c.job = "app";
        c.json = json;
        c.manifestReads = reads;
        peak.set(0);
        assertThat(c.one(ws)).isZero();
        ws.closeStores();
        return new Listed(out.toString(), err.toString(), peak.get());
    }

    @Test
    void manifestsAreReadSeveralAtOnceAndTheOutputIsTheOneOfTheReadsOneAfterAnother() {
        for (boolean json : new boolean[] {false, true}) {
            Listed sequential = list(json, 1);
            Listed parallel = list(json, ListCommand.MANIFEST_READS);
            assertThat(sequential.peak()).as("one after another").isEqualTo(1);
            assertThat(parallel.peak()).as("manifest GETs at once").isGreaterThan(1).isLessThanOrEqualTo(ListCommand.MANIFEST_READS);
            assertThat(parallel.out()).isEqualTo(sequential.out());
            assertThat(parallel.err()).isEqualTo(sequential.err());
            // what both say: every backup newest first, the damaged ones marked, the unreadable manifests warned of in order
            List<Integer> at = new ArrayList<>();
            for (int i = BACKUPS - 1; i >= 0; i--) {
                at.add(parallel.out().indexOf(String.format("app-20260301-02%02d00.sqlite.gz", i)));
            }
            assertThat(at).doesNotContain(-1).isSorted();
            assertThat(parallel.out()).contains(json ? "\"recorded_size\": 500" : "cut short (103 of 500 bytes)")
                    .contains("no .sha256").contains("empty (0 bytes)");
            assertThat(parallel.err()).contains("020900.sqlite.gz.manifest.json").contains("is denied")
                    .contains("020700.sqlite.gz.manifest.json is not valid JSON");
            assertThat(parallel.err().indexOf("020900.sqlite.gz")).as("newest first: 9 before 7")
                    .isLessThan(parallel.err().indexOf("020700.sqlite.gz"));
        }
    }

    @Test
    void aCancelledOperationStopsTheReadsAtOnceAndLeavesNoThread() throws Exception {
        untilCancelled = true;
        Cancellation cancellation = new Cancellation();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Workspace ws = workspace(err);
        ListCommand c = new ListCommand();
        c.root = new Root(null, new PrintWriter(out, true), new PrintWriter(err, true));
        c.job = "app";
        Thread canceller = new Thread(() -> {
            try {
                firstGet.await(30, TimeUnit.SECONDS);
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            cancellation.cancel("signal TERM");
        });
        canceller.start();
        long began;
        try (CancelSignal.Scope scope = CancelSignal.enter(cancellation)) {
            began = System.nanoTime();
            assertThatThrownBy(() -> c.one(ws)).isInstanceOf(DbBackupException.class)
                    .hasMessageContaining("cancelled (signal TERM)");
        } finally {
            ws.closeStores();
        }
        // a GET waits for the cancellation up to 30 s: the command did not wait for the reads it had not begun
        assertThat((System.nanoTime() - began) / 1_000_000).as("stopped within").isLessThan(5000);
        canceller.join();
        assertThat(seen).as("every GET ran under the operation's cancellation").isNotEmpty().allMatch(t -> t.isCancelled()
                && "signal TERM".equals(t.reason()));
        assertThat(gets.get()).as("GETs begun: none after the cancellation").isLessThanOrEqualTo(ListCommand.MANIFEST_READS);
        assertThat(out.toString()).as("no table of a list that was stopped").isEmpty();
        long end = System.nanoTime() + 5_000_000_000L;
        while (readerThreads() > 0 && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(readerThreads()).as("reader threads left").isZero();
    }

    private static long readerThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("list-manifest")).count();
    }
}
