package io.dbbackup.engine.postgres;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.spi.RestoreOptions;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a backup holds: its schemas, its relations (tables, views, sequences...) and which table is a partition of which
 * ({@code TABLE ATTACH}), learnt from pg_dump's object comments ({@link PlainToc}: of a plain script, or of a custom
 * archive's definitions as {@code pg_restore --section=pre-data} writes them).
 */
record ArchiveToc(Set<String> schemas, List<Relation> relations, List<Attachment> attachments) {
    /** {@code kind}: TABLE, VIEW, MATERIALIZED VIEW, SEQUENCE or FOREIGN TABLE. */
    record Relation(String kind, String schema, String name) {
        boolean is(String schema, String name) {
            return this.schema.equals(schema) && this.name.equals(name);
        }
    }

    /** A relation's schema and name. */
    record Name(String schema, String name) {
        @Override
        public String toString() {
            return schema + "." + name;
        }
    }

    /** Table {@code schema.name} is a partition of {@code parentSchema.parentName}. */
    record Attachment(String schema, String name, String parentSchema, String parentName) {
    }

    /** The kinds of relation pg_restore's {@code --table} takes. */
    static final Set<String> RELATION_KINDS = Set.of("TABLE", "VIEW", "MATERIALIZED VIEW", "SEQUENCE", "FOREIGN TABLE");

    static final ArchiveToc EMPTY = new ArchiveToc(Set.of(), List.of(), List.of());

    /**
     * The partitions, at every level, of the tables {@code selection} names (in its schemas, when it names some), as
     * {@link Name}s: a partitioned table's rows are its partitions' rows.
     */
    Set<Name> partitionsOf(RestoreOptions selection) {
        Set<Name> parents = named(selection);
        Set<Name> partitions = new LinkedHashSet<>();
        boolean more = true;
        while (more) {
            more = false;
            for (Attachment a : attachments) {
                if ((parents.contains(key(a.parentSchema(), a.parentName())) || partitions.contains(key(a.parentSchema(),
                        a.parentName()))) && partitions.add(key(a.schema(), a.name()))) {
                    more = true;
                }
            }
        }
        partitions.removeAll(parents);
        return partitions;
    }

    /**
     * The relations {@code selection}'s {@code --table}s name, in the schemas this backup has them in (in its
     * {@code --schema}s, when it names some): where pg_restore puts them back, whatever other schema of the target holds
     * a relation of the same name.
     */
    Set<Name> named(RestoreOptions selection) {
        Set<Name> named = new LinkedHashSet<>();
        relations.stream().filter(r -> selection.tables().contains(r.name())
                        && (selection.schemas().isEmpty() || selection.schemas().contains(r.schema())))
                .forEach(r -> named.add(key(r.schema(), r.name())));
        return named;
    }

    static Name key(String schema, String name) {
        return new Name(schema, name);
    }

    /**
     * Fails (a user error: nothing was restored) naming each table or schema of {@code selection} this table of contents
     * does not hold, saying what it holds: a restore of a name that is not there would otherwise restore nothing, successfully.
     */
    void require(RestoreOptions selection) {
        List<String> missing = new ArrayList<>();
        selection.schemas().stream().filter(n -> !schemas().contains(n)).forEach(n -> missing.add("schema " + n));
        for (String t : selection.tables()) {
            boolean there = relations().stream().anyMatch(r -> r.name().equals(t)
                    && (selection.schemas().isEmpty() || selection.schemas().contains(r.schema())));
            if (!there) {
                int dot = t.indexOf('.');
                boolean qualified = dot > 0 && relations().stream().anyMatch(r -> r.is(t.substring(0, dot), t.substring(dot + 1)));
                missing.add("table " + t + (selection.schemas().isEmpty() ? "" : " in schema " + String.join(" or ", selection.schemas()))
                        + (qualified ? " (pg_restore takes a table's name without its schema: --schema " + t.substring(0, dot)
                        + " --table " + t.substring(dot + 1) + ")" : ""));
            }
        }
        if (!missing.isEmpty()) {
            List<String> held = relations().stream().map(r -> r.schema() + "." + r.name()).distinct().sorted().toList();
            throw DbBackupException.user("the backup holds no " + String.join(", no ", missing) + " (it holds "
                    + (held.isEmpty() ? "no tables" : held.size() > 20 ? String.join(", ", held.subList(0, 20)) + " and "
                    + (held.size() - 20) + " more" : String.join(", ", held)) + "); nothing was restored");
        }
    }
}
