package io.dbbackup.job;

import io.dbbackup.core.ExitStatus;

import java.time.Duration;
import java.time.Instant;

/** How one job of a run ended. {@code key} and {@code size} are set on success; {@code error} on failure. */
public record JobOutcome(String job, ExitStatus status, int attempts, Instant started, Duration duration, String key,
                         long size, String error, String detail, boolean pruned) {
    public boolean succeeded() {
        return status == ExitStatus.OK;
    }
}
