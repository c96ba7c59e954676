package io.dbbackup.spi;

import java.util.List;

/**
 * Options of one restore: {@code clean} drops existing objects first where the engine supports it;
 * {@code allOrNothing} says the input is a live dump (a sync) that may fail at any byte, so the
 * engine must apply all of it or nothing (see {@link Engine#restore}). {@code tables}, {@code schemas} and
 * {@code dataOnly} restore part of a backup ({@link Engine#restoresInPart}): only the named tables, only the objects
 * of the named schemas, only rows into tables that exist. {@code omitted}: what the datasource the backup was taken
 * from leaves out of its backups and the restore leaves out too, whatever the target's datasource says
 * ({@link Engine#omittedFromItsBackups}).
 */
public record RestoreOptions(boolean clean, boolean allOrNothing, List<String> tables, List<String> schemas,
                             boolean dataOnly, java.util.Set<Omitted> omitted) {
    /** What a backup was taken without: its objects' owners, their privileges. */
    public enum Omitted { OWNERS, PRIVILEGES }

    public RestoreOptions {
        tables = List.copyOf(tables);
        schemas = List.copyOf(schemas);
        omitted = java.util.Set.copyOf(omitted);
    }

    public RestoreOptions(boolean clean, boolean allOrNothing, List<String> tables, List<String> schemas, boolean dataOnly) {
        this(clean, allOrNothing, tables, schemas, dataOnly, java.util.Set.of());
    }

    public RestoreOptions(boolean clean, boolean allOrNothing) {
        this(clean, allOrNothing, List.of(), List.of(), false);
    }

    /** A restore of a checked artifact. */
    public RestoreOptions(boolean clean) {
        this(clean, false);
    }

    /** These options, the restore also leaving out {@code more}. */
    public RestoreOptions omitting(java.util.Set<Omitted> more) {
        java.util.Set<Omitted> all = new java.util.HashSet<>(omitted);
        all.addAll(more);
        return new RestoreOptions(clean, allOrNothing, tables, schemas, dataOnly, all);
    }

    /** Whether only part of the backup is restored. */
    public boolean partial() {
        return !tables.isEmpty() || !schemas.isEmpty() || dataOnly;
    }

    /**
     * What is restored, for logs and messages, to read after "restore" or "restored": {@code everything},
     * {@code table orders, schema audit}, {@code rows only} ({@code --data-only} alone), {@code rows of table orders}.
     */
    public String describeSelection() {
        List<String> parts = new java.util.ArrayList<>();
        tables.forEach(t -> parts.add("table " + t));
        schemas.forEach(s -> parts.add("schema " + s));
        String named = String.join(", ", parts);
        if (dataOnly) {
            return parts.isEmpty() ? "rows only" : "rows of " + named;
        }
        return parts.isEmpty() ? "everything" : named;
    }

    /**
     * The same as a note after the target a dry run names: {@code (rows only)}, {@code (only table orders)},
     * {@code (only rows of table orders)}; empty for a whole restore.
     */
    public String selectionNote() {
        if (!partial()) {
            return "";
        }
        return tables.isEmpty() && schemas.isEmpty() ? "(" + describeSelection() + ")" : "(only " + describeSelection() + ")";
    }
}
