package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code dbbackup check}: each job's secrets, datasource and store, without a backup, on real files and folders. */
class CheckCliTest {
    @TempDir
    Path dir;
    Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 100);
        Files.writeString(dir.resolve("not-a-folder"), "a file where a store folder should be");
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                  gone: {engine: sqlite, path: gone.db}
                stores:
                  local: {type: local, path: store}
                  broken: {type: local, path: not-a-folder}
                  offsite:
                    type: s3
                    bucket: backups
                    endpoint: http://127.0.0.1:1
                    access_key_env: CHECK_ACCESS_NOT_SET
                    secret_key_env: CHECK_SECRET_NOT_SET
                jobs:
                  app: {datasource: app, store: local, prefix: prod}
                  gone: {datasource: gone, store: local, prefix: gone}
                  broken: {datasource: app, store: broken}
                  offsite: {datasource: app, store: offsite}
                """);
        cli = new Cli().workingDir(dir);
    }

    private List<Path> storeFiles() throws IOException {
        if (!Files.exists(dir.resolve("store"))) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir.resolve("store"))) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void aJobThatCanBackUpPassesEveryCheckAndLeavesNothingBehind() throws Exception {
        Cli.Result r = cli.run("-c", "config.yaml", "check", "app");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("ok     app secrets: every secret a backup needs was read")
                .contains("ok     app datasource: " + dir.resolve("app.db") + " holds ")
                .containsPattern("ok     app store: local .*: wrote, read back and deleted prod/app/\\.dbbackup-check-[0-9a-f]{16} \\(\\d+ ms\\)")
                .contains("1 of 1 job passed every check (exit 0)");
        assertThat(storeFiles()).isEmpty(); // the probe is gone, no backup was made
    }

    @Test
    void eachFailureNamesTheCheckAndTheRunExitsAsABackupRunWould() throws Exception {
        Cli.Result gone = cli.run("-c", "config.yaml", "check", "gone");
        assertThat(gone.exit()).as(gone.toString()).isEqualTo(2);
        assertThat(gone.out()).contains("FAILED gone datasource: " + dir.resolve("gone.db") + " does not exist")
                .contains("ok     gone store: "); // the store is still checked
        assertThat(dir.resolve("gone.db")).doesNotExist(); // read-only: not created by the check

        Cli.Result broken = cli.run("-c", "config.yaml", "check", "broken");
        assertThat(broken.exit()).as(broken.toString()).isEqualTo(2);
        assertThat(broken.out()).contains("ok     broken datasource: ").contains("FAILED broken store: ");

        Cli.Result offsite = cli.run("-c", "config.yaml", "check", "offsite");
        assertThat(offsite.exit()).as(offsite.toString()).isEqualTo(1);
        assertThat(offsite.out()).contains("FAILED offsite secrets: config.yaml:")
                .contains("stores.offsite.access_key_env: environment variable CHECK_ACCESS_NOT_SET is not set")
                .doesNotContain("offsite datasource").doesNotContain("offsite store");

        Cli.Result all = cli.run("-c", "config.yaml", "check", "--all", "--json");
        assertThat(all.exit()).as(all.toString()).isEqualTo(4);
        assertThat(all.out()).containsPattern("\"status\" *: *4").containsPattern("\"passed\" *: *1")
                .containsPattern("\"job\" *: *\"gone\",\\s*\"check\" *: *\"datasource\",\\s*\"ok\" *: *false,\\s*\"exit_code\" *: *2");
        assertThat(storeFiles()).isEmpty();
    }

    @Test
    void jobsOrAllButNotBoth() {
        assertThat(cli.run("-c", "config.yaml", "check").err()).contains("name the jobs to check, or pass --all");
        assertThat(cli.run("-c", "config.yaml", "check", "--all", "app").exit()).isEqualTo(1);
        assertThat(cli.run("-c", "config.yaml", "check", "nope").err()).contains("no job named 'nope'");
    }
}
