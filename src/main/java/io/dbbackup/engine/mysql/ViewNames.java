package io.dbbackup.engine.mysql;

import io.dbbackup.spi.FilteredInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A view's final definition in a dump of one database, pointed at the database it is restored into. The server prints
 * a view as its definer sees it ({@code SHOW CREATE VIEW}, so the dump tool), and when the definer may not use it — an
 * account dropped, or without rights — it prints the stored text, whose columns name the source database:
 * {@code /*!50001 VIEW `v` AS select `shop`.`t`.`id` AS `id` from `t` *&#47;;}. Restored under another name that failed
 * the whole restore ({@code ERROR 1054 Unknown column 'shop.t.id' in 'SELECT'}). With a {@code target} other than the
 * source's name (from dbbackup's first line, as {@link SequenceDefaults}), the source's name in the code of a
 * {@code /*!50001 VIEW} line — or of a {@code /*!50001 CREATE ALGORITHM=… VIEW} line, as a view whose definer is a role
 * is printed — becomes the target's where it names the database: of a column ({@code `shop`.`t`.`id`}, three quoted
 * names), of a table after {@code FROM} or {@code JOIN} ({@code from (`shop`.`t` join `other`.`o` …)}, as a view that
 * also reads another database is printed), of a function ({@code `shop`.`f`(…)}); a table alias of the same name
 * ({@code `shop`.`id`}), string literals and other databases' names stay. Lines are read byte for byte (ISO-8859-1):
 * a literal's own bytes ({@code _latin1'<E9>'}, {@code _binary'<FF>'}), no UTF-8, pass unchanged.
 * Other lines pass unchanged. A view's line is read whole however long; over {@value LineRewriter#WHOLE_LIMIT} bytes it
 * stops the load (rather than load the view still naming the source).
 */
final class ViewNames extends LineRewriter {
    /** The first line (dbbackup's, naming the source) is read up to this; a view's line whole ({@link #wholeLine}). */
    static final int MAX_LINE = 1 << 20;
    /** How a view's definition starts: after a line of its definer, or (a role's view) on one line with it. */
    private static final byte[][] VIEW_LINES = {"/*!50001 VIEW `".getBytes(StandardCharsets.US_ASCII),
            "/*!50001 CREATE ALGORITHM=".getBytes(StandardCharsets.US_ASCII)};
    private static final int ALL_VIEW_LINES = (1 << VIEW_LINES.length) - 1;

    private final String target;
    /** The source's and the target's quoted names with their dot, byte for byte ({@link Sql#bytewise}). */
    private String sourceQuoted;
    private String targetQuoted;
    /** Which of {@link #VIEW_LINES} the current line may still be (a bit each). */
    private int candidates = ALL_VIEW_LINES;
    private boolean first = true;
    private int rewritten;

    /** {@code target}: the database a dump of one database is restored into, or null to keep the dump's names. */
    ViewNames(String target, OutputStream out) {
        super(MAX_LINE, out);
        this.target = target;
    }

    /**
     * {@code in} with its views pointed at {@code target}: what a restore loads into the database it restores into, and
     * a sync into its scratch database (whose name the swap's capture drops again), so that the copy's views read the copy.
     */
    static InputStream into(String target, InputStream in) {
        return new FilteredInputStream(in, kept -> new ViewNames(target, kept));
    }

    /** How many view definitions had the source's name replaced. */
    int rewritten() {
        return rewritten;
    }

    /**
     * Whether the line, {@code held} bytes so far and {@code b[from, to)} next, may still be the first line or a view line
     * whose source's name may become the target's.
     */
    @Override
    boolean holds(int held, byte[] b, int from, int to) {
        if (first) {
            return true;
        }
        if (sourceQuoted == null) {
            return false;
        }
        for (int v = 0; v < VIEW_LINES.length; v++) {
            byte[] start = VIEW_LINES[v];
            for (int k = held, at = from; k < start.length && at < to; k++, at++) {
                if (b[at] != start[k]) {
                    candidates &= ~(1 << v);
                    break;
                }
            }
        }
        return candidates != 0;
    }

    @Override
    void lineEnded() {
        candidates = ALL_VIEW_LINES;
    }

    /** A line held past its start is a view's definition ({@link #holds}), read whole; the first line by its head. */
    @Override
    String wholeLine(byte[] head) {
        return first ? null : "a view's definition";
    }

    /** Passes on the line, the source's name in a view's code the target's; a line too long to hold as it is. */
    @Override
    void passOn(byte[] bytes, boolean whole) throws IOException {
        if (!whole) {
            first = false;
            out.write(bytes);
            return;
        }
        if (first) {
            first = false;
            String source = SequenceDefaults.sourceName(new String(bytes, StandardCharsets.UTF_8).stripTrailing());
            if (target != null && source != null && !source.equals(target)) {
                sourceQuoted = Sql.bytewise(Sql.ident(source) + ".");
                targetQuoted = Sql.bytewise(Sql.ident(target) + ".");
            }
            out.write(bytes);
            return;
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1); // byte for byte: literals keep their own bytes
        String done = rewrite(text);
        out.write(done == null ? bytes : done.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The line with the source's name replaced where it names the database, or null when it does nowhere. */
    private String rewrite(String text) {
        StringBuilder b = new StringBuilder(text.length() + 16);
        boolean changed = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '`' && text.startsWith(sourceQuoted, i) && (i == 0 || text.charAt(i - 1) != '.')
                    && namesTheDatabase(text, i, i + sourceQuoted.length())) {
                b.append(targetQuoted);
                i += sourceQuoted.length();
                changed = true;
                continue;
            }
            if (c == '\'' || c == '"' || c == '`') { // a quoted string or name: passed on whole (to the line's end if open)
                int end = Sql.quoteEnd(text, i);
                int stop = end < 0 ? text.length() : end;
                b.append(text, i, stop);
                i = stop;
                continue;
            }
            b.append(c);
            i++;
        }
        if (!changed) {
            return null;
        }
        rewritten++;
        return b.toString();
    }

    /**
     * Whether the quoted name at {@code at}, after the source's name and a dot at {@code from}, makes that name the
     * database: of a column ({@link #threePart}), of a table after {@code FROM} or {@code JOIN}, or of a function
     * ({@code `shop`.`f`(}); not a table alias of the same name ({@code `shop`.`id`}).
     */
    private static boolean namesTheDatabase(String text, int from, int at) {
        if (threePart(text, at)) {
            return true;
        }
        int end = quotedEnd(text, at);
        return end > 0 && (end < text.length() && text.charAt(end) == '(' || afterFromOrJoin(text, from));
    }

    /** Whether the code before {@code at}, past spaces and opening parentheses, is the word FROM or one ending in JOIN. */
    private static boolean afterFromOrJoin(String text, int at) {
        int j = at - 1;
        while (j >= 0 && (text.charAt(j) == ' ' || text.charAt(j) == '(')) {
            j--;
        }
        int end = j + 1;
        while (j >= 0 && (isAsciiLetter(text.charAt(j)) || text.charAt(j) == '_')) {
            j--;
        }
        if (j >= 0 && !(text.charAt(j) == ' ' || text.charAt(j) == '(' || text.charAt(j) == ')')) {
            return false; // part of a longer name or a quoted one
        }
        String word = text.substring(j + 1, end).toLowerCase(java.util.Locale.ROOT);
        return word.equals("from") || word.endsWith("join");
    }

    private static boolean isAsciiLetter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    /**
     * Whether a quoted name, a dot and a quoted name start at {@code at}: the source's name was the database of a column
     * ({@code `shop`.`t`.`id`}), not a table alias of the same name ({@code `shop`.`id`}), which stays.
     */
    private static boolean threePart(String text, int at) {
        int end = quotedEnd(text, at);
        return end > 0 && end + 1 < text.length() && text.charAt(end) == '.' && text.charAt(end + 1) == '`';
    }

    /** The index after the backtick-quoted name starting at {@code at}, or -1. */
    private static int quotedEnd(String text, int at) {
        return at < text.length() && text.charAt(at) == '`' ? Sql.quoteEnd(text, at) : -1;
    }
}
