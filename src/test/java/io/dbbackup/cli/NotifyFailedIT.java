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
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code verify --notify}, {@code prune --notify} and {@code drill --notify} to a webhook that answers HTTP 500: the
 * run's result and exit code are unchanged, and the notification that did not go out is in the output under its job
 * ({@code  notify failed: NOTIFIER: REASON}, a closing count) and in the JSON ({@code notify_failed}), as for backup.
 */
class NotifyFailedIT {
    private static final String TOKEN = "T0KEN-in-the-hook-path-7c1d";

    @TempDir
    Path dir;
    WebhookServer hook;
    Cli cli;
    String failed;

    @BeforeEach
    void setUp() throws Exception {
        hook = new WebhookServer();
        hook.status(500);
        SqliteFixture.create(dir.resolve("app.db"), 50);
        Files.createDirectories(dir.resolve("scratch"));
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                  scratch: {engine: sqlite, path: scratch/drill.db}
                notifications:
                  hook: {type: webhook, url_env: HOOK_URL, timeout: 5s}
                stores:
                  local: {type: local, path: store}
                jobs:
                  app:
                    datasource: app
                    store: local
                    retention: {keep_last: 1}
                    notify: [{notifier: hook, on: always}]
                """);
        cli = new Cli().workingDir(dir).env("HOOK_URL", hook.url() + "/services/" + TOKEN);
        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "app");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        hook.drain();
        failed = "hook: webhook " + hook.url() + " answered HTTP 500: no_service";
    }

    @AfterEach
    void stop() {
        hook.close();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object o) {
        return (List<Map<String, Object>>) o;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    private void assertUnsent(List<Map<String, Object>> unsent) {
        assertThat(unsent).hasSize(1);
        assertThat(unsent.get(0)).containsEntry("notifier", "hook")
                .containsEntry("reason", "webhook " + hook.url() + " answered HTTP 500: no_service");
    }

    @Test
    void verifyShowsANotificationThatWasNotSentUnderItsJobAndInJson() {
        Cli.Result r = cli.run("-c", "config.yaml", "verify", "app", "--notify");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).containsPattern("(?m)^ok +app/app-\\S+ sha256=.*\\n  notify failed: "
                        + java.util.regex.Pattern.quote(failed) + "\\n")
                .contains("1 of 1 backup verified (exit 0); 1 notification not sent (the exit code is unchanged)")
                .doesNotContain(TOKEN);
        assertThat(hook.drain()).as("the webhook was asked").hasSize(1);

        Cli.Result json = cli.run("-c", "config.yaml", "verify", "--all", "--notify", "--json");
        assertThat(json.exit()).as(json.toString()).isZero();
        assertThat(json.out()).doesNotContain(TOKEN);
        List<Map<String, Object>> unsent = list(map(Json.parse(json.out())).get("notify_failed"));
        assertThat(unsent).hasSize(1);
        assertThat(unsent.get(0)).containsEntry("job", "app");
        assertUnsent(unsent);
    }

    @Test
    void pruneShowsANotificationThatWasNotSentUnderItsJobAndInJson() {
        Cli.Result r = cli.run("-c", "config.yaml", "prune", "app", "--notify");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).containsPattern("(?m)^job app: keep 1, deleted 0\\n(  .*\\n)*  notify failed: "
                + java.util.regex.Pattern.quote(failed) + "\\n").doesNotContain(TOKEN);

        Cli.Result all = cli.run("-c", "config.yaml", "prune", "--all", "--notify");
        assertThat(all.exit()).as(all.toString()).isZero();
        assertThat(all.out()).contains("  notify failed: " + failed + "\n",
                "1 of 1 job pruned (exit 0); 1 notification not sent (the exit code is unchanged)");

        Cli.Result json = cli.run("-c", "config.yaml", "prune", "app", "--notify", "--json");
        assertThat(json.exit()).as(json.toString()).isZero();
        assertUnsent(list(map(Json.parse(json.out())).get("notify_failed")));
        Cli.Result allJson = cli.run("-c", "config.yaml", "prune", "--all", "--notify", "--json");
        assertThat(allJson.exit()).as(allJson.toString()).isZero();
        assertUnsent(list(list(Json.parse(allJson.out())).get(0).get("notify_failed")));
    }

    @Test
    void drillShowsANotificationThatWasNotSentUnderItsJobAndInJson() {
        Cli.Result r = cli.run("-c", "config.yaml", "drill", "app", "--to", "scratch", "--notify");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).containsPattern("(?m)^ok drill of job app: .*\\n(   .*\\n)*  notify failed: "
                + java.util.regex.Pattern.quote(failed) + "\\n").doesNotContain(TOKEN);

        Cli.Result all = cli.run("-c", "config.yaml", "drill", "--all", "--to", "scratch", "--notify");
        assertThat(all.exit()).as(all.toString()).isZero();
        assertThat(all.out()).contains("  notify failed: " + failed + "\n",
                "1 of 1 job drilled (exit 0); 1 notification not sent (the exit code is unchanged)");

        Cli.Result json = cli.run("-c", "config.yaml", "drill", "app", "--to", "scratch", "--notify", "--json");
        assertThat(json.exit()).as(json.toString()).isZero();
        assertUnsent(list(map(Json.parse(json.out())).get("notify_failed")));

        hook.status(200); // sent: an empty list
        Cli.Result sent = cli.run("-c", "config.yaml", "drill", "--all", "--to", "scratch", "--notify", "--json");
        assertThat(sent.exit()).as(sent.toString()).isZero();
        assertThat(list(Json.parse(sent.out())).get(0).get("notify_failed")).isEqualTo(List.of());
        assertThat(sent.out()).doesNotContain("not sent");
    }

    @Test
    void aFailedDrillShowsItsNotificationThatWasNotSentToo() throws Exception {
        Files.writeString(dir.resolve("scratch/drill.db"), "not empty"); // the drill refuses a scratch that exists
        Cli.Result r = cli.run("-c", "config.yaml", "drill", "app", "--to", "scratch", "--notify");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).contains("  notify failed: " + failed + "\n").doesNotContain(TOKEN);
        Cli.Result json = cli.run("-c", "config.yaml", "drill", "app", "--to", "scratch", "--notify", "--json");
        assertThat(json.exit()).as(json.toString()).isEqualTo(1);
        Map<String, Object> row = map(Json.parse(json.out()));
        assertThat(row).containsEntry("ok", false);
        assertUnsent(list(row.get("notify_failed")));
    }

    /** prune JOB --notify --json that fails: its failure row with notify_failed, as prune --all prints it. */
    @Test
    void aFailedPruneOfOneJobShowsItsNotificationThatWasNotSentInJson() throws Exception {
        Files.writeString(dir.resolve("blocker"), "a file where the store's folder should be");
        Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml")).replace("path: store", "path: blocker"));
        Cli.Result json = cli.run("-c", "config.yaml", "prune", "app", "--notify", "--json");
        assertThat(json.exit()).as(json.toString()).isEqualTo(2);
        Map<String, Object> row = map(Json.parse(json.out()));
        assertThat(row).containsEntry("job", "app").containsEntry("ok", false);
        assertThat(((Number) row.get("exit")).intValue()).isEqualTo(2);
        assertThat((String) row.get("error")).contains("the store's path is not a folder");
        assertUnsent(list(row.get("notify_failed")));
        assertThat(json.out()).doesNotContain(TOKEN);
        assertThat(hook.drain()).as("the webhook was asked").hasSize(1);
    }
}
