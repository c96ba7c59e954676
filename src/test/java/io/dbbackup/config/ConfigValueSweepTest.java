package io.dbbackup.config;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A systematic sweep of config.example.yaml (complete and valid): every scalar value in it (walking the YAML tree, list
 * items too) is replaced, one at a time, by a list, a mapping, an empty string and an unknown word, and {@code config
 * validate} runs in-process on each mutant. Each must be refused as the project promises bad input is: exit 1, exactly one
 * {@code file:line:col: error:} line, at the mutated value's line, naming the key's full path, without a Java exception's
 * name or trace or a secret's value, and nothing written. Every 13th refused mutant also runs {@code backup --all}
 * into an empty temp store, which must stay empty. A mutant that loads is a failure unless the {@link #ACCEPTED} list
 * says why that key takes it. The same for each {@code *_env} unset / {@code *_file} missing (README "Secrets": validate
 * requires every secret). Key names, duplicated keys and tabs are swept by {@link ConfigKeySweepTest}.
 */
class ConfigValueSweepTest {
    private static final String LABEL = ExampleSweep.LABEL;

    enum Kind {
        LIST("[zz1, zz2]"), MAP("{zz: 1}"), EMPTY("\"\""), WORD("zzword");

        final String text;

        Kind(String text) {
            this.text = text;
        }
    }

    /**
     * Keys (a regex on the key's full path, list items as {@code key[i]}) that legitimately take a mutant, and which kinds:
     * free text a tool or a server judges, names, paths the run opens (a missing file there is a run-time error as the
     * README says), patterns. Anything not listed must be refused.
     */
    private static final Map<String, Set<Kind>> ACCEPTED = new LinkedHashMap<>();
    /** Mutants this sweep found mishandled that are not fixed yet (see the comments where they are listed): skipped. */
    private static final Map<String, Set<Kind>> OPEN = new LinkedHashMap<>();

    static {
        Set<Kind> word = Set.of(Kind.WORD);
        // host names, users, database names: any word is a name the server judges
        ACCEPTED.put("datasources\\.\\w+\\.(host|user|database|databases(\\[\\d])?)", word);
        ACCEPTED.put("stores\\.[\\w-]+\\.(host|user|bucket|account|container|region)", word);
        ACCEPTED.put("notifications\\.\\w+\\.(smtp_host|job)", word);
        // folders in object keys and file paths (relative: under the config's folder; the run reads or creates them)
        ACCEPTED.put("datasources\\.\\w+\\.(cluster|path)", word);
        ACCEPTED.put("stores\\.[\\w-]+\\.(prefix|path)", word);
        ACCEPTED.put("jobs\\.[\\w-]+\\.prefix", word);
        // patterns and arguments handed to the dump tool as written
        ACCEPTED.put("datasources\\.\\w+\\.(exclude_table_data|exclude_schemas|exclude_tables|grants_for)\\[\\d]", word);
        // free text: the subject's prefix, a drill check's SQL (the database judges it)
        ACCEPTED.put("notifications\\.\\w+\\.subject_prefix", Set.of(Kind.WORD, Kind.EMPTY));
        ACCEPTED.put("jobs\\.[\\w-]+\\.drill_checks\\[\\d]", word);
        // "" is the documented default, no folder (README: prefix "none"/"empty"); two jobs that then share a folder are
        // refused by the shared-folder check
        ACCEPTED.put("(stores|jobs)\\.[\\w-]+\\.prefix", Set.of(Kind.WORD, Kind.EMPTY));
        // "" pins nothing: the host key is then checked against known_hosts (strict), never accepted unchecked
        ACCEPTED.put("stores\\.[\\w-]+\\.host_key_fingerprint", Set.of(Kind.EMPTY));
        // "" sends no extra header
        ACCEPTED.put("notifications\\.\\w+\\.headers", Set.of(Kind.EMPTY));
        // OPEN (found by this sweep, not fixed yet; skipped, neither accepted nor refused cleanly): none
    }

    @TempDir
    Path dir;
    private ExampleSweep sweep;
    private String example;

    @BeforeEach
    void example() throws Exception {
        sweep = new ExampleSweep(dir);
        example = sweep.example;
    }

    private Path store() {
        return sweep.store();
    }

    /** One value of the example: its key's full path and where its text is. */
    record Site(String path, String key, int line, int start, int end, boolean extension, Node value) {
    }

    @Test
    void everyScalarValueMutatedIsRefusedInOneLineNamingFileLineAndKey() throws Exception {
        List<String> failures = new ArrayList<>();
        int refused = 0;
        int accepted = 0;
        int backups = 0;
        List<Site> sites = sites();
        assertThat(sites).as("the walk finds the example's values").hasSizeGreaterThan(150);
        for (int at = 0; at < sites.size(); at++) {
            Site s = sites.get(at);
            for (Kind kind : Kind.values()) {
                if (s.value() instanceof SequenceNode && kind == Kind.WORD) {
                    continue; // a list where a word would do: its items are swept
                }
                if (s.value() instanceof ScalarNode && kind == (at % 2 == 0 ? Kind.MAP : Kind.LIST)) {
                    continue; // a scalar's reader refuses a list and a mapping alike: one of them each, to keep it fast
                }
                // a list of strings is what a list key takes: its wrong type is a list of lists
                String text = s.value() instanceof SequenceNode && kind == Kind.LIST ? "[[zz1, zz2]]" : kind.text;
                String mutant = example.substring(0, s.start()) + text + example.substring(s.end());
                Cli.Result r = sweep.validate(mutant);
                if (OPEN.entrySet().stream().anyMatch(e -> s.path().matches(e.getKey()) && e.getValue().contains(kind))) {
                    continue;
                }
                boolean allowed = ACCEPTED.entrySet().stream().anyMatch(e -> s.path().matches(e.getKey()) && e.getValue().contains(kind));
                String what = s.path() + " (line " + s.line() + ") as " + kind + ": ";
                if (allowed) {
                    if (r.exit() != 0) {
                        failures.add(what + "listed as accepted, but refused: " + r.err().strip());
                    }
                    accepted++;
                    continue;
                }
                String why = refusal(r, s);
                // a secret's source is deferred by every command but validate (README "Secrets"): backup --all would run
                // the other jobs, against the example's hosts; the secret sweep below covers those keys
                boolean secretSource = s.key().matches(".*_(env|file|command)") || s.key().equals("key_file");
                if (why == null && refused++ % 13 == 3 && !secretSource) {
                    backups++;
                    Cli.Result b = cli().run("-q", "-c", LABEL, "backup", "--all");
                    why = b.exit() != 1 ? "backup --all exited " + b.exit() + ": " + b
                            : !b.err().contains(r.err().strip().lines().filter(l -> l.contains(": error: ")).findFirst().orElseThrow())
                                    ? "backup --all did not print validate's error: " + b : null;
                }
                if (why == null && Files.exists(store())) {
                    why = "something was written into the store";
                }
                if (why != null) {
                    failures.add(what + why);
                }
            }
        }
        System.out.printf("config sweep: %d sites, %d refused, %d accepted (listed), %d backup --all runs, %d failures%n",
                sites.size(), refused, accepted, backups, failures.size());
        Files.write(dir.getParent().resolve("config-sweep-failures.txt"), failures);
        assertThat(failures).as("mutants not refused as one clean line naming file, line and key").isEmpty();
    }

    /**
     * README "Secrets": config validate requires every secret. Each {@code *_env} whose variable is unset and each {@code
     * *_file} naming a missing file is one error at its line naming the key, without any secret's value.
     */
    @Test
    void everySecretSourceThatCannotBeReadIsOneErrorAtItsKey() throws Exception {
        List<String> failures = new ArrayList<>();
        int swept = 0;
        for (Site s : sites()) {
            if (s.extension() || !(s.value() instanceof ScalarNode v) || !s.key().matches("\\w+_(env|file)")) {
                continue;
            }
            swept++;
            String mutant = example;
            String removed = null;
            if (s.key().endsWith("_env")) {
                removed = sweep.env.remove(v.getValue());
            } else {
                mutant = example.substring(0, s.start()) + dir.resolve("gone/secret") + example.substring(s.end());
            }
            Cli.Result r = sweep.validate(mutant);
            if (removed != null) {
                sweep.env.put(v.getValue(), removed);
            }
            String why = refusal(r, s);
            if (why == null && !r.err().contains(s.key().endsWith("_env") ? "not set" : "no such file")) {
                why = "does not say why: " + r.err();
            }
            if (why != null) {
                failures.add(s.path() + " (line " + s.line() + "): " + why);
            }
        }
        assertThat(swept).as("the example's *_env and *_file keys").isGreaterThan(10);
        assertThat(failures).isEmpty();
    }

    /** Null when {@code r} is the one-line refusal of a mutant at {@code s}; else what is wrong. */
    private String refusal(Cli.Result r, Site s) {
        return sweep.refusal(r, s.line(), s.value().getEndMark().orElseThrow().getLine() + 1, s.path().replaceAll("\\[\\d+]$", ""),
                s.extension(), s.key());
    }

    private Cli cli() {
        return sweep.cli();
    }

    /** Every scalar value of the example (as a mapping's value or a list's item), and every list of scalars. */
    private List<Site> sites() {
        Node root = new Compose(LoadSettings.builder().build()).composeString(example).orElseThrow();
        int[] lineStarts = example.lines().mapToInt(String::length).toArray();
        int[] offsets = new int[lineStarts.length + 1];
        for (int i = 0; i < lineStarts.length; i++) {
            offsets[i + 1] = offsets[i] + lineStarts[i] + 1;
        }
        List<Site> out = new ArrayList<>();
        walk(root, "", false, out, offsets);
        return out;
    }

    private void walk(Node n, String path, boolean extension, List<Site> out, int[] offsets) {
        if (n instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode k) || k.getValue().equals("<<")) {
                    continue; // merged keys are swept where they are written
                }
                String p = path.isEmpty() ? k.getValue() : path + "." + k.getValue();
                Node v = t.getValueNode();
                boolean ext = extension || (path.isEmpty() && k.getValue().startsWith("x-"));
                if (v instanceof ScalarNode || (v instanceof SequenceNode seq && seq.getValue().stream().allMatch(i -> i instanceof ScalarNode))) {
                    out.add(site(p, k.getValue(), k, v, ext, offsets));
                }
                if (!(v instanceof ScalarNode)) {
                    walk(v, p, ext, out, offsets);
                }
            }
        } else if (n instanceof SequenceNode seq) {
            for (int i = 0; i < seq.getValue().size(); i++) {
                Node item = seq.getValue().get(i);
                String p = path + "[" + i + "]";
                if (item instanceof ScalarNode) {
                    out.add(site(p, path.substring(path.lastIndexOf('.') + 1), item, item, extension, offsets));
                } else {
                    walk(item, p, extension, out, offsets);
                }
            }
        }
    }

    private static Site site(String path, String key, Node at, Node v, boolean extension, int[] offsets) {
        var start = v.getStartMark().orElseThrow();
        // a block list ends where its last item does (its own end mark is the next token's start, after any comment)
        var end = (v instanceof SequenceNode seq && seq.getFlowStyle() == FlowStyle.BLOCK && !seq.getValue().isEmpty()
                ? seq.getValue().get(seq.getValue().size() - 1) : v)
                .getEndMark().orElseThrow();
        return new Site(path, key, at.getStartMark().orElseThrow().getLine() + 1,
                offsets[start.getLine()] + start.getColumn(), offsets[end.getLine()] + end.getColumn(), extension, v);
    }
}
