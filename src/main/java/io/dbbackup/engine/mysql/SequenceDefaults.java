package io.dbbackup.engine.mysql;

import io.dbbackup.spi.FilteredInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A dump's tables whose column defaults take a MariaDB sequence ({@code DEFAULT nextval(`shop`.`s`)}), made loadable
 * and pointed at the right sequence:
 * <ul>
 * <li>mariadb-dump wraps each table's rows in {@code LOCK TABLES `t` WRITE}, and MariaDB then refuses every row of a
 * table whose default names a sequence ({@code ERROR 1100: Table 's' was not locked with LOCK TABLES}, even with every
 * value given): such a dump did not restore at all. For those tables only, the rows' {@code LOCK TABLES} and
 * {@code UNLOCK TABLES} lines are left out (they only speed up MyISAM loads).</li>
 * <li>SHOW CREATE TABLE (so mariadb-dump) always writes such a sequence with its database, so a dump of one database
 * restored under another name took its ids from the source's sequence (or failed with "Table 'shop.s' doesn't exist"
 * on a server without {@code shop}). With a {@code target}, {@code nextval(}/{@code lastval(}/{@code setval(} followed
 * by the source database's quoted name and a dot get the target's name instead; a sequence of another database stays.
 * The source's name is the one in dbbackup's own first line ({@code -- dbbackup: mariadb dump of shop from server …}); a
 * dump whose name there is the target's, or that has no such line, keeps its names.</li>
 * </ul>
 * Only the {@code CREATE TABLE} statements of {@code Table structure for table} sections are read, character by
 * character (quoted strings with {@code ''} and backslash escapes, quoted names), so a string literal or a comment that
 * spells the same text is not touched. Lines are read byte for byte (ISO-8859-1), never decoded as UTF-8: a binary
 * default ({@code DEFAULT '<FF><00><E9>'}, the dump tool's raw bytes) keeps its bytes. Other lines pass through unchanged;
 * a line of a CREATE TABLE is read whole however long (a huge ENUM, a long expression; over
 * {@value LineRewriter#WHOLE_LIMIT} bytes it stops the load), any other line longer than {@value #MAX_LINE} bytes (rows)
 * is passed on as it arrives, never held whole: what is rewritten never depends on how the dump's bytes arrive.
 */
final class SequenceDefaults extends LineRewriter {
    /** A line held before it is decided on its head: a longer one is read whole in a CREATE TABLE, else passed on. */
    static final int MAX_LINE = 1 << 16;
    private static final String[] FUNCTIONS = {"nextval(", "lastval(", "setval("};
    private static final byte[] CREATE_TABLE = "CREATE TABLE ".getBytes(StandardCharsets.US_ASCII);

    private final String target;
    /** The source's and the target's quoted names with their dot, byte for byte ({@link Sql#bytewise}). */
    private String sourceQuoted;
    private String targetQuoted;
    private int lineNumber;
    private boolean afterDashes;
    private boolean tableSection;
    private boolean dataSection;
    private boolean inCreate;
    /** The current table's CREATE TABLE calls a sequence function in code: its rows load without LOCK TABLES. */
    private boolean usesSequence;
    /** The lexer's state inside a CREATE TABLE, carried from line to line: 0 code, else the open quote character. */
    private char quote;
    private boolean escaped;

    /** {@code target}: the database a dump of one database is restored into, or null to keep the dump's names. */
    SequenceDefaults(String target, OutputStream out) {
        super(MAX_LINE, out);
        this.target = target;
    }

    /**
     * {@code in} with its sequence defaults pointed at {@code target} (null: the dump's names kept) and the rows of their
     * tables without LOCK TABLES: what a restore loads, and a sync into its scratch database.
     */
    static InputStream into(String target, InputStream in) {
        return new FilteredInputStream(in, kept -> new SequenceDefaults(target, kept));
    }

    /** A line of a CREATE TABLE that is lexed is read whole, however long (rows are not). */
    @Override
    String wholeLine(byte[] head) {
        return inCreate || tableSection && startsWith(head, CREATE_TABLE) ? "a CREATE TABLE statement" : null;
    }

    private static boolean startsWith(byte[] bytes, byte[] start) {
        return bytes.length >= start.length && java.util.Arrays.equals(bytes, 0, start.length, start, 0, start.length);
    }

    /** {@code bytes}: the whole line with its end, or (not {@code whole}) the start of a long one, the rest to follow. */
    @Override
    void passOn(byte[] bytes, boolean whole) throws IOException {
        lineNumber++;
        if (!whole) { // never a line of a CREATE TABLE (wholeLine)
            afterDashes = false;
            out.write(bytes); // rows: passed on as they come, decided as a line of no statement
            return;
        }
        if (!inCreate && bytes.length > 0 && bytes[0] != '-' && bytes[0] != 'C' && bytes[0] != 'L' && bytes[0] != 'U') {
            afterDashes = false;
            out.write(bytes); // rows and most statements: no need to decode them
            return;
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1); // byte for byte: a binary default keeps its bytes
        String bare = text.stripTrailing();
        if (lineNumber == 1) {
            String source = sourceName(new String(bytes, StandardCharsets.UTF_8).stripTrailing());
            if (target != null && source != null && !source.equals(target)) {
                sourceQuoted = Sql.bytewise(Sql.ident(source) + ".");
                targetQuoted = Sql.bytewise(Sql.ident(target) + ".");
            }
        }
        if (!inCreate) {
            if (afterDashes && bare.startsWith("-- ")) {
                tableSection = bare.startsWith("-- Table structure for table ");
                dataSection = bare.startsWith("-- Dumping data for table ");
                if (tableSection) {
                    usesSequence = false;
                }
            }
            afterDashes = bare.equals("--");
            if (dataSection && usesSequence && (bare.startsWith("LOCK TABLES ") && bare.endsWith(" WRITE;")
                    || bare.equals("UNLOCK TABLES;"))) {
                return;
            }
            if (!tableSection || !bare.startsWith("CREATE TABLE ")) { // as wholeLine
                out.write(bytes);
                return;
            }
            inCreate = true;
            quote = 0;
            escaped = false;
        }
        out.write(rewrite(text).getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The database named by dbbackup's first line of a one-database dump, or null. */
    static String sourceName(String firstLine) {
        if (!firstLine.startsWith(MySqlEngine.HEADER_START)) {
            return null;
        }
        int of = firstLine.indexOf(" dump of ");
        int from = firstLine.lastIndexOf(" from server ");
        return of < 0 || from < of + 9 ? null : firstLine.substring(of + 9, from);
    }

    /** One line of a CREATE TABLE, lexed on from the previous one's state; the statement ends at a {@code ;} in code. */
    private String rewrite(String text) {
        StringBuilder b = new StringBuilder(text.length() + 16);
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (quote != 0) {
                b.append(c);
                i++;
                if (escaped) {
                    escaped = false;
                } else if (c == '\\' && quote != '`') {
                    escaped = true;
                } else if (c == quote) {
                    if (i < text.length() && text.charAt(i) == quote) { // '' inside '…', `` inside `…`
                        b.append(c);
                        i++;
                    } else {
                        quote = 0;
                    }
                }
                continue;
            }
            if (c == '\'' || c == '"' || c == '`') {
                quote = c;
                b.append(c);
                i++;
                continue;
            }
            if (c == ';') {
                inCreate = false;
                b.append(text, i, text.length());
                return b.toString();
            }
            String function = functionAt(text, i);
            if (function != null) {
                usesSequence = true;
                int at = i + function.length();
                while (at < text.length() && text.charAt(at) == ' ') {
                    at++;
                }
                b.append(text, i, at);
                if (sourceQuoted != null && text.startsWith(sourceQuoted, at)) {
                    b.append(targetQuoted);
                    at += sourceQuoted.length();
                }
                i = at;
                continue;
            }
            b.append(c);
            i++;
        }
        return b.toString();
    }

    private static String functionAt(String text, int i) {
        char before = i > 0 ? text.charAt(i - 1) : ' ';
        if (Character.isLetterOrDigit(before) || before == '_' || before == '$' || before >= 0x80) { // >= 0x80: a UTF-8 byte of a name
            return null;
        }
        for (String f : FUNCTIONS) {
            if (text.regionMatches(true, i, f, 0, f.length())) {
                return f;
            }
        }
        return null;
    }
}
