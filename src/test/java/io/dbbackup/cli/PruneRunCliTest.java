package io.dbbackup.cli;

import io.dbbackup.testkit.BrokenStoreFixture;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code prune} of several jobs as an unattended run: each job is pruned on its own, a job whose store fails is
 * reported and the others are still pruned, and the exit status is a backup run's (4 when some of several failed).
 */
class PruneRunCliTest {
    private static final Instant FIRST = Instant.parse("2026-03-01T02:00:00Z");

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        BrokenStoreFixture.write(dir, """
                jobs:
                  app: {datasource: app, store: local, retention: {keep_last: 1}}
                  broken: {datasource: app, store: broken, retention: {keep_last: 1}}
                  later: {datasource: app, store: local, prefix: later, retention: {keep_last: 1}}
                """);
        BrokenStoreFixture.backUpDaily(this::at, FIRST, 3, "app", "later");
    }

    private Cli at(Instant now) {
        return new Cli().workingDir(dir).clock(Clock.fixed(now, ZoneOffset.UTC));
    }

    private List<String> stored() throws Exception {
        try (Stream<Path> s = Files.walk(dir.resolve("store"))) {
            return s.filter(Files::isRegularFile).map(p -> dir.resolve("store").relativize(p).toString())
                    .filter(k -> !k.endsWith(".sha256") && !k.endsWith(".json")).sorted().toList();
        }
    }

    @Test
    void aJobWhoseStoreFailsIsReportedAndTheJobsAfterItAreStillPruned() throws Exception {
        Cli.Result r = at(FIRST.plusSeconds(86_400L * 3)).run("-c", "config.yaml", "prune", "--all");
        assertThat(r.exit()).as(r.toString()).isEqualTo(4);
        assertThat(r.out()).contains("job app: keep 1, deleted 2", "job later: keep 1, deleted 2")
                .contains("FAILED job broken: cannot list app/ in local " + dir.resolve("blocker") + ": the store's path is not a folder")
                .contains("2 of 3 jobs pruned, 1 failed (exit 4)");
        assertThat(r.err()).contains("ERROR cannot list app/ in local");
        assertThat(stored()).containsExactly("app/app-20260303-020000.sqlite.gz", "later/app/app-20260303-020000.sqlite.gz");
    }

    @Test
    void theJsonOfSeveralJobsHoldsEachFailureBesideTheDecisions() throws Exception {
        Cli.Result r = at(FIRST.plusSeconds(86_400L * 3)).run("-c", "config.yaml", "prune", "app", "broken", "--dry-run", "--json");
        assertThat(r.exit()).as(r.toString()).isEqualTo(4);
        assertThat(r.out()).containsPattern("\"job\" *: *\"app\",\\s*\"keep\"")
                .containsPattern("\"job\" *: *\"broken\",\\s*\"ok\" *: *false,\\s*\"exit\" *: *2,\\s*\"error\" *: *\"cannot list app/");
        assertThat(stored()).as("a dry run deletes nothing").hasSize(6);
    }

    /**
     * A backup named by a clock that ran ten years ahead would rank as the newest: keep_last 1 would keep it and delete
     * every real backup. Nothing is pruned then; a backup a few minutes ahead (hosts drift) is pruned as usual.
     */
    @Test
    void aBackupDatedAfterThisHostsClockStopsThePruneOfItsJob() throws Exception {
        Instant now = FIRST.plusSeconds(86_400L * 3);
        assertThat(at(now.plus(java.time.Duration.ofDays(3650))).run("-c", "config.yaml", "backup", "app").exit()).isZero();
        Cli.Result r = at(now).run("-c", "config.yaml", "prune", "app");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("error: job app: 1 backup is dated after this host's clock (now 2026-03-04 02:00:00 UTC; "
                + "latest app/app-20360301-020000.sqlite.gz): retention would take it for the newest", "so nothing was pruned");
        assertThat(at(now).run("-c", "config.yaml", "prune", "app", "--dry-run").exit()).isEqualTo(2);

        Cli.Result backup = at(now).run("-c", "config.yaml", "backup", "app", "--prune");
        assertThat(backup.exit()).as(backup.toString()).isEqualTo(2);
        assertThat(backup.out()).contains("backup stored as app/app-20260304-020000.sqlite.gz but pruning failed: job app: 1 backup");
        assertThat(stored()).as("nothing deleted, the new backup stored").hasSize(8);

        Files.delete(dir.resolve("store/app/app-20360301-020000.sqlite.gz")); // the human's fix
        assertThat(at(now.minus(java.time.Duration.ofMinutes(30))).run("-c", "config.yaml", "prune", "app").exit())
                .as("a backup half an hour ahead of this clock: within the drift allowed").isZero();
        // the newest dated before this clock is kept too (it may have been made after the clock stepped back)
        assertThat(stored()).contains("app/app-20260304-020000.sqlite.gz", "app/app-20260303-020000.sqlite.gz")
                .doesNotContain("app/app-20260302-020000.sqlite.gz");
        assertThat(at(now).run("-c", "config.yaml", "prune", "app").exit()).isZero();
        assertThat(stored()).contains("app/app-20260304-020000.sqlite.gz").doesNotContain("app/app-20260303-020000.sqlite.gz");
    }

    @Test
    void oneNamedJobThatFailsIsTheCommandsErrorAsBefore() throws Exception {
        Cli.Result r = at(FIRST.plusSeconds(86_400L * 3)).run("-c", "config.yaml", "prune", "broken");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("error: cannot list app/ in local " + dir.resolve("blocker"));
        Cli.Result allFailed = at(FIRST.plusSeconds(86_400L * 3)).run("-c", "config.yaml", "prune", "broken", "broken");
        assertThat(allFailed.exit()).as("every one of several failed alike: that status").isEqualTo(2);
        assertThat(allFailed.out()).contains("0 of 2 jobs pruned, 2 failed (exit 2)");
        assertThat(stored()).hasSize(6);
    }

    /** prune JOB --json that fails: its failure row on stdout (as under --all), the error on stderr, its exit code. */
    @Test
    void oneNamedJobThatFailsWithJsonPrintsTheRowItHasUnderAll() throws Exception {
        Cli.Result r = at(FIRST.plusSeconds(86_400L * 3)).run("-c", "config.yaml", "prune", "broken", "--json");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        java.util.Map<?, ?> row = (java.util.Map<?, ?>) io.dbbackup.core.Json.parse(r.out());
        assertThat(row.get("job")).isEqualTo("broken");
        assertThat(row.get("ok")).isEqualTo(false);
        assertThat(((Number) row.get("exit")).intValue()).isEqualTo(2);
        assertThat((String) row.get("error")).startsWith("cannot list app/ in local " + dir.resolve("blocker"));
        assertThat(row.containsKey("notify_failed")).as("no notify_failed without --notify").isFalse();
        assertThat(r.err()).contains("cannot list app/ in local " + dir.resolve("blocker"));
        assertThat(stored()).hasSize(6);
    }
}
