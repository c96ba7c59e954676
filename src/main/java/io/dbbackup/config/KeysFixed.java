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
     * Empty when a key cannot be fixed by writing its name where it is: an alias used as a key (the text at its place is
     * the anchored value, which other keys may use), a block scalar. A quoted key, with escapes or not, is written as the
     * plain name, its quotes with it; a key over several lines ({@code ? reten\n  tion}) as a double-quoted name whose
     * line breaks are escaped, so that every line keeps its place and its last line its columns after the key.
     */
    static Optional<KeysFixed> of(String text, List<Problems.Fix> fixes) {
        String[] lines = text.split("\n", -1);
        Map<Integer, TreeMap<Integer, Problems.Fix>> byLine = new TreeMap<>(); // 0-based line → 0-based column → fix
        for (Problems.Fix f : fixes) {
            var start = f.key().getStartMark().orElseThrow();
            var end = f.key().getEndMark();
            if (end.isEmpty() || start.getLine() >= lines.length || end.get().getLine() >= lines.length
                    || !atAKeysPlace(lines[start.getLine()], start.getColumn())) {
                return Optional.empty();
            }
            byLine.computeIfAbsent(start.getLine(), l -> new TreeMap<>()).put(start.getColumn(), f);
        }
        Map<Integer, TreeMap<Integer, Integer>> moved = new HashMap<>();
        for (var e : byLine.entrySet()) {
            String line = lines[e.getKey()];
            TreeMap<Integer, Integer> written = new TreeMap<>(); // 0-based column → columns the key takes as written
            for (var f : e.getValue().descendingMap().entrySet()) { // from the last, so each column is still where it was
                var endMark = f.getValue().key().getEndMark().orElseThrow();
                if (endMark.getLine() != e.getKey()) {
                    if (e.getValue().size() > 1 || !overLines(lines, f.getValue(), e.getKey(), f.getKey())) {
                        return Optional.empty();
                    }
                    line = lines[e.getKey()];
                    continue;
                }
                int codePoints = line.codePointCount(0, line.length());
                int end = endMark.getColumn();
                if (end > codePoints || end <= f.getKey()) {
                    return Optional.empty();
                }
                int from = line.offsetByCodePoints(0, f.getKey());
                int to = line.offsetByCodePoints(0, end);
                if (!writtenAs(f.getValue().key(), line.substring(from, to))) {
                    return Optional.empty();
                }
                line = line.substring(0, from) + f.getValue().name() + line.substring(to);
                written.put(f.getKey(), end - f.getKey());
            }
            lines[e.getKey()] = line;
            TreeMap<Integer, Integer> by = new TreeMap<>();
            int before = 0; // how far the fixes left of this one moved it
            for (var f : e.getValue().entrySet()) {
                if (!written.containsKey(f.getKey())) {
                    continue; // over several lines: nothing after it on this line
                }
                int grown = f.getValue().name().length() - written.get(f.getKey());
                int endInFixed = f.getKey() + 1 + f.getValue().name().length() + before; // 1-based, just past the key
                before += grown;
                by.put(endInFixed, before);
            }
            moved.put(e.getKey() + 1, by);
        }
        return Optional.of(new KeysFixed(String.join("\n", lines), moved));
    }

    /**
     * Whether a key starting at {@code column} of {@code line} is where a key is written: first on its line, or after
     * {@code ?}, {@code -}, <code>{</code> or {@code ,}. Not after an anchor ({@code prefix: &k retenion}, the place an
     * alias key {@code *k :} reports).
     */
    private static boolean atAKeysPlace(String line, int column) {
        if (column > line.codePointCount(0, line.length())) {
            return false;
        }
        String before = line.substring(0, line.offsetByCodePoints(0, column)).stripTrailing();
        return before.isEmpty() || "?-{,".indexOf(before.charAt(before.length() - 1)) >= 0;
    }

    /** Whether {@code source}, the text between the key's marks, is the key as a plain or quoted scalar. */
    private static boolean writtenAs(org.snakeyaml.engine.v2.nodes.ScalarNode key, String source) {
        return switch (key.getScalarStyle()) {
            case DOUBLE_QUOTED -> source.length() >= 2 && source.startsWith("\"") && source.endsWith("\"");
            case SINGLE_QUOTED -> source.length() >= 2 && source.startsWith("'") && source.endsWith("'");
            case PLAIN -> key.getValue().equals(source);
            default -> false;
        };
    }

    /**
     * Writes key {@code f}, starting at {@code column} of line {@code first} and ending on a later line, as the
     * double-quoted name with each line break escaped ({@code "retention\}), each line it took kept with its indentation
     * and its last line ending with the closing quote where the key ended: no line, and no column after it, moves.
     */
    private static boolean overLines(String[] lines, Problems.Fix f, int first, int column) {
        var key = f.key();
        var end = key.getEndMark().orElseThrow();
        int last = end.getLine();
        String lastLine = lines[last];
        int endColumn = end.getColumn();
        var style = key.getScalarStyle();
        if (style != org.snakeyaml.engine.v2.common.ScalarStyle.PLAIN && style != org.snakeyaml.engine.v2.common.ScalarStyle.DOUBLE_QUOTED
                && style != org.snakeyaml.engine.v2.common.ScalarStyle.SINGLE_QUOTED
                || endColumn < 1 || endColumn > lastLine.codePointCount(0, lastLine.length())) {
            return false; // a block scalar (? |) ends at the next line's start: no column to close a quote at
        }
        String head = lines[first];
        lines[first] = head.substring(0, head.offsetByCodePoints(0, column)) + "\"" + f.name() + "\\";
        for (int i = first + 1; i < last; i++) {
            lines[i] = indentation(lines[i]) + "\\";
        }
        lines[last] = " ".repeat(endColumn - 1) + "\"" + lastLine.substring(lastLine.offsetByCodePoints(0, endColumn));
        return true;
    }

    private static String indentation(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return line.substring(0, i);
    }

    /** {@code p}, found in the fixed text, where it is in the file as written. */
    Problem asWritten(Problem p) {
        var by = moved.get(p.line());
        var shift = by == null ? null : by.floorEntry(p.column());
        return shift == null ? p : new Problem(p.file(), p.line(), p.column() - shift.getValue(), p.severity(), p.message());
    }
}
