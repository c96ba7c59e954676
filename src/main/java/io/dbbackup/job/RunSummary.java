package io.dbbackup.job;

import io.dbbackup.core.ExitStatus;

import java.util.List;

/**
 * The outcomes of a multi-job run and the run's exit status: 0 when all succeeded; 3 when any job
 * failed an integrity check (a corrupt backup is never summed up as 4 or 2); else the job's own
 * status when one job ran; 4 when some of several failed; when all of several failed, 1 if every
 * one was a user error (a secret missing), else 2. An interrupted run exits 130/143 whatever the rest did.
 */
public record RunSummary(List<JobOutcome> outcomes, ExitStatus interruptedBy) {
    public RunSummary {
        outcomes = List.copyOf(outcomes);
    }

    public ExitStatus status() {
        return interruptedBy != null ? interruptedBy : of(outcomes.stream().map(JobOutcome::status).toList());
    }

    /**
     * The exit status of a run of several jobs (backup, check, verify, list, prune, drill) from each job's own: 0 when
     * all succeeded, 3 when any failed an integrity check, the job's own when one ran, 4 when some failed, when all
     * failed 1 if every one was a user error, else 2 (README "Exit codes").
     */
    public static ExitStatus of(List<ExitStatus> statuses) {
        long failed = statuses.stream().filter(s -> s != ExitStatus.OK).count();
        if (failed == 0) {
            return ExitStatus.OK;
        }
        if (statuses.contains(ExitStatus.INTEGRITY)) {
            return ExitStatus.INTEGRITY;
        }
        if (statuses.size() == 1) {
            return statuses.get(0);
        }
        if (failed < statuses.size()) {
            return ExitStatus.PARTIAL;
        }
        return statuses.stream().allMatch(s -> s == ExitStatus.USER_ERROR) ? ExitStatus.USER_ERROR : ExitStatus.SYSTEM_ERROR;
    }
}
