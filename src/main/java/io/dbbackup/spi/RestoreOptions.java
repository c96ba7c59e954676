package io.dbbackup.spi;

import java.util.List;

/**
 * Options of one restore: {@code clean} drops existing objects first where the engine supports it;
 * {@code allOrNothing} says the input is a live dump (a sync) that may fail at any byte, so the
 * engine must apply all of it or nothing (see {@link Engine#restore}). {@code tables}, {@code schemas} and
 * {@code dataOnly} restore part of a backup ({@link Engine#restoresInPart}): only the named tables, only the objects
 * of the named schemas, only rows into tables that exist.
 */
public record RestoreOptions(boolean clean, boolean allOrNothing, List<String> tables, List<String> schemas,
                             boolean dataOnly) {
    public RestoreOptions {
        tables = List.copyOf(tables);
        schemas = List.copyOf(schemas);
    }

    public RestoreOptions(boolean clean, boolean allOrNothing) {
        this(clean, allOrNothing, List.of(), List.of(), false);
    }

    /** A restore of a checked artifact. */
    public RestoreOptions(boolean clean) {
        this(clean, false);
    }

    /** Whether only part of the backup is restored. */
    public boolean partial() {
        return !tables.isEmpty() || !schemas.isEmpty() || dataOnly;
    }

    /** What is restored, for logs and messages: {@code table orders, schema audit, rows only}. */
    public String describeSelection() {
        List<String> parts = new java.util.ArrayList<>();
        tables.forEach(t -> parts.add("table " + t));
        schemas.forEach(s -> parts.add("schema " + s));
        if (dataOnly) {
            parts.add("rows only");
        }
        return parts.isEmpty() ? "everything" : String.join(", ", parts);
    }
}
