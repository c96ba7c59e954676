package io.dbbackup.config;

import io.dbbackup.plugin.PluginRegistry;
import io.dbbackup.testkit.ConfigText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * YAML that parses but is no shape a config has: a merge key ({@code <<:}) given something else than a mapping (or a
 * list of them), which was dropped without a word, and a key that is a list or a mapping ({@code ? [a, b]}). Each is one
 * line at that key.
 */
class ConfigYamlShapesTest {
    @TempDir
    Path dir;

    private Config load(String yaml) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), yaml);
        return new ConfigLoader(PluginRegistry.load(), Map.of()).load(dir.resolve("config.yaml"), "config.yaml");
    }

    private String failure(String yaml) throws Exception {
        ConfigException e = catchThrowableOfType(() -> load(yaml), ConfigException.class);
        assertThat(e).as("refused: " + yaml).isNotNull();
        assertThat(e.getMessage()).as("one problem, one line").doesNotContain("\n");
        return e.getMessage();
    }

    @Test
    void aMergeKeyOfAScalarIsAnErrorAtIt() throws Exception {
        assertThat(failure(ConfigText.withAppJob("<<: 5"))).isEqualTo("config.yaml:13:5: error: jobs.app.<<: a merge key "
                + "takes a mapping (<<: *defaults) or a list of them, got '5'");
    }

    @Test
    void aMergeKeyOfAnAliasToAScalarIsAnErrorAtIt() throws Exception {
        String yaml = ConfigText.withAppJob("prefix: &p nightly\n<<: *p");
        assertThat(failure(yaml)).isEqualTo("config.yaml:14:5: error: jobs.app.<<: a merge key takes a mapping "
                + "(<<: *defaults) or a list of them, got 'nightly'");
    }

    @Test
    void aMergeKeyOfAListOfScalarsIsAnErrorNamingTheItem() throws Exception {
        String yaml = ConfigText.withAppJob("retry: {max_attempts: 2}\nretention:\n  <<: [{keep_last: 3}, daily]");
        assertThat(failure(yaml)).isEqualTo("config.yaml:15:7: error: jobs.app.retention.<<[1]: a merge key takes a mapping "
                + "(<<: *defaults) or a list of them, got 'daily'");
    }

    @Test
    void anEmptyMergeKeyIsAnErrorRatherThanNothingMerged() throws Exception {
        assertThat(failure(ConfigText.withAppJob("<<:"))).isEqualTo("config.yaml:13:5: error: jobs.app.<<: a merge key "
                + "takes a mapping (<<: *defaults) or a list of them, got nothing");
    }

    @Test
    void mergeKeysOfMappingsStillWork() throws Exception {
        Config c = load(ConfigText.withAppJob("retention: &r {keep_last: 3}")
                + "  other:\n    <<: [{datasource: app, store: local}]\n    prefix: other\n    retention: {<<: *r, keep_daily: 5}\n");
        assertThat(c.jobs().get("other").datasource()).isEqualTo("app");
        assertThat(c.jobs().get("other").retention().keepLast()).isEqualTo(3);
        assertThat(c.jobs().get("other").retention().keepDaily()).isEqualTo(5);
    }

    @Test
    void aListAsAKeyIsAnErrorAtIt() throws Exception {
        assertThat(failure(ConfigText.withAppJob("? [a, b]\n: x"))).isEqualTo("config.yaml:13:7: error: jobs.app: a key must "
                + "be a plain string, got a list");
    }

    @Test
    void aMappingAsAKeyAtTheTopIsAnErrorAtIt() throws Exception {
        assertThat(failure(ConfigText.withAppJob("") + "{a: 1}: x\n")).isEqualTo("config.yaml:13:1: error: a key must be "
                + "a plain string, got a mapping");
    }

    @Test
    void aListAsANameIsAnErrorAtIt() throws Exception {
        String yaml = ConfigText.APP_AND_LOCAL_STORE.replace("  local:\n", "  ? [local]\n  : \n  local:\n")
                + ConfigText.appJob("");
        assertThat(failure(yaml)).isEqualTo("config.yaml:6:5: error: stores: a key must be a plain string, got a list");
    }
}
