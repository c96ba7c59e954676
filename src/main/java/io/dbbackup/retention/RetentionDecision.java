package io.dbbackup.retention;

import io.dbbackup.core.BackupKey;

import java.util.List;

public record RetentionDecision(List<Kept> keep, List<BackupKey> delete) {
}
