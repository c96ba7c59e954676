package io.dbbackup.engine.postgres;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.spi.RestoreOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a custom archive's table of contents names: its schemas and its relations (tables, views, sequences...). */
record ArchiveToc(Set<String> schemas, List<Relation> relations) {
    /** {@code kind}: TABLE, VIEW, MATERIALIZED VIEW, SEQUENCE or FOREIGN TABLE. */
    record Relation(String kind, String schema, String name) {
        boolean is(String schema, String name) {
            return this.schema.equals(schema) && this.name.equals(name);
        }
    }

    /** The kinds of relation pg_restore's {@code --table} takes. */
    static final Set<String> RELATION_KINDS = Set.of("TABLE", "VIEW", "MATERIALIZED VIEW", "SEQUENCE", "FOREIGN TABLE");

    private static final Pattern RELATION = Pattern.compile(
            "^\\d+; \\d+ \\d+ (TABLE|VIEW|MATERIALIZED VIEW|SEQUENCE|FOREIGN TABLE) (?!DATA |ATTACH |SET |OWNED BY )(\\S+) (.+) (\\S+)$");
    private static final Pattern SCHEMA = Pattern.compile("^\\d+; \\d+ \\d+ SCHEMA - (.+) (\\S+)$");

    /** Parses {@code pg_restore --list} output (comment lines start with ';'). */
    static ArchiveToc of(String list) {
        Set<String> schemas = new TreeSet<>();
        List<Relation> relations = new ArrayList<>();
        for (String line : list.split("\n")) {
            Matcher r = RELATION.matcher(line.strip());
            if (r.matches()) {
                relations.add(new Relation(r.group(1), r.group(2), r.group(3)));
                schemas.add(r.group(2));
                continue;
            }
            Matcher sc = SCHEMA.matcher(line.strip());
            if (sc.matches()) {
                schemas.add(sc.group(1));
            }
        }
        return new ArchiveToc(schemas, relations);
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
