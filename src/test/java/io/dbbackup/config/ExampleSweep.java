package io.dbbackup.config;

import io.dbbackup.testkit.Cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * config.example.yaml set up in a temp folder for the sweeps that mutate it ({@link ConfigValueSweepTest},
 * {@link ConfigKeySweepTest}): its secrets given, its local store a folder that must stay absent, {@code config validate}
 * run in-process on a mutant, and the check that the mutant was refused as bad input must be: exit 1, exactly one {@code
 * file:line:col: error:} line, at the mutated line, naming the key's path, without an exception's text or a secret.
 */
final class ExampleSweep {
    static final String LABEL = "config.yaml";
    static final Pattern ERROR_LINE = Pattern.compile("^" + Pattern.quote(LABEL) + ":(\\d+):(\\d+): error: (.*)$");
    private static final Pattern WARNING_LINE = Pattern.compile("^" + Pattern.quote(LABEL) + ":(\\d+):(\\d+): warning: (.*)$");
    private static final Pattern LEAKED = Pattern.compile("Exception|\\tat |java\\.|Cannot invoke|because \"");

    final Path dir;
    final String example;
    final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> secretValues = new ArrayList<>();

    ExampleSweep(Path dir) throws IOException {
        this.dir = dir;
        String yaml = ExampleConfig.withSecretFiles(dir);
        env.putAll(ExampleConfig.secretEnv(yaml));
        secretValues.addAll(env.values());
        try (Stream<Path> files = Files.list(dir.resolve("secrets"))) {
            for (Path f : files.toList()) {
                secretValues.add(Files.readString(f).strip());
            }
        }
        // the local store: a folder of this test, which must stay absent
        example = yaml.replace("path: /backups", "path: " + store());
        assertThat(example).contains("path: " + store());
        Cli.Result ok = validate(example);
        assertThat(ok.exit()).as("the example itself is valid: " + ok).isZero();
    }

    Path store() {
        return dir.resolve("store");
    }

    Cli cli() {
        Cli cli = new Cli().workingDir(dir);
        env.forEach(cli::env);
        return cli;
    }

    /** {@code config validate} of {@code text}, written as the config. */
    Cli.Result validate(String text) throws IOException {
        Files.writeString(dir.resolve(LABEL), text);
        return cli().run("-c", LABEL, "config", "validate");
    }

    /**
     * Null when {@code r} is the one-line refusal of a mutant at lines {@code line}..{@code last} whose message begins
     * with {@code path}; else what is wrong. {@code extension}: the mutant is in an x- block, said once for each job that
     * merges it (README "Configuration"), each message then beginning with {@code jobs.<job>.<key>}.
     */
    String refusal(Cli.Result r, int line, int last, String path, boolean extension, String key) {
        if (r.exit() != 1) {
            return "exit " + r.exit() + " (accepted?): " + r.out().strip() + " " + r.err().strip();
        }
        List<String> errors = new ArrayList<>();
        for (String l : r.err().strip().split("\n")) {
            if (ERROR_LINE.matcher(l).matches()) {
                errors.add(l);
            } else if (!WARNING_LINE.matcher(l).matches()) {
                return "a line that is no problem: " + l;
            }
        }
        if (errors.size() != 1 && !(extension && errors.stream().map(e -> e.replaceFirst("jobs\\.[\\w-]+\\.", "jobs.J.")).distinct().count() == 1)) {
            return errors.size() + " error lines: " + errors;
        }
        Matcher m = ERROR_LINE.matcher(errors.get(0));
        assertThat(m.matches()).isTrue();
        int at = Integer.parseInt(m.group(1));
        String msg = m.group(3);
        if (at < line || at > last) {
            return "error at line " + at + ", not at the mutant's (" + line + (last > line ? "-" + last : "") + "): " + errors.get(0);
        }
        if (extension ? !msg.matches("jobs\\.[\\w-]+\\." + Pattern.quote(key) + "\\b.*") : !msg.startsWith(path)) {
            return "the message does not begin with the key's path " + path + ": " + errors.get(0);
        }
        if (LEAKED.matcher(r.err()).find()) {
            return "an exception's text: " + r.err();
        }
        for (String secret : secretValues) {
            if (r.err().contains(secret) || r.out().contains(secret)) {
                return "a secret's value is shown: " + r;
            }
        }
        return null;
    }

    /** The only error line of {@code r}'s stderr (after a null {@link #refusal}). */
    static String errorLine(Cli.Result r) {
        return r.err().lines().filter(l -> ERROR_LINE.matcher(l).matches()).findFirst().orElseThrow();
    }
}
