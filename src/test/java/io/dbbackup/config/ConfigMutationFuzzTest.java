package io.dbbackup.config;

import io.dbbackup.plugin.PluginRegistry;
import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * config.example.yaml, broken on purpose many times over: a line deleted, a key duplicated, an indentation changed, a
 * value swapped for a list or a mapping, control characters inserted, the file cut short... For each, the loader either
 * accepts the file or throws {@link ConfigException} whose every problem is one printable line naming the file and a line
 * of it, never another exception (a stack trace for the user). A fixed seed, so a failure is found again: the message
 * names its case, which {@code -Dcfgfuzz.case=N} runs alone. The normal suite runs as many of the first 2,000 cases as
 * 12 s allow; {@code -Dcfgfuzz.all=true} runs 20,000; {@code -Dcfgfuzz.seed} and {@code -Dcfgfuzz.cases} change them.
 */
class ConfigMutationFuzzTest {
    private static final long SEED = Long.getLong("cfgfuzz.seed", 20261204L);
    private static final int CASES = Integer.getInteger("cfgfuzz.cases", Boolean.getBoolean("cfgfuzz.all") ? 20_000 : 2_000);
    /**
     * The normal suite's budget: the cases run in order, so a slow or busy machine runs the first ones of the same list
     * (about 2,000 take 6 s on an idle 2-core machine, 40 s on a loaded one). None with {@code cfgfuzz.all} or {@code cfgfuzz.cases}.
     */
    private static final long SECONDS = Long.getLong("cfgfuzz.seconds",
            Boolean.getBoolean("cfgfuzz.all") || Integer.getInteger("cfgfuzz.cases") != null ? 0 : 12);
    private static final String LABEL = "fuzz.yaml";
    /** What may be typed into a line: terminal escapes, line breaks of every kind, bidi overrides, NUL, BOM. */
    private static final String[] CONTROL = {"\u001b[2J", "\u001b]0;owned\u0007", "\u0000", "\t", "\r", "\r\n", "\u0085",
            "\u2028", "\u202e", "\u2066", "\u200b", "\ufeff", "\u0007", "\u007f", "\u009b31m", "\\", "\"", "'", "#", ": ",
            "- ", "&a ", "*a", "!!binary ", "{", "[", "}", "]", "|", ">", "%", "@", "`", "---\n", "...\n"};
    /** What a scalar value may be swapped for. */
    private static final String[] SHAPES = {"[%s, x]", "{k: %s}", "[]", "{}", "~", "\"\"", "''", "!!binary %s", "!custom %s",
            "&anchor %s", "*nope", "-1", "0", "99999999999999999999999", "1e400", "-.inf", ".nan", "%s%s%s", "\"%s\\n%s\"",
            "\"\\e[31m%s\\u202e\"", "?", "<<: 5", "${HOME}/%s", "$HOME", "/", "..", "../../%s", "true", "false", "yes",
            "\"%s\\0x\"", "\"\\0\"", "\"\\t%s\"", "\"%s\\x7f\"", "\" %s \"", "\"\\u2028%s\"", "0x1F", "1_000", "+5", "-0",
            "1.5", "\u0661\u0662", "%s/S", "1MiB/S", "-5s", "5 s", "1e3s", "PT5M", "99999999999999999999d", "999999999999h",
            "http://[::1", "http://%s:99999", "https://", "file:///%s", "%s:%s", "@%s", "%s%%", "-%s", "%s\\", "\"\\\\\"",
            "\"\\uD800\"", "\"\\U0001F600%s\""};
    /** Characters a random value is made of: digits, units, separators, quotes, escapes, non-ASCII. */
    private static final String GARBAGE = "0123456789kKmMgGiIbBsShd/.:-_+~@%$\\'\" ,[]{}#&*!|>?=aZ\u00e9\u4e2d\u202e\u0661";
    private static final Pattern KEY_VALUE = Pattern.compile("^(\\s*)(- )?([\\w.-]+):\\s+(\\S(?:.*?\\S)?)(\\s+#.*)?$");
    private static final Pattern PROBLEM_LINE = Pattern.compile("^" + Pattern.quote(LABEL) + ":(\\d+):(\\d+): (error|warning): \\S.*$");
    /** What only an exception's own text says: a message built from one the loader did not expect. */
    private static final Pattern LEAKED = Pattern.compile("Exception|java\\.|Cannot invoke|because \"|: cannot be set up: ");

    /** Stands for the temp folder in the text mutated (see {@link #example()}). */
    private static final String DIR_MARKER = "/cfgfuzz-temp-folder";

    @TempDir
    Path dir;
    private String example;
    private final Map<String, String> env = new LinkedHashMap<>();
    private PluginRegistry plugins;

    @BeforeEach
    void example() throws Exception {
        String yaml = ExampleConfig.withSecretFiles(dir);
        env.putAll(ExampleConfig.secretEnv(yaml));
        // mutated with the temp folder as a marker of fixed length, put back after: where a random truncation or byte
        // lands must not hang on the length of the folder's random name, or a case is not found again by its number
        assertThat(yaml).doesNotContain(DIR_MARKER);
        example = yaml.replace(dir.toString(), DIR_MARKER);
        plugins = PluginRegistry.load();
    }

    @Test
    void everyMutationOfTheExampleLoadsOrIsRefusedWithOneLinePerProblem() throws Exception {
        Path file = dir.resolve(LABEL);
        Files.writeString(file, example.replace(DIR_MARKER, dir.toString()));
        assertThat(new ConfigLoader(plugins, env).load(file, LABEL).jobs()).as("the example itself loads").isNotEmpty();

        Integer only = Integer.getInteger("cfgfuzz.case");
        int accepted = 0;
        int refused = 0;
        List<String> failures = new ArrayList<>();
        long start = System.nanoTime();
        long deadline = start + SECONDS * 1_000_000_000L;
        for (int i = only == null ? 0 : only; i < (only == null ? CASES : only + 1); i++) {
            if (SECONDS > 0 && i >= 200 && System.nanoTime() > deadline) {
                break; // at least the first 200, whatever the machine
            }
            Random random = new Random(SEED * 1_000_003L + i);
            List<String> applied = new ArrayList<>();
            byte[] bytes = withDir(mutate(random, applied));
            Files.write(file, bytes);
            // lines as YAML counts them: a lone \r ends one too
            int lines = new String(bytes, StandardCharsets.UTF_8).split("\r\n|\r|\n", -1).length;
            ConfigLoader loader = random.nextBoolean() ? new ConfigLoader(plugins, env) : new ConfigLoader(plugins, env).deferringSecrets();
            String why;
            try {
                Config c = loader.load(file, LABEL);
                why = lineProblems(c.warnings(), lines);
                accepted++;
            } catch (ConfigException e) {
                why = e.problems().isEmpty() ? "a ConfigException without problems: " + e.getMessage() : lineProblems(e.problems(), lines);
                if (why == null && !e.getMessage().equals(String.join("\n", e.problems().stream().map(Problem::format).toList()))) {
                    why = "the exception's text is not its problems, one a line: " + e.getMessage();
                }
                refused++;
                if (why == null && i % 100 == 7) {
                    why = viaCli(); // what the user sees: exit 1, one line a problem, no trace
                }
            } catch (Throwable t) {
                StringWriter trace = new StringWriter();
                t.printStackTrace(new PrintWriter(trace));
                why = "not a ConfigException: " + trace.toString().lines().limit(12).reduce((a, b) -> a + "\n  " + b).orElse("");
            }
            if (why != null) {
                failures.add("case " + i + " " + applied + ": " + why);
                Files.write(dir.getParent().resolve("cfgfuzz-case-" + i + ".yaml"), bytes); // target/: to look at it
            }
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("cfgfuzz: %d cases (seed %d) in %d ms: %d accepted, %d refused, %d of them wrongly%n", accepted + refused,
                SEED, ms, accepted, refused, failures.size());
        assertThat(failures).as("cases whose outcome is no clean one-line error (rerun one with -Dcfgfuzz.case=N)").isEmpty();
        if (only == null) { // one case alone is either
            assertThat(refused).as("the mutations break the file most of the time").isGreaterThan(accepted);
        }
    }

    /** Null when every problem is one printable line naming the file and a line of it; else what is wrong. */
    private static String lineProblems(List<Problem> problems, int lines) {
        for (Problem p : problems) {
            String line = p.format();
            if (!PROBLEM_LINE.matcher(line).matches()) {
                return "not one 'file:line:col: error: ...' line: " + Arrays.toString(line.split("\n"));
            }
            if (line.codePoints().anyMatch(ProblemText::unsafe)) {
                return "a control or format character reaches the terminal: " + ProblemText.clean(line);
            }
            if (p.line() < 1 || p.line() > lines) {
                return "line " + p.line() + " is not one of the file's " + lines + ": " + line;
            }
            if (LEAKED.matcher(p.message()).find()) {
                return "an exception's text: " + line;
            }
            if (p.message().length() > ProblemText.MAX_CHARS + 40) {
                return "a message of " + p.message().length() + " characters";
            }
        }
        return null;
    }

    /** {@code config validate} of the file as it is now: exit 1 and each line of stderr one problem. */
    private String viaCli() {
        Cli cli = new Cli().workingDir(dir);
        env.forEach(cli::env);
        Cli.Result r = cli.run("-c", LABEL, "config", "validate");
        if (r.exit() != 1) {
            return "config validate exited " + r.exit() + ": " + r;
        }
        for (String l : r.err().strip().split("\n")) {
            if (!PROBLEM_LINE.matcher(l).matches()) {
                return "config validate printed a line that is no problem: " + ProblemText.clean(l);
            }
        }
        return null;
    }

    /** {@code text} with each {@link #DIR_MARKER} the mutations left whole replaced by the temp folder. */
    private byte[] withDir(byte[] text) {
        byte[] marker = DIR_MARKER.getBytes(StandardCharsets.UTF_8);
        byte[] folder = dir.toString().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length + 256);
        int i = 0;
        while (i < text.length) {
            if (i + marker.length <= text.length && Arrays.equals(text, i, i + marker.length, marker, 0, marker.length)) {
                out.write(folder, 0, folder.length);
                i += marker.length;
            } else {
                out.write(text[i++]);
            }
        }
        return out.toByteArray();
    }

    /** The example with one to three mutations, as the bytes of a file (an invalid UTF-8 sequence is one mutation). */
    private byte[] mutate(Random random, List<String> applied) {
        List<String> lines = new ArrayList<>(Arrays.asList(example.split("\n", -1)));
        int truncateAt = -1;
        int badByteAt = -1;
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
            int at = random.nextInt(lines.size());
            String line = lines.get(at);
            switch (random.nextInt(9)) {
                case 0 -> {
                    lines.remove(at);
                    applied.add("delete line " + (at + 1));
                }
                case 1 -> {
                    at = keyLine(random, lines);
                    lines.add(at + 1, lines.get(at));
                    applied.add("duplicate line " + (at + 1));
                }
                case 2 -> {
                    at = keyLine(random, lines);
                    line = lines.get(at);
                    String indent = line.substring(0, line.length() - line.stripLeading().length());
                    int[] shifts = {-4, -2, -1, 1, 2, 4, -indent.length()};
                    int to = Math.max(0, indent.length() + shifts[random.nextInt(shifts.length)]);
                    lines.set(at, (random.nextInt(8) == 0 ? "\t" : " ".repeat(to)) + line.stripLeading());
                    applied.add("indent line " + (at + 1) + " to " + to);
                }
                case 3, 4 -> {
                    at = keyLine(random, lines);
                    Matcher m = KEY_VALUE.matcher(lines.get(at));
                    if (!m.matches()) {
                        break;
                    }
                    String shape = SHAPES[random.nextInt(SHAPES.length)];
                    String value = shape.replace("%s", m.group(4));
                    if (random.nextInt(6) == 0) {
                        value = random.nextBoolean() ? "\n" + m.group(1) + "    - " + m.group(4) : "\n" + m.group(1) + "    k: " + m.group(4);
                    } else if (random.nextInt(20) == 0) {
                        value = "x".repeat(5_000 + random.nextInt(5_000));
                    } else if (random.nextInt(4) == 0) {
                        StringBuilder b = new StringBuilder();
                        for (int k = 1 + random.nextInt(12); k > 0; k--) {
                            b.append(GARBAGE.charAt(random.nextInt(GARBAGE.length())));
                        }
                        value = b.toString();
                        shape = "random";
                    }
                    String key = m.group(3);
                    if (key.matches(".*_(env|file)") && random.nextInt(3) == 0) {
                        key = key.replaceAll("_(env|file)$", "_command"); // a program's name that is no name
                    }
                    lines.set(at, m.group(1) + (m.group(2) == null ? "" : m.group(2)) + key + ": " + value);
                    applied.add("value of line " + (at + 1) + " as " + shape);
                }
                case 5, 6 -> {
                    String c = CONTROL[random.nextInt(CONTROL.length)];
                    int pos = random.nextInt(line.length() + 1);
                    lines.set(at, line.substring(0, pos) + c + line.substring(pos));
                    applied.add("insert " + ProblemText.clean(c) + " into line " + (at + 1) + " at " + pos);
                }
                case 7 -> {
                    truncateAt = random.nextInt(example.length());
                    applied.add("truncate at " + truncateAt);
                }
                default -> {
                    at = keyLine(random, lines);
                    line = lines.get(at);
                    String indent = line.substring(0, line.length() - line.stripLeading().length());
                    String[] inserts = {"<<: 5", "<<: [a]", "<<:", "? [a, b]\n" + indent + ": x", "{a: 1}: x", "x: &a [*a]",
                            "<<: {datasource: nope}", "? |\n" + indent + "  long key\n" + indent + ": x", "!!str : x", "\"\": x"};
                    String insert = inserts[random.nextInt(inserts.length)];
                    lines.add(at + 1, indent + insert);
                    applied.add("after line " + (at + 1) + ": " + ProblemText.clean(insert));
                }
            }
        }
        if (random.nextInt(30) == 0) {
            badByteAt = random.nextInt(example.length());
            applied.add("invalid UTF-8 at " + badByteAt);
        }
        byte[] text = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
        if (truncateAt >= 0) {
            text = Arrays.copyOf(text, Math.min(truncateAt, text.length));
        }
        if (badByteAt >= 0 && badByteAt < text.length) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(text, 0, badByteAt);
            out.write(0xC3);
            out.write(0x28);
            out.write(text, badByteAt, text.length - badByteAt);
            text = out.toByteArray();
        }
        return text;
    }

    /** A line holding a key (not a comment or a blank line), when there is one near a random place. */
    private static int keyLine(Random random, List<String> lines) {
        int start = random.nextInt(lines.size());
        for (int k = 0; k < lines.size(); k++) {
            int at = (start + k) % lines.size();
            String l = lines.get(at).strip();
            if (!l.isEmpty() && !l.startsWith("#")) {
                return at;
            }
        }
        return start;
    }
}
