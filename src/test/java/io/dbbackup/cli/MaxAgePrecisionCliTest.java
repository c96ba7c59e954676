package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code verify --max-age}: the age is said as precisely as the limit needs, never {@code 0m old} beside {@code 20s}. */
class MaxAgePrecisionCliTest {
    private static final Instant TAKEN = Instant.parse("2026-03-01T02:00:00Z");

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 20);
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  app: {datasource: app, store: local}
                """);
        assertThat(at(TAKEN).run("-c", "config.yaml", "backup", "app").exit()).isZero();
    }

    private Cli at(Instant now) {
        return new Cli().workingDir(dir).clock(Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void anAgeUnderAFewMinutesOrALimitInSecondsIsSaidInSeconds() {
        Cli.Result r = at(TAKEN.plusSeconds(45)).run("-c", "config.yaml", "verify", "app", "--max-age", "20s");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("the newest backup of job app is 45s old, older than --max-age 20s: app/app-20260301-020000.sqlite.gz");
        assertThat(r.out()).contains("STALE  app/app-20260301-020000.sqlite.gz: 45s old (--max-age 20s)");

        Cli.Result minutes = at(TAKEN.plusSeconds(200)).run("-c", "config.yaml", "verify", "app", "--max-age", "3m");
        assertThat(minutes.exit()).as(minutes.toString()).isEqualTo(2);
        assertThat(minutes.err()).contains("is 3m 20s old, older than --max-age 3m: ");

        Cli.Result limitInSeconds = at(TAKEN.plus(Duration.ofMinutes(12)).plusSeconds(7)).run("-c", "config.yaml", "verify", "app",
                "--max-age", "90s");
        assertThat(limitInSeconds.err()).contains("is 12m 07s old, older than --max-age 90s: ");
    }

    /** Guard: a limit of hours keeps the age to the minute, as before. */
    @Test
    void aLimitOfHoursKeepsTheAgeToTheMinute() {
        Cli.Result r = at(TAKEN.plus(Duration.ofHours(30)).plusSeconds(42)).run("-c", "config.yaml", "verify", "app", "--max-age", "26h");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("the newest backup of job app is 1d 06h old, older than --max-age 26h: ");
    }
}
