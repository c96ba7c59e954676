package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SteppingClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * NTP steps the clock back 10 minutes while a backup runs: the summary, its JSON and the notifications said it took
 * {@code -600000ms}. A duration is never negative.
 */
class ClockStepBackDuringBackupCliTest {
    @TempDir
    Path dir;

    /** {@code t} for the first three readings (the run starts, the key is named), then 10 minutes earlier. */
    /** A job {@code app} backing up a SQLite database with one table into a local store. */
    private void sqliteJob() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  app: {datasource: app, store: local}
                """);
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.db")); var s = c.createStatement()) {
            s.execute("create table t(v text)");
        }
    }

    private static Clock steppingBack(Instant t) {
        return new SteppingClock(n -> n <= 3 ? t : t.minusSeconds(600));
    }

    @Test
    void aBackupDuringWhichTheClockSteppedBackDidNotTakeANegativeTime() throws Exception {
        sqliteJob();
        Instant t = Instant.parse("2026-03-04T10:00:00Z");
        Cli.Result r = new Cli().workingDir(dir).clock(steppingBack(t)).run("-c", "config.yaml", "backup", "app", "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).as(r.toString()).contains("\"duration_ms\": 0,").doesNotContain("-600000");
        Cli.Result text = new Cli().workingDir(dir).clock(steppingBack(t.plusSeconds(3600))).run("-c", "config.yaml", "backup", "app");
        assertThat(text.exit()).as(text.toString()).isZero();
        assertThat(text.out()).as(text.toString()).contains("app/app-20260304-110000.sqlite.gz").doesNotContain("-600000");
        // notifiers (webhook duration_ms, pushgateway, mail) see it as a JobReport, which says zero as well
        assertThat(new io.dbbackup.spi.JobReport("app", io.dbbackup.spi.JobReport.Operation.BACKUP,
                io.dbbackup.spi.JobReport.Outcome.SUCCESS, 1, t, java.time.Duration.ofMinutes(-10), "h", "k", 1, null, null, null, null, null, null)
                .duration()).isZero();
    }

    /**
     * The manifest of that backup says it finished 10 minutes before it started; {@code show} printed
     * {@code took -600000ms}. It says the time is unknown and why.
     */
    @Test
    void showOfABackupDuringWhichTheClockSteppedBackSaysNoNegativeTime() throws Exception {
        sqliteJob();
        Instant t = Instant.parse("2026-03-04T10:00:00Z");
        Cli.Result r = new Cli().workingDir(dir).clock(Clock.fixed(t, java.time.ZoneOffset.UTC)).run("-c", "config.yaml",
                "backup", "app");
        assertThat(r.exit()).as(r.toString()).isZero();
        // the step back between the manifest's two readings of the clock (where it falls among a run's readings varies)
        Path manifest = dir.resolve("store/app/app-20260304-100000.sqlite.gz.manifest.json");
        String written = Files.readString(manifest);
        assertThat(written).contains("\"finished\": \"2026-03-04T10:00:00Z\"");
        Files.writeString(manifest, written.replace("\"finished\": \"2026-03-04T10:00:00Z\"", "\"finished\": \"2026-03-04T09:50:00Z\""));
        Cli.Result show = new Cli().workingDir(dir).clock(Clock.fixed(t.plusSeconds(7200), java.time.ZoneOffset.UTC))
                .run("-c", "config.yaml", "show", "app");
        assertThat(show.exit()).as(show.toString()).isZero();
        assertThat(show.out()).as(show.toString()).doesNotContain("-600000").doesNotContain("took -")
                .contains("took an unknown time (it finished 10m before it started: this host's clock stepped back)");
    }
}
