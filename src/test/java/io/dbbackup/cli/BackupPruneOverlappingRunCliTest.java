package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code backup --prune} whose dump took 10 minutes while another run of the job (another host's, clocks right) stored a
 * backup 5 minutes after this one began: that one outranks the backup this run stored, which only its own reason keeps.
 * No clock is wrong, and none of the backups is dated after this host's clock, so the warning must not send the user
 * to look for one first: it names the overlapping run, the dates, and how to tell it from a clock ahead by less.
 */
class BackupPruneOverlappingRunCliTest {
    private static final Instant T = Instant.parse("2026-03-04T10:00:00Z");

    @TempDir
    Path dir;

    /** T until the run's prune begins (the dump took 10 minutes), T + 10m from then on. */
    private static final class LongDumpClock extends Clock {
        private final AtomicBoolean pruning = new AtomicBoolean();

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            if (!pruning.get() && StackWalker.getInstance().walk(s -> s.anyMatch(f -> f.getClassName()
                    .equals("io.dbbackup.job.Pruner")))) {
                pruning.set(true);
            }
            return pruning.get() ? T.plus(Duration.ofMinutes(10)) : T;
        }
    }

    @Test
    void theWarningNamesTheOverlappingRunWhenNoBackupIsDatedAfterThisHostsClock() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  app: {datasource: app, store: local, retention: {keep_last: 1}}
                """);
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.db")); var s = c.createStatement()) {
            s.execute("create table t(v text)");
        }
        Path folder = Files.createDirectories(dir.resolve("store/app"));
        String other = "app/app-20260304-100500.sqlite.gz"; // the other run's, stored while this one dumped
        Files.writeString(folder.resolve("app-20260304-100500.sqlite.gz"), "another run's backup");
        Files.writeString(folder.resolve("app-20260304-100500.sqlite.gz.sha256"), "its sidecar");

        Cli.Result r = new Cli().workingDir(dir).clock(new LongDumpClock()).run("-c", "config.yaml", "backup", "app",
                "--prune");

        String stored = "app/app-20260304-100000.sqlite.gz";
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(dir.resolve("store/" + stored)).exists();
        assertThat(r.err().lines().filter(l -> l.contains("WARN"))).as(r.err()).containsExactly(
                "2026-03-04T10:10:00Z WARN  kept the backup this run stored, which retention alone would "
                + "delete: 1 backup is dated after it (2026-03-04 10:00:00 UTC) but none after this host's clock (now "
                + "2026-03-04 10:10:00 UTC; latest " + other + ", 5m after it): another run of this job made it while this "
                + "one ran (on this host or another; another host whose clock runs ahead by less than this run took looks "
                + "the same); to tell which, compare `date` on the host that made " + other + " with a true clock "
                + "(`chronyc tracking`): fix NTP if it is off; if it is not, keep runs of this job from overlapping; a "
                + "later prune decides about this backup by the rules job=app key=" + stored);
    }
}
