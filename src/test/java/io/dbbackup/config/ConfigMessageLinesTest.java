package io.dbbackup.config;

import io.dbbackup.plugin.PluginRegistry;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.ConfigText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A key or value of the YAML that a problem repeats reaches a terminal: an escape sequence in it ({@code \u001b[2J}) would
 * clear or recolour the screen, a bidi override ({@code U+202E}) reorder the line, a newline split the one line a problem
 * is; and a value of many thousands of characters would fill the screen. Each is shown escaped, a long one cut.
 */
class ConfigMessageLinesTest {
    @TempDir
    Path dir;

    private ConfigException failure(String yaml) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), yaml);
        ConfigException e = catchThrowableOfType(
                () -> new ConfigLoader(PluginRegistry.load(), Map.of()).load(dir.resolve("config.yaml")), ConfigException.class);
        assertThat(e).as("the config is refused").isNotNull();
        return e;
    }

    private static void assertSafe(List<Problem> problems) {
        for (Problem p : problems) {
            assertThat(p.format()).as("one printable line").doesNotContain("\n").doesNotContain("\r")
                    .doesNotContain("\u001b").doesNotContain("\u202e").doesNotContain("\u2066").doesNotContain("\u200b")
                    .doesNotContain("\u0085").doesNotContain("\u2028");
        }
    }

    @Test
    void anEscapeSequenceInAKeyIsShownEscaped() throws Exception {
        ConfigException e = failure(ConfigText.withAppJob("\"\\e[2J\\e[31mverify\": true"));

        assertSafe(e.problems());
        assertThat(e.problems()).hasSize(1);
        Problem p = e.problems().get(0);
        assertThat(p.line()).isEqualTo(13);
        assertThat(p.message()).startsWith("jobs.app.\\u001b[2J\\u001b[31mverify: unknown key (known keys: ");
    }

    @Test
    void bidiAndZeroWidthCharactersInAValueAreShownEscaped() throws Exception {
        ConfigException e = failure(ConfigText.withAppJob("verify: \"\\u202eeurt\\u2066\\u200b\""));

        assertSafe(e.problems());
        assertThat(e.problems()).extracting(Problem::message)
                .containsExactly("jobs.app.verify: '\\u202eeurt\\u2066\\u200b' is not one of deep, false, true");
    }

    @Test
    void aLineBreakInAValueDoesNotSplitTheProblemsLine() throws Exception {
        ConfigException e = failure(ConfigText.withAppJob("retention: {timezone: \"Europe/Berlin\\nconfig.yaml:1:1: error: forged\\r\\x85\\u2028\"}"));

        assertSafe(e.problems());
        assertThat(e.getMessage()).as("the exception's text: one problem, one line").doesNotContain("\n");
        assertThat(e.problems()).extracting(Problem::message).containsExactly("jobs.app.retention.timezone: unknown time zone "
                + "'Europe/Berlin\\nconfig.yaml:1:1: error: forged\\r\\u0085\\u2028' (use an IANA name such as Europe/Berlin or UTC)");
    }

    @Test
    void aValueOfThousandsOfCharactersIsCutKeepingTheKeyAndTheHint() throws Exception {
        String huge = "x".repeat(20_000);
        ConfigException e = failure(ConfigText.withAppJob("verify: " + huge));

        assertSafe(e.problems());
        String message = e.problems().get(0).message();
        assertThat(message.length()).as(message).isLessThanOrEqualTo(ProblemText.MAX_CHARS + 40);
        assertThat(message).startsWith("jobs.app.verify: 'xxxx").endsWith("x' is not one of deep, false, true")
                .contains("characters cut]");
        assertThat(ProblemText.clean("y".repeat(1000))).as("a value of a thousand characters in a short message stays whole")
                .isEqualTo("y".repeat(1000));
    }

    @Test
    void aCutNeverSplitsAnEscapeOrASurrogatePair() {
        String text = ("\u001b" + "\uD83D\uDE00").repeat(2_000);
        String cut = ProblemText.clean(text);

        assertThat(cut).contains("characters cut]").doesNotContain("\u001b");
        assertThat(cut.replaceAll("\\\\u001b|\uD83D\uDE00|\\.\\.\\.\\[\\d+ characters cut]\\.\\.\\.", ""))
                .as("nothing but whole escapes and whole emoji around the cut").isEmpty();
    }

    @Test
    void validateNeverPrintsARawControlCharacter() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), ConfigText.withAppJob("\"\\e]0;owned\\a\": x\nprefix: \"a\\tb\\e[1A\""));
        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "config", "validate");

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err().chars().filter(c -> c != '\n').noneMatch(Character::isISOControl)).as(r.err()).isTrue();
        assertThat(r.err().strip().split("\n")).hasSize(2).allMatch(l -> l.matches("config\\.yaml:1[34]:\\d+: error: jobs\\.app\\..*"))
                .anyMatch(l -> l.contains("jobs.app.\\u001b]0;owned\\u0007: unknown key"));
    }
}
