package io.dbbackup.job;

import io.dbbackup.core.ExitStatus;

import java.util.List;

/**
 * The outcomes of a multi-job run and the run's exit status: 0 when all succeeded; the job's own
 * status when one job ran; 4 when some of several failed; when all of several failed, 3 if every
 * failure was an integrity failure, 1 if every one was a user error (a secret missing), else 2.
 * An interrupted run exits 130/143 whatever the rest did.
 */
public record RunSummary(List<JobOutcome> outcomes, ExitStatus interruptedBy) {
    public RunSummary {
        outcomes = List.copyOf(outcomes);
    }

    public ExitStatus status() {
        if (interruptedBy != null) {
            return interruptedBy;
        }
        long failed = outcomes.stream().filter(o -> !o.succeeded()).count();
        if (failed == 0) {
            return ExitStatus.OK;
        }
        if (outcomes.size() == 1) {
            return outcomes.get(0).status();
        }
        if (failed < outcomes.size()) {
            return ExitStatus.PARTIAL;
        }
        ExitStatus first = outcomes.get(0).status(); // every job failed: their common status (1 or 3), else 2
        boolean same = outcomes.stream().allMatch(o -> o.status() == first);
        return same && (first == ExitStatus.INTEGRITY || first == ExitStatus.USER_ERROR) ? first : ExitStatus.SYSTEM_ERROR;
    }
}
