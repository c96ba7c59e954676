package io.dbbackup.config;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.ConfigText;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Odd YAML a user may really write, each through {@code config validate}: exit 1, nothing on stdout, and ONE line on
 * stderr naming the file, line, column and (where the file could be read) the key, never a stack trace, a Java class
 * name or "null". What other tests already pin (tabs, UTF-16, aliases, merge keys, duplicate keys, secrets' files and
 * variables) is not repeated here.
 */
class ConfigOddYamlTest {
    @TempDir
    Path dir;

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static Stream<Arguments> cases() {
        String bad = "retention: {keep_daily: -1}";
        return Stream.of(
                Arguments.of("a UTF-8 byte order mark", utf8("\uFEFF" + ConfigText.withAppJob(bad)),
                        "config.yaml:13:29: error: jobs.app.retention.keep_daily: must be 0 or more (got -1)"),
                Arguments.of("CRLF line endings", utf8(ConfigText.withAppJob(bad).replace("\n", "\r\n")),
                        "config.yaml:13:29: error: jobs.app.retention.keep_daily: must be 0 or more (got -1)"),
                Arguments.of("only comments", utf8("# dbbackup config\n# to be written\n"),
                        "config.yaml:1:1: error: the config file is empty; it needs at least 'datasources', 'stores' and 'jobs'"),
                Arguments.of("a document end and a second document", utf8(ConfigText.withAppJob("") + "...\n---\n"),
                        "config.yaml:14:1: error: a second YAML document starts here: a config file holds one document "
                                + "(remove this '---' and what follows, or merge it into the first)"),
                Arguments.of("a list at the top", utf8("- datasources\n- jobs\n"),
                        "config.yaml:1:1: error: the file is not a dbbackup config: expected a mapping of keys (datasources, "
                                + "stores, jobs), got a list"),
                Arguments.of("1_000 for an integer", utf8(ConfigText.withAppJob("retention: {keep_daily: 1_000}")),
                        "config.yaml:13:29: error: jobs.app.retention.keep_daily: expected an integer, got '1_000'"),
                Arguments.of("0x10 for an integer", utf8(ConfigText.withAppJob("retention: {keep_daily: 0x10}")),
                        "config.yaml:13:29: error: jobs.app.retention.keep_daily: expected an integer, got '0x10'"),
                Arguments.of("1e3 for an integer", utf8(ConfigText.withAppJob("retention: {keep_daily: 1e3}")),
                        "config.yaml:13:29: error: jobs.app.retention.keep_daily: expected an integer, got '1e3'"),
                Arguments.of("a negative duration", utf8(ConfigText.withAppJob("timeout: -5m")),
                        "config.yaml:13:14: error: jobs.app.timeout: expected a duration such as 30 (seconds), 10ms, 30s, "
                                + "5m, 2h, got '-5m'"),
                Arguments.of("!!binary", utf8(ConfigText.withAppJob("prefix: !!binary bmlnaHRseQ==")),
                        "config.yaml:13:13: error: jobs.app.prefix: YAML tag !!binary is not supported: values are read as "
                                + "plain text; remove the tag"),
                Arguments.of("a NUL byte in a value", utf8(ConfigText.withAppJob("prefix: night\u0000ly")),
                        "config.yaml:13:18: error: jobs.app.prefix: a control character (U+0000) YAML does not allow in a "
                                + "file: remove it"),
                Arguments.of("a BEL in a key", utf8(ConfigText.withAppJob("ret\u0007ention: {keep_daily: 1}")),
                        "config.yaml:13:8: error: jobs.app: a control character (U+0007) YAML does not allow in a file: remove it"),
                Arguments.of("a key longer than YAML allows", utf8(ConfigText.withAppJob("k".repeat(2000) + ": 1")),
                        "config.yaml:13:5: error: jobs.app: a key of 2000 characters: YAML reads a key of at most 1024 "
                                + "characters on its line (a value written as a key?)"),
                Arguments.of("a Latin-1 byte", ConfigText.withAppJob("prefix: caf\u00e9").getBytes(StandardCharsets.ISO_8859_1),
                        "config.yaml:13:16: error: jobs.app.prefix: cannot read the config file (it is not UTF-8 text: byte "
                                + "0xE9 here; save it as UTF-8, e.g. iconv -f ISO-8859-1 -t UTF-8)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isOneLineWithItsPlaceAndKey(String what, byte[] yaml, String line) throws Exception {
        Files.write(dir.resolve("config.yaml"), yaml);
        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "config", "validate");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("null").doesNotContain("java.")
                .doesNotContain("io.dbbackup").doesNotContain("snakeyaml");
        assertThat(r.err().strip()).isEqualTo(line);
        try (var files = Files.list(dir)) {
            assertThat(files).as("nothing written").containsExactly(dir.resolve("config.yaml"));
        }
    }
}
