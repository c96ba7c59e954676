package io.dbbackup.engine.mysql;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a restore's privilege error ({@code ERROR 1044 … Access denied for user 'r'@'h' to database 'scratch'}, 1142
 * {@code CREATE VIEW command denied …}, 1370 {@code alter routine command denied …}) leaves unsaid: which of the backup's
 * objects the restoring account may not create, the {@code GRANT} that lets it, and the other ways out — as the end of
 * the error's one line (after {@code " — "}), or null when the error is no such one.
 */
final class PrivilegeHints {
    private static final Pattern ERROR = Pattern.compile("ERROR (\\d+) \\([0-9A-Z]+\\)(?: at line (\\d+))?: (.*)");
    /**
     * The account and, after it, the database: {@code 'r'@'h'} then {@code 'db'} (1044) or {@code `db`.`t`} (1142, 1143),
     * in every language the server's {@code lc_messages} may word them ("Access denied for user 'r'@'h' to database 'db'",
     * "Benutzer 'r'@'h' hat keine Zugriffsberechtigung für Datenbank 'db'").
     */
    private static final Pattern ACCOUNT = Pattern.compile("'((?:[^']|'')*)'@'((?:[^']|'')*)'");
    private static final Pattern QUOTED_DATABASE = Pattern.compile("'((?:[^']|'')*)'");
    private static final Pattern TABLE_DATABASE = Pattern.compile("`((?:[^`]|``)*)`\\.");
    private static final Pattern COMMAND = Pattern.compile("^(.+?) command denied to user ");
    private static final String TABLES_ALONE = ", or restore the tables alone with --table NAME (routines and events are "
            + "left out)";

    private PrivilegeHints() {
    }

    /**
     * A failed load's hint: the statement at the error's line ({@code lines}) says what was being created; without one,
     * a 1142 names the command itself. {@code database}: the one the dump loads into, null to read it from the error.
     */
    static String load(String message, StatementLines lines, String database) {
        Matcher m = ERROR.matcher(String.valueOf(message));
        if (!m.find()) {
            return null;
        }
        int code = Integer.parseInt(m.group(1));
        if (code != 1044 && code != 1142 && code != 1370) {
            return null;
        }
        String text = m.group(3);
        String account = account(text);
        String db = database != null ? database : database(code, text);
        StatementLines.Kind kind = m.group(2) == null || lines == null ? null : lines.at(Integer.parseInt(m.group(2)));
        if (kind == null && code == 1370) {
            kind = StatementLines.Kind.ROUTINE;
        }
        if (account == null || db == null) {
            return null;
        }
        String on = " ON " + Sql.ident(db) + ".* TO " + account;
        if (kind == null) {
            Matcher c = COMMAND.matcher(text);
            if (code != 1142 || !c.find()) {
                return null;
            }
            String privilege = c.group(1).toUpperCase(Locale.ROOT);
            return " — the account " + account + " may not " + privilege + " in " + Sql.ident(db) + ": GRANT " + privilege + on
                    + ", or restore as an account that has it";
        }
        return switch (kind) {
            case DATABASE -> " — the backup creates database " + Sql.ident(db) + " (CREATE DATABASE IF NOT EXISTS, which "
                    + "needs CREATE on it also when it is there), and the account " + account + " may not: GRANT CREATE" + on
                    + " (with what restoring into it needs), or restore as an account that has it";
            case ROUTINE -> " — the backup holds stored procedures or functions, and the account " + account + " may not "
                    + "create them in " + Sql.ident(db) + " (CREATE ROUTINE, and ALTER ROUTINE for the dump's DROP … IF EXISTS "
                    + "before each): GRANT CREATE ROUTINE, ALTER ROUTINE" + on + ", or restore as an account that has them"
                    + TABLES_ALONE;
            case EVENT -> " — the backup holds events, and the account " + account + " may not create them in "
                    + Sql.ident(db) + " (EVENT): GRANT EVENT" + on + ", or restore as an account that has it" + TABLES_ALONE;
            case VIEW -> " — the backup holds views, and the account " + account + " may not create them in "
                    + Sql.ident(db) + " (CREATE VIEW): GRANT CREATE VIEW" + on + ", or restore as an account that has it";
            case TRIGGER -> " — the backup holds triggers, and the account " + account + " may not create them in "
                    + Sql.ident(db) + " (TRIGGER): GRANT TRIGGER" + on + ", or restore as an account that has it";
            case LOCK -> " — the dump locks each table while its rows load, and the account " + account + " may not "
                    + "(LOCK TABLES): GRANT LOCK TABLES" + on + ", or restore as an account that has it";
        };
    }

    /** {@code --clean} would drop {@code database} and create it again; the account may not create it. Nothing dropped. */
    static String cleanCreate(String message, String database) {
        String account = deniedAccount(message);
        return account == null ? null : " — --clean drops " + Sql.ident(database) + " and creates it again, and the account "
                + account + " may not create it: GRANT CREATE ON " + Sql.ident(database) + ".* TO " + account
                + ", or restore without --clean; nothing was dropped";
    }

    /** {@code --clean} would drop {@code database}; the account may not. Nothing dropped. */
    static String cleanDrop(String message, String database) {
        String account = deniedAccount(message);
        return account == null ? null : " — --clean drops " + Sql.ident(database) + " first, and the account " + account
                + " may not: GRANT DROP ON " + Sql.ident(database) + ".* TO " + account
                + ", or restore without --clean; nothing was dropped";
    }

    /** The target {@code database} is not there, as the account sees it, and the account may not create it. */
    static String missing(String message, String database) {
        String account = deniedAccount(message);
        return account == null ? null : " — " + Sql.ident(database) + " does not exist (or the account " + account
                + " has no privilege on it at all, which hides it) and the account may not create it: create it as an account "
                + "that may (CREATE DATABASE " + Sql.ident(database) + "), or GRANT CREATE ON " + Sql.ident(database) + ".* TO "
                + account;
    }

    /** The account of a 1044 in {@code message}, or null when it is no 1044. */
    private static String deniedAccount(String message) {
        Matcher m = ERROR.matcher(String.valueOf(message));
        return m.find() && m.group(1).equals("1044") ? account(m.group(3)) : null;
    }

    /** {@code user 'r'@'h'} of the error as {@code 'r'@'h'}. */
    private static String account(String text) {
        Matcher m = ACCOUNT.matcher(text);
        return m.find() ? "'" + m.group(1) + "'@'" + m.group(2) + "'" : null;
    }

    /** The database a 1044 (its quoted name) or 1142/1143 (its table's) names after the account; null for another error. */
    private static String database(int code, String text) {
        Matcher a = ACCOUNT.matcher(text);
        if (!a.find() || code != 1044 && code != 1142 && code != 1143) {
            return null;
        }
        Matcher m = (code == 1044 ? QUOTED_DATABASE : TABLE_DATABASE).matcher(text);
        if (!m.find(a.end())) {
            return null;
        }
        return code == 1044 ? m.group(1).replace("''", "'") : m.group(1).replace("``", "`");
    }
}
