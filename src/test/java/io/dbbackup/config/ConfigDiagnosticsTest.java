package io.dbbackup.config;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.Golden;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden cases of broken configs: {@code config validate} must exit 1 and print every problem as
 * {@code file:line:col: ...}, one line each, no stack trace. Regenerate with {@code -Dgolden.update=true}.
 */
class ConfigDiagnosticsTest {
    @TempDir
    Path dir;

    static List<String> cases() {
        return Golden.cases("config", ".yaml");
    }

    @ParameterizedTest
    @MethodSource("cases")
    void brokenConfigIsReportedWithPositions(String name) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.copy(Golden.dir("config").resolve(name + ".yaml"), file);
        Cli.Result r = new Cli().workingDir(dir).env("DBBACKUP_TEST_SET", "value-present")
                .run("-c", name + ".yaml", "config", "validate");

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
        for (String line : r.err().strip().split("\n")) {
            assertThat(line).as("every line names file:line:col").matches(name + "\\.yaml:\\d+:\\d+: (error|warning): .*");
        }
        Golden.check("config", name + ".expected", r.err());
    }

    /** 20,000 nested lists: a 1,025-line StackOverflowError trace before; one line now. */
    @org.junit.jupiter.api.Test
    void aConfigNestedTooDeeplyIsOneLine() throws Exception {
        Files.writeString(dir.resolve("deep.yaml"), "[".repeat(20_000));
        Cli.Result r = new Cli().workingDir(dir).run("-c", "deep.yaml", "config", "validate");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("deep.yaml:1:1: error: YAML error: nested too deeply to be a dbbackup config");
    }
}
