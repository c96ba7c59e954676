package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.ConfigText;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code retention: {}}, {@code retry: {}} and {@code drill_checks: ""} (a template's unset values) silently meant the key
 * left out: no pruning, no retry, no drill check, with a config that looked as if it set them. Each is an error at its
 * key saying what it would mean (decision of 2026-12-05); nothing is written or deleted.
 */
class EmptyJobSectionCliTest {
    @TempDir
    Path dir;

    @Test
    void emptyRetentionRetryAndDrillChecksAreErrorsAtTheirKeys() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 5);
        Files.writeString(dir.resolve("config.yaml"), ConfigText.withAppJob("""
                retention: {}
                retry: {}
                drill_checks: ""
                """));
        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "config", "validate");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip().split("\n")).containsExactlyInAnyOrder(
                "config.yaml:13:16: error: jobs.app.retention: an empty mapping deletes nothing: every backup is kept, as "
                        + "leaving it out does; give its keys, or leave retention out",
                "config.yaml:14:12: error: jobs.app.retry: an empty mapping retries nothing (one attempt), as leaving it "
                        + "out does; give its keys, or leave retry out",
                "config.yaml:15:19: error: jobs.app.drill_checks: must not be empty: leave the key out or give its value");
        assertThat(dir.resolve("store")).doesNotExist();
    }

    /** drill_checks: "select ... in (1, 2)" was split at its comma into two broken queries, found only by the drill. */
    @Test
    void oneDrillCheckStringIsOneQuery() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 5);
        Files.writeString(dir.resolve("config.yaml"), ConfigText.withAppJob("""
                drill_checks: "select count(*) from sqlite_master where type in ('table', 'index')"
                """));
        io.dbbackup.config.Config c = new io.dbbackup.config.ConfigLoader(io.dbbackup.plugin.PluginRegistry.load(),
                java.util.Map.of()).load(dir.resolve("config.yaml"), "config.yaml");
        assertThat(c.jobs().get("app").drillChecks())
                .containsExactly("select count(*) from sqlite_master where type in ('table', 'index')");
    }
}
