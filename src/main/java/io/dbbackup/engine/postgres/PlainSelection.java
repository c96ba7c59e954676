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
 * definitions and {@code TABLE ATTACH}, or only their rows — a partitioned table holds no rows of its own. A relation
 * named with {@code --table} (and each such partition) comes with what pg_dump writes apart from its definition but
 * is part of it: its row level security and policies, its grants and its comments ({@link #PART_OF}). A publication's
 * tables and schemas are filed under their schema but belong to the publication, which no schema holds and no restore in
 * part brings: they are left out ({@link #OF_A_PUBLICATION}), as {@code ALTER PUBLICATION … ADD} without it fails.
 */
final class PlainSelection implements PlainSections.Rule {
    private static final Set<String> DATA = Set.of("TABLE DATA", "SEQUENCE SET", "MATERIALIZED VIEW DATA");
    /** What belongs to one relation though pg_dump writes it as an object of its own. */
    private static final Set<String> PART_OF = Set.of("ROW SECURITY", "POLICY", "ACL", "COMMENT");
    /** Filed under a schema by pg_dump, but a publication's: {@code ALTER PUBLICATION … ADD TABLE / TABLES IN SCHEMA}. */
    private static final Set<String> OF_A_PUBLICATION = Set.of("PUBLICATION TABLE", "PUBLICATION TABLES IN SCHEMA");
    private static final java.util.List<String> KINDS = java.util.List.of("TABLE ", "VIEW ", "MATERIALIZED VIEW ",
            "SEQUENCE ", "FOREIGN TABLE ");

    private final Set<String> tables;
    private final Set<String> schemas;
    private final boolean dataOnly;
    private final Set<ArchiveToc.Name> partitions;

    /** {@code toc}: what the backup holds, for the partitions of the named tables. */
    PlainSelection(RestoreOptions options, ArchiveToc toc) {
        this.partitions = toc.partitionsOf(options);
        this.tables = Set.copyOf(options.tables());
        this.schemas = Set.copyOf(options.schemas());
        this.dataOnly = options.dataOnly();
    }

    /** The partitions the named tables bring along. */
    Set<ArchiveToc.Name> partitions() {
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
        if (!tables.isEmpty() && !dataOnly && PART_OF.contains(s.type()) && partOfAChosenRelation(s, inSchemas)) {
            return true;
        }
        if (!tables.isEmpty()) {
            return tables.contains(s.name()) && inSchemas && (data || !dataOnly && ArchiveToc.RELATION_KINDS.contains(s.type()));
        }
        if (!schemas.isEmpty()) {
            return inSchemas && (data || !dataOnly && !OF_A_PUBLICATION.contains(s.type()));
        }
        return data;
    }

    private boolean partOfAChosenRelation(PlainSections.Section s, boolean inSchemas) {
        if (inSchemas && tables.stream().anyMatch(t -> partOf(s, t))) {
            return true;
        }
        return partitions.stream().anyMatch(p -> p.schema().equals(s.schema()) && partOf(s, p.name()));
    }

    /**
     * Whether {@code s} is part of relation {@code name} of its schema, by the name pg_dump gives it: {@code secret}
     * (ROW SECURITY), {@code secret p1} (POLICY), {@code TABLE secret} / {@code COLUMN secret.owner} (ACL, COMMENT).
     */
    static boolean partOf(PlainSections.Section s, String name) {
        return switch (s.type()) {
            case "ROW SECURITY" -> s.name().equals(name);
            case "POLICY" -> s.name().startsWith(name + " ");
            default -> s.name().startsWith("COLUMN " + name + ".") || KINDS.stream().anyMatch(k -> s.name().equals(k + name));
        };
    }
}
