package io.dbbackup.engine.mysql;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.spi.LineFilter;
import io.dbbackup.spi.RestoreOptions;
import io.dbbackup.spi.ScanningSink;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a dump holds, learnt from its section comments as it is read: its tables, those with rows, its views and sequences (in a dump
 * of several databases named {@code database.table}). Given a selection (a restore in part, learning in its checking
 * pass), {@link #close} fails — a user error, nothing was touched yet — when the selection names what is not there,
 * saying what is: a table that is not in the dump would otherwise be "restored" as nothing.
 */
final class DumpContents extends ScanningSink {
    private final RestoreOptions selection;
    private final Set<String> tables = new TreeSet<>();
    private final Set<String> withRows = new TreeSet<>();
    private final Set<String> views = new TreeSet<>();
    private final Set<String> sequences = new TreeSet<>();
    private final Set<String> databases = new TreeSet<>();
    private final DumpSections sections = new DumpSections(this::note, OutputStream.nullOutputStream());

    /** {@code selection}: null to learn what the dump holds without checking anything. */
    DumpContents(RestoreOptions selection) {
        this.selection = selection;
    }

    private boolean note(DumpSections.Section section, String head) {
        String name = section.qualified();
        switch (section.kind()) {
            case DATABASE -> databases.add(section.name());
            case TABLE -> tables.add(name);
            case DATA -> withRows.add(name);
            case VIEW, VIEW_DEFINITION -> views.add(name);
            case SEQUENCE -> sequences.add(name);
            default -> { }
        }
        return false;
    }

    /** After {@link #close}: {@code table shop.orders}, {@code table log (no rows dumped)}, {@code view big_orders}. */
    List<String> lines() {
        List<String> lines = new ArrayList<>();
        tables.forEach(t -> lines.add("table " + t + (withRows.contains(t) ? "" : " (no rows dumped)")));
        views.forEach(v -> lines.add("view " + v));
        sequences.forEach(q -> lines.add("sequence " + q));
        return lines;
    }

    @Override
    protected LineFilter scanner() {
        return sections;
    }

    @Override
    protected void finish() {
        if (selection == null) {
            return;
        }
        if (tables.isEmpty() && views.isEmpty() && sequences.isEmpty()) {
            throw DbBackupException.user("the backup holds no '-- Table structure for table' comments, so its tables cannot be "
                    + "told apart (was it made with --skip-comments or --compact in extra_args?); nothing was restored: restore it "
                    + "whole into a scratch datasource (--to) and copy back what you need");
        }
        List<String> missing = new ArrayList<>();
        for (String d : selection.schemas()) {
            if (!databases.contains(d)) {
                missing.add("database " + d);
            }
        }
        for (String t : selection.tables()) {
            if (views.contains(t)) {
                if (selection.dataOnly()) {
                    missing.add("rows of view " + t + " (a view has none: --data-only loads tables' rows)");
                }
            } else if (sequences.contains(t)) {
                if (selection.dataOnly()) {
                    missing.add("rows of sequence " + t + " (--data-only never sets a sequence: drop it and restore it with "
                            + "--table alone, which recreates it at its backup-time value)");
                }
            } else if (!tables.contains(t)) {
                missing.add("table " + t + (databases.isEmpty() == t.contains(".") ? databases.isEmpty()
                        ? " (name the table without its database: the backup is of one database)"
                        : " (the backup is of several databases: name the table as database.table)" : ""));
            } else if (selection.dataOnly() && !withRows.contains(t)) {
                missing.add("rows of table " + t + " (its data was not dumped)");
            }
        }
        if (selection.dataOnly() && selection.tables().isEmpty() && withRows.isEmpty()) {
            missing.add("rows of any table");
        }
        if (!missing.isEmpty()) {
            List<String> held = List.copyOf(tables);
            throw DbBackupException.user("the backup holds no " + String.join(", no ", missing) + " (it holds "
                    + (databases.isEmpty() ? "" : "databases " + String.join(", ", databases) + "; ")
                    + (held.isEmpty() ? "no tables" : "table" + (held.size() == 1 ? " " : "s ") + (held.size() > 20
                    ? String.join(", ", held.subList(0, 20)) + " and " + (held.size() - 20) + " more" : String.join(", ", held)))
                    + (views.isEmpty() ? "" : "; views " + String.join(", ", views))
                    + (sequences.isEmpty() ? "" : "; sequences " + String.join(", ", sequences)) + "); nothing was restored");
        }
    }
}
