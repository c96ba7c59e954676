package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import io.dbbackup.testkit.WebhookServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --notify} where no job has a notify rule (deploy/kubernetes's ConfigMap had none, under an audit and a drill
 * CronJob "mailing" their findings): the run says once that no report is sent, and still exits by its result.
 */
class NobodyToNotifyCliTest {
    private static final String WARNING = "--notify: no job of this ";

    @TempDir
    Path dir;
    Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 20);
        Files.createDirectories(dir.resolve("scratch"));
        config("");
        cli = new Cli().workingDir(dir);
        assertThat(cli.run("-c", "config.yaml", "backup", "app").exit()).isZero();
    }

    private void config(String notify) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                  scratch: {engine: sqlite, path: scratch/drill.db}
                stores:
                  local: {type: local, path: store}
                %s
                jobs:
                  app:
                    datasource: app
                    store: local
                    retention: {keep_last: 5}
                %s""".formatted(notify.isEmpty() ? "" : "notifications:\n  hook: {type: webhook, url_env: HOOK_URL}",
                notify.isEmpty() ? "" : "    notify: [{notifier: hook, on: " + notify + "}]\n"));
    }

    @Test
    void theAuditTheDrillAndPruneSayThatNoReportIsSent() {
        Cli.Result audit = cli.run("-c", "config.yaml", "verify", "--all", "--max-age", "26h", "--notify");
        assertThat(audit.exit()).as(audit.toString()).isZero();
        assertThat(audit.err()).contains(WARNING + "verify has notify rules").contains("so no report is sent").contains("jobs=app");

        Cli.Result drill = cli.run("-c", "config.yaml", "drill", "--all", "--to", "scratch", "--notify");
        assertThat(drill.exit()).as(drill.toString()).isZero();
        assertThat(drill.err()).contains(WARNING + "drill has notify rules");
        Cli.Result one = cli.run("-c", "config.yaml", "drill", "app", "--to", "scratch", "--notify");
        assertThat(one.exit()).as(one.toString()).isZero();
        assertThat(one.err()).contains(WARNING + "drill has notify rules");

        Cli.Result prune = cli.run("-c", "config.yaml", "prune", "--all", "--notify");
        assertThat(prune.exit()).as(prune.toString()).isZero();
        assertThat(prune.err()).contains(WARNING + "prune has notify rules");

        Cli.Result plain = cli.run("-c", "config.yaml", "verify", "--all");
        assertThat(plain.err()).as("without --notify nothing is expected to be sent").doesNotContain(WARNING);
    }

    @Test
    void aJobWithANotifyRuleIsNotWarnedAbout() throws Exception {
        try (WebhookServer hook = new WebhookServer()) {
            config("failure");
            Cli.Result audit = new Cli().workingDir(dir).env("HOOK_URL", hook.url() + "/h")
                    .run("-c", "config.yaml", "verify", "--all", "--max-age", "26h", "--notify");
            assertThat(audit.exit()).as(audit.toString()).isZero();
            assertThat(audit.err()).doesNotContain(WARNING);
            assertThat(hook.take(Duration.ofMillis(100))).as("a success is not sent on: failure").isNull();
        }
    }
}
