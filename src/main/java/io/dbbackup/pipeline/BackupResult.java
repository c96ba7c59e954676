package io.dbbackup.pipeline;

import io.dbbackup.core.BackupKey;

/** A backup that landed: its key, stored size and SHA-256, and the manifest written beside it. */
public record BackupResult(BackupKey key, long size, long rawSize, String sha256, Manifest manifest) {
}
