package io.dbbackup.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's "Usage" block against the picocli model: every verb it lists is a command, every option it shows for a
 * verb is one of that command's options (taking a value exactly when the README shows one), and every option a command
 * has is shown on its line. An option added, renamed or removed without the README following fails here.
 */
class ReadmeUsageTest {
    /** Options every command has from picocli, documented once ("every command takes --help"). */
    private static final Set<String> STANDARD = Set.of("-h", "--help", "-V", "--version");
    /** An option, not a dash inside a word or the "-" of "-o FILE|DIR|-". */
    private static final Pattern OPTION = Pattern.compile("(?<![\\w-])(--?[A-Za-z][\\w-]*)(=\\S+)?(?=(\\s+(\\S+))?)");

    @Test
    void everyVerbOfTheUsageBlockIsACommandAndEveryCommandIsListed() throws Exception {
        Map<String, String> usage = usage();
        CommandLine cl = Readme.commandLine();
        Set<String> commands = new TreeSet<>();
        cl.getSubcommands().forEach((name, sub) -> {
            if (sub.getSubcommands().isEmpty()) {
                commands.add(name);
            } else {
                sub.getSubcommands().keySet().forEach(s -> commands.add(name + " " + s));
            }
        });
        Set<String> listed = new TreeSet<>(usage.keySet());
        listed.remove("dbbackup");
        assertThat(listed).as("the verbs of README's Usage block").isEqualTo(commands);
    }

    /**
     * The exit codes of {@code dbbackup --help} are those of the README's table, none missing on either side, and they are
     * the codes the code defines: a new {@code ExitStatus} (or one removed) cannot go undocumented.
     */
    @Test
    void theHelpListsTheExitCodesOfTheReadmesTable() throws Exception {
        Set<String> readme = new TreeSet<>();
        boolean table = false;
        for (String line : Readme.lines()) {
            if (line.startsWith("## ")) {
                table = line.equals("## Exit codes");
            } else if (table) {
                Matcher m = Pattern.compile("^\\| (\\d+) \\|").matcher(line);
                if (m.find()) {
                    readme.add(m.group(1));
                }
            }
        }
        assertThat(readme).as("the README's exit codes").contains("0", "1", "2", "3", "4");
        Set<String> help = new TreeSet<>(Readme.commandLine().getCommandSpec().usageMessage().exitCodeList().keySet()
                .stream().map(String::strip).toList());
        assertThat(help).as("the exit codes --help lists").isEqualTo(readme);
        Set<String> defined = new TreeSet<>();
        for (io.dbbackup.core.ExitStatus e : io.dbbackup.core.ExitStatus.values()) {
            defined.add(String.valueOf(e.code()));
        }
        defined.add(String.valueOf(WalFetchCommand.STOP_RECOVERY));
        assertThat(readme).as("the README's exit codes against those the code exits with (ExitStatus, wal-fetch's stop)")
                .isEqualTo(defined);
    }

    @Test
    void everyOptionShownExistsAndEveryOptionIsShown() throws Exception {
        CommandLine cl = Readme.commandLine();
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, String> e : usage().entrySet()) {
            CommandSpec spec = spec(cl, e.getKey());
            if (spec == null) {
                continue; // said by the test above
            }
            String text = e.getValue();
            Set<String> shown = new TreeSet<>();
            Matcher m = OPTION.matcher(text);
            while (m.find()) {
                String name = m.group(1);
                shown.add(name);
                OptionSpec o = spec.findOption(name);
                if (o == null) {
                    wrong.add(e.getKey() + ": README shows " + name + ", which the command does not have");
                    continue;
                }
                boolean takesValue = o.arity().max() > 0;
                String next = m.group(2) != null ? m.group(2).substring(1) : m.group(4);
                boolean valueShown = next != null && !next.startsWith("[") && !next.startsWith("|") && !next.startsWith("-")
                        && !next.startsWith("(") && !next.startsWith("]") && !next.equals("...");
                boolean flagInBrackets = next != null && next.endsWith("]") && !next.startsWith("[");
                if (takesValue && !valueShown) {
                    wrong.add(e.getKey() + ": " + name + " takes a value (" + o.paramLabel() + "), README shows none");
                } else if (!takesValue && flagInBrackets && text.contains("[" + name + " " + next)) {
                    wrong.add(e.getKey() + ": " + name + " is a flag, README shows it with a value '" + next + "'");
                }
            }
            for (OptionSpec o : spec.options()) {
                if (o.hidden() || o.usageHelp() || o.versionHelp() || STANDARD.containsAll(List.of(o.names()))) {
                    continue;
                }
                if (List.of(o.names()).stream().noneMatch(shown::contains)) {
                    wrong.add(e.getKey() + ": " + String.join("/", o.names()) + " is an option of the command, missing from README's Usage");
                }
            }
        }
        assertThat(wrong).as("README.md Usage block vs the commands' options").isEmpty();
    }

    @Test
    void everyPositionalParameterIsShownByItsLabel() throws Exception {
        CommandLine cl = Readme.commandLine();
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, String> e : usage().entrySet()) {
            CommandSpec spec = spec(cl, e.getKey());
            if (spec == null) {
                continue;
            }
            for (CommandLine.Model.PositionalParamSpec p : spec.positionalParameters()) {
                String label = p.paramLabel().replaceAll("[<>]", "");
                if (!p.hidden() && !Pattern.compile("(?<![\\w-])" + Pattern.quote(label) + "(?![\\w-])").matcher(e.getValue()).find()) {
                    wrong.add(e.getKey() + ": its parameter " + label + " is missing from README's Usage");
                }
            }
        }
        assertThat(wrong).as("README.md Usage block vs the commands' parameters").isEmpty();
    }

    private static CommandSpec spec(CommandLine root, String verb) {
        if (verb.equals("dbbackup")) {
            return root.getCommandSpec();
        }
        CommandLine c = root;
        for (String part : verb.split(" ")) {
            c = c.getSubcommands().get(part);
            if (c == null) {
                return null;
            }
        }
        return c.getCommandSpec();
    }

    /**
     * The Usage block as verb → everything shown for it: a verb's lines (a line indented by two spaces starts one, a
     * deeper one continues it, two lines of one verb are joined), without the trailing comments in parentheses.
     */
    static Map<String, String> usage() throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        String current = null;
        for (Readme.Line l : Readme.blockAfter("## Usage")) {
            String text = l.text().replaceAll("\\s{3,}\\(.*$", "");
            if (text.isBlank()) {
                continue;
            }
            if (text.startsWith("dbbackup ")) {
                current = "dbbackup";
                text = text.substring("dbbackup ".length());
            } else if (text.startsWith("  ") && !text.startsWith("   ")) {
                String[] words = text.strip().split("\\s+");
                if (words[0].startsWith("-")) {
                    current = "dbbackup"; // --version | --help
                } else {
                    current = words[0].equals("config") ? "config " + words[1] : words[0];
                    text = text.strip().substring(current.length());
                }
            } else if (current == null) {
                throw new AssertionError("a continuation line before any verb: " + l);
            }
            out.merge(current, text.strip(), (a, b) -> a + " " + b);
        }
        return out;
    }
}
