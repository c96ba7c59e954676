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
 * {@code retry: {delay: 5m, max_delay: 1m}} was accepted and every pause was 1 minute: the cap silently overrode the
 * delay the config showed. A delay longer than the cap is an error at the key that makes it so.
 */
class RetryDelayConfigCliTest {
    @TempDir
    Path dir;

    private Cli.Result validate(String retry) throws Exception {
        if (!Files.exists(dir.resolve("app.db"))) {
            SqliteFixture.create(dir.resolve("app.db"), 5);
        }
        Files.writeString(dir.resolve("config.yaml"), ConfigText.withAppJob(retry));
        return new Cli().workingDir(dir).run("-c", "config.yaml", "config", "validate");
    }

    @Test
    void aMaxDelayShorterThanTheDelayIsAnErrorAtMaxDelay() throws Exception {
        Cli.Result r = validate("""
                retry:
                  max_attempts: 3
                  delay: 5m
                  max_delay: 1m
                """);
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip()).isEqualTo("config.yaml:16:18: error: jobs.app.retry.max_delay: '1m' is shorter than "
                + "delay ('5m'), so every pause would be max_delay; raise max_delay or lower delay");
    }

    @Test
    void aDelayLongerThanTheDefaultCapIsAnErrorAtDelay() throws Exception {
        Cli.Result r = validate("""
                retry:
                  max_attempts: 3
                  delay: 15m
                """);
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("config.yaml:15:14: error: jobs.app.retry.delay: '15m' is longer than "
                + "max_delay (10m when left out), which caps every pause; give max_delay too, at least as long as delay");
    }

    @Test
    void equalOrLongerCapsAreAccepted() throws Exception {
        assertThat(validate("""
                retry:
                  max_attempts: 3
                  delay: 15m
                  max_delay: 15m
                """).exit()).isZero();
        assertThat(validate("""
                retry:
                  delay: 30s
                  max_delay: 1h
                """).exit()).isZero();
    }
}
