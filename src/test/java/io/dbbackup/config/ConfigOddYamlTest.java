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
                Arguments.of("a SQLite path of / (a truncated file)",
                        utf8(ConfigText.withAppJob("").replace("path: app.db", "path: /")),
                        "config.yaml:4:5: error: datasources.app.path: names no file (got '/'): give the SQLite database "
                                + "file, e.g. /data/app.db"),
                Arguments.of("a negative duration", utf8(ConfigText.withAppJob("timeout: -5m")),
                        "config.yaml:13:14: error: jobs.app.timeout: '-5m' is negative: a duration cannot be negative"),
                Arguments.of("a negative retry delay", utf8(ConfigText.withAppJob("retry: {max_attempts: 2, delay: -30s}")),
                        "config.yaml:13:37: error: jobs.app.retry.delay: '-30s' is negative: a duration cannot be negative"),
                Arguments.of("an upper-case M in a duration", utf8(ConfigText.withAppJob("timeout: 5M")),
                        "config.yaml:13:14: error: jobs.app.timeout: '5M' has a unit in upper case: units are ms, s, m, h, d, "
                                + "in lower case only (an upper-case M could mean months or megabytes): write 5m"),
                Arguments.of("an upper-case H in a duration", utf8(ConfigText.withAppJob("timeout: 1H30m")),
                        "config.yaml:13:14: error: jobs.app.timeout: '1H30m' has a unit in upper case: units are ms, s, m, h, "
                                + "d, in lower case only (an upper-case M could mean months or megabytes): write 1h30m"),
                Arguments.of("an upper-case D in a retry delay", utf8(ConfigText.withAppJob("retry: {max_attempts: 2, delay: 7D}")),
                        "config.yaml:13:37: error: jobs.app.retry.delay: '7D' has a unit in upper case: units are ms, s, m, h, "
                                + "d, in lower case only (an upper-case M could mean months or megabytes): write 7d"),
                // no unit at all (a week, a word): the units are named, with the lower case, not only examples without d
                Arguments.of("a unit that is none (weeks)", utf8(ConfigText.withAppJob("timeout: 1W")),
                        "config.yaml:13:14: error: jobs.app.timeout: expected a duration: seconds (30) or a number with a unit, "
                                + "in lower case: ms, s, m, h, d (10ms, 30s, 5m, 2h, 7d, 1h30m), got '1W'"),
                Arguments.of("a unit spelt out", utf8(ConfigText.withAppJob("retry: {max_attempts: 2, delay: 2Days}")),
                        "config.yaml:13:37: error: jobs.app.retry.delay: expected a duration: seconds (30) or a number with a "
                                + "unit, in lower case: ms, s, m, h, d (10ms, 30s, 5m, 2h, 7d, 1h30m), got '2Days'"),
                Arguments.of("an empty key in a job", utf8(ConfigText.withAppJob("\"\": x")),
                        "config.yaml:13:5: error: jobs.app: empty key: every key has a name; name it or remove the line"),
                Arguments.of("an empty explicit key in a job", utf8(ConfigText.withAppJob("? \"\"\n: x")),
                        "config.yaml:13:7: error: jobs.app: empty key: every key has a name; name it or remove the line"),
                Arguments.of("a blank key in a retry", utf8(ConfigText.withAppJob("retry: {' ': 1}")),
                        "config.yaml:13:13: error: jobs.app.retry: empty key (only blanks): every key has a name; name it or "
                                + "remove the line"),
                Arguments.of("an empty job name", utf8(ConfigText.withAppJob("") + "  \"\": {datasource: app, store: local}\n"),
                        "config.yaml:13:3: error: jobs.\"\": empty name: a name starts with a letter or digit and holds only "
                                + "letters, digits, '.', '_' and '-'"),
                Arguments.of("an empty key at the top", utf8("\"\": x\n" + ConfigText.withAppJob("")),
                        "config.yaml:1:1: error: empty key: every key has a name; name it or remove the line"),
                Arguments.of("a prefix of 100,000 characters", utf8(ConfigText.withAppJob("prefix: " + "p".repeat(100_000))),
                        "config.yaml:13:13: error: jobs.app.prefix: has a folder name of 100000 bytes ('pppppppppppppppp…'): "
                                + "a folder name is at most 255 bytes (of UTF-8), as file systems and SFTP servers allow; "
                                + "split it with '/' or shorten it"),
                Arguments.of("a folder name of 256 bytes in a prefix", utf8(ConfigText.withAppJob("prefix: backups/" + "\u00e9".repeat(128))),
                        "config.yaml:13:13: error: jobs.app.prefix: has a folder name of 256 bytes ('" + "\u00e9".repeat(16) + "…'): "
                                + "a folder name is at most 255 bytes (of UTF-8), as file systems and SFTP servers allow; "
                                + "split it with '/' or shorten it"),
                Arguments.of("a prefix that leaves no room for the keys", utf8(ConfigText.withAppJob("prefix: "
                                + "abcdefghi/".repeat(97) + "abcdefg")),
                        "config.yaml:13:13: error: jobs.app.prefix: is 977 bytes (of UTF-8), too long: the longest key "
                                + "dbbackup writes under it, PREFIX/app/app-YYYYMMDD-HHMMSS.sqlite.zst.age.manifest.json, "
                                + "would be 1030 bytes, over the 1024 that S3 and Azure allow; keep the prefix within 971 bytes"),
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
