package io.dbbackup.engine.mysql;

import io.dbbackup.core.Log;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A dump's scheduled events, loaded DISABLED where they would otherwise run a second time. mysqldump and mariadb-dump
 * write each event as one line that begins
 * <pre>
 * /*!50106 CREATE*&#47; /*!50117 DEFINER=`app`@`%`*&#47; /*!50106 EVENT `purge` ON SCHEDULE EVERY 1 DAY STARTS '…' ON COMPLETION NOT PRESERVE ENABLE …
 * </pre>
 * and an {@code ENABLE}d event starts firing on the server it is created on as soon as it is created: restored under
 * another name (a copy, a drill's scratch database, a sync's staging database) it ran the source's scheduled job (delete
 * old rows, copy rows into another database) a second time. With a {@code target} other than the source's name (from
 * dbbackup's first line, as {@link SequenceDefaults}), such a line's {@code ENABLE} becomes {@code DISABLE}, and the
 * event's name is noted ({@link #disabled}). A dump whose name there is the target's, or that has no such line, keeps
 * each event's status; {@code DISABLE ON SLAVE} (a replica's copy of an event) is kept too. Only the first
 * {@value #HEAD} bytes of a line are looked at, and only lines starting as above: rows and event bodies pass untouched.
 */
final class Events extends LineRewriter {
    /** The head of a line that may create an event: definer, name and schedule come before the status. */
    static final int HEAD = 4096;
    private static final String CREATE = "/*!50106 CREATE*/ ";
    private static final String EVENT = "/*!50106 EVENT ";
    private static final String COMPLETION = " ON COMPLETION ";

    private final String target;
    private boolean first = true;
    private boolean disabling;
    private String source;
    private final List<String> disabled = new ArrayList<>();
    private final List<String> unread = new ArrayList<>();

    /** {@code target}: the database a dump of one database is loaded into, or null to keep every event's status. */
    Events(String target, OutputStream out) {
        super(HEAD, out);
        this.target = target;
    }

    /** The source database's name from dbbackup's first line, or null. */
    String source() {
        return source;
    }

    /** The events the dump had ENABLEd and that were created DISABLED instead, by name. */
    List<String> disabled() {
        return List.copyOf(disabled);
    }

    /**
     * The events whose status could not be found on their line (not as the dump tools write it), by name (null when not
     * even that was found): loaded as they are, so possibly ENABLEd. Only the name: the line goes on with the body.
     */
    List<String> unread() {
        return java.util.Collections.unmodifiableList(unread);
    }

    /**
     * One warning per event {@link #disabled}, naming it in {@code database} and how to enable it; and one per event
     * line left as it was ({@link #unread}).
     */
    void warn(String database, String what, Log log) {
        warnDisabled(database, what, log);
        warnUnread(database, log);
    }

    private void warnDisabled(String database, String what, Log log) {
        for (String name : disabled) {
            String qualified = Sql.ident(database) + "." + Sql.ident(name);
            log.warn("event created DISABLED: " + what + " under another name than its source " + Sql.ident(source)
                    + ", where it would run the source's scheduled job a second time; to run it here: ALTER EVENT "
                    + qualified + " ENABLE (the account that runs it becomes the event's definer)",
                    "event", database + "." + name);
        }
    }

    /** One warning per event line left as it was ({@link #unread}). */
    void warnUnread(String database, Log log) {
        for (String name : unread) {
            log.warn("an event of the dump could not be read to create it DISABLED under another name: it was created as "
                    + "dumped and may be ENABLED, running the source's scheduled job a second time; check "
                    + "information_schema.EVENTS of " + Sql.ident(database), "event", name == null ? "(unnamed)" : database + "." + name);
        }
    }

    /**
     * {@code sql} (the dump tool's SQL, e.g. a capture of a staging database's events) with the events named in
     * {@code names} that it creates DISABLEd created ENABLEd: put back as the dump had them.
     */
    static String enable(String sql, Set<String> names) {
        if (names.isEmpty()) {
            return sql;
        }
        StringBuilder b = new StringBuilder(sql.length() + 16);
        for (String line : sql.split("(?<=\n)", -1)) {
            Status s = status(line);
            if (s != null && "DISABLE".equals(s.word()) && names.contains(s.name())) {
                b.append(line, 0, s.start()).append("ENABLE").append(line, s.end(), line.length());
            } else {
                b.append(line);
            }
        }
        return b.toString();
    }

    /** An event line's name (unquoted) and where its status word ({@code ENABLE}, {@code DISABLE}) is. */
    record Status(String name, String word, int start, int end) {
    }

    /**
     * The status of the event {@code line} creates, or null when it is no event line. An event line whose status cannot
     * be found gives a status with a null word.
     */
    static Status status(String line) {
        if (!line.startsWith(CREATE)) {
            return null;
        }
        int event = unquoted(line, EVENT, CREATE.length());
        if (event < 0) {
            return null;
        }
        int at = event + EVENT.length();
        String name;
        int afterName;
        if (at < line.length() && line.charAt(at) == '`') {
            afterName = Sql.quoteEnd(line, at);
            if (afterName < 0) {
                return new Status(null, null, 0, 0);
            }
            name = line.substring(at + 1, afterName - 1).replace("``", "`");
        } else {
            afterName = at;
            while (afterName < line.length() && (Character.isLetterOrDigit(line.charAt(afterName))
                    || line.charAt(afterName) == '_' || line.charAt(afterName) == '$')) {
                afterName++;
            }
            name = line.substring(at, afterName);
        }
        int completion = unquoted(line, COMPLETION, afterName);
        if (completion < 0) {
            return new Status(name, null, 0, 0);
        }
        int s = completion + COMPLETION.length();
        if (line.startsWith("NOT ", s)) {
            s += 4;
        }
        if (!line.startsWith("PRESERVE ", s)) {
            return new Status(name, null, 0, 0);
        }
        s += 9;
        for (String word : List.of("DISABLE ON SLAVE", "DISABLE ON REPLICA", "ENABLE", "DISABLE")) {
            int e = s + word.length();
            if (line.startsWith(word, s) && (e == line.length() || !Character.isLetterOrDigit(line.charAt(e)))) {
                return new Status(name, word, s, e);
            }
        }
        return new Status(name, null, 0, 0);
    }

    /** Where {@code needle} first occurs in {@code text} from {@code from} outside quoted strings and names, or -1. */
    private static int unquoted(String text, String needle, int from) {
        int i = from;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                int end = Sql.quoteEnd(text, i);
                if (end < 0) {
                    return -1;
                }
                i = end;
                continue;
            }
            if (text.startsWith(needle, i)) {
                return i;
            }
            i++;
        }
        return -1;
    }

    /** Passes on the head of the current line, an event's ENABLE made DISABLE when the dump loads under another name. */
    @Override
    void passOn(byte[] bytes, boolean whole) throws IOException {
        if (first) {
            first = false;
            source = SequenceDefaults.sourceName(new String(bytes, StandardCharsets.UTF_8).stripTrailing());
            disabling = target != null && source != null && !source.equals(target);
            out.write(bytes);
            return;
        }
        if (!disabling || bytes.length == 0 || bytes[0] != '/') {
            out.write(bytes);
            return;
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1); // byte for byte: the rest of the head is kept
        Status s = status(text);
        if (s == null || "DISABLE".equals(s.word()) || (s.word() != null && s.word().startsWith("DISABLE ON "))) {
            out.write(bytes);
            return;
        }
        if (s.word() == null) {
            unread.add(s.name() == null ? null : new String(s.name().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
            out.write(bytes);
            return;
        }
        disabled.add(new String(s.name().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
        out.write((text.substring(0, s.start()) + "DISABLE" + text.substring(s.end())).getBytes(StandardCharsets.ISO_8859_1));
    }
}
