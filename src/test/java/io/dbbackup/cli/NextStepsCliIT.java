package io.dbbackup.cli;

import io.dbbackup.core.Json;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import io.dbbackup.testkit.WebhookServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The "what now" lines a failed prune, check and drill report carries ({@code --notify}, here to a webhook), from real
 * runs: a store that cannot be reached (an S3 endpoint nothing listens on) and a store whose reads fail (the test-only
 * {@code faulty} store). Each line is asserted whole, and each command it suggests is one the CLI accepts.
 */
class NextStepsCliIT {
    @TempDir
    Path dir;
    WebhookServer hook;
    Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        hook = new WebhookServer();
        SqliteFixture.create(dir.resolve("app.db"), 20);
        Files.createDirectories(dir.resolve("scratch"));
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                  scratch: {engine: sqlite, path: scratch/drill.db}
                notifications:
                  hook: {type: webhook, url_env: HOOK_URL, timeout: 5s}
                stores:
                  offsite: {type: s3, bucket: backups, endpoint: 'http://127.0.0.1:1', access_key_env: S3_ACCESS, secret_key_env: S3_SECRET}
                  cutting: {type: faulty, path: store, fail_read_after: 10}
                jobs:
                  nightly:
                    datasource: app
                    store: offsite
                    retry: {max_attempts: 1}
                    retention: {keep_last: 1}
                    notify: [{notifier: hook, on: failure}]
                  hourly:
                    datasource: app
                    store: cutting
                    notify: [{notifier: hook, on: failure}]
                """);
        cli = new Cli().workingDir(dir).env("HOOK_URL", hook.url() + "/hook").env("S3_ACCESS", "AKIAEXAMPLE")
                .env("S3_SECRET", "s3-secret-key");
    }

    @AfterEach
    void stop() {
        hook.close();
    }

    /** The report's "next" lines; each command in them (after the last ": ") parses with the real CLI. */
    private String next(String operation) throws InterruptedException {
        WebhookServer.Request r = hook.take(Duration.ofSeconds(10));
        assertThat(r).as("the webhook was called").isNotNull();
        Map<?, ?> m = (Map<?, ?>) Json.parse(r.body());
        assertThat(m.get("operation")).isEqualTo(operation);
        String next = (String) m.get("next");
        assertThat(next).isNotNull();
        for (String line : next.split("\n")) {
            String command = line.substring(line.lastIndexOf(": ") + 2);
            assertThat(command).startsWith("dbbackup ");
            List<String> words = ReadmeCommandsParseTest.words(command.substring("dbbackup ".length()));
            try {
                Readme.commandLine().parseArgs(words.toArray(String[]::new));
            } catch (CommandLine.ParameterException e) {
                throw new AssertionError("the suggested command is refused: " + command + ": " + e.getMessage(), e);
            }
        }
        return next;
    }

    @Test
    void aFailedPruneSaysWhatItKeptAndToPruneAgain() throws Exception {
        Cli.Result r = cli.run("-c", "config.yaml", "prune", "nightly", "--notify");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(next("prune")).isEqualTo("The prune stopped; the backups it had not deleted yet are kept: "
                + "dbbackup -c config.yaml list nightly\n"
                + "Next: fix the cause above, then run: dbbackup -c config.yaml prune nightly");
    }

    /**
     * A failed dry run deleted nothing, and what to run again is the dry run: the report suggested a plain
     * {@code prune nightly}, which deletes, to someone who had asked only to see what would go.
     */
    @Test
    void aFailedDryRunSuggestsTheDryRunAgainNotAPruneThatDeletes() throws Exception {
        Cli.Result r = cli.run("-c", "config.yaml", "prune", "nightly", "--dry-run", "--notify");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(next("prune")).isEqualTo("A dry run deletes nothing; the job's backups are as they were: "
                + "dbbackup -c config.yaml list nightly\n"
                + "Next: fix the cause above, then run: dbbackup -c config.yaml prune nightly --dry-run");
    }

    @Test
    void aFailedCheckSaysNothingChangedAndToCheckAgain() throws Exception {
        Cli.Result r = cli.run("-c", "config.yaml", "check", "nightly", "--notify");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(next("check")).isEqualTo("Check changes nothing in the store; the job's backups are as they were: "
                + "dbbackup -c config.yaml list nightly\n"
                + "Next: fix the cause above, then run: dbbackup -c config.yaml check nightly");
    }

    @Test
    void aFailedDrillSaysTheStoreIsUnchangedAndToReadTheNewestBackupBack() throws Exception {
        Cli.Result b = cli.run("-c", "config.yaml", "backup", "hourly");
        assertThat(b.exit()).as(b.toString()).isZero();
        Cli.Result r = cli.run("-c", "config.yaml", "drill", "hourly", "--to", "scratch", "--notify");
        assertThat(r.exit()).as(r.toString()).isNotZero();
        assertThat(next("drill")).isEqualTo("A drill never changes the store; the job's backups are as they were: "
                + "dbbackup -c config.yaml list hourly\n"
                + "Next: fix the cause above, then read the newest backup back with: dbbackup -c config.yaml verify hourly");
    }

    /**
     * A failed drill of one backup named (not the newest) suggests reading back that backup: it suggested
     * {@code verify hourly}, which reads the newest, not the one whose drill failed.
     */
    @Test
    void aFailedDrillOfANamedBackupSuggestsReadingBackThatBackup() throws Exception {
        cli.clock(Clock.fixed(Instant.parse("2026-12-05T01:00:00Z"), ZoneOffset.UTC));
        Cli.Result older = cli.run("-c", "config.yaml", "backup", "hourly");
        assertThat(older.exit()).as(older.toString()).isZero();
        cli.clock(Clock.fixed(Instant.parse("2026-12-05T02:00:00Z"), ZoneOffset.UTC));
        Cli.Result newer = cli.run("-c", "config.yaml", "backup", "hourly");
        assertThat(newer.exit()).as(newer.toString()).isZero();
        List<?> listed = (List<?>) Json.parse(cli.run("-c", "config.yaml", "list", "hourly", "--json").out());
        String key = (String) ((Map<?, ?>) listed.get(1)).get("key"); // the older of the two, newest first
        assertThat(key).contains("20261205-010000");
        String file = key.substring(key.lastIndexOf('/') + 1);

        Cli.Result r = cli.run("-c", "config.yaml", "drill", "hourly", file, "--to", "scratch", "--notify");
        assertThat(r.exit()).as(r.toString()).isNotZero();
        assertThat(next("drill")).isEqualTo("A drill never changes the store; the job's backups are as they were: "
                + "dbbackup -c config.yaml list hourly\n"
                + "Next: fix the cause above, then read the backup drilled back with: dbbackup -c config.yaml verify hourly " + file);
    }
}
