package io.dbbackup.engine.sqlite;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application takes the database's exclusive lock half way through its online backup (a long write transaction in
 * rollback-journal mode) and holds it: the copy's step waits the busy timeout (30 s) for it, and SQLite's native loop
 * tried the step again 100 times, each waiting 30 s anew — the backup hung for 50 minutes, then failed as "online backup
 * failed with SQLite result code 5". It must fail once the 30 s are out, in one line that says which database was
 * locked, for how long, how many attempts, and what to do; exit 2; no snapshot left. The datasource's {@code lock_timeout}
 * sets that patience (30 s when absent, {@link SqliteLockTimeoutConfigTest}): 2 s here, so these tests wait seconds, not
 * minutes.
 */
class SqliteLockedOutCliTest {
    /** The datasource's {@code lock_timeout} in these tests. */
    private static final long LOCK_TIMEOUT_MS = 2_000;

    @TempDir
    Path dir;

    @Test
    void aLockHeldPastTheBusyTimeoutFailsTheBackupOnceInOneLine() throws Exception {
        Path db = dir.resolve("big.db");
        SqliteSnapshotCancelTest.bigDatabase(db);
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  big: {engine: sqlite, path: big.db, strategy: online, pages_per_step: 1, sleep_interval: 1ms, lock_timeout: 2s}
                stores:
                  local: {type: local, path: store, fsync: false}
                jobs:
                  big: {datasource: big, store: local}
                """);
        Path scratch = Files.createDirectories(dir.resolve("scratch"));
        CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(() ->
                new Cli().workingDir(dir).env("DBBACKUP_TMPDIR", scratch.toString()).run("-c", "config.yaml", "backup", "big"));
        try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = app.createStatement()) {
            st.execute("pragma busy_timeout = 60000");
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (snapshotBytes(scratch) < 1_000_000 && !run.isDone() && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            assertThat(run.isDone()).as("the copy is under way when the application takes its lock").isFalse();
            st.execute("BEGIN EXCLUSIVE");
            long t0 = System.nanoTime();
            Cli.Result r = run.get(LOCK_TIMEOUT_MS + 30_000L, TimeUnit.MILLISECONDS);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            st.execute("ROLLBACK");
            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(ms).as("failed once the busy timeout was out, not after 100 more").isBetween(
                    LOCK_TIMEOUT_MS - 500L, LOCK_TIMEOUT_MS + 10_000L);
            assertThat(r.out() + r.err()).as(r.toString())
                    .containsPattern("SQLite database " + java.util.regex.Pattern.quote(db.toString()) + " stayed locked by "
                            + "another connection \\(an application's write transaction\\) for the 2 s a backup waits "
                            + "for its lock, and through 100 attempts after that: no snapshot was taken; find what holds "
                            + "it \\(fuser "
                            + java.util.regex.Pattern.quote(db.toString()) + "\\), let its transaction end, and run the "
                            + "backup again")
                    .doesNotContain("result code 5");
            assertThat(files(scratch)).as("no snapshot left").isEmpty();
            assertThat(files(dir.resolve("store"))).as("nothing stored").isEmpty();
        } finally {
            run.cancel(true);
        }
    }

    /**
     * A database its application commits to now and then: the copy waits for a commit's lock at its start, and again more
     * than 30 s later. SQLite counts a connection's waits on from one to the next during a backup, so the second wait
     * found the first one's deadline long past and gave up at once, and the busy handler was never called again: each
     * lock the copy met then used up one of the native loop's 100 tries, and the backup failed as "result code 5". Each
     * lock must get the whole patience: the backup succeeds.
     */
    @Test
    void aLockMetMoreThanThirtySecondsAfterAnotherIsWaitedForToo() throws Exception {
        Path db = dir.resolve("slow.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("pragma page_size = 1024");
            st.execute("create table t(b blob)");
            st.execute("with recursive n(i) as (select 1 union all select i + 1 from n where i < 5000) "
                    + "insert into t select zeroblob(900) from n");
        }
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  slow: {engine: sqlite, path: slow.db, strategy: online, pages_per_step: 1, sleep_interval: 10ms, lock_timeout: 2s}
                stores:
                  local: {type: local, path: store, fsync: false}
                jobs:
                  slow: {datasource: slow, store: local}
                """);
        Path scratch = Files.createDirectories(dir.resolve("scratch"));
        CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(() ->
                new Cli().workingDir(dir).env("DBBACKUP_TMPDIR", scratch.toString()).run("-c", "config.yaml", "backup", "slow"));
        try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = app.createStatement()) {
            st.execute("pragma busy_timeout = 60000");
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (snapshotBytes(scratch) == 0 && !run.isDone() && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            holdExclusive(st, 300); // the copy's first wait
            Thread.sleep(LOCK_TIMEOUT_MS + 1_000L);
            assertThat(run.isDone()).as("the copy is still under way (%s)", run.isDone() ? run.get() : "").isFalse();
            holdExclusive(st, 1_500); // longer than the native loop's 100 tries 1 ms apart
            Cli.Result r = run.get(120, TimeUnit.SECONDS);
            assertThat(r.exit()).as(r.toString()).isZero();
        } finally {
            run.cancel(true);
        }
        assertThat(files(dir.resolve("store"))).as("the backup is stored").isNotEmpty();
        assertThat(files(scratch)).as("no snapshot left").isEmpty();
    }

    /** As an application's commit does, for longer: readers, the copy among them, wait. */
    private static void holdExclusive(Statement st, long ms) throws Exception {
        st.execute("BEGIN EXCLUSIVE");
        Thread.sleep(ms);
        st.execute("ROLLBACK");
    }

    private static long snapshotBytes(Path scratch) throws IOException {
        try (Stream<Path> s = Files.walk(scratch)) {
            return s.filter(f -> f.getFileName().toString().startsWith("sqlite-snapshot-") && Files.isRegularFile(f))
                    .mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static java.util.List<Path> files(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return java.util.List.of();
        }
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }
}
