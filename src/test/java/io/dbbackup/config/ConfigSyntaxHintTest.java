package io.dbbackup.config;

import io.dbbackup.plugin.PluginRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Two shapes users meet: webhook {@code headers:} written as a mapping (the error said only "got a mapping"), and a
 * non-breaking space after {@code key:} pasted from a chat (a generic YAML syntax error). Each error now says what to do.
 */
class ConfigSyntaxHintTest {
    @TempDir
    Path dir;

    private String problems(String yaml) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), yaml);
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> new ConfigLoader(PluginRegistry.load(),
                Map.of("URL", "https://hooks.example/x")).load(dir.resolve("config.yaml"), "config.yaml"));
        return e == null ? "" : e.getMessage();
    }

    @Test
    void headersAsAMappingSayHowToWriteThem() throws Exception {
        String p = problems("""
                datasources:
                  db: {engine: sqlite, path: db.sqlite}
                stores:
                  local: {type: local, path: backups}
                notifications:
                  hook:
                    type: webhook
                    url_env: URL
                    headers:
                      X-Api-Key: tok-3f9a
                jobs:
                  db: {datasource: db, store: local, notify: [{notifier: hook}]}
                """);
        assertThat(p).contains("config.yaml:10:7: error: notifications.hook.headers: expected a string or a list of strings, "
                + "got a mapping; for 'Name: value' text, quote each as a list item: - \"X-Api-Key: <value>\"")
                .doesNotContain("tok-3f9a");
    }

    @Test
    void aNotifyRuleWrittenAsABareNameSaysHowToWriteIt() throws Exception {
        String p = problems("""
                datasources:
                  db: {engine: sqlite, path: db.sqlite}
                stores:
                  local: {type: local, path: backups}
                notifications:
                  oncall: {type: webhook, url_env: URL}
                jobs:
                  db: {datasource: db, store: local, notify: [oncall, tok-3f9a]}
                """);
        assertThat(p).contains("config.yaml:8:47: error: jobs.db.notify[0]: each entry is a mapping, not a bare name: write "
                        + "{notifier: oncall} (add on: success or on: always to be told of more than failures)")
                .contains("config.yaml:8:55: error: jobs.db.notify[1]: each entry is a mapping, not a bare name: write "
                        + "{notifier: NAME} (add on: success or on: always to be told of more than failures); the value is "
                        + "not shown: it may be a secret")
                .doesNotContain("tok-3f9a").doesNotContain("missing required key").doesNotContain("single value");
        assertThat(p.lines().count()).as(p).isEqualTo(2);
    }

    @Test
    void aNonBreakingSpaceAfterAKeyIsNamed() throws Exception {
        String p = problems("datasources:\n  db: {engine: sqlite, path: db.sqlite}\nstores:\n  local:\n    type:\u00a0local\n"
                + "    path: backups\njobs:\n  db: {datasource: db, store: local}\n");
        assertThat(p).startsWith("config.yaml:6:9: error: YAML syntax error: ")
                .contains("; line 5 holds a non-breaking space (U+00A0), which YAML does not read as a space: retype it as "
                        + "a plain space");
        assertThat(dir.resolve("backups")).doesNotExist();
    }
}
