package io.dbbackup.cli;

import io.dbbackup.core.Json;
import io.dbbackup.testkit.BrokenStoreFixture;
import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code backup --prune} on a store whose lock (S3 Object Lock, played by the faulty store's {@code hold}) refuses the
 * delete of one expired backup: the backup the run took is stored and said so, the held one is named and kept, the
 * other expired one deleted, and the job fails as any backup whose prune failed (exit 2; in a run of several, 4).
 */
class BackupPruneHeldIT {
    private static final Instant FIRST = Instant.parse("2026-03-01T02:00:00Z");
    private static final String HELD = "app/app-20260302-020000.sqlite.gz";
    private static final String NEW = "app/app-20260304-020000.sqlite.gz";

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        BrokenStoreFixture.write(dir, """
                  locked: {type: faulty, path: store, hold: 'app-20260302-020000\\.sqlite\\.gz$'}
                jobs:
                  app: {datasource: app, store: locked, retention: {keep_last: 1}}
                  other: {datasource: app, store: local, prefix: other, retention: {keep_last: 1}}
                """);
        BrokenStoreFixture.backUpDaily(this::at, FIRST, 3, "app", "other");
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
    void theBackupIsStoredTheHeldOneNamedAndTheJobFailsWithExit2() throws Exception {
        Cli.Result r = at(FIRST.plusSeconds(86_400L * 3)).run("-c", "config.yaml", "backup", "app", "--prune");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.out() + r.err()).contains("backup stored as " + NEW + " but pruning failed: prune of job app: 1 backup "
                + "not deleted, held by a lock on the store (Object Lock retention or legal hold, an Azure immutability "
                + "policy or legal hold, or the service's WORM setting): " + HELD + "; kept whole").contains("object protected by object lock")
                .contains("deleted: app/app-20260303-020000.sqlite.gz, app/app-20260301-020000.sqlite.gz");
        assertThat(r.out().lines().filter(l -> l.startsWith("app ")).findFirst().orElseThrow())
                .as("the row gives the stored backup's size, not '-' as for a job that stored nothing")
                .containsPattern("FAILED +1 +\\S+ +[0-9.]+ [KMG]?i?B +backup stored as " + NEW);
        assertThat(stored()).as("the new backup and the held one; the other expired one deleted")
                .contains(NEW, HELD).doesNotContain("app/app-20260301-020000.sqlite.gz", "app/app-20260303-020000.sqlite.gz");
        assertThat(Files.exists(dir.resolve("store/" + HELD + ".sha256"))).as("kept whole").isTrue();
        assertThat(LoggedOnce.line(r.err(), "the store refused the delete", HELD))
                .contains("WARN  kept a backup that retention deletes: the store refused the delete, the object is held by a "
                        + "lock (");
    }

    @Test
    void inARunOfSeveralJobsTheOthersArePrunedAndTheRunIsPartial() throws Exception {
        Cli.Result r = at(FIRST.plusSeconds(86_400L * 3)).run("-c", "config.yaml", "backup", "--all", "--prune", "--json");
        assertThat(r.exit()).as(r.toString()).isEqualTo(4);
        List<?> jobs = (List<?>) ((Map<?, ?>) Json.parse(r.out())).get("jobs");
        Map<?, ?> app = (Map<?, ?>) jobs.get(0);
        assertThat(app.get("key")).as("the stored backup is in the failed row").isEqualTo(NEW);
        assertThat(app.get("pruned")).isEqualTo(false);
        assertThat((String) app.get("error")).contains("backup stored as " + NEW + " but pruning failed").contains(HELD);
        Map<?, ?> other = (Map<?, ?>) jobs.get(1);
        assertThat(other.get("pruned")).isEqualTo(true);
        assertThat(stored()).contains("other/app/app-20260304-020000.sqlite.gz")
                .doesNotContain("other/app/app-20260303-020000.sqlite.gz");
    }
}
