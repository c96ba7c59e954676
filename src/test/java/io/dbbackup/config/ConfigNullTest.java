package io.dbbackup.config;

import io.dbbackup.plugin.PluginRegistry;
import io.dbbackup.testkit.ConfigText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code keep_last: ~} failed with "expected an integer, got '~'" while {@code keep_last: null} meant "off": in YAML
 * {@code ~}, {@code Null} and {@code NULL} are null too. Only those plain spellings changed: quoted they stay text, and
 * other words ({@code yes}, {@code on}, {@code nil}) are read as written, as before.
 */
class ConfigNullTest {
    @TempDir
    Path dir;

    Config load(String job) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), ConfigText.withAppJob(job));
        return new ConfigLoader(PluginRegistry.load(), Map.of()).load(dir.resolve("config.yaml"));
    }

    @Test
    void everyYamlSpellingOfNullIsNull() throws Exception {
        for (String nul : new String[] {"null", "~", "Null", "NULL", ""}) {
            Config c = load("retention: {keep_last: " + nul + ", keep_daily: 3}");
            assertThat(c.jobs().get("app").retention().keepLast()).as(nul).isZero();
            assertThat(c.jobs().get("app").retention().keepDaily()).as(nul).isEqualTo(3);
            assertThat(load("prefix: " + nul).jobs().get("app").prefix()).as(nul).isEmpty();
        }
    }

    @Test
    void anEncryptionOfTildeIsRefusedAsEmptyLikeNull() {
        for (String nul : new String[] {"null", "~"}) {
            assertThatThrownBy(() -> load("encryption: " + nul)).as(nul).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("config.yaml:13:5: error: jobs.app.encryption: is empty, which would write the backups in clear");
        }
    }

    @Test
    void quotedNullsAndOtherWordsStayText() throws Exception {
        assertThatThrownBy(() -> load("retention: {keep_last: '~'}")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("jobs.app.retention.keep_last: expected an integer, got '~'");
        for (String word : new String[] {"yes", "no", "on", "off", "nil", "True", "nULL", "'NULL'", "\"~\""}) {
            String expected = word.replace("'", "").replace("\"", "");
            assertThat(load("prefix: " + word).jobs().get("app").prefix()).as(word).isEqualTo(expected);
        }
    }
}
