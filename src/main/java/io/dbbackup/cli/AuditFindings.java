package io.dbbackup.cli;

import io.dbbackup.core.ExitStatus;

/**
 * The failures an audit of stored backups ({@code verify --all}, {@code --all-backups}, {@code --max-age}) found, and the
 * exit status they give (README "Exit codes"): 0 without any; else, whether they are all or some of its checks, 3 if
 * any one was an integrity failure (a corrupt backup is never hidden by a 2), 1 if every one was a user error, else 2.
 * One job's findings give the exit code of that job's report; the process's is {@code RunSummary.of} those jobs' codes,
 * as every multi-job verb's (a signal's code overrides both).
 */
final class AuditFindings {
    private int failures;
    private boolean anyIntegrity;
    private boolean onlyUser = true;

    /** One failure of {@code status}'s kind: a backup that failed its check with it, a job without backups (2), a stale one (2). */
    void add(ExitStatus status) {
        failures++;
        anyIntegrity |= status == ExitStatus.INTEGRITY;
        onlyUser &= status == ExitStatus.USER_ERROR;
    }

    /** Every failure of {@code other} (one job's) as well. */
    void addAll(AuditFindings other) {
        failures += other.failures;
        anyIntegrity |= other.anyIntegrity;
        onlyUser &= other.onlyUser;
    }

    ExitStatus status() {
        return failures == 0 ? ExitStatus.OK : anyIntegrity ? ExitStatus.INTEGRITY
                : onlyUser ? ExitStatus.USER_ERROR : ExitStatus.SYSTEM_ERROR;
    }
}
