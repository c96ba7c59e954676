package io.dbbackup.engine.postgres;

import java.nio.file.Path;

/** One PostgreSQL client program and its version, e.g. {@code /usr/lib/postgresql/15/bin/pg_dump} 15.14. */
record PgClient(Path executable, PgVersion version) {
    String name() {
        return executable.getFileName().toString();
    }

    /** A sibling program of the same installation (psql beside pg_dump). */
    Path sibling(String tool) {
        return executable.resolveSibling(tool);
    }
}
