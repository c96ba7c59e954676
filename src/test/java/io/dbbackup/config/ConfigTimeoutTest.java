package io.dbbackup.config;

import io.dbbackup.plugin.PluginRegistry;
import io.dbbackup.testkit.ConfigText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
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
}
