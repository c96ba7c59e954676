package io.dbbackup.cli;

import io.dbbackup.core.Json;
import io.dbbackup.testkit.BrokenStoreFixture;
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
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code list --all}: the on-call overview, one line per job — how many backups, the newest and its age, the total. */
class ListAllCliTest {
    private static final Instant FIRST = Instant.parse("2026-03-01T02:00:00Z");
    private static final Instant NOW = FIRST.plus(Duration.ofDays(2)).plus(Duration.ofHours(5));

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        BrokenStoreFixture.write(dir, """
                jobs:
                  app: {datasource: app, store: local}
                  broken: {datasource: app, store: broken}
                  never-ran: {datasource: app, store: local, prefix: new}
                """);
        BrokenStoreFixture.backUpDaily(this::at, FIRST, 3, "app");
    }

    private Cli at(Instant now) {
        return new Cli().workingDir(dir).clock(Clock.fixed(now, ZoneOffset.UTC));
    }

    private long stored(String suffix) throws Exception {
        try (Stream<Path> s = Files.walk(dir.resolve("store"))) {
            return s.filter(p -> p.toString().endsWith(suffix)).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    @Test
    void oneLinePerJobWithItsNewestBackupItsAgeAndAFailedLineForAStoreThatCannotBeListed() throws Exception {
        Cli.Result r = at(NOW).run("-c", "config.yaml", "list", "--all");
        assertThat(r.exit()).as(r.toString()).isEqualTo(4);
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).matches("JOB +STORE +BACKUPS +NEWEST \\(UTC\\) +AGE +SIZE +TOTAL");
        assertThat(lines.get(1)).matches("app +local +3 +2026-03-03 02:00:00 +5h 00m +[0-9.]+ [KMG]?i?B +[0-9.]+ [KMG]?i?B");
        assertThat(lines.get(2)).startsWith("broken").contains("FAILED", "the store's path is not a folder");
        assertThat(lines.get(3)).matches("never-ran +local +0 +- +- +- +-  NO BACKUPS");
        assertThat(r.err()).contains("ERROR cannot list app/ in local " + dir.resolve("blocker"));
    }

    @Test
    void theJsonHoldsCountsSizesAndTheNewestBackupOfEachJob() throws Exception {
        Cli.Result r = at(NOW).run("-c", "config.yaml", "list", "--all", "--json");
        assertThat(r.exit()).isEqualTo(4);
        List<?> rows = (List<?>) Json.parse(r.out());
        Map<?, ?> app = (Map<?, ?>) rows.get(0);
        assertThat(app.get("job")).isEqualTo("app");
        assertThat(app.get("ok")).isEqualTo(true);
        assertThat(app.get("backups")).isEqualTo(3L);
        assertThat(app.get("total_size")).isEqualTo(stored(".sqlite.gz"));
        Map<?, ?> newest = (Map<?, ?>) app.get("newest");
        assertThat(newest.get("key")).isEqualTo("app/app-20260303-020000.sqlite.gz");
        assertThat(newest.get("age_seconds")).isEqualTo(5L * 3600);
        Map<?, ?> broken = (Map<?, ?>) rows.get(1);
        assertThat(broken.get("ok")).isEqualTo(false);
        assertThat(broken.get("exit")).isEqualTo(2L);
        Map<?, ?> neverRan = (Map<?, ?>) rows.get(2);
        assertThat(neverRan.get("backups")).isEqualTo(0L);
        assertThat(neverRan.containsKey("newest")).isFalse();
    }

    /** A backup named by a clock ten years ahead: the overview says AHEAD, and the dead man's switch is not blinded by it. */
    @Test
    void aBackupDatedAfterTheClockIsShownAheadAndFailsTheAgeAudit() throws Exception {
        assertThat(at(NOW.plus(Duration.ofDays(3650))).run("-c", "config.yaml", "backup", "app").exit()).isZero();
        Cli.Result list = at(NOW).run("-c", "config.yaml", "list", "--all");
        assertThat(list.out().lines().filter(l -> l.startsWith("app ")).findFirst().orElseThrow())
                .contains("2036-02-29 07:00:00  AHEAD 3650d 00h");
        Cli.Result audit = at(NOW).run("-c", "config.yaml", "verify", "app", "--max-age", "26h");
        assertThat(audit.exit()).as(audit.toString()).isEqualTo(2);
        assertThat(audit.out()).contains("STALE  app/app-20360229-070000.sqlite.gz: dated 3650d 00h after this host's clock (--max-age 26h)");
        assertThat(audit.err()).contains("its age says nothing");
        Cli.Result withinDrift = at(Instant.parse("2036-02-29T06:30:00Z")).run("-c", "config.yaml", "verify", "app", "--max-age", "26h");
        assertThat(withinDrift.exit()).as("half an hour ahead: within the drift allowed").isZero();
    }

    @Test
    void allAndAJobAreExclusiveAndEveryStoreListedMeansExitZero() throws Exception {
        assertThat(at(NOW).run("-c", "config.yaml", "list", "app", "--all").err()).contains("--all lists every job: name no JOB with it");
        assertThat(at(NOW).run("-c", "config.yaml", "list").err()).contains("name the job to list, or pass --all");
        Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml"))
                .replace("  broken: {datasource: app, store: broken}\n", ""));
        Cli.Result r = at(NOW).run("-c", "config.yaml", "list", "--all");
        assertThat(r.exit()).as(r.toString()).isZero();
    }
}
