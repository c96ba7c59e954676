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
 * An auditor reading {@code prune --dry-run}: each kept backup says which rule keeps it, but before, the table said
 * nothing of the rules themselves, so a {@code delete?} line could not be checked against them without the config, nor
 * that its {@code .sha256} and {@code .manifest.json} go with it. The job's rules are now one line under its header.
 */
class PruneDryRunRulesCliTest {
    private static final Instant FIRST = Instant.parse("2026-03-01T02:00:00Z");

    @TempDir
    Path dir;

    private Cli at(Instant now) {
        return new Cli().workingDir(dir).clock(Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void theDryRunNamesTheJobsRulesAndWhatGoesWithEachDeletedBackup() throws Exception {
        BrokenStoreFixture.write(dir, """
                jobs:
                  app: {datasource: app, store: local, retention: {keep_last: 1, keep_weekly: 2, timezone: Europe/Berlin}}
                  all: {datasource: app, store: local, prefix: all}
                """);
        BrokenStoreFixture.backUpDaily(this::at, FIRST, 3, "app", "all");
        Cli.Result r = at(FIRST.plusSeconds(86_400L * 3)).run("-c", "config.yaml", "prune", "--all", "--dry-run");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).as(r.toString())
                .contains("job app: keep 2, would delete 1\n  rules: keep_last 1, keep_weekly 2 (periods in Europe/Berlin); "
                        + "a backup no rule keeps would be deleted with its .sha256 and .manifest.json\n")
                .contains("job all: keep 3, would delete 0\n  rules: none (every backup is kept)\n");
        r = at(FIRST.plusSeconds(86_400L * 3)).run("-c", "config.yaml", "prune", "app");
        assertThat(r.out()).as(r.toString()).contains("job app: keep 2, deleted 1\n  rules: keep_last 1, keep_weekly 2 "
                + "(periods in Europe/Berlin); a backup no rule keeps is deleted with its .sha256 and .manifest.json\n");
    }
}
