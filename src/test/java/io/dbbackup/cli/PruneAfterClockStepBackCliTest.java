package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * NTP steps a host's clock back 30 minutes, less than the hour of drift prune tolerates: the backup made before the step
 * is dated after the one made since, which holds the newer data. A plain {@code prune} must not delete that one. (The
 * same state arises when another host whose clock runs ahead made the later one: the warning names both.)
 */
class PruneAfterClockStepBackCliTest {
    private static final Instant BEFORE_STEP = Instant.parse("2026-03-04T10:00:00Z");
    private static final Instant AFTER_STEP = Instant.parse("2026-03-04T09:40:00Z"); // really 10:10
    private static final String OLD = "app/app-20260304-100000.sqlite.gz";
    private static final String NEW = "app/app-20260304-094000.sqlite.gz";

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
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
        Cli.Result old = at(BEFORE_STEP).run("-c", "config.yaml", "backup", "app");
        assertThat(old.exit()).as(old.toString()).isZero();
        Cli.Result made = at(AFTER_STEP).run("-c", "config.yaml", "backup", "app");
        assertThat(made.exit()).as(made.toString()).isZero();
    }

    private Cli at(Instant now) {
        return new Cli().workingDir(dir).clock(Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void aPlainPruneKeepsTheNewestBackupDatedBeforeThisHostsClockAndSaysWhyOnce() {
        Cli.Result prune = at(AFTER_STEP.plus(Duration.ofMinutes(5))).run("-c", "config.yaml", "prune", "app");

        assertThat(prune.exit()).as(prune.toString()).isZero();
        assertThat(dir.resolve("store/" + NEW)).as("the backup made since the step holds the newest data").exists();
        assertThat(dir.resolve("store/" + OLD)).exists();
        assertThat(prune.out()).contains("keep    2026-03-04 09:40:00  " + NEW + "  [newest dated before this host's clock]")
                .contains("keep    2026-03-04 10:00:00  " + OLD + "  [last 1/1]");
        assertThat(prune.err().lines().filter(l -> l.contains("dated after this host's clock"))).as(prune.err())
                .containsExactly(prune.err().lines().filter(l -> l.contains("WARN")).toArray(String[]::new)).hasSize(1);
        // both causes in one line, and how to tell them apart: this host stepped back, or another host runs ahead
        assertThat(LoggedOnce.line(prune.err(), "retention alone would delete", NEW)).contains("kept a backup that retention alone would delete: 1 backup is dated after "
                + "this host's clock (now 2026-03-04 09:45:00 UTC; latest " + OLD + ", 15m ahead): either this host's clock "
                + "stepped back since it was named (NTP, a VM resumed) or another host whose clock runs ahead made it "
                + "(several hosts backing up this job, or a copy job's source host), and this backup may hold the newest "
                + "data; to tell which, compare `date` here and on the host that made " + OLD + " with a true clock "
                + "(`chronyc tracking`): fix NTP where one is off; if none is, this host's clock was set right since and "
                + "nothing needs doing; a later prune decides about this backup by the rules");
    }

    /**
     * {@code backup --prune} after the step: the backup it stored ranks below the one named before the step, so only its
     * own reason keeps it. Its warning said "backups dated after it outrank it (a clock ahead?)"; it now says, in the
     * prune's terms and one line, the dates, both causes and how to tell them apart.
     */
    @Test
    void backupPruneSaysWhyItKeptTheBackupItStoredInThePrunesTerms() {
        Instant now = AFTER_STEP.plus(Duration.ofMinutes(5));
        String stored = "app/app-20260304-094500.sqlite.gz";
        Cli.Result r = at(now).run("-c", "config.yaml", "backup", "app", "--prune");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(dir.resolve("store/" + stored)).exists();
        assertThat(dir.resolve("store/" + OLD)).as("kept by keep_last: 1").exists();
        assertThat(dir.resolve("store/" + NEW)).as("the rules delete it").doesNotExist();
        assertThat(r.err().lines().filter(l -> l.contains("WARN"))).as(r.err()).containsExactly(
                now + " WARN  kept the backup this run stored, which "
                + "retention alone would delete: 1 backup is dated after it (2026-03-04 09:45:00 UTC) and after this host's "
                + "clock (now 2026-03-04 09:45:00 UTC; latest " + OLD + ", 15m ahead): either this host's clock stepped "
                + "back since it was named (NTP, a VM resumed) or another host whose clock runs ahead made it (several "
                + "hosts backing up this job), and this backup may hold the newest data; to tell which, compare `date` "
                + "here and on the host that made " + OLD + " with a true clock (`chronyc tracking`): fix NTP where one is "
                + "off; if none is, this host's clock was set right since and nothing needs doing; a later prune decides "
                + "about this backup by the rules job=app key=" + stored);
    }

    /** A backup dated 20 seconds ahead: the warning said "0m ahead", as if it were not ahead at all. */
    @Test
    void aSkewUnderAMinuteIsSaidInSeconds() {
        Cli.Result prune = at(BEFORE_STEP.minusSeconds(20)).run("-c", "config.yaml", "prune", "app");

        assertThat(prune.exit()).as(prune.toString()).isZero();
        assertThat(dir.resolve("store/" + NEW)).exists();
        assertThat(prune.err()).as(prune.err()).contains("(now 2026-03-04 09:59:40 UTC; latest " + OLD + ", 20s ahead)")
                .doesNotContain("0m ahead");
    }

    /** Once the next backup is dated after the one named before the step, the rules alone decide again. */
    @Test
    void onceTheClockHasCaughtUpThePruneAppliesTheRulesAlone() {
        Cli.Result next = at(BEFORE_STEP.plus(Duration.ofMinutes(20))).run("-c", "config.yaml", "backup", "app");
        assertThat(next.exit()).as(next.toString()).isZero();

        Cli.Result prune = at(BEFORE_STEP.plus(Duration.ofMinutes(25))).run("-c", "config.yaml", "prune", "app");

        assertThat(prune.exit()).as(prune.toString()).isZero();
        assertThat(dir.resolve("store/" + NEW)).doesNotExist();
        assertThat(dir.resolve("store/" + OLD)).doesNotExist();
        assertThat(prune.err()).doesNotContain("WARN");
    }
}
