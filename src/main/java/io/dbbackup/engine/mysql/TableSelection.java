package io.dbbackup.engine.mysql;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lines of a dump that a restore in part loads: the opening {@code SET}s, not the header's {@code ALTER DATABASE} that
 * gives the database the source's defaults (a restore in part brings back tables, and leaves a live database's defaults
 * as they are) (and, in a dump of several databases, its
 * {@code USE} switches, with {@code CREATE DATABASE IF NOT EXISTS} for the databases chosen from), then for each chosen table
 * (every table when none is named) its {@code CREATE TABLE} — without the dump's {@code DROP TABLE IF EXISTS}, so a
 * table that exists stops the restore instead of being replaced — its rows and its triggers; with {@code dataOnly} its
 * {@code INSERT}s alone, into a table that exists: not its {@code LOCK TABLES}, {@code ALTER TABLE … DISABLE KEYS} or
 * {@code commit}, which would commit what came before, so that the caller can load them in one transaction; not its
 * triggers. A sequence (MariaDB) is chosen as a table is, by its name or its database, and is its {@code CREATE SEQUENCE}
 * and {@code SETVAL} to the backup's value, again without the {@code DROP}; never with {@code dataOnly}, and never
 * as part of the preamble (the dump writes sequences right after it): a live sequence set back hands out ids again. A chosen view (every view of the databases chosen, when no table is named; none with {@code dataOnly}) is
 * its final {@code CREATE VIEW}, which the dump writes after every table, again without the {@code DROP} before it.
 * Views' placeholders, routines, events, other tables and the accounts are left out.
 * <p>
 * With {@code dataOnly} the {@code CREATE TABLE} is not loaded, and with it the table's {@code AUTO_INCREMENT} counter
 * at backup time: it is read from the statement's last line as the line goes by ({@link #counters}), so that the restore
 * can raise the live table's counter to it afterwards.
 */
final class TableSelection implements DumpSections.Rule {
    private final Set<String> tables;
    private final Set<String> databases;
    private final boolean dataOnly;
    private DumpSections.Section current;
    private boolean pastRows;
    /**
     * {@code ) ENGINE=InnoDB AUTO_INCREMENT=6 DEFAULT CHARSET=…;}, the last line of SHOW CREATE TABLE's column list: the
     * counter comes right after the engine, before a COMMENT that could hold anything.
     */
    private static final Pattern COUNTER = Pattern.compile("^\\) ENGINE=\\w+ AUTO_INCREMENT=(\\d+)(?:[\\s;]|$)");
    private final Map<DumpSections.Section, Long> counters = new LinkedHashMap<>();

    /**
     * {@code tables}: names in a dump of one database, {@code database.table} in a dump of several; {@code databases}: in a
     * dump of several, every table of these (with {@code tables}: only those in these).
     */
    TableSelection(Set<String> tables, Set<String> databases, boolean dataOnly) {
        this.tables = Set.copyOf(tables);
        this.databases = Set.copyOf(databases);
        this.dataOnly = dataOnly;
    }

    TableSelection(Set<String> tables, boolean dataOnly) {
        this(tables, Set.of(), dataOnly);
    }

    @Override
    public boolean keeps(DumpSections.Section section, String head) {
        if (section != current) { // each heading opens a new section object
            current = section;
            pastRows = false;
        }
        if (dataOnly && section.kind() == DumpSections.Kind.TABLE && head.startsWith(")") && chosen(section)) {
            Matcher m = COUNTER.matcher(head);
            if (m.find()) {
                counters.put(section, Long.parseLong(m.group(1)));
            }
        }
        return switch (section.kind()) {
            // tables, not the database: the header's ALTER DATABASE would set a live database's defaults back to the backup's
            case PREAMBLE -> !head.startsWith(MySqlEngine.DATABASE_DEFAULTS);
            case TABLE -> !dataOnly && chosen(section) && !head.startsWith("DROP TABLE IF EXISTS ");
            // a sequence is an object, not preamble: recreating one that was not asked for would set it back (ids reused)
            case SEQUENCE -> !dataOnly && chosen(section) && !head.startsWith("DROP SEQUENCE IF EXISTS ");
            case DATA -> chosen(section) && (!dataOnly || rows(head));
            // the dump switches databases by name: each switch is followed; CREATE DATABASE IF NOT EXISTS (a commit) not for rows only
            case DATABASE -> head.startsWith("USE ") || !dataOnly && head.startsWith("CREATE DATABASE ") && chosen(section.name());
            case VIEW_DEFINITION -> !dataOnly && chosen(section) && !head.startsWith("/*!50001 DROP VIEW IF EXISTS ")
                    && !head.startsWith("/*!50001 DROP TABLE IF EXISTS ");
            case VIEW, OTHER -> false;
        };
    }

    /**
     * With {@code dataOnly}: each chosen table whose {@code CREATE TABLE} in the dump has an {@code AUTO_INCREMENT}
     * counter, with it (by the table's section: its name, and its database in a dump of several), in dump order.
     */
    Map<DumpSections.Section, Long> counters() {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(counters));
    }

    private boolean chosen(DumpSections.Section table) {
        return (tables.isEmpty() || tables.contains(table.qualified()))
                && (databases.isEmpty() || databases.contains(table.database()));
    }

    /** Whether the selection takes anything from {@code database}. */
    private boolean chosen(String database) {
        return databases.contains(database) || tables.stream().anyMatch(t -> t.startsWith(database + "."))
                || tables.isEmpty() && databases.isEmpty();
    }

    /**
     * A line of the rows, not of the statements around them; after the rows the dump tool writes the table's triggers,
     * opening with {@code /*!50003 SET …} and {@code DELIMITER ;;}.
     */
    private boolean rows(String head) {
        pastRows = pastRows || head.startsWith("/*!50003 ") || head.startsWith("DELIMITER ");
        return !pastRows && !head.startsWith("LOCK TABLES ") && !head.startsWith("UNLOCK TABLES")
                && !head.startsWith("/*!40000 ALTER TABLE ") && !head.equalsIgnoreCase("set autocommit=0;")
                && !head.equalsIgnoreCase("commit;");
    }
}
