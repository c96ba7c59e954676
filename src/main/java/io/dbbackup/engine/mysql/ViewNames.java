package io.dbbackup.engine.mysql;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A view's final definition in a dump of one database, pointed at the database it is restored into. The server prints
 * a view as its definer sees it ({@code SHOW CREATE VIEW}, so the dump tool), and when the definer may not use it — an
 * account dropped, or without rights — it prints the stored text, whose columns name the source database:
 * {@code /*!50001 VIEW `v` AS select `shop`.`t`.`id` AS `id` from `t` *&#47;;}. Restored under another name that failed
 * the whole restore ({@code ERROR 1054 Unknown column 'shop.t.id' in 'SELECT'}). With a {@code target} other than the
 * source's name (from dbbackup's first line, as {@link SequenceDefaults}), the source's name as the database of a
 * column ({@code `shop`.`t`.`id}, three quoted names) in the code of a {@code /*!50001 VIEW} line becomes the target's;
 * a table alias of the same name ({@code `shop`.`id`}), string literals and other databases' names stay.
 * Other lines pass unchanged; a line longer than {@value #MAX_LINE} bytes is passed on as it is.
 */
final class ViewNames extends OutputStream {
    static final int MAX_LINE = 1 << 20;
    private static final byte[] VIEW_LINE = "/*!50001 VIEW `".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    private final String target;
    private String sourceQuoted;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean passing;
    private boolean first = true;
    private int rewritten;

    /** {@code target}: the database a dump of one database is restored into, or null to keep the dump's names. */
    ViewNames(String target, OutputStream out) {
        this.out = out;
        this.target = target;
    }

    /** How many view definitions had the source's name replaced. */
    int rewritten() {
        return rewritten;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int end = off + len;
        int i = off;
        while (i < end) {
            int stop = i;
            while (stop < end && b[stop] != '\n') {
                stop++;
            }
            boolean ends = stop < end;
            int upTo = ends ? stop + 1 : stop;
            if (passing) {
                out.write(b, i, upTo - i);
            } else if (line.size() + (upTo - i) > MAX_LINE || (!first && sourceQuoted == null)
                    || !startsAsView(b, i, upTo)) {
                line.writeTo(out);
                line.reset();
                out.write(b, i, upTo - i);
                passing = !ends;
                first = false;
            } else {
                line.write(b, i, upTo - i);
                if (ends) {
                    lineEnded();
                }
            }
            i = upTo;
            if (ends) {
                passing = false;
            }
        }
    }

    /** Whether the line held so far plus {@code b[from, to)} may still be the first line or a view line. */
    private boolean startsAsView(byte[] b, int from, int to) {
        if (first) {
            return true;
        }
        for (int k = line.size(), at = from; k < VIEW_LINE.length && at < to; k++, at++) {
            if (b[at] != VIEW_LINE[k]) {
                return false;
            }
        }
        return true;
    }

    private void lineEnded() throws IOException {
        String text = new String(line.toByteArray(), StandardCharsets.UTF_8);
        line.reset();
        if (first) {
            first = false;
            String source = SequenceDefaults.sourceName(text.stripTrailing());
            if (target != null && source != null && !source.equals(target)) {
                sourceQuoted = Sql.ident(source) + ".";
            }
            out.write(text.getBytes(StandardCharsets.UTF_8));
            return;
        }
        out.write(rewrite(text).getBytes(StandardCharsets.UTF_8));
    }

    private String rewrite(String text) {
        StringBuilder b = new StringBuilder(text.length() + 16);
        boolean changed = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '`' && text.startsWith(sourceQuoted, i) && (i == 0 || text.charAt(i - 1) != '.')
                    && threePart(text, i + sourceQuoted.length())) {
                b.append(Sql.ident(target)).append('.');
                i += sourceQuoted.length();
                changed = true;
                continue;
            }
            if (c == '\'' || c == '"' || c == '`') { // a quoted string or name, '' or `` inside, backslash escapes in strings
                int j = i + 1;
                while (j < text.length()) {
                    char d = text.charAt(j);
                    if (d == '\\' && c != '`') {
                        j += 2;
                        continue;
                    }
                    if (d == c) {
                        if (j + 1 < text.length() && text.charAt(j + 1) == c) {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    j++;
                }
                int stop = Math.min(j + 1, text.length());
                b.append(text, i, stop);
                i = stop;
                continue;
            }
            b.append(c);
            i++;
        }
        if (changed) {
            rewritten++;
        }
        return b.toString();
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
        if (at >= text.length() || text.charAt(at) != '`') {
            return -1;
        }
        int j = at + 1;
        while (j < text.length()) {
            if (text.charAt(j) == '`') {
                if (j + 1 < text.length() && text.charAt(j + 1) == '`') {
                    j += 2;
                    continue;
                }
                return j + 1;
            }
            j++;
        }
        return -1;
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    /** Passes on a last line without a line end; leaves {@code out} open. */
    @Override
    public void close() throws IOException {
        if (!passing && line.size() > 0) {
            lineEnded();
        }
    }
}
