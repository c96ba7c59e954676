package io.dbbackup.config;

import io.dbbackup.plugin.PluginRegistry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A config text written to {@code DIR/config.yaml} and loaded with every plugin, as the CLI loads it. */
final class ConfigFiles {
    private ConfigFiles() {
    }

    static Config load(Path dir, String yaml) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), yaml);
        return new ConfigLoader(PluginRegistry.load(), Map.of()).load(dir.resolve("config.yaml"), "config.yaml");
    }

    /** The one-line problems {@code yaml} is refused with (it must be refused). */
    static List<String> problems(Path dir, String yaml) throws Exception {
        ConfigException e = catchThrowableOfType(() -> load(dir, yaml), ConfigException.class);
        assertThat(e).as("refused: " + yaml).isNotNull();
        return e.problems().stream().map(Problem::format).toList();
    }

    /** The one line {@code yaml} is refused with (it must be refused, with one problem on one line). */
    static String failure(Path dir, String yaml) throws Exception {
        ConfigException e = catchThrowableOfType(() -> load(dir, yaml), ConfigException.class);
        assertThat(e).as("refused: " + yaml).isNotNull();
        assertThat(e.getMessage()).as("one problem, one line").doesNotContain("\n");
        return e.getMessage();
    }
}
