package io.dbbackup.engine.mysql;

import java.util.Set;

/**
 * The lines of a one-database dump that a restore in part loads: the opening {@code SET}s, then for each chosen table
 * (every table when none is named) its {@code CREATE TABLE} — without the dump's {@code DROP TABLE IF EXISTS}, so a
 * table that exists stops the restore instead of being replaced — its rows and its triggers; with {@code dataOnly} its
 * {@code INSERT}s alone, into a table that exists: not its {@code LOCK TABLES}, {@code ALTER TABLE … DISABLE KEYS} or
 * {@code commit}, which would commit what came before, so that the caller can load them in one transaction; not its
 * triggers. Views, routines, events, other tables and the accounts are left out.
 */
final class TableSelection implements DumpSections.Rule {
    private final Set<String> tables;
    private final boolean dataOnly;
    private DumpSections.Section current;
    private boolean pastRows;

    TableSelection(Set<String> tables, boolean dataOnly) {
        this.tables = Set.copyOf(tables);
        this.dataOnly = dataOnly;
    }

    @Override
    public boolean keeps(DumpSections.Section section, String head) {
        if (section != current) { // each heading opens a new section object
            current = section;
            pastRows = false;
        }
        return switch (section.kind()) {
            case PREAMBLE -> true;
            case TABLE -> !dataOnly && chosen(section.name()) && !head.startsWith("DROP TABLE IF EXISTS ");
            case DATA -> chosen(section.name()) && (!dataOnly || rows(head));
            case VIEW, DATABASE, OTHER -> false;
        };
    }

    private boolean chosen(String table) {
        return tables.isEmpty() || tables.contains(table);
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
