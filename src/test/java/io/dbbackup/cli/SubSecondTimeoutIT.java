package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job with {@code timeout: 500ms} that outlives it failed "job slow timed out after 0s": the timeout said in whole
 * seconds, rounded down to none. It says the limit as configured now.
 */
class SubSecondTimeoutIT {
    @TempDir
    Path dir;

    @Test
    void aSubSecondJobTimeoutIsSaidAsConfigured() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  slow: {engine: fake, size: 100000, duration: 60s}
                  slower: {engine: fake, size: 100000, duration: 60s}
                stores:
                  local: {type: local, path: store}
                jobs:
                  slow: {datasource: slow, store: local, timeout: 500ms}
                  slower: {datasource: slower, store: local, timeout: 1.5s}
                """);

        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "slow", "slower");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.out() + r.err()).contains("job slow timed out after 500ms").contains("job slower timed out after 1.5s")
                .doesNotContain("after 0s").doesNotContain("after 1s");
    }
}
