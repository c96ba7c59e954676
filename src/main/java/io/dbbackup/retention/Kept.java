package io.dbbackup.retention;

import io.dbbackup.core.BackupKey;

import java.util.List;

public record Kept(BackupKey backup, List<String> reasons) {
}
