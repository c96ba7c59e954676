package io.dbbackup.retention;

import io.dbbackup.core.BackupKey;

import java.util.List;

/** What retention decided: the backups to keep and those to delete, each list newest first. */
public record RetentionDecision(List<Kept> keep, List<BackupKey> delete) {
    public RetentionDecision {
        keep = List.copyOf(keep);
        delete = List.copyOf(delete);
    }
}
