package io.dbbackup.engine.postgres;

import io.dbbackup.spi.RestoreOptions;

import java.util.Set;

/**
 * The objects of a plain script that a restore in part runs, chosen as {@code pg_restore} chooses them in a custom
 * archive: the script's opening {@code SET}s, then with {@code --table} the named relations (tables, views,
 * materialized views, sequences, foreign tables, in the {@code --schema}s when given) and their rows — not their indexes,
 * constraints, defaults or triggers; with {@code --schema} alone every object of those schemas; with {@code --data-only}
 * only rows ({@code TABLE DATA}, {@code SEQUENCE SET}, {@code MATERIALIZED VIEW DATA}) of what is chosen. A partitioned
 * table named with {@code --table} brings its partitions at every level ({@link ArchiveToc#partitionsOf}): their
 * definitions and {@code TABLE ATTACH}, or only their rows — a partitioned table holds no rows of its own.
 */
final class PlainSelection implements PlainSections.Rule {
    private static final Set<String> DATA = Set.of("TABLE DATA", "SEQUENCE SET", "MATERIALIZED VIEW DATA");

    private final Set<String> tables;
    private final Set<String> schemas;
    private final boolean dataOnly;
    private final Set<String> partitions;

    /** {@code toc}: what the backup holds, for the partitions of the named tables. */
    PlainSelection(RestoreOptions options, ArchiveToc toc) {
        this.partitions = toc.partitionsOf(options);
        this.tables = Set.copyOf(options.tables());
        this.schemas = Set.copyOf(options.schemas());
        this.dataOnly = options.dataOnly();
    }

    /** The partitions the named tables bring along, as {@link ArchiveToc#key}s. */
    Set<String> partitions() {
        return partitions;
    }

    @Override
    public boolean keeps(PlainSections.Section s, String head) {
        if (s == null) {
            return true;
        }
        boolean data = DATA.contains(s.type());
        boolean inSchemas = schemas.isEmpty() || schemas.contains(s.schema());
        if (partitions.contains(ArchiveToc.key(s.schema(), s.name()))) {
            return data || !dataOnly && (s.type().equals("TABLE") || s.type().equals("TABLE ATTACH"));
        }
        if (!tables.isEmpty()) {
            return tables.contains(s.name()) && inSchemas && (data || !dataOnly && ArchiveToc.RELATION_KINDS.contains(s.type()));
        }
        if (!schemas.isEmpty()) {
            return inSchemas && (data || !dataOnly);
        }
        return data;
    }
}
