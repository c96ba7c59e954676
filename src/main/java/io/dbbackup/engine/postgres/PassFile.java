package io.dbbackup.engine.postgres;

import io.dbbackup.core.ScratchFile;
import io.dbbackup.core.Secret;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * A libpq password file ({@code PGPASSFILE}) made for one operation: created 0600 from the start in
 * the operation's scratch folder, deleted on close. This is how the password reaches pg_dump, psql
 * and pg_restore: never argv, and not even their environment.
 */
final class PassFile implements AutoCloseable {
    private final Path file;

    private PassFile(Path file) {
        this.file = file;
    }

    /** A pass file holding {@code password} for any host, port, database and user; null password → none. */
    static PassFile create(Path scratchDir, Secret password) throws IOException {
        if (password == null) {
            return new PassFile(null);
        }
        return new PassFile(ScratchFile.write(scratchDir, "pgpass-" + UUID.randomUUID(), "the password file for the "
                + "PostgreSQL tools", "*:*:*:*:" + escape(password.reveal()) + "\n"));
    }

    /** libpq's escaping: {@code \} and {@code :} are preceded by a backslash. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace(":", "\\:");
    }

    /** The file, or null when no password is configured (libpq then uses ~/.pgpass, as psql would). */
    Path path() {
        return file;
    }

    @Override
    public void close() throws IOException {
        if (file != null) {
            Files.deleteIfExists(file);
        }
    }
}
