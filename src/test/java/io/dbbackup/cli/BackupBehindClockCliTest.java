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
 * The host's clock is set back (an RTC reset, a VM restored from a snapshot, NTP not running) and the nightly backup is
 * named days before the job's newest. It holds the newest data, yet ranks below the others: once the clock is right
 * again, {@code restore} without a KEY takes an older backup and retention deletes this one first. The run that stores
 * it is the only one that can tell, so it fails (exit 2) while the backup stays stored.
 */
class BackupBehindClockCliTest {
    private static final Instant FIRST = Instant.parse("2026-03-01T02:00:00Z");
    private static final Instant BEHIND = Instant.parse("2026-02-20T02:00:00Z"); // really 2026-03-04 02:00
    private static final String MADE = "app/app-20260220-020000.sqlite.gz";

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
                  app: {datasource: app, store: local, retention: {keep_last: 2, keep_daily: 7}}
                """);
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.db")); var s = c.createStatement()) {
            s.execute("create table t(v text)");
        }
        for (int i = 0; i < 3; i++) {
            Cli.Result r = at(FIRST.plus(Duration.ofDays(i))).run("-c", "config.yaml", "backup", "app");
            assertThat(r.exit()).as(r.toString()).isZero();
        }
    }

    private Cli at(Instant now) {
        return new Cli().workingDir(dir).clock(Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void aBackupNamedDaysBeforeTheJobsNewestFailsItsRunAndStaysStored() {
        Cli.Result r = at(BEHIND).run("-c", "config.yaml", "backup", "app");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(dir.resolve("store/" + MADE)).as("the backup itself is sound and kept").exists();
        assertThat(r.out()).contains("backup stored as " + MADE + " but 3 backups of job app are dated after it (latest "
                + "app-20260303-020000.sqlite.gz, 11d 00h later): this host's clock is behind, or the clock that named "
                + "those ran ahead", "restore this one by its KEY", "0 of 1 job succeeded (exit 2)");
        assertThat(r.err()).contains("ERROR backup stored as " + MADE);
    }

    /** Hosts of one job drift by seconds; half an hour behind is what prune tolerates too. */
    @Test
    void aBackupWithinTheToleratedSkewSucceeds() {
        Cli.Result r = at(FIRST.plus(Duration.ofDays(2)).minus(Duration.ofMinutes(30))).run("-c", "config.yaml", "backup", "app");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).doesNotContain("dated after it");
    }

    /** With the clock right the next night, the backup is the newest again and the run succeeds. */
    @Test
    void theNextBackupWithTheClockRightSucceeds() {
        at(BEHIND).run("-c", "config.yaml", "backup", "app");

        Cli.Result r = at(FIRST.plus(Duration.ofDays(4))).run("-c", "config.yaml", "backup", "app");

        assertThat(r.exit()).as(r.toString()).isZero();
    }

    /**
     * A backup that ran for two hours, while another run stored one 90 minutes after it began: that one is dated after
     * this backup's key but not after the clock, so it is no clock fault.
     */
    @Test
    void aLongBackupWhileAnotherRunStoredOneIsNoClockFault() {
        Instant began = FIRST.plus(Duration.ofDays(3));
        Cli.Result other = at(began.plus(Duration.ofMinutes(90))).run("-c", "config.yaml", "backup", "app");
        assertThat(other.exit()).as(other.toString()).isZero();
        Clock twoHours = new Clock() { // the first readings start the run and name the backup; later ones are two hours on
            private final java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();

            @Override
            public Instant instant() {
                return reads.incrementAndGet() > 3 ? began.plus(Duration.ofHours(2)) : began;
            }

            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };

        Cli.Result r = new Cli().workingDir(dir).clock(twoHours).run("-c", "config.yaml", "backup", "app");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(dir.resolve("store/app/app-" + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .withZone(ZoneOffset.UTC).format(began) + ".sqlite.gz")).as(r.toString()).exists();
    }
}
