package io.dbbackup.engine.sqlite;

import io.dbbackup.core.Log;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.OperationContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A snapshot cancelled half way (a job's timeout, a signal, a store that failed) on a database whose copy takes seconds:
 * the copy ends within a bound of the cancellation, not at the end of the copy, and its snapshot file is gone.
 */
class SqliteSnapshotCancelTest {
    /** From the cancellation to the end of the copy's thread, at most (the copy alone takes seconds more). */
    private static final long PROMPT_MS = 1_500;

    @TempDir
    Path dir;

    /**
     * {@code VACUUM INTO} runs on the operation's own thread: {@code sqlite3_interrupt} ends it. The cancellation comes
     * as the snapshot is being written.
     */
    @Test
    void aVacuumIntoCancelledHalfWayEndsPromptlyAndLeavesNoSnapshot() throws Exception {
        Path db = dir.resolve("big.db");
        bigDatabase(db);
        Path scratch = dir.resolve("scratch");
        Cancellation cancellation = new Cancellation();
        OperationContext ctx = new OperationContext(cancellation, new Log(new PrintWriter(new StringWriter(), true),
                Log.Format.TEXT, Log.Level.INFO, Clock.systemUTC()), scratch);
        SqliteEngine engine = new SqliteEngine(db, "big", SqliteEngine.Strategy.VACUUM, 100, Duration.ofMillis(10));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread dump = new Thread(() -> {
            try {
                engine.dump(OutputStream.nullOutputStream(), ctx);
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "dump");
        dump.start();
        try {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (snapshotBytes(scratch) < 2_000_000 && dump.isAlive() && System.nanoTime() < until) {
                Thread.sleep(2);
            }
            assertThat(dump.isAlive()).as("the copy is still running when cancelled (%s)", failure.get()).isTrue();
            long t0 = System.nanoTime();
            cancellation.cancel("timeout");
            dump.join(10_000);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(dump.isAlive()).as("the copy's thread ended").isFalse();
            assertThat(ms).as("the copy ended within %d ms of the cancellation, not after the whole copy", PROMPT_MS)
                    .isLessThan(PROMPT_MS);
            assertThat(failure.get()).as("the dump ends as cancelled").isInstanceOf(InterruptedIOException.class);
            assertThat(files(scratch)).as("no snapshot left in the scratch folder").isEmpty();
        } finally {
            cancellation.cancel("test over");
            dump.join(60_000);
        }
    }

    /**
     * The cancellation comes after the caller's last check and before its statement starts (while it is prepared):
     * SQLite forgets an interrupt made while none of the connection's statements runs, and the {@code VACUUM INTO} that
     * starts next used to run to its end.
     */
    @Test
    void aCancellationJustBeforeTheVacuumIntoStartsStillEndsIt() throws Exception {
        Path db = dir.resolve("big.db");
        bigDatabase(db);
        Path snapshot = dir.resolve("snapshot.db");
        Cancellation cancellation = new Cancellation();
        try (Connection c = SqliteEngine.open(db, true); Statement st = c.createStatement();
             InterruptOnCancel stop = InterruptOnCancel.of(c, cancellation)) {
            cancellation.cancel("timeout");
            long t0 = System.nanoTime();
            Throwable thrown = null;
            try {
                st.execute("VACUUM INTO '" + snapshot + "'");
            } catch (java.sql.SQLException e) {
                thrown = e;
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(thrown).as("the VACUUM INTO is interrupted, not run to its end (%d ms)", ms).isNotNull();
            assertThat(ms).as("interrupted within %d ms", PROMPT_MS).isLessThan(PROMPT_MS);
        }
    }

    private static long snapshotBytes(Path scratch) throws IOException {
        if (!Files.isDirectory(scratch)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(scratch)) {
            return s.filter(f -> f.getFileName().toString().startsWith("sqlite-snapshot-")).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    /** ~60 MiB in 512-byte pages: a copy of it takes seconds. */
    static void bigDatabase(Path db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("pragma page_size = 512");
            st.execute("create table t(b blob)");
            st.execute("with recursive n(i) as (select 1 union all select i + 1 from n where i < 60000) "
                    + "insert into t select zeroblob(1000) from n");
        }
    }

    static List<Path> files(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }
}
