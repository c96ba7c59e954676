package io.dbbackup.engine.sqlite;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A long-running scheduler runs backups in one process for months: a descriptor a backup left open (its snapshot, its
 * journal, the database) would add up to the process's limit. Counted in {@code /proc/self/fd} before and after runs in
 * this process: a finished backup of either strategy, and one stopped by its job's timeout (the copy ended by the stop's
 * lock, or by an application's lock let go), leave none. (A copy paused on a file this process cannot write is the
 * exception: it keeps the database, its emptied snapshot and journal open until the process exits; see DECISIONS.)
 */
class SqliteBackupHandlesTest {
    @TempDir
    Path dir;

    private int runs;

    @Test
    void finishedBackupsLeaveNoDescriptorOpen() throws Exception {
        database(2_000);
        for (String strategy : List.of("online", "vacuum")) {
            config("strategy: " + strategy, "");
            run(0); // classes, the native library, the log: whatever a first run opens for good
            List<String> before = descriptors();
            for (int i = 0; i < 5; i++) {
                run(0);
            }
            assertThat(settled(before)).as("descriptors left open by 5 finished %s backups", strategy).isEmpty();
        }
    }

    @Test
    void backupsStoppedByTheirTimeoutLeaveNoDescriptorOpen() throws Exception {
        database(60_000);
        config("strategy: online, pages_per_step: 1, sleep_interval: 1ms", ", timeout: 1s");
        run(2);
        List<String> before = descriptors();
        run(2);
        assertThat(added(before)).as("descriptors left open by a copy its stop ended").isEmpty();
        try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.db"));
             Statement st = app.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            run(2);
            st.execute("ROLLBACK");
        }
        long until = System.nanoTime() + 5_000_000_000L;
        while (!added(before).isEmpty() && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(added(before)).as("descriptors left open by a copy paused on an application's lock, once let go")
                .isEmpty();
    }

    private void database(int rows) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.db"));
             Statement st = c.createStatement()) {
            st.execute("pragma page_size = 512");
            st.execute("create table t(b blob)");
            st.execute("with recursive n(i) as (select 1 union all select i + 1 from n where i < " + rows + ") "
                    + "insert into t select zeroblob(1000) from n");
        }
    }

    private void config(String settings, String job) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db, %s}
                stores:
                  local: {type: local, path: store, fsync: false}
                jobs:
                  app: {datasource: app, store: local%s}
                """.formatted(settings, job));
    }

    private void run(int exit) {
        runs++; // a minute apart: two runs never name the same backup
        Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(60L * runs), ZoneOffset.UTC);
        Cli.Result r = new Cli().workingDir(dir).clock(clock).run("-c", "config.yaml", "backup", "app");
        assertThat(r.exit()).as(r.toString()).isEqualTo(exit);
    }

    /**
     * {@link #added}, once what is open only for a moment has closed: the JVM itself reads files on other threads at
     * any time (its cgroup limits, /sys/fs/cgroup/memory/…/memory.limit_in_bytes, seen open once in a full CI run).
     * A descriptor a backup left open stays.
     */
    private static List<String> settled(List<String> before) throws Exception {
        long until = System.nanoTime() + 3_000_000_000L;
        List<String> added = added(before);
        while (!added.isEmpty() && System.nanoTime() < until) {
            Thread.sleep(20);
            added = added(before);
        }
        return added;
    }

    private static List<String> added(List<String> before) throws Exception {
        List<String> now = descriptors();
        for (String fd : before) {
            now.remove(fd);
        }
        return now;
    }

    /** What each of this process's descriptors names. */
    private static List<String> descriptors() throws Exception {
        List<String> names = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    names.add(Files.readSymbolicLink(fd).toString());
                } catch (java.io.IOException closedMeanwhile) {
                    // the listing's own descriptor, or one closed meanwhile
                }
            }
        }
        return names;
    }
}
