package io.dbbackup.engine.mysql;

import java.util.List;

/**
 * What one datasource dumps: one database (dumped without {@code --databases}, so it restores into
 * any database name), a list of databases, or all of them.
 */
public record Scope(Kind kind, List<String> databases) {
    public enum Kind { ONE, SOME, ALL }

    public Scope {
        databases = List.copyOf(databases);
    }

    public static Scope one(String database) {
        return new Scope(Kind.ONE, List.of(database));
    }

    public static Scope some(List<String> databases) {
        return new Scope(Kind.SOME, databases);
    }

    public static Scope all() {
        return new Scope(Kind.ALL, List.of());
    }

    /** The one database of a {@link Kind#ONE} scope. */
    public String single() {
        if (kind != Kind.ONE) {
            throw new IllegalStateException("not a single-database scope: " + this);
        }
        return databases.get(0);
    }

    public String describe() {
        return switch (kind) {
            case ONE -> databases.get(0);
            case SOME -> String.join(",", databases);
            case ALL -> "(all databases)";
        };
    }
}
