package io.dbbackup.engine.mysql;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Quoting for the SQL this engine writes itself, and parsing of the client's {@code -N -B} output. */
final class Sql {
    /**
     * A regex for a quoted identifier, {@code `a``b`} (a backtick inside doubled). Runs of plain characters are taken at
     * once and never given back: with a per-character alternation ({@code `(?:[^`]|``)*`}) the regex engine recurses
     * once per character, and a long name overflowed the stack.
     */
    static final String QUOTED_NAME = "`[^`]*+(?:``[^`]*+)*+`";

    private Sql() {
    }

    /** A string literal: {@code 'it\'s'} (backslash escapes work in every sql_mode but NO_BACKSLASH_ESCAPES, which we never set). */
    static String literal(String s) {
        StringBuilder b = new StringBuilder("'");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\'' -> b.append("\\'");
                case '\0' -> b.append("\\0");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                default -> b.append(c);
            }
        }
        return b.append('\'').toString();
    }

    /** An identifier: {@code `a``b`}. */
    static String ident(String s) {
        return "`" + s.replace("`", "``") + "`";
    }

    /**
     * {@code s} as a string of its UTF-8 bytes, one char per byte (ISO-8859-1): to join with a dump's lines read byte
     * for byte ({@code new String(bytes, ISO_8859_1)}), whose literals may hold bytes that are no UTF-8 ({@code _latin1'<E9>'},
     * a binary default), and write the result back with {@code getBytes(ISO_8859_1)}.
     */
    static String bytewise(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /**
     * The index after the quoted string or name opening at {@code at} (its quote {@code ' " `}; doubled quotes inside,
     * backslash escapes in strings), or -1 when it does not close.
     */
    static int quoteEnd(String text, int at) {
        char q = text.charAt(at);
        int j = at + 1;
        while (j < text.length()) {
            char d = text.charAt(j);
            if (d == '\\' && q != '`') {
                j += 2;
                continue;
            }
            if (d == q) {
                if (j + 1 < text.length() && text.charAt(j + 1) == q) {
                    j += 2;
                    continue;
                }
                return j + 1;
            }
            j++;
        }
        return -1;
    }

    static String literalList(List<String> values) {
        return values.stream().map(Sql::literal).collect(Collectors.joining(","));
    }

    /** Rows of {@code mysql -N -B} output: tab-separated, with {@code \t \n \\ \0} escaped; NULL stays "NULL". */
    static List<List<String>> parseBatch(String output) {
        List<List<String>> rows = new ArrayList<>();
        for (String line : output.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            List<String> row = new ArrayList<>();
            for (String field : line.split("\t", -1)) {
                row.add(unescape(field));
            }
            rows.add(row);
        }
        return rows;
    }

    private static String unescape(String f) {
        if (f.indexOf('\\') < 0) {
            return f;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < f.length(); i++) {
            char c = f.charAt(i);
            if (c == '\\' && i + 1 < f.length()) {
                char n = f.charAt(++i);
                switch (n) {
                    case 't' -> b.append('\t');
                    case 'n' -> b.append('\n');
                    case '0' -> b.append('\0');
                    default -> b.append(n);
                }
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
