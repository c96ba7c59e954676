package io.dbbackup.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A config file's text with each misspelled key written as the key it is near (a {@link Problems.Fix}), and the way back
 * from a problem found in that text to where it is in the file as written: on a line where a fixed key changed length,
 * what follows the key moved by the difference.
 *
 * @param text  the fixed text
 * @param moved per 1-based line, per 1-based column from which the line moved, by how many columns
 */
record KeysFixed(String text, Map<Integer, TreeMap<Integer, Integer>> moved) {

    /**
     * Empty when a key cannot be fixed by writing a plain name where it is (a key over two lines). A quoted key
     * ({@code "datasoruces":}) is written as the plain name, its quotes with it.
     */
    static Optional<KeysFixed> of(String text, List<Problems.Fix> fixes) {
        String[] lines = text.split("\n", -1);
        Map<Integer, TreeMap<Integer, Problems.Fix>> byLine = new TreeMap<>(); // 0-based line → 0-based column → fix
        for (Problems.Fix f : fixes) {
            var start = f.key().getStartMark().orElseThrow();
            if (f.key().getEndMark().map(m -> m.getLine() != start.getLine()).orElse(true) || start.getLine() >= lines.length) {
                return Optional.empty();
            }
            byLine.computeIfAbsent(start.getLine(), l -> new TreeMap<>()).put(start.getColumn(), f);
        }
        Map<Integer, TreeMap<Integer, Integer>> moved = new HashMap<>();
        for (var e : byLine.entrySet()) {
            String line = lines[e.getKey()];
            TreeMap<Integer, Integer> written = new TreeMap<>(); // 0-based column → columns the key takes as written
            for (var f : e.getValue().descendingMap().entrySet()) { // from the last, so each column is still where it was
                int codePoints = line.codePointCount(0, line.length());
                int end = f.getValue().key().getEndMark().orElseThrow().getColumn();
                if (end > codePoints || end <= f.getKey()) {
                    return Optional.empty();
                }
                int from = line.offsetByCodePoints(0, f.getKey());
                int to = line.offsetByCodePoints(0, end);
                if (!keyText(f.getValue().key()).equals(line.substring(from, to))) {
                    return Optional.empty();
                }
                line = line.substring(0, from) + f.getValue().name() + line.substring(to);
                written.put(f.getKey(), end - f.getKey());
            }
            lines[e.getKey()] = line;
            TreeMap<Integer, Integer> by = new TreeMap<>();
            int before = 0; // how far the fixes left of this one moved it
            for (var f : e.getValue().entrySet()) {
                int grown = f.getValue().name().length() - written.get(f.getKey());
                int endInFixed = f.getKey() + 1 + f.getValue().name().length() + before; // 1-based, just past the key
                before += grown;
                by.put(endInFixed, before);
            }
            moved.put(e.getKey() + 1, by);
        }
        return Optional.of(new KeysFixed(String.join("\n", lines), moved));
    }

    /** The key's text as the file holds it: its name, or its name in its quotes when it has no escapes. */
    private static String keyText(org.snakeyaml.engine.v2.nodes.ScalarNode key) {
        return switch (key.getScalarStyle()) {
            case DOUBLE_QUOTED -> "\"" + key.getValue() + "\"";
            case SINGLE_QUOTED -> "'" + key.getValue() + "'";
            default -> key.getValue();
        };
    }

    /** {@code p}, found in the fixed text, where it is in the file as written. */
    Problem asWritten(Problem p) {
        var by = moved.get(p.line());
        var shift = by == null ? null : by.floorEntry(p.column());
        return shift == null ? p : new Problem(p.file(), p.line(), p.column() - shift.getValue(), p.severity(), p.message());
    }
}
