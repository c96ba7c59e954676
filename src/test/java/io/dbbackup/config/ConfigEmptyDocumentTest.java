package io.dbbackup.config;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A file of nothing but a document start ({@code ---}, a template whose body rendered empty) or a null ({@code ~})
 * holds no more than an empty file, which is an error; {@code config validate} said "ok (0 datasources, 0 stores, 0
 * notifications, 0 jobs)" with exit 0 for it.
 */
class ConfigEmptyDocumentTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"---\n", "--- # rendered by the chart\n", "~\n", "null\n", "---\n...\n"})
    void aDocumentOfNothingIsAnEmptyConfig(String text) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), text);
        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "config", "validate");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip()).isEqualTo("config.yaml:1:1: error: the config file is empty; it needs at least "
                + "'datasources', 'stores' and 'jobs'");
    }
}
