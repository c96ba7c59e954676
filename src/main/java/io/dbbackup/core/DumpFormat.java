package io.dbbackup.core;

import java.util.Optional;

/** What a dump stream holds; its extension is the first part of an object key's suffix. */
public enum DumpFormat {
    /** SQL text, restored by feeding it to the engine's client. */
    SQL("sql"),
    /** An engine's binary archive (pg_dump -Fc), restored by the engine's restore tool. */
    DUMP("dump"),
    /** A complete SQLite database file. */
    SQLITE("sqlite"),
    /** A tar stream (physical base backups). */
    TAR("tar");

    private final String extension;

    DumpFormat(String extension) {
        this.extension = extension;
    }

    public String extension() {
        return extension;
    }

    private static final DumpFormat[] VALUES = values();

    public static Optional<DumpFormat> byExtension(String ext) {
        for (DumpFormat f : VALUES) { // a loop, not a stream: called for every key of a listing
            if (f.extension.equals(ext)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
