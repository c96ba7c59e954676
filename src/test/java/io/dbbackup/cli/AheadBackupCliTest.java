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
 * A host whose clock ran three hours ahead made a backup, then NTP stepped its clock back and the next backup holds
 * newer data under an earlier key. "The newest backup" (by key) is then the older data: restore, download, drill and pin
 * without a KEY must not take it silently; named, it is taken as before; {@code list} marks it.
 */
class AheadBackupCliTest {
    private static final Instant NOW = Instant.parse("2026-03-04T02:00:00Z");
    private static final String AHEAD = "app-20260304-050000.sqlite.gz";
    private static final String REAL = "app-20260304-020000.sqlite.gz";

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                  scratch: {engine: sqlite, path: scratch.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  app: {datasource: app, store: local, retention: {keep_last: 5}}
                """);
        sql("create table marker(v text)", "insert into marker values('old data, made while the clock ran ahead')");
        Cli.Result ahead = at(NOW.plus(Duration.ofHours(3))).run("-c", "config.yaml", "backup", "app");
        assertThat(ahead.exit()).as(ahead.toString()).isZero();
        sql("delete from marker", "insert into marker values('new data')");
        Cli.Result real = at(NOW).run("-c", "config.yaml", "backup", "app");
        // stored, but the run fails: it ranks below the backup dated ahead (BackupBehindClockCliTest)
        assertThat(real.exit()).as(real.toString()).isEqualTo(2);
        assertThat(real.out()).contains("backup stored as app/app-20260304-020000.sqlite.gz but 1 backup of job app is "
                + "dated after it");
    }

    private Cli at(Instant now) {
        return new Cli().workingDir(dir).clock(Clock.fixed(now, ZoneOffset.UTC));
    }

    private void sql(String... statements) throws Exception {
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.db")); var s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private String restoredMarker() throws Exception {
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("scratch.db")); var s = c.createStatement();
             var rs = s.executeQuery("select v from marker")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void withoutAKeyNothingTakesABackupDatedAfterThisHostsClockForTheNewest() throws Exception {
        String refusal = "job app: its newest backup " + AHEAD + " is dated 3h 00m after this host's clock (now 2026-03-04 "
                + "02:00:00 UTC), so which backup holds the newest data is unknown (a clock ran ahead when it was made, or "
                + "this host's clock is behind): name the backup to take; the newest dated before this host's clock is "
                + REAL + " (dbbackup -c config.yaml list app lists them all)";
        Cli.Result restore = at(NOW).run("-c", "config.yaml", "restore", "app", "--to", "scratch", "--auto-confirm");
        assertThat(restore.exit()).as(restore.toString()).isEqualTo(2);
        assertThat(restore.err()).contains("error: " + refusal);
        assertThat(dir.resolve("scratch.db")).as("nothing restored").doesNotExist();

        Cli.Result download = at(NOW).run("-c", "config.yaml", "download", "app", "-o", dir.resolve("got.gz").toString());
        assertThat(download.exit()).as(download.toString()).isEqualTo(2);
        assertThat(download.err()).contains(refusal);
        assertThat(dir.resolve("got.gz")).doesNotExist();

        Cli.Result drill = at(NOW).run("-c", "config.yaml", "drill", "app", "--to", "scratch");
        assertThat(drill.exit()).as(drill.toString()).isEqualTo(2);
        assertThat(drill.err()).contains(refusal);

        Cli.Result pin = at(NOW).run("-c", "config.yaml", "pin", "app");
        assertThat(pin.exit()).as(pin.toString()).isEqualTo(2);
        assertThat(pin.err()).contains(refusal);
        assertThat(dir.resolve("store/app/" + AHEAD + ".pin")).doesNotExist();

        for (String command : new String[] {"show", "verify"}) { // "the backup a restore would take"
            Cli.Result r = at(NOW).run("-c", "config.yaml", command, "app");
            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).contains(refusal);
        }

        Cli.Result list = at(NOW).run("-c", "config.yaml", "list", "app");
        assertThat(list.exit()).as(list.toString()).isZero();
        assertThat(list.out()).contains("app/" + AHEAD + "  AHEAD 3h 00m").doesNotContain("app/" + REAL + "  AHEAD");

        Cli.Result named = at(NOW).run("-c", "config.yaml", "restore", "app", REAL, "--to", "scratch", "--auto-confirm");
        assertThat(named.exit()).as(named.toString()).isZero();
        assertThat(restoredMarker()).isEqualTo("new data");
    }

    /**
     * {@code verify --all} checks each job's newest backup, as {@code verify JOB} does: a newest dated ahead of this host's
     * clock is not passed as the job's audit (it held the older data; the backup made since went unread), the job fails
     * with the same words, and the other jobs are still checked.
     */
    @Test
    void verifyAllFailsAJobWhoseNewestBackupIsDatedAfterThisHostsClockAndChecksTheOthers() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml"))
                .replace("stores:", "  other: {engine: sqlite, path: other.db}\nstores:")
                + "  other: {datasource: other, store: local, retention: {keep_last: 5}}\n");
        Files.copy(dir.resolve("app.db"), dir.resolve("other.db"));
        Cli.Result other = at(NOW).run("-c", "config.yaml", "backup", "other");
        assertThat(other.exit()).as(other.toString()).isZero();

        Cli.Result r = at(NOW).run("-c", "config.yaml", "verify", "--all");

        assertThat(r.exit()).as(r.toString()).isEqualTo(4); // one of two jobs failed: partial, as every multi-job verb
        assertThat(r.out()).contains("FAILED app: job app: its newest backup " + AHEAD + " is dated 3h 00m after this "
                        + "host's clock").contains("the newest dated before this host's clock is " + REAL)
                .contains("ok     other/other-20260304-020000.sqlite.gz").doesNotContain("ok     app/");
        assertThat(r.err().lines().filter(l -> l.contains("its newest backup " + AHEAD))).as(r.err()).hasSize(1);
        assertThat(r.out()).contains("1 of 1 backup verified, 1 job whose newest backup is dated after this host's clock (exit 4)");

        Cli.Result json = at(NOW).run("-c", "config.yaml", "verify", "--all", "--json");
        assertThat(json.exit()).as(json.toString()).isEqualTo(4);
        assertThat(json.out()).containsPattern("\"jobs_ahead\" *: *1").containsPattern("\"verified\" *: *1");
    }

    /**
     * With {@code --max-age} the job was STALE (its newest backup's age says nothing) and yet that backup was read and
     * printed {@code ok} beside it, as if it passed the audit; the backup made since went unread. Now it is the STALE
     * failure alone, as without {@code --max-age}: nothing of that job read.
     */
    @Test
    void verifyAllWithMaxAgeSaysStaleAloneForANewestBackupDatedAfterThisHostsClock() throws Exception {
        Cli.Result r = at(NOW).run("-c", "config.yaml", "verify", "--all", "--max-age", "26h");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.out()).as(r.toString()).contains("STALE  app/" + AHEAD + ": dated 3h 00m after this host's clock (--max-age 26h)")
                .doesNotContain("ok     app/")
                // the closing line said "1 job with no backup newer than 26h": the age of a backup dated ahead says nothing
                .contains("0 of 0 backups verified, 1 job whose newest backup is dated after this host's clock (exit 2)")
                .doesNotContain("no backup newer than");
        Cli.Result json = at(NOW).run("-c", "config.yaml", "verify", "--all", "--max-age", "26h", "--json");
        assertThat(json.exit()).as(json.toString()).isEqualTo(2);
        assertThat(json.out()).as(json.toString()).containsPattern("\"stale\" *: *true").doesNotContainPattern("\"ok\" *: *true")
                .containsPattern("\"stale_jobs\" *: *1").containsPattern("\"jobs_ahead\" *: *1");
    }

    /** {@code show} of the backup dated ahead said it was taken "0m ago". */
    @Test
    void showSaysHowFarABackupIsDatedAfterThisHostsClock() {
        Cli.Result show = at(NOW).run("-c", "config.yaml", "show", "app", "app/" + AHEAD);
        assertThat(show.exit()).as(show.toString()).isZero();
        assertThat(show.out()).as(show.toString()).contains("2026-03-04 05:00:00 UTC (dated 3h 00m after this host's clock)")
                .doesNotContain("0m ago");
    }

    /** Hosts of one job drift by seconds: a newest backup less than an hour ahead is still the newest. */
    @Test
    void aNewestBackupWithinTheToleratedDriftIsTakenAsBefore() throws Exception {
        Cli.Result restore = at(NOW.plus(Duration.ofHours(2).plusMinutes(30))).run("-c", "config.yaml", "restore", "app",
                "--to", "scratch", "--auto-confirm");
        assertThat(restore.exit()).as(restore.toString()).isZero();
        assertThat(restore.out()).contains("restored app/" + AHEAD);
        assertThat(restoredMarker()).isEqualTo("old data, made while the clock ran ahead");
    }
}
