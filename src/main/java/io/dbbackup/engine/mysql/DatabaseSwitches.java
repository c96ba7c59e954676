package io.dbbackup.engine.mysql;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.spi.FilteredInputStream;
import io.dbbackup.spi.LineFilter;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load of a dump into one database ({@code --database=target}) stops before the first statement that names another
 * database: {@code USE}, {@code CREATE DATABASE}/{@code SCHEMA}, {@code DROP DATABASE}/{@code SCHEMA} (also inside a
 * version comment, {@code /*!40000 DROP DATABASE …}), where a statement starts with the delimiter {@code ;} in force (not
 * in a routine, trigger or event body, written between {@code DELIMITER ;;} lines). A dump of one database made with
 * {@code -B} ({@code [mysqldump] databases} in an option file, or extra_args before they were checked) says
 * {@code CREATE DATABASE `shop`; USE `shop`} before its first table: loaded under another name (restore --to, a drill's
 * scratch, a sync's stage) it would write into {@code shop}. Naming the target itself is harmless and goes on.
 */
final class DatabaseSwitches extends LineFilter {
    private static final Pattern SWITCH = Pattern.compile("(?:/\\*M?!\\d*\\s*)?(USE|(?:CREATE|DROP)\\s+(?:DATABASE|SCHEMA))"
            + "\\s+(?:/\\*M?!\\d*\\s*IF\\s+(?:NOT\\s+)?EXISTS\\s*\\*/\\s*|IF\\s+(?:NOT\\s+)?EXISTS\\s+)?"
            + "(" + Sql.QUOTED_NAME + "|[^\\s;`/]+)?",
            Pattern.CASE_INSENSITIVE);

    private final String target;
    private String delimiter = ";";

    DatabaseSwitches(String target, OutputStream out) {
        super(out);
        this.target = target;
    }

    /**
     * {@code in} stopped before a statement that names another database than {@code target}: what a restore loads into
     * one database, and a sync into its scratch database.
     */
    static InputStream into(String target, InputStream in) {
        return new FilteredInputStream(in, kept -> new DatabaseSwitches(target, kept));
    }

    @Override
    protected boolean keep(String head, boolean whole) {
        String line = head.strip();
        if (line.regionMatches(true, 0, "DELIMITER ", 0, 10) && !line.substring(10).isBlank()) {
            delimiter = line.substring(10).strip();
            return true;
        }
        Matcher m = SWITCH.matcher(line);
        if (!delimiter.equals(";") || !m.lookingAt()) {
            return true;
        }
        String quoted = m.group(2);
        String name = quoted == null ? null : quoted.startsWith("`")
                ? quoted.substring(1, quoted.length() - 1).replace("``", "`") : quoted;
        if (target.equals(name)) {
            return true;
        }
        throw DbBackupException.user("the dump switches to another database (" + m.group(1).toUpperCase(Locale.ROOT)
                .replaceAll("\\s+", " ") + " " + (quoted == null ? "…" : quoted) + "): loaded into " + target
                + " it would write into that database instead; the load stopped before that statement. It was made with -B/--databases "
                + "(an option file's [mysqldump] databases, or extra_args before they were checked): restore it into the "
                + "database it names, or load it yourself without its CREATE DATABASE and USE lines");
    }
}
