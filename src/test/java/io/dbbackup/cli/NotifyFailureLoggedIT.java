package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The warning a failed notification logs gives the notifier's reason as the run's summary does: the exception's kind when
 * it has no message (it said {@code error=null}), on one line (a multi-line message broke the log line, and a log
 * shipper took its rest for other lines), with secrets masked; so does {@code check --notify}'s line for it.
 */
class NotifyFailureLoggedIT {
    private static final String TOKEN = "relay-T0ken-8d2e61";

    @TempDir
    Path dir;

    private Cli cli() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 10);
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                notifications:
                  bare: {type: throwing}
                  chatty:
                    type: throwing
                    message: "refused by the relay:\\n  token $SECRET rejected\\n  (retry later)"
                    secret_env: RELAY_TOKEN
                stores:
                  local: {type: local, path: store}
                jobs:
                  app:
                    datasource: app
                    store: local
                    notify: [{notifier: bare, on: always}, {notifier: chatty, on: always}]
                """);
        return new Cli().workingDir(dir).env("RELAY_TOKEN", TOKEN);
    }

    @Test
    void aFailedNotificationIsLoggedWithItsReasonOnOneLine() throws Exception {
        Cli.Result r = cli().run("-c", "config.yaml", "backup", "app");
        assertThat(r.exit()).as(r.toString()).isZero(); // a notification never changes the result
        List<String> lines = r.err().lines().toList();
        assertThat(lines).as(r.err()).filteredOn(l -> l.contains("notifier=bare")).singleElement().asString()
                .contains("notification failed (the backup result is unchanged)").endsWith(" error=IOException");
        assertThat(lines).as(r.err()).filteredOn(l -> l.contains("notifier=chatty")).singleElement().asString()
                .endsWith(" error=refused by the relay: token *** rejected (retry later)");
        assertThat(r.err()).doesNotContain("error=null", TOKEN).doesNotContainPattern("(?m)^ +token ");
    }

    /** {@code check --notify}'s line for a notifier that failed: one line too (its message ran over three). */
    @Test
    void checkNotifyShowsTheReasonOnOneLine() throws Exception {
        Cli.Result r = cli().run("-c", "config.yaml", "check", "app", "--notify");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.out()).as(r.toString())
                .contains("FAILED app notifier bare: cannot send via throwing: IOException\n")
                .contains("FAILED app notifier chatty: cannot send via throwing: refused by the relay: token *** rejected "
                        + "(retry later)\n")
                .doesNotContain(TOKEN);
    }
}
