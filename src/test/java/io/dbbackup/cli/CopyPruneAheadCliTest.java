package io.dbbackup.cli;

import io.dbbackup.testkit.BrokenStoreFixture;
import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code backup COPYJOB --prune} while a source backup is dated after this host's clock (another host's clock ahead,
 * within the tolerated hour): the copy copies the newest backup dated before the clock for that reason
 * ({@code Copier.select}), and its prune took the run's newest copy — the one dated ahead — for the backup the run
 * stored, so the "newest before the clock" rule never applied: it deleted the copy just made, and the next run copied
 * it again, to delete it again. The copy's prune now keeps what its copy keeps.
 */
class CopyPruneAheadCliTest {
    private static final Instant T = Instant.parse("2026-03-01T02:00:00Z");
    private static final String BEFORE = "offsite/app/app-20260301-020000.sqlite.gz";
    private static final String AHEAD = "offsite/app/app-20260301-023000.sqlite.gz";

    @TempDir
    Path dir;

    private Cli at(Instant now) {
        return new Cli().workingDir(dir).clock(Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void theCopyOfTheNewestBackupDatedBeforeTheClockSurvivesTheCopysPruneAndIsNotCopiedAgain() throws Exception {
        BrokenStoreFixture.write(dir, """
                  offsite: {type: local, path: offsite}
                jobs:
                  app: {datasource: app, store: local}
                  copy: {copy_of: app, store: offsite, retention: {keep_last: 1}}
                """);
        Cli.Result real = at(T).run("-c", "config.yaml", "backup", "app");
        assertThat(real.exit()).as(real.toString()).isZero();
        // another host of the job, its clock 30 minutes ahead, backs up 20 minutes later
        Cli.Result ahead = at(T.plus(Duration.ofMinutes(30))).run("-c", "config.yaml", "backup", "app");
        assertThat(ahead.exit()).as(ahead.toString()).isZero();

        Instant now = T.plus(Duration.ofMinutes(20));
        Cli.Result first = at(now).run("-c", "config.yaml", "backup", "copy", "--prune");
        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(first.out()).as(first.toString()).contains("copied 2 backups of job 'app'");
        assertThat(dir.resolve(AHEAD)).as("kept by keep_last: 1").exists();
        assertThat(dir.resolve(BEFORE)).as("copied for the newest dated before the clock, and kept by the copy's prune")
                .exists();
        // the source's backup dated ahead was made by another host whose clock runs ahead: the warning names that cause
        assertThat(first.err()).as(first.toString()).contains("kept a backup that retention "
                + "alone would delete: 1 backup is dated after this host's clock", "or another host whose clock runs ahead "
                + "made it (several hosts backing up this job, or a copy job's source host)", "compare `date` here and on "
                + "the host that made app/app-20260301-023000.sqlite.gz with a true clock");

        Cli.Result second = at(now.plusSeconds(60)).run("-c", "config.yaml", "backup", "copy", "--prune");
        assertThat(second.exit()).as(second.toString()).isZero();
        assertThat(second.out()).as("not copied again").contains("nothing new to copy")
                .doesNotContain("copied 1 backup");
        assertThat(dir.resolve(AHEAD)).exists();
        assertThat(dir.resolve(BEFORE)).exists();
    }
}
