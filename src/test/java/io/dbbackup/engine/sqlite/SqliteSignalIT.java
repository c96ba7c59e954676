package io.dbbackup.engine.sqlite;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.DbbackupJar;
import io.dbbackup.testkit.DbbackupJar.Stopped;
import io.dbbackup.testkit.SmtpServer;
import io.dbbackup.testkit.UnwritableFile;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM, from outside, to the real launcher ({@code java -jar dbbackup.jar}) half way through the snapshot of a SQLite
 * database: the run ends with 143 within seconds, nothing is stored under a final key (the two earlier backups are all
 * the store holds), the retention of {@code backup --prune} does not run (it would leave one), the job's mail says it
 * was interrupted and what to run next, and the scratch folder is left empty.
 */
class SqliteSignalIT {
    @TempDir
    Path dir;
    SmtpServer smtp;

    @BeforeEach
    void start() {
        smtp = SmtpServer.plain();
    }

    @AfterEach
    void stop() {
        smtp.close();
    }

    @Test
    void sigtermHalfWayThroughASnapshotStopsItStoresNothingPrunesNothingAndMails() throws Exception {
        bigDatabase(dir.resolve("big.db"));
        assertInterruptedCleanly();
    }

    /**
     * The same with a database file this process cannot write (immutable): the snapshot's copy cannot be stopped
     * ({@link CopyThread}), so the run leaves it behind, and the process still exits at once with nothing stored.
     */
    @Test
    void sigtermHalfWayThroughASnapshotOfAFileThisProcessCannotWrite() throws Exception {
        Path db = dir.resolve("big.db");
        bigDatabase(db);
        try (UnwritableFile unwritable = UnwritableFile.of(db)) {
            assertInterruptedCleanly();
        }
    }

    private void assertInterruptedCleanly() throws Exception {
        Path scratch = Files.createDirectories(dir.resolve("scratch"));
        config("", "");
        for (int i = 0; i < 2; i++) {
            Cli.Result r = new Cli().workingDir(dir).env("DBBACKUP_TMPDIR", scratch.toString()).run("-c", "config.yaml", "backup", "big");
            assertThat(r.exit()).as(r.toString()).isZero();
        }
        List<Path> earlier = files(dir.resolve("store"));
        assertThat(earlier).as("two earlier backups with their sidecars").isNotEmpty();
        config(", pages_per_step: 1, sleep_interval: 1ms", "retention: {keep_last: 1}");

        Process p = DbbackupJar.start(dir, Map.of("DBBACKUP_TMPDIR", scratch.toString()), "backup", "big", "--prune");
        try {
            Stopped stopped = DbbackupJar.terminateWhen(p, dir, "the snapshot is being written",
                    () -> snapshotBytes(scratch) > 1_000_000, 200);
            assertThat(stopped.exit()).as("README: 143, terminated by SIGTERM").isEqualTo(143);
            assertThat(stopped.ms()).as("stops within seconds, not after the rest of the copy").isLessThan(5_000);
            assertThat(files(dir.resolve("store"))).as("nothing new under any key, nothing pruned").isEqualTo(earlier);
            assertThat(files(scratch)).as("no snapshot left in the scratch folder").isEmpty();
            assertThat(stopped.out()).containsPattern("(?m)^big +INTERRUPTED +1 ")
                    .contains("interrupted by SIGTERM; the partial backup was discarded");
            assertThat(stopped.out() + stopped.err()).doesNotContain("prune").doesNotContain("deleted");
            MimeMessage[] mails = smtp.await(1, Duration.ofSeconds(5));
            assertThat(mails).hasSize(1);
            assertThat(mails[0].getSubject()).startsWith("[dbbackup] INTERRUPTED: backup job big on ");
            assertThat(String.valueOf(mails[0].getContent())).contains("interrupted by SIGTERM")
                    .contains("the job's earlier backups are untouched")
                    .contains("Next: when the run may go on, run: dbbackup -c " + dir.resolve("config.yaml") + " backup big");
        } finally {
            p.destroyForcibly();
        }
    }

    private void config(String settings, String retention) throws IOException {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  big: {engine: sqlite, path: big.db, strategy: online%s}
                stores:
                  local: {type: local, path: store, fsync: false}
                notifications:
                %s
                jobs:
                  big:
                    datasource: big
                    store: local
                    notify: [{notifier: mail, on: failure}]
                    %s
                """.formatted(settings, SmtpServer.notifierYaml("mail", smtp.port()), retention));
    }

    private static long snapshotBytes(Path scratch) throws IOException {
        try (Stream<Path> s = Files.walk(scratch)) {
            return s.filter(f -> f.getFileName().toString().startsWith("sqlite-snapshot-") && Files.isRegularFile(f))
                    .mapToLong(f -> f.toFile().length()).sum();
        }
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
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
