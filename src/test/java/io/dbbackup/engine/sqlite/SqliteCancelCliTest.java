package io.dbbackup.engine.sqlite;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.UnwritableFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job's {@code timeout} during the snapshot of a SQLite database whose copy takes several seconds: the snapshot
 * stops within about a second of it (SQLite's online backup ran its whole copy in one native call, and went on to its end
 * after the timeout), the job fails for its timeout, and neither the store nor the scratch
 * folder keeps anything.
 */
class SqliteCancelCliTest {
    /** From the timeout to the end of the run, at most (the copy alone takes several seconds more). */
    private static final long PROMPT_MS = 2_500;

    @TempDir
    Path dir;

    @Test
    void anOnlineSnapshotStopsPromptlyAtTheJobsTimeout() throws Exception {
        assertStopsPromptly("strategy: online, pages_per_step: 1, sleep_interval: 1ms");
    }

    /**
     * An application holds the database's exclusive lock (a write it is committing): the snapshot's first step waits for
     * it in the busy timeout (30 s), and the job's timeout ends that wait, not the 30 s.
     */
    @Test
    void aWaitForAnApplicationsLockEndsAtTheJobsTimeout() throws Exception {
        bigDatabase(dir.resolve("big.db"));
        try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("big.db"));
             Statement st = app.createStatement()) {
            st.execute("BEGIN EXCLUSIVE");
            st.execute("insert into t values (zeroblob(10))");
            runAndAssertStopped("strategy: online");
            st.execute("ROLLBACK");
        }
    }

    /**
     * An application holds the write lock ({@code BEGIN IMMEDIATE}: readers, the copy among them, go on) for longer than
     * the copy takes: the lock that ends the copy at its next step cannot be taken, and the run still ends at the
     * timeout.
     */
    @Test
    void anOnlineSnapshotWhileAnApplicationHoldsTheWriteLockEndsAtTheJobsTimeout() throws Exception {
        bigDatabase(dir.resolve("big.db"));
        try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("big.db"));
             Statement st = app.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            runAndAssertStopped("strategy: online, pages_per_step: 1, sleep_interval: 1ms");
            st.execute("ROLLBACK");
        }
    }

    /**
     * The same, and after the run: the copy that could not be stopped copies nothing more (it ran on to its end, a core
     * and the disk busy for seconds, minutes for a big database, after the job had failed) and ends, removing what it
     * made, as soon as the application lets go of the write lock.
     */
    @Test
    void anOnlineSnapshotThatCannotBeStoppedCopiesNothingMoreAfterTheTimeout() throws Exception {
        bigDatabase(dir.resolve("big.db"));
        Path scratch = dir.resolve("scratch");
        try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("big.db"));
             Statement st = app.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            runAndAssertStopped("strategy: online, pages_per_step: 1, sleep_interval: 1ms");
            Path copy = openSnapshot(scratch);
            assertThat(copy).as("the abandoned copy's snapshot, deleted but still open").isNotNull();
            long before = Files.size(copy);
            Thread.sleep(1_500);
            // not one more byte (it is emptied once let go: aCopyLetGoWhilePausedHoldsNoDiskSpaceAfterTheRun)
            assertThat(Files.size(copy)).as("bytes the abandoned copy holds 1.5 s after the run").isLessThanOrEqualTo(before);
            st.execute("ROLLBACK");
        }
        long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (openSnapshot(scratch) != null && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(openSnapshot(scratch)).as("the copy ended once the write lock was free").isNull();
        assertThat(files(scratch)).as("nothing left in the scratch folder").isEmpty();
    }

    /** The snapshot under {@code scratch} this process still has open (through its descriptor: it is deleted), or null. */
    private static Path openSnapshot(Path scratch) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith(scratch.toString()) && target.contains("sqlite-snapshot-")
                            && !target.contains("-journal")) {
                        return fd;
                    }
                } catch (IOException closedMeanwhile) {
                    // not there any more
                }
            }
        }
        return null;
    }

    /**
     * A database file this process cannot write (immutable, {@code chattr +i}: root may write any file by its mode, and
     * a read-only mount needs a mount) is opened read-only by SQLite, so the write lock that ends the copy at its next
     * step cannot be taken: the run still ends at the timeout, leaving the copy behind, paused. SQLite begins only a read
     * transaction for the stop's {@code BEGIN IMMEDIATE} on a read-only database, without an error: the stop took that
     * for the lock, and the copy ran on to its last page after the run (writing its deleted snapshot whole), instead of
     * pausing and emptying it.
     */
    @Test
    void anOnlineSnapshotOfADatabaseThisProcessCannotWriteEndsAtTheJobsTimeout() throws Exception {
        Path db = dir.resolve("big.db");
        bigDatabase(db);
        Path scratch = dir.resolve("scratch");
        try (UnwritableFile unwritable = UnwritableFile.of(db)) {
            runAndAssertStopped("strategy: online, pages_per_step: 1, sleep_interval: 1ms");
            long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(2);
            while (heldBytes(scratch) > 0 && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertThat(heldBytes(scratch)).as("bytes the paused copy's deleted snapshot and journal hold after the run")
                    .isZero();
            Thread.sleep(1_500);
            assertThat(openSnapshot(scratch)).as("the copy, paused (not run on to its end), still holds its snapshot open "
                    + "2 s after the run").isNotNull();
            assertThat(heldBytes(scratch)).as("bytes the paused copy wrote in the 1.5 s after it was emptied").isZero();
        }
    }

    /**
     * A copy the run let go, paused while an application holds the write lock (for as long as it holds it), held its
     * snapshot open: deleted by the run, the snapshot's pages kept their disk space in the scratch folder until the copy
     * ended or the process (a long-running scheduler) exited. The paused copy, once the run has let it go, empties its
     * snapshot through its own descriptors: nothing of it holds a byte after the run.
     */
    @Test
    void aCopyLetGoWhilePausedHoldsNoDiskSpaceAfterTheRun() throws Exception {
        bigDatabase(dir.resolve("big.db"));
        Path scratch = dir.resolve("scratch");
        try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("big.db"));
             Statement st = app.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            runAndAssertStopped("strategy: online, pages_per_step: 20, sleep_interval: 1ms");
            assertThat(openSnapshot(scratch)).as("the paused copy's snapshot, deleted but still open").isNotNull();
            long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(2);
            while (heldBytes(scratch) > 0 && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertThat(heldBytes(scratch)).as("bytes the paused copy's deleted snapshot and journal hold after the run")
                    .isZero();
            st.execute("ROLLBACK");
        }
    }

    /** What the files under {@code scratch} that this process has open (deleted or not) hold on the disk, in bytes. */
    private static long heldBytes(Path scratch) throws IOException {
        long bytes = 0;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    if (Files.readSymbolicLink(fd).toString().startsWith(scratch.toString())) {
                        bytes += Files.size(fd);
                    }
                } catch (IOException closedMeanwhile) {
                    // not there any more
                }
            }
        }
        return bytes;
    }

    private void assertStopsPromptly(String settings) throws Exception {
        bigDatabase(dir.resolve("big.db"));
        runAndAssertStopped(settings);
    }

    private void runAndAssertStopped(String settings) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  big: {engine: sqlite, path: big.db, %s}
                stores:
                  local: {type: local, path: store, fsync: false}
                jobs:
                  big: {datasource: big, store: local, timeout: 1s}
                """.formatted(settings));
        Path scratch = Files.createDirectories(dir.resolve("scratch"));
        long t0 = System.nanoTime();
        Cli.Result r = new Cli().workingDir(dir).env("DBBACKUP_TMPDIR", scratch.toString()).run("-c", "config.yaml", "backup", "big");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.out()).as(r.toString()).contains("timed out after 1s");
        assertThat(ms).as("the run's length: stopped within %d ms of the 1 s timeout, not after the whole copy", PROMPT_MS)
                .isLessThan(1_000 + PROMPT_MS);
        assertThat(files(dir.resolve("store"))).as("no partial object under a final key").isEmpty();
        assertThat(files(scratch)).as("no snapshot left in the scratch folder").isEmpty();
    }

    /** ~60 MiB in 512-byte pages: SQLite's online backup copies it in several seconds, one page a step. */
    private static void bigDatabase(Path db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("pragma page_size = 512");
            st.execute("create table t(b blob)");
            st.execute("with recursive n(i) as (select 1 union all select i + 1 from n where i < 60000) "
                    + "insert into t select zeroblob(1000) from n");
        }
    }

    private static List<Path> files(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }
}
