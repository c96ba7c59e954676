package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.Reseal;
import io.dbbackup.testkit.SqliteFixture;
import io.dbbackup.testkit.SteppingClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A SQLite {@code restore --table … --dry-run} holds at most one copy of the database in the scratch folder at a time, as
 * the restore itself does (its check pass's copy, deleted, then its restore's): the table check and the file's
 * {@code PRAGMA integrity_check} read the one copy. Before, the dry run wrote two at once (the table check's
 * {@code tables-….sqlite} and the integrity check's {@code verify-….sqlite}), twice the scratch disk the restore needs.
 */
class SqliteTableDryRunScratchCliTest {
    @TempDir
    Path dir;

    private Cli cli;
    private Path newest;

    @BeforeEach
    void aBackup() throws Exception {
        SqliteFixture.create(dir.resolve("shop.db"), 20_000);
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  shop: {engine: sqlite, path: shop.db}
                  copy: {engine: sqlite, path: restored/copy.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  nightly: {datasource: shop, store: local, compression: zstd}
                """);
        cli = new Cli().workingDir(dir).env("DBBACKUP_TMPDIR", dir.resolve("tmp").toString())
                .clock(new SteppingClock(Instant.parse("2026-12-03T02:00:00Z"), Duration.ofMinutes(1)));
        Files.createDirectories(dir.resolve("tmp"));
        assertThat(cli.run("-c", "config.yaml", "backup", "nightly").exit()).isZero();
        assertThat(cli.run("-c", "config.yaml", "backup", "nightly").exit()).isZero();
        try (Stream<Path> files = Files.list(dir.resolve("store/shop"))) {
            newest = files.filter(p -> p.toString().endsWith(".sqlite.zst")).sorted().toList().get(1);
        }
    }

    /** Counts, every millisecond, the database copies ({@code *.sqlite}) under the scratch folder; keeps the most seen. */
    private static final class CopyCounter implements AutoCloseable {
        final AtomicInteger peak = new AtomicInteger();
        final AtomicInteger sawAny = new AtomicInteger();
        private final Path root;
        private final Thread thread;
        private volatile boolean stop;

        CopyCounter(Path root) {
            this.root = root;
            thread = new Thread(this::loop, "scratch-copies");
            thread.setDaemon(true);
            thread.start();
        }

        private void loop() {
            while (!stop) {
                int n = copies();
                peak.accumulateAndGet(n, Math::max);
                if (n > 0) {
                    sawAny.incrementAndGet();
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private int copies() {
            try (Stream<Path> s = Files.walk(root)) {
                return (int) s.filter(p -> p.getFileName().toString().endsWith(".sqlite")).count();
            } catch (IOException | UncheckedIOException e) {
                return 0; // a file deleted during the walk: the next poll
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join();
        }
    }

    private Cli.Result watched(CopyCounter counter, String... args) throws Exception {
        try (counter) {
            return cli.run(args);
        }
    }

    private static List<String> errors(Cli.Result r) {
        return r.err().lines().filter(l -> l.startsWith("error: ")).toList();
    }

    private List<String> leftInTmp() throws Exception {
        try (Stream<Path> s = Files.walk(dir.resolve("tmp"))) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).toList();
        }
    }

    @Test
    void aTableDryRunHoldsOneCopyAtATimeAndAnswersAsBefore() throws Exception {
        CopyCounter counter = new CopyCounter(dir.resolve("tmp"));
        Cli.Result r = watched(counter, "-c", "config.yaml", "restore", "nightly", "--to", "copy", "--table", "orders",
                "--dry-run");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).as(r.toString()).contains("dry run");
        assertThat(counter.sawAny.get()).as("the watch saw the copy").isPositive();
        assertThat(counter.peak.get()).as("database copies in the scratch folder at once").isEqualTo(1);
        assertThat(leftInTmp()).isEmpty();
        assertThat(dir.resolve("restored")).doesNotExist();
    }

    /** Its answers are the ones before: a table the backup lacks (exit 1), a damaged file (exit 3, the older backup). */
    @Test
    void aTableDryRunStillFindsAMissingTableAndADamagedFile() throws Exception {
        Cli.Result missing = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "copy", "--table", "nosuch", "--dry-run");
        assertThat(missing.exit()).as(missing.toString()).isEqualTo(1);
        assertThat(errors(missing)).as(missing.toString()).singleElement().asString()
                .startsWith("error: the backup holds no table nosuch (it holds tables customers, orders; views big_orders)");

        Reseal.rewrite(newest, db -> {
            byte[] b = db.clone();
            Arrays.fill(b, b.length / 3, b.length / 2, (byte) 0x5a);
            return b;
        });
        CopyCounter counter = new CopyCounter(dir.resolve("tmp"));
        Cli.Result damaged = watched(counter, "-c", "config.yaml", "restore", "nightly", "--to", "copy", "--table", "orders",
                "--dry-run");
        assertThat(damaged.exit()).as(damaged.toString()).isEqualTo(3);
        assertThat(errors(damaged).get(0)).as(damaged.toString()).startsWith("error: the backup shop/" + newest.getFileName()
                + " does not restore: the backup fails PRAGMA integrity_check: ");
        assertThat(damaged.err()).as(damaged.toString()).contains("; the next older backup is ");
        assertThat(counter.peak.get()).as("database copies in the scratch folder at once").isEqualTo(1);
        assertThat(leftInTmp()).isEmpty();
    }
}
