package io.dbbackup.config;

import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.Node;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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

    void warn(Node at, String message) {
        add(at == null ? Optional.empty() : at.getStartMark(), Problem.Severity.WARNING, message);
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

    boolean hasErrors() {
        return list.stream().anyMatch(p -> p.severity() == Problem.Severity.ERROR);
    }

    List<Problem> sorted() {
        List<Problem> out = new ArrayList<>(list);
        out.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
        return out;
    }
}
