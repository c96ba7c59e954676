package io.dbbackup.retention;

import io.dbbackup.core.BackupKey;

import java.util.List;

/** A kept backup with every rule that kept it, in rule order, e.g. {@code ["last 1/3", "daily 1/7"]}. */
public record Kept(BackupKey backup, List<String> reasons) {
    public Kept {
        reasons = List.copyOf(reasons);
    }
}
