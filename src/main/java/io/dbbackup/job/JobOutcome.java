package io.dbbackup.job;

import io.dbbackup.core.ExitStatus;

import java.time.Duration;
import java.time.Instant;

/**
 * How one job of a run ended. {@code key} and {@code size} are set on success; {@code error} on failure. {@code detail}:
 * on a failure a tool's last stderr lines; on a copy job's success what the run did, one line each ("nothing new to
 * copy; newest copy KEY (SIZE)", a repaired copy, a source that stopped), else null.
 */
public record JobOutcome(String job, ExitStatus status, int attempts, Instant started, Duration duration, String key,
                         long size, String error, String detail, boolean pruned) {
    public boolean succeeded() {
        return status == ExitStatus.OK;
    }
}
