package io.dbbackup.engine.mysql;

import io.dbbackup.spi.ToolFailedException;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads MySQL/MariaDB client error text: whether a retry could help, and the one line worth showing. */
final class MySqlErrors {
    /**
     * Failures a retry cannot fix: credentials (1045, 1698), a missing database (1049), a host name
     * that does not resolve (2005), missing privileges (1419: SUPER under binary logging), bad options, TLS set-up, SQL that does not
     * load. "Can't connect" (2002/2003, refused or timed out) stays retryable: a restarting server
     * or a fail-over is exactly what a retry is for.
     */
    private static final List<String> PERMANENT = List.of(
            "access denied", "unknown database", "error 1049", "error 1045", "error 1698", "error 1044",
            "unknown mysql server host", "unknown server host", "error 2005", "command denied",
            "unknown variable", "unknown option", "unknown suboption", "ssl connection error", "tls/ssl error",
            "certificate", "authentication plugin", "plugin caching_sha2_password could not be loaded",
            "error at line", "syntax", "doesn't exist", "couldn't find table", "is not allowed to connect",
            "error 1419 (");
    /**
     * The error numbers of {@link #PERMANENT}'s server messages, which a server with {@code lc_messages} set (de_DE, fr_FR)
     * sends in its own language ("SHOW VIEW Befehl nicht erlaubt für Benutzer … (1142)"): access denied (1044, 1045, 1227,
     * 1698, 1873; an account locked: MariaDB 4151, MySQL 3118; a host refused: 1130), unknown database (1049), a command on
     * a table, column or routine denied (1142, 1143, 1370), something that does not exist (1008, 1029, 1072, 1112, 1146,
     * 1176, 1472, 1932, 1974, 1976), SQL that does not parse (1064, 1149, 1382), 1419, and the server's {@code init_connect}
     * failing for the account (1184: every login fails alike), a server that accepts only TLS (MySQL 3159), a server
     * that refuses a table without a primary key (MariaDB's innodb_force_primary_key 1173, MySQL's
     * sql_require_primary_key 3750). The clients' own messages (2005, options, TLS) stay English. An account's hourly
     * limit used up (1226 naming one of {@link SettingHints#HOURLY}) is permanent too: a retry before the hour is over
     * is refused again.
     */
    private static final java.util.Set<Integer> PERMANENT_NUMBERS = java.util.Set.of(1044, 1045, 1227, 1698, 1873, 4151,
            3118, 1130, 1049, 1142, 1143, 1370, 1008, 1029, 1072, 1112, 1146, 1176, 1472, 1932, 1974, 1976, 1064, 1149, 1382,
            1419, 1184, 3159, 1173, 3750);
    /**
     * Where a client or dump tool writes a server error's number: {@code ERROR 1142 (42000) …} (mariadb/mysql),
     * {@code mariadb-dump: Got error: 1045: "…" when …}, {@code mariadb-dump: Couldn't execute '…': … (1142)},
     * {@code mysqldump: Error 1412: …}.
     */
    private static final Pattern ANY_ERROR_NUMBER = Pattern.compile(
            "(?m)^ERROR (\\d+) \\(|Got error: (\\d+):|^[^\\s:]+: Couldn't execute .*\\((\\d+)\\)\\s*$|^[^\\s:]+: Error (\\d+):");
    private static final Pattern ERROR_LINE = Pattern.compile(
            "(?:ERROR \\d+ \\([0-9A-Z]+\\)(?: at line \\d+)?: .*|Got error: \\d+: .*|mysqldump: .*|mariadb-dump: .*|\\w+: Couldn't .*)");
    private static final Pattern GOT_ERROR = Pattern.compile("Got error: \\d+: \"?(.*?)\"?( when .*)?$");
    private static final Pattern UNKNOWN_DB = Pattern.compile("(?i)unknown database|error 1049");

    /** The client's {@code ERROR 2013 (HY000) at line 1: ...}: the error number. */
    private static final Pattern ERROR_CODE = Pattern.compile("(?m)^ERROR (\\d+) \\(");
    /**
     * Error numbers of a query that did not fail by what it read: the connection refused, gone or lost (2002, 2003, 2006,
     * 2013, 2055, 4031; 1152, 1158–1161 network aborts), killed (1927) or interrupted (1317), the server shutting down
     * (1053) or out of connections (1040; the account's: 1203), a statement or lock wait out of time (MySQL 3024, MariaDB 1969, 1205).
     */
    private static final java.util.Set<Integer> NOT_THE_QUERY = java.util.Set.of(2002, 2003, 2006, 2013, 2055, 4031,
            1152, 1158, 1159, 1160, 1161, 1927, 1317, 1053, 1040, 1203, 3024, 1969, 1205);

    /**
     * Error numbers of an account that may not: a command on a table or a column denied (1142, 1143), a routine (1370),
     * a database (1044), a privilege like SUPER needed (1227), the account refused (1045, 1698).
     */
    private static final java.util.Set<Integer> DENIED = java.util.Set.of(1142, 1143, 1370, 1044, 1227, 1045, 1698);

    private MySqlErrors() {
    }

    /**
     * Whether a failed client query failed for want of a connection or of time, not by what it read: killed at its
     * timeout, or an error number of {@link #NOT_THE_QUERY}. Otherwise (a syntax error, a missing table) the query failed.
     */
    static boolean notTheQuery(ToolFailedException e) {
        if (e.timedOut()) {
            return true;
        }
        return anyError(e, NOT_THE_QUERY);
    }

    /** Whether the account running the query lacks a privilege, or was refused: an error number of {@link #DENIED}. */
    static boolean privilegeDenied(ToolFailedException e) {
        return anyError(e, DENIED);
    }

    /** Whether the client reported an error ({@code ERROR 1142 (42000) …} at a line's start) with one of {@code numbers}. */
    private static boolean anyError(ToolFailedException e, java.util.Set<Integer> numbers) {
        Matcher m = ERROR_CODE.matcher(e.stderrTail());
        while (m.find()) {
            if (numbers.contains(Integer.parseInt(m.group(1)))) {
                return true;
            }
        }
        return false;
    }

    /** Whether no retry can fix the failure {@code stderr} tells: by the server's error number, or the words of an English one. */
    static boolean isPermanent(String stderr) {
        java.util.Set<Integer> numbers = errorNumbers(stderr);
        if (numbers.stream().anyMatch(PERMANENT_NUMBERS::contains)
                || numbers.contains(1226) && SettingHints.HOURLY.matcher(stderr).find()) {
            return true;
        }
        String s = stderr.toLowerCase(Locale.ROOT);
        return PERMANENT.stream().anyMatch(s::contains);
    }

    /** The server error numbers {@code stderr} names where the clients and dump tools write them ({@link #ANY_ERROR_NUMBER}). */
    static java.util.Set<Integer> errorNumbers(String stderr) {
        java.util.Set<Integer> numbers = new java.util.HashSet<>();
        Matcher m = ANY_ERROR_NUMBER.matcher(stderr);
        while (m.find()) {
            for (int g = 1; g <= m.groupCount(); g++) {
                if (m.group(g) != null) {
                    numbers.add(Integer.parseInt(m.group(g)));
                }
            }
        }
        return numbers;
    }

    static boolean isUnknownDatabase(ToolFailedException e) {
        return UNKNOWN_DB.matcher(e.stderrTail()).find();
    }

    /**
     * The line that says why, e.g. {@code ERROR 1045 (28000): Access denied for user 'app'@'127.0.0.1'
     * (using password: YES)}; the tool's own message when nothing better is there.
     */
    static String reason(ToolFailedException e) {
        if (e.cannotRun()) {
            return e.getMessage(); // "mariadb failed (exit 127): command not found: /opt/…/mariadb (…)", not the shell's line
        }
        String best = null;
        for (String line : e.stderrTail().split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("Warning:") || l.contains("[Warning]")) {
                continue;
            }
            if (ERROR_LINE.matcher(l).matches() || l.startsWith("ERROR")) {
                best = l;
                break;
            }
            if (best == null) {
                best = l;
            }
        }
        if (best == null) {
            return e.getMessage();
        }
        Matcher m = GOT_ERROR.matcher(best);
        if (m.find()) {
            return m.group(1) + (m.group(2) == null ? "" : m.group(2));
        }
        return best.replaceFirst("^(mysqldump|mariadb-dump|mysql|mariadb): ", "");
    }
}
