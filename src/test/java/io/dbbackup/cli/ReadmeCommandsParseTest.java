package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.ConfigText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every dbbackup command line the README shows — in its code blocks ({@code dbbackup …}, {@code bin/dbbackup …}, a
 * {@code java -jar …/dbbackup.jar …}, a {@code docker run … dbbackup …}, inside an {@code archive_command = '…'}), the
 * container {@code args: [...]} vectors, and the inline {@code `dbbackup …`} examples — parses with the real CLI
 * (picocli, nothing runs): an example can never drift from the options.
 */
class ReadmeCommandsParseTest {
    /** The program, as a word of its own: {@code dbbackup}, {@code bin/dbbackup}, {@code /opt/dbbackup/dbbackup.jar}. */
    private static final Pattern PROGRAM = Pattern.compile("(?<![\\w.$-])(?:[\\w./~-]*/)?dbbackup(?:\\.jar)?(?= )");
    /** A container's exec-form arguments: {@code args: ["backup", "--all"]}. */
    private static final Pattern ARGS = Pattern.compile("(?<![\\w])args: \\[([^\\]]*)]");
    private static final Pattern INLINE = Pattern.compile("`(?:bin/)?(dbbackup [^`]*)`");

    /** One command line found in the README: where, and its arguments after the program. */
    record Example(String where, List<String> args) {
        @Override
        public String toString() {
            return where + " -> " + args;
        }
    }

    @Test
    void everyCommandLineOfTheReadmeParses() throws Exception {
        List<Example> examples = examples();
        List<String> failures = new ArrayList<>();
        for (Example e : examples) {
            try {
                Readme.commandLine().parseArgs(e.args().toArray(String[]::new));
            } catch (CommandLine.ParameterException ex) {
                failures.add(e + ": " + ex.getMessage());
            }
        }
        assertThat(failures).as("README command lines that the CLI refuses").isEmpty();
    }

    /** The extraction itself: the README's examples are found (a change that finds none would pass vacuously). */
    @Test
    void theExamplesAreFound() throws Exception {
        List<Example> examples = examples();
        assertThat(examples).hasSizeGreaterThan(40);
        assertThat(examples).extracting(e -> String.join(" ", e.args()))
                .contains("-c examples/config.yaml backup --all")
                .contains("-c /etc/dbbackup/config.yaml wal-push --job main-physical %p %f")
                .contains("--log-format json backup --all --parallel 2 --prune")
                .contains("pin app app-20260301-020000.sql.gz --note legal hold #7")
                .contains("-c /etc/dbbackup/config.yaml prune nightly"); // in a log line: up to its closing parenthesis
    }

    /**
     * A command line the README shows inline without the program's name but with its output redirected
     * ({@code `list --all --json > /full/inventory.json`}) is one to paste and run: it runs, against a config with a
     * job, to exit 0 when stdout takes its output. {@code list --json} without a job or {@code --all} parsed, yet ran
     * to exit 1 ("name the job to list"), where the README meant it to show a full disk's exit 2.
     */
    @Test
    void everyInlineCommandWithARedirectionRuns(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), ConfigText.withAppJob(""));
        Files.setPosixFilePermissions(dir.resolve("config.yaml"), PosixFilePermissions.fromString("rw-------"));
        Pattern redirected = Pattern.compile("`((?:" + String.join("|", Root.verbs().keySet()) + ")(?: [^`]*)? [>|] [^`]*)`");
        List<String> failures = new ArrayList<>();
        int ran = 0;
        List<String> lines = Readme.lines();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = redirected.matcher(lines.get(i));
            while (m.find()) {
                List<String> args = new ArrayList<>(List.of("-c", "config.yaml"));
                args.addAll(words(m.group(1)));
                Cli.Result r = new Cli().workingDir(dir).run(args.toArray(String[]::new));
                ran++;
                if (r.exit() != 0) {
                    failures.add("README.md:" + (i + 1) + ": " + m.group() + " exits " + r.exit() + ": " + r.err().strip());
                }
            }
        }
        assertThat(ran).as("inline commands with a redirection").isGreaterThanOrEqualTo(2);
        assertThat(failures).as("README inline commands that do not run").isEmpty();
    }

    /** The set-up stays exactly two commands: the example's backup and the test suite. */
    @Test
    void aFreshMachineNeedsExactlyTwoCommands() throws Exception {
        List<String> commands = Readme.blockAfter("## Two commands on a fresh machine").stream().map(Readme.Line::text)
                .filter(t -> !t.isBlank() && !t.strip().startsWith("#")).toList();
        assertThat(commands).containsExactly("bin/dbbackup -c examples/config.yaml backup --all", "bin/test");
    }

    /** And a wrong one is refused, so the test above can fail. */
    @Test
    void aCommandLineWithAnUnknownOptionIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Readme.commandLine().parseArgs(
                words("backup --all --paralel 4").toArray(String[]::new))).isInstanceOf(CommandLine.ParameterException.class);
    }

    static List<Example> examples() throws Exception {
        List<Example> out = new ArrayList<>();
        List<Readme.Line> code = Readme.codeLines();
        for (int i = 0; i < code.size(); i++) {
            Readme.Line l = code.get(i);
            String text = l.text();
            while (text.endsWith("\\") && i + 1 < code.size() && code.get(i + 1).number() == l.number() + 1) {
                text = text.substring(0, text.length() - 1) + " " + code.get(++i).text().strip();
            }
            Matcher m = PROGRAM.matcher(text);
            while (m.find()) {
                String before = text.substring(0, m.start());
                String rest = text.substring(m.end());
                if ((before.endsWith("'") || before.chars().filter(c -> c == '\'').count() % 2 == 1) && rest.contains("'")) {
                    rest = rest.substring(0, rest.indexOf('\'')); // inside archive_command = '...'
                } else if (before.endsWith("(") && rest.contains(")")) {
                    rest = rest.substring(0, rest.indexOf(')')); // a command a log line suggests: (dbbackup ...)
                }
                command(out, l.toString(), words(rest));
            }
            Matcher a = ARGS.matcher(text);
            while (a.find()) {
                out.add(new Example(l.toString(), vector(a.group(1))));
            }
        }
        List<String> lines = Readme.lines();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = INLINE.matcher(lines.get(i));
            while (m.find()) {
                // `dbbackup restore <job> [key] [--to <datasource>]` is a synopsis, not a command line
                if (!m.group(1).matches(".*[\\[<…].*")) {
                    command(out, "README.md:" + (i + 1) + ": " + m.group(), words(m.group(1).substring("dbbackup".length())));
                }
            }
            Matcher a = ARGS.matcher(lines.get(i));
            while (a.find() && !lines.get(i).strip().startsWith("args:")) {
                out.add(new Example("README.md:" + (i + 1) + ": " + a.group(), vector(a.group(1))));
            }
        }
        return out;
    }

    /** Arguments that start with a verb or an option are a command line; {@code docker build -t dbbackup .} is not. */
    private static void command(List<Example> out, String where, List<String> args) {
        if (!args.isEmpty() && (args.get(0).startsWith("-") || Root.verbs().containsKey(args.get(0)))) {
            out.add(new Example(where, args));
        }
    }

    /** A YAML flow list of strings: {@code "--log-format", "json"}. */
    private static List<String> vector(String items) {
        List<String> out = new ArrayList<>();
        for (String item : items.split(",")) {
            String s = item.strip();
            if (s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))) {
                s = s.substring(1, s.length() - 1);
            }
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * A shell's words: quotes and backslashes as sh reads them; the command ends at an unquoted comment, pipe, list
     * operator, redirection or closing parenthesis.
     */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'' || c == '"') {
                int end = line.indexOf(c, i + 1);
                if (end < 0) {
                    end = line.length();
                }
                w.append(line, i + 1, end);
                inWord = true;
                i = end;
            } else if (c == '\\' && i + 1 < line.length()) {
                w.append(line.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    out.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                }
            } else if ((c == '#' && !inWord) || c == '|' || c == '&' || c == ';' || c == ')' || c == '>' || c == '<') {
                break;
            } else {
                w.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            out.add(w.toString());
        }
        return out;
    }
}
