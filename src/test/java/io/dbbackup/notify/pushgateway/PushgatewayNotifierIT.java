package io.dbbackup.notify.pushgateway;

import io.dbbackup.spi.JobReport;
import io.dbbackup.spi.Notifier;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.Notifiers;
import io.dbbackup.testkit.PushgatewayServer;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Pushgateway notifier against Debian's real Pushgateway, read back as Prometheus scrapes it. */
class PushgatewayNotifierIT {
    private static final String APPDB = "dbbackup_job=\"appdb\"";
    private static final String BACKUP = "operation=\"backup\"";

    @TempDir
    Path dir;
    PushgatewayServer gateway;

    @BeforeEach
    void start() throws Exception {
        gateway = new PushgatewayServer();
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    private Notifier notifier(String extra) throws Exception {
        return Notifiers.notifier(dir, Map.of(), """
                metrics:
                  type: pushgateway
                  url: %s
                %s""".formatted(gateway.url(), extra), "metrics");
    }

    @Test
    void aFailureKeepsTheLastSuccessSoAnAlertOnItsAgeWorks() throws Exception {
        Notifier n = notifier("");
        assertThat(n.describe()).isEqualTo("pushgateway " + gateway.url());
        n.send(Notifiers.success(), Notifiers.CLOCK); // finished 2026-11-23T03:00:12.345Z, 123,456,789 bytes
        double finished = Instant.parse("2026-11-23T03:00:12.345Z").toEpochMilli() / 1000.0;
        assertThat(gateway.value("dbbackup_last_success_timestamp_seconds", APPDB, BACKUP, "job=\"dbbackup\""))
                .hasValueSatisfying(v -> assertThat(v).isCloseTo(finished, org.assertj.core.data.Offset.offset(0.01)));
        assertThat(gateway.value("dbbackup_last_run_success", APPDB, BACKUP)).contains(1.0);
        assertThat(gateway.value("dbbackup_last_backup_size_bytes", APPDB, BACKUP)).contains(123_456_789.0);
        assertThat(gateway.value("dbbackup_last_run_duration_seconds", APPDB, BACKUP)).contains(12.345);

        n.send(Notifiers.failure(), Notifiers.CLOCK); // started at the same time, 95 s, 3 attempts
        assertThat(gateway.value("dbbackup_last_run_success", APPDB, BACKUP)).contains(0.0);
        assertThat(gateway.value("dbbackup_last_run_attempts", APPDB, BACKUP)).contains(3.0);
        assertThat(gateway.value("dbbackup_last_run_timestamp_seconds", APPDB, BACKUP))
                .contains((double) Instant.parse("2026-11-23T03:01:35Z").getEpochSecond());
        assertThat(gateway.value("dbbackup_last_success_timestamp_seconds", APPDB, BACKUP)).as("the last success stays")
                .hasValueSatisfying(v -> assertThat(v).isCloseTo(finished, org.assertj.core.data.Offset.offset(0.01)));
        assertThat(gateway.value("dbbackup_last_backup_size_bytes", APPDB, BACKUP)).contains(123_456_789.0);
    }

    @Test
    void eachOperationHasItsOwnGroupSoAVerifyNeverReplacesTheBackupsFigures() throws Exception {
        Notifier n = notifier("  job: nightly\n");
        n.send(Notifiers.success(), Notifiers.CLOCK);
        JobReport verify = new JobReport("appdb", JobReport.Operation.VERIFY, JobReport.Outcome.FAILURE, 1,
                Instant.parse("2026-11-24T08:15:00Z"), Duration.ofSeconds(4), "audit-pod", null, 0, "checksum mismatch", null,
                "appdb-pg", "offsite", null, null);
        n.send(verify, Notifiers.CLOCK);
        assertThat(gateway.value("dbbackup_last_run_success", APPDB, "operation=\"verify\"", "job=\"nightly\"")).contains(0.0);
        assertThat(gateway.value("dbbackup_last_run_success", APPDB, BACKUP, "job=\"nightly\"")).contains(1.0);
        assertThat(gateway.value("dbbackup_last_success_timestamp_seconds", APPDB, "operation=\"verify\"")).isEmpty();
        assertThat(gateway.scrape()).doesNotContain("dbbackup_last_backup_size_bytes{dbbackup_job=\"appdb\",instance=\"\",job=\"nightly\",operation=\"verify\"");
    }

    @Test
    void aGatewayThatRefusesOrIsNotThereIsAFailedNotification() throws Exception {
        Notifier wrongPath = Notifiers.notifier(dir, Map.of(), """
                metrics:
                  type: pushgateway
                  url: %s/not/a/gateway
                """.formatted(gateway.url()), "metrics");
        assertThatThrownBy(() -> wrongPath.send(Notifiers.success(), Notifiers.CLOCK)).hasMessageStartingWith("pushgateway " + gateway.url()
                + "/not/a/gateway answered HTTP 404");
        int port = io.dbbackup.testkit.FreePort.pick();
        Notifier nobody = Notifiers.notifier(dir, Map.of(), """
                metrics:
                  type: pushgateway
                  url: http://127.0.0.1:%d
                  timeout: 2s
                """.formatted(port), "metrics");
        assertThatThrownBy(() -> nobody.send(Notifiers.success(), Notifiers.CLOCK)).hasMessageStartingWith("pushgateway http://127.0.0.1:" + port + " failed: ");
    }

    /** Through the CLI: a backup run pushes the job's figures; the stored artifact's size is the one pushed. */
    @Test
    void aBackupRunPushesTheJobsFigures() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 100);
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                stores:
                  local: {type: local, path: store}
                notifications:
                  metrics: {type: pushgateway, url: %s}
                jobs:
                  app:
                    datasource: app
                    store: local
                    notify:
                      - {notifier: metrics, on: always}
                """.formatted(gateway.url()));
        Instant at = Instant.parse("2026-03-01T02:00:00Z");
        Cli.Result r = new Cli().workingDir(dir).clock(Clock.fixed(at, ZoneOffset.UTC)).run("-c", "config.yaml", "backup", "app");
        assertThat(r.exit()).as(r.toString()).isZero();
        long size;
        try (Stream<Path> s = Files.walk(dir.resolve("store"))) {
            size = s.filter(p -> p.toString().endsWith(".sqlite.gz")).findFirst().orElseThrow().toFile().length();
        }
        assertThat(gateway.value("dbbackup_last_backup_size_bytes", "dbbackup_job=\"app\"", BACKUP)).contains((double) size);
        assertThat(gateway.value("dbbackup_last_success_timestamp_seconds", "dbbackup_job=\"app\"", BACKUP))
                .contains((double) at.getEpochSecond()); // the fixed clock: the run took no time
        assertThat(r.err()).contains("notification sent");
    }

    /**
     * A rule with the default {@code on: failure} (or {@code on: success}) used to push only failures: after one failed
     * night the gauge said "failed" forever and no success time was ever pushed, so the alert on the last success never
     * fired. Metrics now get every outcome, and the config says so.
     */
    @Test
    void metricsGetEveryOutcomeWhateverTheRuleSays() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                stores:
                  local: {type: local, path: store}
                notifications:
                  metrics: {type: pushgateway, url: %s}
                jobs:
                  app:
                    datasource: app
                    store: local
                    notify:
                      - {notifier: metrics, on: failure}
                """.formatted(gateway.url()));
        Cli.Result validate = new Cli().workingDir(dir).run("-c", "config.yaml", "config", "validate");
        assertThat(validate.exit()).as(validate.toString()).isZero();
        assertThat(validate.out() + validate.err()).contains("notification 'metrics' (pushgateway) gets every outcome, not only 'failure'");

        Cli.Result failed = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "app"); // app.db does not exist yet
        assertThat(failed.exit()).as(failed.toString()).isNotZero();
        assertThat(gateway.value("dbbackup_last_run_success", "dbbackup_job=\"app\"", BACKUP)).contains(0.0);

        SqliteFixture.create(dir.resolve("app.db"), 10);
        Instant at = Instant.parse("2026-03-02T02:00:00Z");
        Cli.Result ok = new Cli().workingDir(dir).clock(Clock.fixed(at, ZoneOffset.UTC)).run("-c", "config.yaml", "backup", "app");
        assertThat(ok.exit()).as(ok.toString()).isZero();
        assertThat(gateway.value("dbbackup_last_run_success", "dbbackup_job=\"app\"", BACKUP)).as("the success is pushed").contains(1.0);
        assertThat(gateway.value("dbbackup_last_success_timestamp_seconds", "dbbackup_job=\"app\"", BACKUP))
                .contains((double) at.getEpochSecond());
        assertThat(ok.err()).containsOnlyOnce("notification sent");
    }
}
