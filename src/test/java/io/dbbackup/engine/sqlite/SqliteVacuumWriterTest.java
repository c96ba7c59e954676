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
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code strategy: vacuum} on a WAL database: the README said {@code VACUUM INTO} "blocks writers while it runs", which
 * holds in rollback-journal mode only (its shared lock keeps their commits waiting; measured: a commit waited the whole
 * 1.3 s of the vacuum). In WAL mode it reads in one read transaction and an application's writes commit meanwhile.
 * The vacuum's span is seen from the scratch folder: from its snapshot's first appearance to the snapshot's {@code -wal}
 * (made when the snapshot is switched to WAL, right after the vacuum).
 */
class SqliteVacuumWriterTest {
    @TempDir
    Path dir;

    @Test
    void anApplicationsWritesCommitWhileAVacuumOfAWalDatabaseRuns() throws Exception {
        Path db = dir.resolve("app.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("pragma journal_mode = wal");
            st.execute("create table blob(b blob)");
            st.execute("create table beat(n integer)");
            st.execute("insert into beat values (0)");
            st.execute("with recursive n(i) as (select 1 union all select i + 1 from n where i < 25000) "
                    + "insert into blob select randomblob(4000) from n"); // ~100 MiB: the vacuum takes a while
        }
        Path scratch = dir.resolve("scratch");
        AtomicBoolean stop = new AtomicBoolean();
        List<long[]> commits = new CopyOnWriteArrayList<>(); // {began, committed}, System.nanoTime()
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
                st.execute("pragma busy_timeout = 60000");
                while (!stop.get()) {
                    long began = System.nanoTime();
                    st.execute("update beat set n = n + 1");
                    commits.add(new long[] {began, System.nanoTime()});
                    Thread.sleep(2);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        AtomicLong vacuumSeen = new AtomicLong();
        AtomicLong vacuumDone = new AtomicLong();
        CompletableFuture<Void> watcher = CompletableFuture.runAsync(() -> {
            while (vacuumDone.get() == 0 && !stop.get()) {
                try (Stream<Path> files = Files.exists(scratch) ? Files.list(scratch) : Stream.empty()) {
                    for (Path f : files.toList()) {
                        String name = f.getFileName().toString();
                        if (name.startsWith("sqlite-snapshot-") && name.endsWith(".db")) {
                            vacuumSeen.compareAndSet(0, System.nanoTime());
                        } else if (name.startsWith("sqlite-snapshot-") && name.endsWith(".db-wal")) {
                            vacuumDone.compareAndSet(0, System.nanoTime());
                        }
                    }
                } catch (java.io.IOException | java.io.UncheckedIOException goneMeanwhile) {
                    // listed again
                }
            }
        });
        StringWriter log = new StringWriter();
        OperationContext ctx = new OperationContext(new Cancellation(),
                new Log(new PrintWriter(log, true), Log.Format.TEXT, Log.Level.INFO, Clock.systemUTC()), scratch);
        try {
            while (commits.size() < 5) {
                Thread.sleep(5);
            }
            SqliteEngine engine = new SqliteEngine(db, "app", SqliteEngine.Strategy.VACUUM, 100, Duration.ofMillis(10));
            try (OutputStream o = Files.newOutputStream(dir.resolve("backup.db"))) {
                engine.dump(o, ctx);
            }
        } finally {
            stop.set(true);
            writer.get(60, TimeUnit.SECONDS);
            watcher.get(60, TimeUnit.SECONDS);
        }
        long from = vacuumSeen.get();
        long to = vacuumDone.get();
        assertThat(from).as("the vacuum's snapshot was seen").isPositive();
        assertThat(to).as("the snapshot's switch to WAL, right after the vacuum, was seen").isPositive();
        long during = commits.stream().filter(c -> c[0] > from && c[1] < to).count();
        assertThat(during).as("the application's commits begun and done during the vacuum's %d ms",
                (to - from) / 1_000_000).isGreaterThanOrEqualTo(3);
    }
}
