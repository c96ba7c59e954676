package io.dbbackup.job;

import io.dbbackup.core.ExitStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * How one job of a run ended. {@code key} and {@code size} are set on success; {@code error} on failure. {@code detail}:
 * on a failure a tool's last stderr lines; on a copy job's success what the run did, one line each ("nothing new to
 * copy; newest copy KEY (SIZE)", a repaired copy, a source that stopped), else null. {@code notifyFailed}: the
 * notifications of this outcome that could not be sent (they never change {@code status}).
 */
public record JobOutcome(String job, ExitStatus status, int attempts, Instant started, Duration duration, String key,
                         long size, String error, String detail, boolean pruned, List<NotifyFailure> notifyFailed) {
    public JobOutcome {
        // a wall clock stepped back during the run (NTP, a VM resumed): "took -10m" in the summary and the JSON, never
        duration = duration != null && duration.isNegative() ? Duration.ZERO : duration;
        notifyFailed = notifyFailed == null ? List.of() : List.copyOf(notifyFailed);
    }

    /** An outcome not notified yet. */
    public JobOutcome(String job, ExitStatus status, int attempts, Instant started, Duration duration, String key,
                      long size, String error, String detail, boolean pruned) {
        this(job, status, attempts, started, duration, key, size, error, detail, pruned, List.of());
    }

    /** This outcome with the notifications that failed for it. */
    JobOutcome withNotifyFailed(List<NotifyFailure> failed) {
        return new JobOutcome(job, status, attempts, started, duration, key, size, error, detail, pruned, failed);
    }

    public boolean succeeded() {
        return status == ExitStatus.OK;
    }
}
