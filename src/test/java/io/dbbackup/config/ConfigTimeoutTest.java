package io.dbbackup.config;

import io.dbbackup.plugin.PluginRegistry;
import io.dbbackup.testkit.ConfigText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Finding 8 of the config audit (2026-12-02): {@code timeout: 0} meant "no limit" without the README saying so. */
class ConfigTimeoutTest {
    @TempDir
    Path dir;

    @Test
    void aTimeoutOfZeroIsNoLimitAndTheReadmeSaysSo() throws Exception {
        for (String zero : new String[] {"0", "0s", "0m"}) {
            Files.writeString(dir.resolve("config.yaml"), ConfigText.withAppJob("timeout: " + zero));
            Config c = new ConfigLoader(PluginRegistry.load(), Map.of()).load(dir.resolve("config.yaml"));
            assertThat(c.jobs().get("app").timeout()).as(zero).isNull();
        }
        // the behaviour is the README's: its job table says so
        assertThat(Files.readString(Path.of("README.md"))).contains("| `timeout` | none | limit for one attempt")
                .contains("`0` (`0s`, `0m`…) means no limit");
    }

    /**
     * {@code timeout: 0.0001} (a tenth of a millisecond) rounded to 0, which is "no limit": the opposite of what it says.
     * A positive duration below the millisecond is refused at its key, for every duration key (the job's, a retry's,
     * a datasource's, a notifier's, a store's); {@code 0} stays "no limit".
     */
    @Test
    void aPositiveDurationThatRoundsToZeroIsRefusedAtItsKey() throws Exception {
        for (String tiny : new String[] {"0.0001", "0.0004s", "0.4ms", "0.000001m"}) {
            List<String> problems = ConfigFiles.problems(dir, ConfigText.withAppJob("timeout: " + tiny));
            assertThat(problems).as(tiny).hasSize(1);
            assertThat(problems.get(0)).as(tiny).startsWith("config.yaml:13:").contains("jobs.app.timeout")
                    .contains("'" + tiny + "'").contains("1ms").contains("no limit");
        }
        assertThat(ConfigFiles.problems(dir, ConfigText.withAppJob("retry: {max_attempts: 2, delay: 0.0001}")).get(0))
                .contains("jobs.app.retry.delay").contains("1ms");
        assertThat(ConfigFiles.problems(dir, ConfigText.APP_AND_LOCAL_STORE.replace("path: app.db", "path: app.db\n    sleep_interval: 0.1ms")
                + ConfigText.appJob("")).get(0)).contains("datasources.app.sleep_interval").contains("1ms");
        assertThat(ConfigFiles.load(dir, ConfigText.withAppJob("timeout: 0.0005")).jobs().get("app").timeout())
                .as("half a millisecond rounds up to one, not to no limit").hasMillis(1);
    }
}
