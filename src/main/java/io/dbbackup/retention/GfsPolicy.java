package io.dbbackup.retention;

import io.dbbackup.core.BackupKey;
import io.dbbackup.core.RetentionPolicy;

import java.util.Collection;
import java.util.List;

/** PLACEHOLDER until the retention branch lands (keeps everything). */
public final class GfsPolicy {
    private GfsPolicy() {
    }

    public static RetentionDecision decide(Collection<BackupKey> backups, RetentionPolicy policy) {
        return new RetentionDecision(backups.stream().sorted().map(k -> new Kept(k, List.of("keep all (no retention rules)"))).toList(), List.of());
    }
}
