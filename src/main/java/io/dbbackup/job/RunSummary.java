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
        return interruptedBy != null ? interruptedBy : of(outcomes.stream().map(JobOutcome::status).toList());
    }

    /**
     * The exit status of a run of several jobs (a backup, a check) from each job's own: 0 when all succeeded, the
     * job's own when one ran, 4 when some failed, when all failed their common status if it is 1 or 3, else 2.
     */
    public static ExitStatus of(List<ExitStatus> statuses) {
        long failed = statuses.stream().filter(s -> s != ExitStatus.OK).count();
        if (failed == 0) {
            return ExitStatus.OK;
        }
        if (statuses.size() == 1) {
            return statuses.get(0);
        }
        if (failed < statuses.size()) {
            return ExitStatus.PARTIAL;
        }
        ExitStatus first = statuses.get(0);
        boolean same = statuses.stream().allMatch(s -> s == first);
        return same && (first == ExitStatus.INTEGRITY || first == ExitStatus.USER_ERROR) ? first : ExitStatus.SYSTEM_ERROR;
    }
}
