package io.dbbackup.config;

import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.Node;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Collects every problem of one load so that all of them are reported at once. */
final class Problems {
    private final String file;
    private final List<Problem> list = new ArrayList<>();
    private final List<UnresolvedSecret> unresolved = new ArrayList<>();
    private final boolean deferSecrets;

    /** With {@code deferSecrets}, a secret that cannot be read is kept aside ({@link #unresolved()}), not an error. */
    Problems(String file, boolean deferSecrets) {
        this.file = file;
        this.deferSecrets = deferSecrets;
    }

    String file() {
        return file;
    }

    void error(Node at, String message) {
        add(at == null ? Optional.empty() : at.getStartMark(), Problem.Severity.ERROR, message);
    }

    /** Paths of sections where a key is misspelled ({@link #misspelled}): their other errors may follow from it. */
    private final List<String> misspelledIn = new ArrayList<>();

    /**
     * A misspelled key (unknown, near a key that is missing), said at it, which the loader checks again as {@code fix}
     * ({@link ConfigLoader}): what follows from the key missing (its required key missing, keys it would allow unknown,
     * a key it pairs with refused) goes away with the fix and is not said; what does not is. Should that second look
     * fail, every other error of section {@code scope} (a path; its sections and items too) is left out instead.
     */
    void misspelled(Node at, String scope, String fix, String message) {
        Problem typo = problem(at == null ? Optional.empty() : at.getStartMark(), Problem.Severity.ERROR, message);
        list.add(typo);
        typos.add(typo);
        misspelledIn.add(scope);
        scopes.put(typo, scope);
        if (at instanceof org.snakeyaml.engine.v2.nodes.ScalarNode key && at.getStartMark().isPresent()) {
            fixes.add(new Fix(key, fix, scope));
        }
    }

    /**
     * A key written at the top level that belongs to mapping {@code scope} above, which misses it: said at it, and the
     * "missing required key" of that mapping is left out (only that: the other errors there are the mapping's own).
     */
    void misplaced(Node at, String scope, String key, String message) {
        Problem typo = problem(at == null ? Optional.empty() : at.getStartMark(), Problem.Severity.ERROR, message);
        list.add(typo);
        typos.add(typo);
        String missing = ": missing required key '" + key + "'";
        consequences.add(scope + missing);
        consequences.add(scope + "." + key + missing);
    }

    /** A misspelled key, the key it is near, and the path of the mapping that holds it: {@link #misspelled}. */
    record Fix(org.snakeyaml.engine.v2.nodes.ScalarNode key, String name, String scope) {
        /** Its line and column (0-based): the same key read in each job merging it is one fix. */
        List<Integer> place() {
            var m = key.getStartMark().orElseThrow();
            return List.of(m.getLine(), m.getColumn());
        }

        /** Whether {@code p}, found at this key once fixed, is the refusal of the key written literally: its line says it. */
        boolean saidByItsLine(Problem p) {
            return p.message().endsWith(YamlSection.literalSecret("", name));
        }
    }

    /** The section each {@link #misspelled} key's error hides the other errors of, when the file is not checked again. */
    private final Map<Problem, String> scopes = new java.util.IdentityHashMap<>();

    /**
     * One recheck's errors: {@code found} in the text with the keys {@code fixed} (their {@link Fix#place places})
     * renamed, {@code moved} back to their places as written.
     */
    record Recheck(List<Problem> found, java.util.function.UnaryOperator<Problem> moved, List<Fix> fixed) {
    }

    /**
     * How many times a file is checked again with its misspelled keys fixed, each time with the keys the fix let be read
     * and found misspelled fixed too ({@code retenion: {keep_dialy: 7}}): a bound, not a count a real file needs.
     */
    static final int MAX_RECHECKS = 4;
    private int rechecks;
    private boolean yamlRead;

    /** Problems for this file checked again with its misspelled keys fixed: {@link #lastRecheck}. */
    Problems checkedAgain() {
        Problems p = new Problems(file, deferSecrets);
        p.rechecks = rechecks + 1;
        return p;
    }

    /** Whether these are the problems of the last recheck allowed ({@link #MAX_RECHECKS}), whose misspellings are not fixed again. */
    boolean lastRecheck() {
        return rechecks >= MAX_RECHECKS;
    }

    /** The file was read as YAML: its problems from here on are its keys' and values'. */
    void markRead() {
        yamlRead = true;
    }

    boolean yamlRead() {
        return yamlRead;
    }

    private final List<Fix> fixes = new ArrayList<>();
    /** Messages (their beginnings) that a {@link #misplaced} key makes. */
    private final List<String> consequences = new ArrayList<>();

    /** The errors {@link #misspelled} added (identity: two may read alike, one per job merging an x- block). */
    private final java.util.Set<Problem> typos = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    private boolean followsFromMisspelling(Problem p) {
        return p.severity() == Problem.Severity.ERROR && misspelledIn.stream().anyMatch(scope ->
                p.message().startsWith(scope + ":") || p.message().startsWith(scope + ".") || p.message().startsWith(scope + "["));
    }

    private boolean followsFromMisplacing(Problem p) {
        return p.severity() == Problem.Severity.ERROR && consequences.stream().anyMatch(c -> p.message().startsWith(c));
    }

    /** The misspelled keys with what each is near ({@link #misspelled}). */
    List<Fix> fixes() {
        return List.copyOf(fixes);
    }

    /**
     * Every problem by its place, with the errors of {@code rechecks} (this file checked again with its misspelled keys
     * {@link #fixes() fixed}; more than once when two misspelled keys of one mapping are near the same key, each fixed in
     * its own check) instead of this check's: a misspelled key is said, and every error that is still there once it is
     * fixed (one in the misspelled key's own value too, which this check did not read, and one at the fixed key itself),
     * but none that the fix makes go away. Left out at a misspelled key's place: what a check that did not fix it found
     * there (its misspelling again), and a key fixed to one written only as _env, _file or _command refused there (the
     * misspelling's line names those).
     */
    List<Problem> sortedWith(List<Recheck> rechecks) {
        List<Problem> own = new ArrayList<>(list);
        own.removeIf(p -> p.severity() == Problem.Severity.ERROR && !typos.contains(p));
        java.util.Set<List<Integer>> atTypos = new java.util.HashSet<>();
        typos.forEach(p -> atTypos.add(List.of(p.line(), p.column())));
        java.util.Set<Problem> out = new java.util.LinkedHashSet<>(merged(own));
        for (Recheck r : rechecks) {
            Map<List<Integer>, Fix> fixedAt = new java.util.HashMap<>();
            r.fixed().forEach(f -> fixedAt.put(List.of(f.place().get(0) + 1, f.place().get(1) + 1), f));
            for (Problem p : r.found()) {
                Problem here = r.moved().apply(p);
                List<Integer> at = List.of(here.line(), here.column());
                if (p.severity() != Problem.Severity.ERROR) {
                    continue;
                }
                Fix fix = fixedAt.get(at);
                if (atTypos.contains(at) && (fix == null || fix.saidByItsLine(here))) {
                    continue;
                }
                out.add(here);
            }
        }
        List<Problem> sorted = new ArrayList<>(out);
        sorted.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
        return sorted;
    }

    /** The doubtful secrets of one environment variable, by variable and reason: their warning's index and keys. */
    private final Map<List<String>, Map.Entry<Integer, List<String>>> doubtfulVariables = new LinkedHashMap<>();

    /**
     * The warning that the secret in variable {@code var} (named as {@code shown}: {@code env PG_PW}, or not named when
     * it is no variable's name) {@code why}, read for {@code key} (its full path) at {@code at}:
     * one for each variable and reason, naming every key that reads it — N datasources sharing one padded variable
     * made N identical warnings — at the first key's place.
     */
    void doubtfulVariable(Node at, String key, String var, String shown, String why) {
        Map.Entry<Integer, List<String>> seen = doubtfulVariables.get(List.of(var, why));
        if (seen == null) {
            warn(at, key + ": the secret (not shown) " + why + "; if that is not part of the secret, fix the variable's value");
            doubtfulVariables.put(List.of(var, why), Map.entry(list.size() - 1, new ArrayList<>(List.of(key))));
            return;
        }
        if (seen.getValue().contains(key)) {
            return;
        }
        seen.getValue().add(key);
        Problem first = list.get(seen.getKey());
        List<String> keys = seen.getValue();
        list.set(seen.getKey(), new Problem(first.file(), first.line(), first.column(), first.severity(),
                io.dbbackup.core.Human.names(keys) + " (" + (keys.size() == 2 ? "both" : "all " + keys.size())
                        + " read from " + shown + "): the secret (not shown) " + why
                        + "; if that is not part of the secret, fix the variable's value"));
    }

    void warn(Node at, String message) {
        add(at == null ? Optional.empty() : at.getStartMark(), Problem.Severity.WARNING, message);
    }

    /** An error at a 1-based {@code line} and {@code column} no node is at (a tab the parser stopped at). */
    void error(int line, int column, String message) {
        list.add(new Problem(file, line, column, Problem.Severity.ERROR, message));
    }

    void error(Optional<Mark> mark, String message) {
        add(mark, Problem.Severity.ERROR, message);
    }

    /**
     * A secret of {@code key} (its full path, e.g. {@code datasources.db.password}) that cannot be read: an error,
     * or, when deferring, the problem an {@link io.dbbackup.core.Secret#unresolved unresolved secret} will raise.
     *
     * @return the problem as one line (file, line, column, key and reason), for the unresolved secret
     */
    String secretProblem(String key, Node at, String message) {
        if (!deferSecrets) {
            error(at, message);
            return ProblemText.clean(message);
        }
        UnresolvedSecret u = new UnresolvedSecret(key, problem(at == null ? Optional.empty() : at.getStartMark(),
                Problem.Severity.ERROR, message));
        unresolved.add(u);
        return u.format();
    }

    /** {@code at}'s place as {@code config.yaml:14:5} (the file as given, 1-based line and column). */
    String place(Node at) {
        Problem p = problemAt(at, Problem.Severity.WARNING, "");
        return p.file() + ":" + p.line() + ":" + p.column();
    }

    /** The secrets read, as {@code datasources.pg.password (env PGPASS)}: where from, never what. */
    private final List<String> read = new ArrayList<>();

    void secretRead(String key, String source) {
        read.add(key + " (" + source + ")");
    }

    List<String> secretsRead() {
        return List.copyOf(read);
    }

    List<UnresolvedSecret> unresolved() {
        return List.copyOf(unresolved);
    }

    private void add(Optional<Mark> mark, Problem.Severity severity, String message) {
        list.add(problem(mark, severity, message));
    }

    Problem problemAt(Node at, Problem.Severity severity, String message) {
        Optional<Mark> mark = at == null ? Optional.empty() : at.getStartMark();
        return problem(mark, severity, message);
    }

    private Problem problem(Optional<Mark> mark, Problem.Severity severity, String message) {
        int line = mark.map(m -> m.getLine() + 1).orElse(1);
        int col = mark.map(m -> m.getColumn() + 1).orElse(1);
        return new Problem(file, line, col, severity, message);
    }

    /** Whether an error was recorded about key {@code path} (its message begins with the path, or an item of it). */
    boolean hasErrorAbout(String path) {
        return list.stream().anyMatch(p -> p.severity() == Problem.Severity.ERROR
                && (p.message().startsWith(path + ":") || p.message().startsWith(path + "[")));
    }

    /** Whether the mapping at {@code path} was said to miss required key {@code key}. */
    boolean missesRequired(String path, String key) {
        String missing = ": missing required key '" + key + "'";
        return list.stream().anyMatch(p -> p.severity() == Problem.Severity.ERROR
                && (p.message().startsWith(path + missing) || p.message().startsWith(path + "." + key + missing)));
    }

    boolean hasErrors() {
        return list.stream().anyMatch(p -> p.severity() == Problem.Severity.ERROR);
    }

    /** Every problem by its place in the file, those that {@link #merged} one line into many sections as one. */
    List<Problem> sorted() {
        List<Problem> kept = new ArrayList<>(list);
        kept.removeIf(p -> !typos.contains(p) && (followsFromMisspelling(p) || followsFromMisplacing(p)));
        // not silently: the misspelled key's line says that what else its section holds was not checked
        kept.replaceAll(p -> scopes.containsKey(p) ? new Problem(p.file(), p.line(), p.column(), p.severity(), Suggestion.withNote(
                p.message(), "; the rest of " + scopes.get(p) + " is checked once this key is fixed")) : p);
        List<Problem> out = merged(kept);
        out.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
        return out;
    }

    /** {@code jobs.NAME.rest: text}: a problem about one section of a kind, by its path. */
    private static final java.util.regex.Pattern SECTION = java.util.regex.Pattern.compile("([a-z_]+)\\.([^.:\\[ ]+)([.:\\[].*)",
            java.util.regex.Pattern.DOTALL);

    /**
     * {@code problems} with those at one place of the file that say the same of several sections of a kind (a value in
     * an {@code x-} block that 200 jobs merge: 200 lines for one mistake) as one: the first section's problem, then
     * {@code (the same in N more jobs merging this line: ...)} naming at most {@link io.dbbackup.core.Human#NAMED}.
     */
    static List<Problem> merged(List<Problem> problems) {
        Map<List<Object>, List<Problem>> same = new LinkedHashMap<>();
        Map<Problem, String> names = new java.util.HashMap<>();
        for (Problem p : problems) {
            java.util.regex.Matcher m = SECTION.matcher(p.message());
            List<Object> key = m.matches() ? List.of(p.line(), p.column(), p.severity(), m.group(1), m.group(3)) : List.of(p);
            if (m.matches()) {
                names.put(p, m.group(2));
            }
            same.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
        }
        List<Problem> out = new ArrayList<>();
        same.forEach((key, group) -> {
            Problem first = group.get(0);
            if (group.size() == 1 || key.size() == 1) { // one, or the very same problem twice: one line
                out.add(first);
                return;
            }
            String kind = (String) key.get(3);
            List<String> others = group.subList(1, group.size()).stream().map(names::get).toList();
            out.add(new Problem(first.file(), first.line(), first.column(), first.severity(), Suggestion.withNote(first.message(),
                    " (the same in " + others.size() + " more " + kind + " merging this line: "
                    + io.dbbackup.core.Human.names(others) + ")")));
        });
        return out;
    }
}
