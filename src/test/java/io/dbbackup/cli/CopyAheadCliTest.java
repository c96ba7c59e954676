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
 * A copy job whose source holds a backup named by a clock that ran ahead: its retention (keep_last 1) wanted only that
 * backup, so each real backup made since was left uncopied — exit 0, "nothing new to copy", no warning. It now stops
 * as prune does (exit 2, nothing copied) and says why.
 */
class CopyAheadCliTest {
    private static final Instant T = Instant.parse("2026-03-01T02:00:00Z");

    @TempDir
    Path dir;

    private Cli at(Instant now) {
        return new Cli().workingDir(dir).clock(Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void aSourceBackupDatedAfterThisHostsClockStopsTheCopy() throws Exception {
        BrokenStoreFixture.write(dir, """
                  offsite: {type: local, path: offsite}
                jobs:
                  app: {datasource: app, store: local}
                  copy: {copy_of: app, store: offsite, retention: {keep_last: 1}}
                """);
        Cli.Result ahead = at(T.plus(Duration.ofHours(3))).run("-c", "config.yaml", "backup", "app", "copy");
        assertThat(ahead.exit()).as(ahead.toString()).isZero();

        Cli.Result r = at(T).run("-c", "config.yaml", "backup", "app", "copy");
        // the source's backup fails too: stored, but dated before the one ahead (BackupBehindClockCliTest)
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.out()).contains("backup stored as app/app-20260301-020000.sqlite.gz but 1 backup of job app is dated after it");
        assertThat(r.out()).contains("app/app-20260301-020000.sqlite.gz")
                .contains("job copy: backup app/app-20260301-050000.sqlite.gz (of job 'app') is dated 3h 00m after this "
                        + "host's clock: the copy's retention would take it for the newest and leave the backups made since "
                        + "uncopied, so nothing was copied");
        assertThat(dir.resolve("offsite/app/app-20260301-020000.sqlite.gz")).doesNotExist();

        assertThat(at(T.plus(Duration.ofHours(2).plusMinutes(30))).run("-c", "config.yaml", "backup", "copy").exit())
                .as("within the tolerated drift: copied by the rules as before").isZero();
    }
}
