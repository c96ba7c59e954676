package io.dbbackup.engine.mysql;

import io.dbbackup.spi.LineFilter;

import java.io.OutputStream;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The lines of a dump, as the client is given them, that start the statements of its stored routines, events, views and
 * triggers, its {@code LOCK TABLES} and (a dump of several databases) {@code CREATE DATABASE} (line number, from 1, and kind), so that a load that stopped {@code at line N}
 * ({@code ERROR 1044 … Access denied … to database}, which says no more) tells what the account may not create
 * ({@link PrivilegeHints}). Every line passes; only the numbers of those lines are held.
 */
final class StatementLines extends LineFilter {
    enum Kind { DATABASE, ROUTINE, EVENT, VIEW, TRIGGER, LOCK }

    private static final Pattern ROUTINE = Pattern.compile(
            "^(?:/\\*!50003 DROP (?:PROCEDURE|FUNCTION) |CREATE\\s+(?:DEFINER=.*?\\s+)?(?:AGGREGATE\\s+)?(?:PROCEDURE|FUNCTION)\\s"
            + "|/\\*!50003 CREATE\\*/.*?/\\*!50003 (?:PROCEDURE|FUNCTION)\\s)");
    private static final Pattern EVENT = Pattern.compile("^/\\*!50106 (?:DROP EVENT |CREATE\\*/)");
    private static final Pattern VIEW = Pattern.compile("^/\\*!50001 (?:CREATE|DROP VIEW )");
    private static final Pattern TRIGGER = Pattern.compile("^(?:/\\*!50003 CREATE\\*/.*?\\bTRIGGER\\b|/\\*!50032 DROP TRIGGER )");

    private final TreeMap<Integer, Kind> kinds = new TreeMap<>();
    private int line;

    StatementLines(OutputStream out) {
        super(out);
    }

    @Override
    protected boolean keep(String head, boolean whole) {
        line++;
        Kind kind = ROUTINE.matcher(head).find() ? Kind.ROUTINE : EVENT.matcher(head).find() ? Kind.EVENT
                : VIEW.matcher(head).find() ? Kind.VIEW : TRIGGER.matcher(head).find() ? Kind.TRIGGER
                : head.startsWith("LOCK TABLES ") ? Kind.LOCK : head.startsWith("CREATE DATABASE ") ? Kind.DATABASE : null;
        if (kind != null) {
            kinds.put(line, kind);
        }
        return true;
    }

    /** The kind of the statement that starts at {@code line}, or null (a table, rows, a setting). */
    Kind at(int line) {
        Map.Entry<Integer, Kind> e = kinds.floorEntry(line);
        return e != null && e.getKey() == line ? e.getValue() : null;
    }
}
