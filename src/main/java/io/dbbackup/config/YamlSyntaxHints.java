package io.dbbackup.config;

import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a YAML syntax error the parser words in its own terms means for a config file, where the text shows it: a tab in
 * an indentation, a key indented under a key that has a value. The parser's words ("found character '\t(TAB)' that cannot
 * start any token", "mapping values are not allowed here") name neither the place to fix nor the rule.
 */
final class YamlSyntaxHints {
    /** Said at a tab in a line's indentation. */
    static final String TAB_INDENTATION = "a tab in the indentation: YAML forbids tabs for indentation; indent with spaces";
    /** A line's indentation, list dashes ({@code - }) included. */
    private static final Pattern INDENTATION = Pattern.compile("^[ \t]*(?:-[ \t]+)*");
    private static final Pattern KEY_AFTER = Pattern.compile("^([A-Za-z0-9_.-]+)\\s*:(?:\\s|$)");

    /** A problem to say instead of the parser's words, at a 1-based line and column. */
    record Hint(int line, int column, String message) {
    }

    private YamlSyntaxHints() {
    }

    /** The hint for syntax error {@code e} in {@code text}, if the text shows one of the causes this class knows. */
    static Optional<Hint> of(String text, MarkedYamlEngineException e) {
        String[] lines = text.split("\\R", -1);
        Optional<Hint> tab = tabIndentation(lines, e);
        return tab.isPresent() ? tab : indentedUnderAValue(lines, e);
    }

    /**
     * A tab in the indentation of a line the syntax error spans (from its context line to its problem line, the nearest
     * first), said at the tab after the key the line holds.
     */
    private static Optional<Hint> tabIndentation(String[] lines, MarkedYamlEngineException e) {
        if (e.getProblemMark().isEmpty()) {
            return Optional.empty();
        }
        int last = e.getProblemMark().get().getLine();
        int first = e.getContextMark().map(m -> Math.min(m.getLine(), last)).orElse(last);
        for (int i = Math.min(last, lines.length - 1); i >= first; i--) {
            Matcher m = INDENTATION.matcher(lines[i]);
            if (m.find() && m.group().indexOf('\t') >= 0) {
                String message = keyOf(lines[i]).map(k -> k + ": " + TAB_INDENTATION).orElse(TAB_INDENTATION);
                return Optional.of(new Hint(i + 1, m.group().indexOf('\t') + 1, message));
            }
        }
        return Optional.empty();
    }

    /**
     * "mapping values are not allowed here" at a key indented more than the key line before it, which has a value on its
     * line ({@code datasource: app} then {@code      store: s}): said at the key, naming the line before.
     */
    private static Optional<Hint> indentedUnderAValue(String[] lines, MarkedYamlEngineException e) {
        if (e.getProblemMark().isEmpty() || !String.valueOf(e.getProblem()).contains("mapping values are not allowed")) {
            return Optional.empty();
        }
        int at = e.getProblemMark().get().getLine();
        if (at >= lines.length || keyOf(lines[at]).isEmpty()) {
            return Optional.empty();
        }
        int before = at - 1;
        while (before >= 0 && (lines[before].isBlank() || lines[before].stripLeading().startsWith("#"))) {
            before--;
        }
        int indent = lines[at].length() - lines[at].stripLeading().length();
        if (before < 0 || keyOf(lines[before]).isEmpty() || lines[before].strip().endsWith(":")
                || indent <= lines[before].length() - lines[before].stripLeading().length()) {
            return Optional.empty();
        }
        String key = keyOf(lines[at]).orElse("this line");
        return Optional.of(new Hint(at + 1, indent + 1, key + ": indented more than '" + keyOf(lines[before]).orElse("")
                + "' on line " + (before + 1) + ", which has a value of its own: give the keys of one mapping the same "
                + "indentation"));
    }

    /** The key a line starts with ({@code key:}, {@code - key:}), if it starts with one. */
    private static Optional<String> keyOf(String line) {
        Matcher key = KEY_AFTER.matcher(line.replaceFirst(INDENTATION.pattern(), ""));
        return key.find() ? Optional.of(key.group(1)) : Optional.empty();
    }
}
