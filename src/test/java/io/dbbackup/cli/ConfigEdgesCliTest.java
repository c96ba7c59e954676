package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** What the verbs say and exit with on configs an audit of the config handling found mishandled (2026-12-02). */
class ConfigEdgesCliTest {
    @TempDir
    Path dir;

    private Cli cli() {
        return new Cli().workingDir(dir);
    }

    /**
     * Finding 2: with no jobs, {@code backup --all} exited 1 while {@code prune --all}, {@code verify --all}, {@code check
     * --all} and {@code list --all} exited 0 ("0 of 0 ..."): a schedule running them on a config whose jobs were lost looked
     * healthy. Every {@code --all} now fails the same way; {@code config validate} warns (a config for inspect/sync only).
     */
    @Test
    void everyVerbOfAllJobsFailsTheSameWayOnAConfigWithoutJobs() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 5);
        for (String jobs : new String[] {"jobs:\n", "jobs: {}\n", ""}) {
            Files.writeString(dir.resolve("config.yaml"), """
                    datasources:
                      app:
                        engine: sqlite
                        path: app.db
                    stores:
                      local:
                        type: local
                        path: store
                    """ + jobs);
            for (String[] verb : new String[][] {{"backup", "back up"}, {"prune", "prune"}, {"verify", "verify"},
                    {"check", "check"}, {"list", "list"}}) {
                Cli.Result r = cli().run("-q", "-c", "config.yaml", verb[0], "--all");
                assertThat(r.exit()).as(jobs + verb[0] + r).isEqualTo(1);
                assertThat(r.err()).as(verb[0]).contains("error: " + verb[0] + " --all: no jobs are defined in ")
                        .contains("config.yaml: nothing to " + verb[1]);
                assertThat(r.out()).as(verb[0]).isEmpty();
            }
            Cli.Result validate = cli().run("-c", "config.yaml", "config", "validate");
            assertThat(validate.exit()).as(validate.toString()).isZero();
            assertThat(validate.err()).contains("warning: no jobs are defined: nothing will be backed up");
            assertThat(validate.out()).contains("ok (1 datasources, 1 stores, 0 notifications, 0 jobs)");
        }
        assertThat(dir.resolve("store")).doesNotExist();
    }
}
