package io.dbbackup.engine.sqlite;

import io.dbbackup.core.Log;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.OperationContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database its application writes many times a second: the online backup starts over after each write, and used to
 * run for ever (a job without a timeout hung; with one it failed every night). It must finish, consistent, and say
 * that writers waited.
 */
class SqliteBusyWriterTest {
    @TempDir
    Path dir;

    @Test
    void aDatabaseWrittenAllTheTimeIsStillBackedUp() throws Exception {
        assertThat(backUpWhileWritten("delete")).contains("was written " + WriterHold.MAX_RESTARTS
                + " times during its online backup, which starts over after each write: writers wait for the rest of the "
                + "copy (as with strategy: vacuum)");
    }

    /**
     * WAL mode: the hold keeps the writers waiting, but {@code VACUUM INTO} does not (it reads while they write), so the
     * warning no longer says "as with strategy: vacuum".
     */
    @Test
    void aWalDatabaseWrittenAllTheTimeIsHeldWithoutLikeningItToVacuum() throws Exception {
        assertThat(backUpWhileWritten("wal")).contains("was written " + WriterHold.MAX_RESTARTS
                + " times during its online backup, which starts over after each write: writers wait for the rest of the "
                + "copy (strategy: vacuum would not hold them: in WAL mode it reads while they write)")
                .doesNotContain("as with strategy: vacuum");
    }

    /** Backs up a database in {@code journalMode} that a writer updates every 40 ms; returns the log. */
    private String backUpWhileWritten(String journalMode) throws Exception {
        Path db = dir.resolve("busy.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("pragma journal_mode = " + journalMode);
            st.execute("create table blob(b blob)");
            st.execute("create table beat(n integer)");
            st.execute("insert into beat values (0)");
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("insert into blob values (randomblob(4000))")) {
                for (int i = 0; i < 1500; i++) { // ~6 MiB: 1,500 pages, 300 steps of 5 pages
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger beats = new AtomicInteger();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
                st.execute("pragma busy_timeout = 60000");
                while (!stop.get()) {
                    st.execute("update beat set n = n + 1");
                    beats.incrementAndGet();
                    Thread.sleep(40); // more often than the copy takes (300 steps with 10 ms pauses: 3 s and more)
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        StringWriter log = new StringWriter();
        OperationContext ctx = new OperationContext(new Cancellation(),
                new Log(new PrintWriter(log, true), Log.Format.TEXT, Log.Level.INFO, Clock.systemUTC()), dir.resolve("scratch"));
        Path out = dir.resolve("backup.db");
        try {
            while (beats.get() < 5) {
                Thread.sleep(5);
            }
            SqliteEngine engine = new SqliteEngine(db, "busy", SqliteEngine.Strategy.ONLINE, 5, Duration.ofMillis(10));
            CompletableFuture<Void> dump = CompletableFuture.runAsync(() -> {
                try (OutputStream o = Files.newOutputStream(out)) {
                    engine.dump(o, ctx);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            dump.get(60, TimeUnit.SECONDS); // started over for ever before
            // the writer's next beat, awaited rather than given a fixed 200 ms: on a loaded machine the writer's thread
            // may wake later than that; a writer the copy left blocked never beats again
            int during = beats.get();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (beats.get() <= during && System.nanoTime() < until && !writer.isDone()) {
                Thread.sleep(10);
            }
            assertThat(beats.get()).as("the writer goes on once the copy is done").isGreaterThan(during);
        } finally {
            stop.set(true);
            writer.get(60, TimeUnit.SECONDS);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + out); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select count(*) from blob")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1500);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + out); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("pragma integrity_check")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("ok");
        }
        return log.toString();
    }
}
