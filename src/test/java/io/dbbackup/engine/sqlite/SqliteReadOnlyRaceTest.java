package io.dbbackup.engine.sqlite;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.UnwritableFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The database file becomes unwritable (a remount read-only, {@code chattr +i}) just before the online copy opens it:
 * SQLite opens it read-only. The stop used to learn that from {@code Files.isWritable} checked a moment before the
 * open, so it took the file for writable, took the read transaction SQLite grants a read-only {@code BEGIN IMMEDIATE}
 * for its write lock, and the copy ran on to its last page after the run, writing its deleted snapshot whole. The
 * decision now comes from the opened connection: the copy pauses and, let go, holds nothing.
 */
class SqliteReadOnlyRaceTest {
    @TempDir
    Path dir;

    private final AtomicReference<UnwritableFile> unwritable = new AtomicReference<>();

    @AfterEach
    void writableAgain() throws IOException {
        SqliteEngine.beforeCopyOpens = () -> { };
        if (unwritable.get() != null) {
            unwritable.get().close();
        }
    }

    @Test
    void aFileMadeUnwritableJustBeforeTheCopyOpensItIsNotTakenForWritable() throws Exception {
        Path db = dir.resolve("big.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("pragma page_size = 512");
            st.execute("create table t(b blob)");
            st.execute("with recursive n(i) as (select 1 union all select i + 1 from n where i < 60000) "
                    + "insert into t select zeroblob(1000) from n");
        }
        assertThat(Files.isWritable(db)).as("writable when the run starts").isTrue();
        SqliteEngine.beforeCopyOpens = () -> {
            try {
                unwritable.set(UnwritableFile.of(db));
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        };
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  big: {engine: sqlite, path: big.db, strategy: online, pages_per_step: 1, sleep_interval: 1ms}
                stores:
                  local: {type: local, path: store, fsync: false}
                jobs:
                  big: {datasource: big, store: local, timeout: 1s}
                """);
        Path scratch = Files.createDirectories(dir.resolve("scratch"));
        Cli.Result r = new Cli().workingDir(dir).env("DBBACKUP_TMPDIR", scratch.toString()).run("-c", "config.yaml", "backup", "big");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.out()).as(r.toString()).contains("timed out after 1s");
        assertThat(unwritable.get()).as("the file was made unwritable before the copy opened it").isNotNull();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (heldBytes(scratch) > 0 && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(heldBytes(scratch)).as("bytes the paused copy's deleted snapshot holds after the run").isZero();
        Thread.sleep(1_500);
        assertThat(openSnapshot(scratch)).as("the copy, paused (not run on to its end), still holds its snapshot open "
                + "2 s after the run").isNotNull();
        assertThat(heldBytes(scratch)).as("bytes the paused copy wrote in the 1.5 s after it was emptied").isZero();
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
}
