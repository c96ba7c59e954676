package io.dbbackup.engine.mysql;

import io.dbbackup.core.Log;
import io.dbbackup.spi.RestoreOptions;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Triggers, stored routines and events whose code names their own database ({@code INSERT INTO shop.audit},
 * {@code UPDATE `shop`.t}). The dump tools write their bodies as the server stores them, so a backup of {@code shop}
 * restored under another name ({@code restore --to shop_restore}) gets objects that still read and write {@code shop}:
 * beside production, the copy's trigger writes into production. The backup lists them in its manifest
 * ({@value #FACT}: {@code trigger `orders_ai` on `orders` (shop.audit),event `purge` (`shop`.log)}, each with what it names
 * as written; {@link #entry}),
 * and a restore (or its dry run) of that backup under another name warns once, naming them ({@link #warn}); so does a
 * {@code sync} into another name, from what its dump's preflight found, once the sync is done. Views are not
 * listed: the dump writes their definitions without the database's name (the server prints them so), and when it does
 * not (a view whose definer is gone) {@link ViewNames} points them at the target.
 * <p>
 * A name counts where it is followed by a dot (spaces around the dot allowed, as the server allows them): quoted
 * ({@code `shop`.}, also {@code "shop".} for ANSI_QUOTES code) or bare ({@code shop.}) with no name character
 * ({@code [A-Za-z0-9_$]}, or a non-ASCII letter) or dot just before it: {@code myshop.x}, {@code shop2.x} and
 * {@code db.shop.col} do not count. Compared as the server compares database names: exactly, or without case where
 * {@code lower_case_table_names} is 1 or 2. Strings and comments are not skipped: a name in a string is dynamic SQL as
 * often as not ({@code PREPARE s FROM 'DELETE FROM shop.t'}), and a warning too many costs less than one too few; a table
 * or alias that has the database's name ({@code shop.id} for column {@code id} of table {@code shop}) counts too.
 */
final class OwnDatabaseNames {
    /** The manifest fact that lists them (absent: none, or a backup made before they were listed). */
    static final String FACT = "objects_naming_own_database";

    private OwnDatabaseNames() {
    }

    /**
     * Where {@code code} names {@code database} followed by a dot: each reference as written ({@code shop.audit},
     * {@code `shop`.`audit`}; spaces around the dot dropped; the database alone, {@code shop.}, when no name follows), each
     * once, in order. {@code ignoreCase}: the server compares database names without case.
     */
    static List<String> references(String code, String database, boolean ignoreCase) {
        Set<String> found = new LinkedHashSet<>();
        if (code == null || database.isEmpty()) {
            return List.of();
        }
        int i = 0;
        while (i < code.length()) {
            char c = code.charAt(i);
            int end = -1;
            if (c == '`' || c == '"') { // the name quoted; anything else quoted is read on as code (a string's SQL)
                int close = quotedEnd(code, i);
                if (close > 0 && same(code.substring(i + 1, close - 1).replace(String.valueOf(c) + c, String.valueOf(c)),
                        database, ignoreCase) && !dotBefore(code, i)) {
                    end = close;
                } else {
                    i++;
                    continue;
                }
            } else if (isNameChar(c)) {
                int j = i;
                while (j < code.length() && isNameChar(code.charAt(j))) {
                    j++;
                }
                if (same(code.substring(i, j), database, ignoreCase) && !dotBefore(code, i)) {
                    end = j;
                } else {
                    i = j;
                    continue;
                }
            }
            if (end < 0) {
                i++;
                continue;
            }
            int dot = skipSpaces(code, end);
            if (dot >= code.length() || code.charAt(dot) != '.') {
                i = end;
                continue;
            }
            int next = skipSpaces(code, dot + 1);
            int nextEnd = nameEnd(code, next);
            found.add(code.substring(i, end) + "." + (nextEnd > next ? code.substring(next, nextEnd) : ""));
            i = nextEnd > next ? nextEnd : dot + 1;
        }
        return List.copyOf(found);
    }

    /**
     * The manifest's entry for one object: {@code procedure `archive` (shop.audit `shop`.log)}; a trigger with its table,
     * {@code trigger `orders_ai` on `orders` (shop.audit)} ({@code table} null for the others). Names quoted as
     * identifiers ({@link Sql#ident}), references as written (a quote they open they close, {@link #references}): a comma
     * or {@code " on "} in a name or reference is inside quotes, so the list ({@link #fact}) splits back into its entries
     * ({@link #entries}) and a trigger's table reads back whole ({@link #restoredTrigger}).
     */
    static String entry(String kind, String name, String table, List<String> references) {
        return kind + " " + Sql.ident(name) + (table == null ? "" : " on " + Sql.ident(table)) + " ("
                + String.join(" ", references) + ")";
    }

    /** The manifest fact's value: the {@link #entry entries} joined with commas. */
    static String fact(List<String> entries) {
        return String.join(",", entries);
    }

    /** The entries of a {@link #fact}: split at each comma outside quotes ({@code `…`}, {@code "…"}, doubled inside). */
    static List<String> entries(String fact) {
        List<String> entries = new ArrayList<>();
        char quote = 0;
        int start = 0;
        for (int i = 0; i < fact.length(); i++) {
            char c = fact.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0; // a doubled quote closes and opens again
                }
            } else if (c == '`' || c == '"') {
                quote = c;
            } else if (c == ',') {
                entries.add(fact.substring(start, i));
                start = i + 1;
            }
        }
        entries.add(fact.substring(start));
        return entries.stream().map(String::strip).filter(e -> !e.isEmpty()).toList();
    }

    /**
     * Before a restore of a backup of {@code source} (its manifest's {@code facts}) into {@code target}, or after a sync
     * ({@link RestoreOptions#allOrNothing}; the facts of its dump): under another
     * name, one warning naming each object the backup listed ({@value #FACT}) and what it points at, of a restore of
     * some tables ({@code --table}) only the triggers of those tables (it brings back no routine or event). Nothing under
     * the source's own name, for a backup that lists none (or was made before they were listed), or for rows only.
     */
    static void warn(Map<String, String> facts, String target, RestoreOptions options, Log log) {
        String listed = facts.get(FACT);
        String source = facts.get("databases");
        if (listed == null || source == null || target == null || source.equals(target) || options.dataOnly()) {
            return;
        }
        List<String> objects = new ArrayList<>();
        for (String e : entries(listed)) {
            if (options.tables().isEmpty() || restoredTrigger(e, source, options.tables())) {
                objects.add(e);
            }
        }
        if (objects.isEmpty()) {
            return;
        }
        log.warn((options.allOrNothing() ? "synced" : "restoring") + " under another name than the source: these triggers, "
                + "routines and events name the source database " + Sql.ident(source) + " in their code, so in "
                + Sql.ident(target) + " they still read and write "
                + Sql.ident(source) + " on this server, not the copy: a trigger on every write to its table, a routine when "
                + "called, an event once enabled (events are created DISABLED here). Before anything writes to the copy, drop "
                + "them, or recreate each with " + Sql.ident(target) + " in its code (SHOW CREATE TRIGGER/PROCEDURE/FUNCTION/"
                + "EVENT shows it)", "source", source, "target", target, "objects", String.join(", ", objects));
    }

    /** Whether {@code entry} is a trigger of one of {@code tables} ({@code orders} or {@code shop.orders}). */
    private static boolean restoredTrigger(String entry, String source, List<String> tables) {
        Matcher m = TRIGGER.matcher(entry);
        if (!m.matches()) {
            return false;
        }
        String table = m.group(1).substring(1, m.group(1).length() - 1).replace("``", "`");
        return tables.contains(table) || tables.contains(source + "." + table);
    }

    /** A trigger's {@link #entry}: its quoted name, {@code on}, its quoted table, then what it names. */
    private static final Pattern TRIGGER = Pattern.compile("trigger " + Sql.QUOTED_NAME + " on (" + Sql.QUOTED_NAME
            + ") \\(.*\\)", Pattern.DOTALL);

    private static boolean same(String name, String database, boolean ignoreCase) {
        return ignoreCase ? name.toLowerCase(Locale.ROOT).equals(database.toLowerCase(Locale.ROOT)) : name.equals(database);
    }

    /** Whether a dot (spaces allowed) comes just before {@code at}: the name is a table or column of something else. */
    private static boolean dotBefore(String code, int at) {
        int j = at - 1;
        while (j >= 0 && Character.isWhitespace(code.charAt(j))) {
            j--;
        }
        return j >= 0 && code.charAt(j) == '.';
    }

    private static int skipSpaces(String code, int at) {
        while (at < code.length() && Character.isWhitespace(code.charAt(at))) {
            at++;
        }
        return at;
    }

    /** The end of the name (quoted or bare) at {@code at}, or {@code at} when none starts there. */
    private static int nameEnd(String code, int at) {
        if (at >= code.length()) {
            return at;
        }
        char c = code.charAt(at);
        if (c == '`' || c == '"') {
            int close = quotedEnd(code, at);
            return close < 0 ? at : close;
        }
        int j = at;
        while (j < code.length() && isNameChar(code.charAt(j))) {
            j++;
        }
        return j;
    }

    /** The index after the name quoted with {@code code.charAt(at)} (the quote doubled inside), or -1. */
    private static int quotedEnd(String code, int at) {
        char q = code.charAt(at);
        int j = at + 1;
        while (j < code.length()) {
            if (code.charAt(j) == q) {
                if (j + 1 < code.length() && code.charAt(j + 1) == q) {
                    j += 2;
                    continue;
                }
                return j + 1;
            }
            j++;
        }
        return -1;
    }

    /** A character of a bare name: ASCII letters, digits, {@code _}, {@code $}, and characters past ASCII. */
    private static boolean isNameChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '$' || c > 0x7F;
    }
}
