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
 * {@code keep_daily: 010} was read as 10, where a YAML 1.1 tool (PyYAML, Ansible, yq v3) reads 8: a config copied between
 * them kept another number of backups than the one it showed. A whole number with a leading zero is refused at its key
 * (decision of 2026-12-05), for every integer key: counts, attempts, levels, ports.
 */
class LeadingZeroCountCliTest {
    @TempDir
    Path dir;

    @Test
    void aWholeNumberWithALeadingZeroIsRefusedAtItsKey() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 5);
        Files.writeString(dir.resolve("config.yaml"), ConfigText.withAppJob("""
                compression_level: "09"
                retry:
                  max_attempts: -03
                retention:
                  keep_daily: 010
                  keep_last: 0
                  keep_weekly: 00
                """));
        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "config", "validate");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip().split("\n")).containsExactly(
                "config.yaml:13:24: error: jobs.app.compression_level: '09' has a leading zero; write 9 without it",
                "config.yaml:15:21: error: jobs.app.retry.max_attempts: '-03' has a leading zero (YAML 1.1 tools read it "
                        + "as octal -3); write -3 without it",
                "config.yaml:17:19: error: jobs.app.retention.keep_daily: '010' has a leading zero (YAML 1.1 tools read it "
                        + "as octal 8); write 10 without it",
                "config.yaml:19:20: error: jobs.app.retention.keep_weekly: '00' has a leading zero (YAML 1.1 tools read it "
                        + "as octal 0); write 0 without it");
        assertThat(dir.resolve("store")).doesNotExist();
    }

    /** {@code timeout: 010} was 10 s where a YAML 1.1 tool reads 8 s, while {@code keep_daily: 010} was refused. */
    @Test
    void aDurationInSecondsWithALeadingZeroIsRefusedAsAnInteger() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 5);
        Files.writeString(dir.resolve("config.yaml"), ConfigText.withAppJob("""
                timeout: 010
                retry:
                  max_attempts: 2
                  delay: "05"
                  max_delay: 05m
                """));
        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "config", "validate");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip().split("\n")).containsExactly(
                "config.yaml:13:14: error: jobs.app.timeout: '010' has a leading zero (YAML 1.1 tools read it as octal 8); "
                        + "write 10 without it",
                "config.yaml:16:14: error: jobs.app.retry.delay: '05' has a leading zero (YAML 1.1 tools read it as octal 5); "
                        + "write 5 without it");
        assertThat(dir.resolve("store")).doesNotExist();
    }
}
