package io.dbbackup.config;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sweep of config.example.yaml's key NAMES ({@link ConfigValueSweepTest} sweeps its values): every key at every level
 * (not the names a user gives datasources, stores, notifications and jobs, nor the merge key {@code <<}) is, one at a
 * time, misspelled (two letters swapped, a letter dropped), written twice, and indented with a tab; {@code config validate}
 * runs in-process on each mutant. Each must be refused in exactly one {@code file:line:col: error:} line at the mutated
 * line: a misspelling names the misspelled key and suggests the right one, a duplicate names the line of the first, a
 * tab says that YAML forbids tabs for indentation.
 */
class ConfigKeySweepTest {
    /** Levels whose keys are names the user chose: a misspelled name is a new name, refused where it is used. */
    private static final Set<String> NAMED = Set.of("datasources", "stores", "notifications", "jobs");

    @TempDir
    static Path dir;
    private static ExampleSweep sweep;

    /** One key of the example: its full path, its name, its line (1-based) and column (0-based), its block's last line. */
    record Key(String path, String name, int line, int column, int last, boolean named, boolean extension) {
        @Override
        public String toString() {
            return path + " (line " + line + ")";
        }
    }

    @BeforeAll
    static void example() throws IOException {
        sweep = new ExampleSweep(dir);
    }

    @AfterEach
    void nothingWritten() {
        assertThat(sweep.store()).as("nothing is written into the store").doesNotExist();
    }

    static List<Key> keys() throws IOException {
        String text = Files.readString(ExampleConfig.path());
        List<Key> out = new ArrayList<>();
        walk(new Compose(LoadSettings.builder().build()).composeString(text).orElseThrow(), "", false, out);
        assertThat(out).as("the walk finds the example's keys").hasSizeGreaterThan(150);
        return out;
    }

    private static void walk(Node n, String path, boolean extension, List<Key> out) {
        if (n instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode k) || k.getValue().equals("<<")) {
                    continue;
                }
                String p = path.isEmpty() ? k.getValue() : path + "." + k.getValue();
                boolean ext = extension || (path.isEmpty() && k.getValue().startsWith("x-"));
                var start = k.getStartMark().orElseThrow();
                Node v = t.getValueNode();
                int last = lastLine(v);
                boolean named = NAMED.contains(path) || (path.isEmpty() && ext);
                out.add(new Key(p, k.getValue(), start.getLine() + 1, start.getColumn(), last, named, ext));
                walk(v, p, ext, out);
            }
        } else if (n instanceof SequenceNode seq) {
            for (int i = 0; i < seq.getValue().size(); i++) {
                walk(seq.getValue().get(i), path + "[" + i + "]", extension, out);
            }
        }
    }

    /** The last line (1-based) of {@code n}'s text: its last scalar's (a block's own end is where the next key starts). */
    private static int lastLine(Node n) {
        if (n instanceof MappingNode m && !m.getValue().isEmpty()) {
            return lastLine(m.getValue().get(m.getValue().size() - 1).getValueNode());
        }
        if (n instanceof SequenceNode seq && !seq.getValue().isEmpty() && seq.getFlowStyle() == org.snakeyaml.engine.v2.common.FlowStyle.BLOCK) {
            return lastLine(seq.getValue().get(seq.getValue().size() - 1));
        }
        return n.getEndMark().orElseThrow().getLine() + 1;
    }

    /** Two letters in the middle swapped (two that differ), or the middle letter dropped. */
    static String misspelled(String key, boolean swap) {
        int mid = key.length() / 2;
        if (!swap) {
            return key.substring(0, mid) + key.substring(mid + 1);
        }
        for (int i = Math.max(0, mid - 1); i + 1 < key.length(); i++) {
            if (key.charAt(i) != key.charAt(i + 1)) {
                return key.substring(0, i) + key.charAt(i + 1) + key.charAt(i) + key.substring(i + 2);
            }
        }
        throw new IllegalArgumentException(key);
    }

    private static List<String> lines() {
        return new ArrayList<>(List.of(sweep.example.split("\n", -1)));
    }

    private static String parent(Key k) {
        return k.path().substring(0, k.path().length() - k.name().length());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keys")
    void aMisspelledKeyIsOneErrorAtItNamingItAndTheRightKey(Key k) throws IOException {
        if (k.named()) {
            return;
        }
        for (boolean swap : new boolean[] {true, false}) {
            String typo = misspelled(k.name(), swap);
            List<String> lines = lines();
            String line = lines.get(k.line() - 1);
            lines.set(k.line() - 1, line.substring(0, k.column()) + typo + line.substring(k.column() + k.name().length()));
            Cli.Result r = sweep.validate(String.join("\n", lines));
            String path = parent(k).replaceAll("\\[\\d+]\\.$", "");
            String why = sweep.refusal(r, k.line(), k.line(), path, k.extension(), typo);
            assertThat(why).as(k + " misspelled as " + typo).isNull();
            assertThat(ExampleSweep.errorLine(r)).as(k + " misspelled as " + typo)
                    .contains(typo + ": unknown");
            suggestsTheKeyUnlessATie(ExampleSweep.errorLine(r), typo, k);
        }
    }

    /**
     * The error of {@code typo} suggests {@code k}, or (a typo as near another key of its section: {@code ts} is one edit
     * from {@code tls} and from {@code to}) nothing, listing the known keys instead ({@link Suggestion}).
     */
    private static void suggestsTheKeyUnlessATie(String error, String typo, Key k) {
        java.util.regex.Matcher known = Pattern.compile("\\(known keys: ([^)]*)\\)").matcher(error);
        if (known.find()) {
            int near = Suggestion.distance(typo, k.name());
            assertThat(List.of(known.group(1).split(", "))).as(k + " misspelled as " + typo + ": no suggestion, so a tie: "
                    + error).anyMatch(o -> !o.equals(k.name()) && Suggestion.distance(typo, o) == near);
        } else {
            assertThat(error).as(k + " misspelled as " + typo)
                    .containsPattern("did you mean '?" + Pattern.quote(k.name()) + "'?\\b");
        }
    }

    /**
     * The keys misspelled with an independent mistake elsewhere or in their own value ({@link
     * #aMisspelledKeyHidesNoIndependentError}): every top-level key, every key of job appdb-backup itself (whose retention
     * holds the mistake), and the first key (engine, type) of each other entry, whose misspelling leaves the entry's type
     * unknown: a sample, for time.
     */
    static List<Key> keysBesideABadValue() throws IOException {
        List<Key> all = keys();
        List<Key> out = new ArrayList<>();
        Set<String> entries = new java.util.HashSet<>();
        for (Key k : all) {
            if (k.named() || k.extension()) {
                continue;
            }
            String entry = k.path().replaceFirst("^([^.]+\\.[^.]+)\\..*$", "$1");
            if (!k.path().contains(".") || k.path().matches("jobs\\.appdb-backup\\.[^.]+") || entries.add(entry)) {
                out.add(k);
            }
        }
        return out;
    }

    /** A value of job appdb-backup's retention that is refused, as {@code keep_daily: -1}: its line, and another's. */
    private static final String BAD = "keep_daily: 7";

    @ParameterizedTest(name = "{0}")
    @MethodSource("keysBesideABadValue")
    void aMisspelledKeyHidesNoIndependentError(Key k) throws IOException {
        List<String> lines = lines();
        String typo = misspelled(k.name(), true);
        String line = lines.get(k.line() - 1);
        lines.set(k.line() - 1, line.substring(0, k.column()) + typo + line.substring(k.column() + k.name().length()));
        int bad = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (i != k.line() - 1 && lines.get(i).contains(BAD)) {
                bad = i + 1; // the first (appdb-backup's), or the next when that one is the key misspelled
                lines.set(i, lines.get(i).replace(BAD, "keep_daily: -1"));
                break;
            }
        }
        Cli.Result r = sweep.validate(String.join("\n", lines));
        assertThat(r.exit()).as(k + ": " + r).isEqualTo(1);
        List<String> errors = r.err().lines().filter(l -> ExampleSweep.ERROR_LINE.matcher(l).matches()).toList();
        // in the misspelled key's own value too, which only the recheck with the key fixed reads: said at its own line
        assertThat(errors).as(k + " misspelled as " + typo + ", and keep_daily: -1 at line " + bad).hasSize(2);
        boolean typoFirst = k.line() < bad;
        assertThat(errors.get(typoFirst ? 0 : 1)).as(k + " misspelled as " + typo).startsWith(ExampleSweep.LABEL + ":" + k.line() + ":")
                .contains(typo + ": unknown");
        suggestsTheKeyUnlessATie(errors.get(typoFirst ? 0 : 1), typo, k);
        assertThat(errors.get(typoFirst ? 1 : 0)).as("the independent error beside " + k + " misspelled")
                .startsWith(ExampleSweep.LABEL + ":" + bad + ":").contains("keep_daily: must be 0 or more");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keys")
    void aKeyWrittenTwiceIsOneErrorAtTheSecondNamingTheFirstLine(Key k) throws IOException {
        List<String> lines = lines();
        List<String> block = new ArrayList<>(lines.subList(k.line() - 1, k.last()));
        // the key's text only, not what precedes it on its line ("- notifier:": the copy is the rule's next key)
        block.set(0, " ".repeat(k.column()) + block.get(0).substring(k.column()));
        lines.addAll(k.last(), block);
        int second = k.last() + 1;
        Cli.Result r = sweep.validate(String.join("\n", lines));
        // an x- block's key too: said once, at its own place, not once per job merging it
        String why = sweep.refusal(r, second, second, k.path(), false, k.name());
        assertThat(why).as(k + " written again at line " + second).isNull();
        assertThat(ExampleSweep.errorLine(r)).as(k + " written again at line " + second)
                .contains("duplicate key").contains("line " + k.line());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keys")
    void aTabInAKeysIndentationIsOneErrorAtTheTab(Key k) throws IOException {
        if (k.column() == 0) {
            return; // a top-level key has no indentation
        }
        List<String> lines = lines();
        String line = lines.get(k.line() - 1);
        lines.set(k.line() - 1, "\t" + line.stripLeading());
        Cli.Result r = sweep.validate(String.join("\n", lines));
        assertThat(r.exit()).as(k + ": " + r).isEqualTo(1);
        assertThat(r.err().lines()).as(k.toString()).singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith(ExampleSweep.LABEL + ":" + k.line() + ":1: error: ").contains("YAML forbids tabs for indentation")
                .doesNotContain("\\t(TAB)", "scanning");
    }
}
