package io.dbbackup.cli;

import io.dbbackup.testkit.BrokenStoreFixture;
import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code prune}'s table with a {@code retention.timezone}: its days are Berlin's, so two backups of one UTC date can both
 * be kept as "daily" (23:30 UTC is the next day in Berlin). The table showed bare UTC times, unlabelled, which read as
 * local and as a retention bug; it shows the times in the zone its periods are counted in, with their offset, and says so.
 */
class PruneTimeZoneCliTest {
    @TempDir
    Path dir;

    private Cli at(String now) {
        return new Cli().workingDir(dir).clock(Clock.fixed(Instant.parse(now), ZoneOffset.UTC));
    }

    @Test
    void theTableShowsTimesInTheZoneItsPeriodsAreCountedIn() throws Exception {
        BrokenStoreFixture.write(dir, """
                jobs:
                  app: {datasource: app, store: local, retention: {keep_daily: 2, timezone: Europe/Berlin}}
                  utc: {datasource: app, store: local, prefix: utc, retention: {keep_daily: 2}}
                """);
        for (String t : new String[] {"2026-03-08T22:30:00Z", "2026-03-09T22:30:00Z", "2026-03-09T23:30:00Z"}) {
            Cli.Result r = at(t).run("-c", "config.yaml", "backup", "app", "utc");
            assertThat(r.exit()).as(r.toString()).isZero();
        }
        Cli.Result r = at("2026-03-10T02:00:00Z").run("-c", "config.yaml", "prune", "app", "--dry-run");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("""
                job app: keep 2, would delete 1
                  rules: keep_daily 2 (periods in Europe/Berlin); a backup no rule keeps would be deleted with its .sha256 and .manifest.json
                  times in Europe/Berlin (retention.timezone: its hours, days, weeks, months and years); keys are in UTC
                  keep    2026-03-10 00:30:00 +01:00  app/app-20260309-233000.sqlite.gz  [daily 1/2]
                  keep    2026-03-09 23:30:00 +01:00  app/app-20260309-223000.sqlite.gz  [daily 2/2]
                  delete? 2026-03-08 23:30:00 +01:00  app/app-20260308-223000.sqlite.gz
                """);

        Cli.Result utc = at("2026-03-10T02:00:00Z").run("-c", "config.yaml", "prune", "utc", "--dry-run");
        assertThat(utc.out()).as("UTC, as before").isEqualTo("""
                job utc: keep 2, would delete 1
                  rules: keep_daily 2 (periods in UTC); a backup no rule keeps would be deleted with its .sha256 and .manifest.json
                  keep    2026-03-09 23:30:00  utc/app/app-20260309-233000.sqlite.gz  [daily 1/2]
                  keep    2026-03-08 22:30:00  utc/app/app-20260308-223000.sqlite.gz  [daily 2/2]
                  delete? 2026-03-09 22:30:00  utc/app/app-20260309-223000.sqlite.gz
                """);
    }
}
