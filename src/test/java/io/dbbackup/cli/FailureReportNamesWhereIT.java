package io.dbbackup.cli;

import io.dbbackup.core.Json;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import io.dbbackup.testkit.WebhookServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failure report names where the job was going: its datasource, its store and the folder in it, and the job's exit
 * code, which on-call needs to find the backup (or its absence) and to tell a network failure (2) from a corrupt one
 * (3). The store's endpoint here carries a user and password: the report shows where it is, never them.
 */
class FailureReportNamesWhereIT {
    private static final String ENDPOINT_PASSWORD = "Endp0int-pass-5e71";
    private static final String SECRET_KEY = "s3-secret-key-0b9d4";

    @TempDir
    Path dir;
    WebhookServer hook;
    Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        hook = new WebhookServer();
        SqliteFixture.create(dir.resolve("app.db"), 20);
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  appdb-lite: {engine: sqlite, path: app.db}
                notifications:
                  hook: {type: webhook, url_env: HOOK_URL, timeout: 5s}
                stores:
                  offsite:
                    type: s3
                    bucket: backups
                    endpoint: http://dba:%s@127.0.0.1:1
                    access_key_env: S3_ACCESS
                    secret_key_env: S3_SECRET
                jobs:
                  nightly:
                    datasource: appdb-lite
                    store: offsite
                    prefix: prod
                    retry: {max_attempts: 1}
                    notify: [{notifier: hook, on: failure}]
                """.formatted(ENDPOINT_PASSWORD));
        cli = new Cli().workingDir(dir).env("HOOK_URL", hook.url() + "/hook").env("S3_ACCESS", "AKIAEXAMPLE")
                .env("S3_SECRET", SECRET_KEY);
    }

    @AfterEach
    void stop() {
        hook.close();
    }

    private Map<?, ?> sent() throws InterruptedException {
        WebhookServer.Request r = hook.take(Duration.ofSeconds(10));
        assertThat(r).as("the webhook was called").isNotNull();
        System.out.println(r.body());
        assertThat(r.body()).doesNotContain(ENDPOINT_PASSWORD, SECRET_KEY, "dba:");
        return (Map<?, ?>) Json.parse(r.body());
    }

    @Test
    void aFailedBackupNamesItsDatasourceStoreFolderAndExitCode() throws Exception {
        Cli.Result r = cli.run("-c", "config.yaml", "backup", "nightly");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        Map<?, ?> m = sent();
        assertThat(m.get("outcome")).isEqualTo("failure");
        assertThat(m.get("exit_code")).isEqualTo(2L);
        assertThat(m.get("datasource")).isEqualTo("appdb-lite");
        assertThat(m.get("store")).isEqualTo("offsite");
        assertThat(m.get("location")).isEqualTo("s3 s3://backups/ at http://127.0.0.1:1 under prod/app/");
        // how exposed the job is: the store that failed cannot say, and the line says why (its endpoint's login left out)
        assertThat(m.get("next")).isEqualTo("newest good backup: unknown (the store could not be listed: cannot list "
                + "prod/app/ in s3 s3://backups/ at http://127.0.0.1:1: s3 list s3://backups/prod/app/ failed: Unable to "
                + "execute HTTP request: Connection refused)\n"
                + "This run stored no backup; the job's earlier backups are untouched (a failed "
                + "backup deletes none): dbbackup -c config.yaml list nightly\nNext: fix the cause above, then run: "
                + "dbbackup -c config.yaml backup nightly");
    }

    /**
     * A verify report carries the job's exit code as the audit decides it for that job: its store cannot be reached, 2
     * (it was null: on-call could not tell an unreachable store from a corrupt backup).
     */
    @Test
    void aVerifyReportOfAStoreThatCannotBeReachedNamesWhereAndExitCode2() throws Exception {
        Cli.Result r = cli.run("-c", "config.yaml", "verify", "nightly", "--notify");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        Map<?, ?> m = sent();
        assertThat(m.get("operation")).isEqualTo("verify");
        assertThat(m.get("outcome")).isEqualTo("failure");
        assertThat(m.get("exit_code")).isEqualTo(2L);
        assertThat(m.get("store")).isEqualTo("offsite");
        assertThat(m.get("location")).isEqualTo("s3 s3://backups/ at http://127.0.0.1:1 under prod/app/");
        // what now, with the run's -c FILE (it had no next step)
        assertThat(m.get("next")).isEqualTo("Verify changes nothing in the store; the job's backups are as they were: "
                + "dbbackup -c config.yaml list nightly\nNext: fix the cause above, then store a fresh backup with: "
                + "dbbackup -c config.yaml backup nightly");
    }

    /** A check report carries the exit code of the checks it reports: the store cannot be reached, 2 (it was null). */
    @Test
    void aCheckReportOfAStoreThatCannotBeReachedSaysExitCode2() throws Exception {
        Cli.Result r = cli.run("-c", "config.yaml", "check", "nightly", "--notify");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.out()).contains("FAILED nightly store: ").contains("ok     nightly notifier hook: ");
        Map<?, ?> m = sent();
        assertThat(m.get("operation")).isEqualTo("check");
        assertThat(m.get("outcome")).isEqualTo("failure");
        assertThat(m.get("exit_code")).isEqualTo(2L);
        assertThat(m.get("store")).isEqualTo("offsite");
    }
}
