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

    Problems(String file) {
        this.file = file;
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

    private void add(Optional<Mark> mark, Problem.Severity severity, String message) {
        int line = mark.map(m -> m.getLine() + 1).orElse(1);
        int col = mark.map(m -> m.getColumn() + 1).orElse(1);
        list.add(new Problem(file, line, col, severity, message));
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
