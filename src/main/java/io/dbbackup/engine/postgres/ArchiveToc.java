package io.dbbackup.engine.postgres;

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
}
