package io.dbbackup.cli;

import io.dbbackup.testkit.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An online backup of a SQLite database its application writes many times a second, the built jar in a mount namespace
 * of its own ({@code unshare -rm}) where the database's folder is bound read-only onto itself (a container's {@code -v
 * /srv:/srv:ro}) while this test writes it through the normal path, as the application would. SQLite opens the file
 * read-only for the backup and then grants {@code BEGIN IMMEDIATE} as a read transaction. In WAL mode that holds no
 * writer off, yet the writer hold said "writers wait for the rest of the copy"; now it says they cannot be held off and
 * what to do. In rollback-journal mode the read transaction's shared lock does keep the writers' commits waiting (as
 * {@code VACUUM INTO}'s does): the hold is taken and said, as before.
 */
class SqliteBusyWriterReadOnlyMountIT {
    @TempDir
    Path dir;

    @Test
    void aBusyWalDatabaseOnAReadOnlyMountIsNotSaidToHoldItsWriters() throws Exception {
        String out = backUpWhileWritten("wal");
        assertThat(out).doesNotContain("writers wait");
        assertThat(out).contains("SQLite database " + dir.resolve("live/app.db") + " keeps being written during its "
                + "online backup, which starts over after each write, and this process may not write it (SQLite opened "
                + "it read-only), so its writers cannot be held off: the copy goes on without pauses between steps "
                + "and may not finish before the job's timeout (use strategy: vacuum, or give the backup write access to the database file)");
    }

    /** Rollback-journal mode: the hold's read transaction keeps the writers' commits waiting, and that is said. */
    @Test
    void aBusyRollbackJournalDatabaseOnAReadOnlyMountHoldsItsWritersAndSaysSo() throws Exception {
        String out = backUpWhileWritten("delete");
        assertThat(out).contains("writers wait for the rest of the copy").contains("exit=0");
    }

    private String backUpWhileWritten(String journalMode) throws Exception {
        Path jar = Path.of(System.getProperty("dbbackup.jar", "target/dbbackup.jar")).toAbsolutePath();
        assertThat(jar).as("the shaded jar (mvn package)").exists();
        Path db = Files.createDirectories(dir.resolve("live")).resolve("app.db");
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
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: live/app.db, strategy: online, pages_per_step: 5, sleep_interval: 10ms}
                stores:
                  local: {type: local, path: store, fsync: false}
                jobs:
                  nightly: {datasource: app, store: local, timeout: 6s}
                """);
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
        Shell.Result r;
        try {
            while (beats.get() < 5) {
                Thread.sleep(5);
            }
            String dbbackup = Path.of(System.getProperty("java.home"), "bin", "java") + " -XX:+UseSerialGC -jar " + jar
                    + " -c config.yaml backup nightly --no-progress";
            r = Shell.run(dir, "unshare", "-rm", "bash", "-c", "set -u; mount --bind live live && "
                    + "mount -o remount,ro,bind live && touch live/probe 2> /dev/null || echo 'read-only now'; "
                    + dbbackup + "; echo \"exit=$?\"");
        } finally {
            stop.set(true);
            writer.get(60, TimeUnit.SECONDS);
        }
        String out = r.output();
        assertThat(out).as("unshare and mount").doesNotContain("unshare:").doesNotContain("mount:").contains("read-only now");
        return out;
    }
}
