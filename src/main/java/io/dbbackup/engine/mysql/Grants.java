package io.dbbackup.engine.mysql;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns {@code SHOW CREATE USER} and {@code SHOW GRANTS} output into SQL appended to the dump:
 * {@code CREATE USER IF NOT EXISTS ...} then each {@code GRANT}. For a one-database dump, grants on
 * that database are rewritten to the default database ({@code ON `shop`.*} → {@code ON *},
 * {@code ON `shop`.`t`} → {@code ON `t`}), so they follow a restore into another database name; so is a grant naming
 * the database with its wildcards escaped ({@code ON `my\_shop`.*}, the exact form), which the default database then
 * stands for as the unescaped one does.
 */
final class Grants {
    /** Starts the section appended for each account (after a newline), so a loader can tell it from the dump. */
    static final String SECTION_START = "-- dbbackup: account ";
    private static final Pattern CREATE_USER = Pattern.compile("^CREATE USER (?!IF NOT EXISTS)", Pattern.CASE_INSENSITIVE);

    private Grants() {
    }

    static String sql(MySqlSettings.Account account, List<String> createUser, List<String> grants, String database) {
        StringBuilder b = new StringBuilder();
        b.append('\n').append(SECTION_START).append(account).append(" and its grants\n");
        for (String stmt : createUser) {
            b.append(CREATE_USER.matcher(stmt).replaceFirst("CREATE USER IF NOT EXISTS ")).append(";\n");
        }
        for (String stmt : grants) {
            b.append(database == null ? stmt : toDefaultDatabase(stmt, database)).append(";\n");
        }
        return b.toString();
    }

    static String toDefaultDatabase(String grant, String database) {
        // a grant meant for the one database, not a pattern, names it with its wildcards escaped: `my\_shop`.*
        String escaped = database.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%");
        String db = "(?:" + Pattern.quote(Sql.ident(database)) + "|" + Pattern.quote(Sql.ident(escaped)) + ")";
        Pattern onDb = Pattern.compile("( ON (?:(?:PROCEDURE|FUNCTION|PACKAGE(?: BODY)?) )?)" + db
                + "\\.(\\*|" + Sql.QUOTED_NAME + ")( TO )", Pattern.CASE_INSENSITIVE);
        Matcher m = onDb.matcher(grant);
        return m.find() ? m.replaceFirst(Matcher.quoteReplacement(m.group(1) + m.group(2) + m.group(3))) : grant;
    }
}
