package io.dbbackup.core;

import java.time.Instant;

/** One object in a store: its key relative to the store root, its size in bytes, when it was written. */
public record StoredObject(String key, long size, Instant lastModified) {
}
