package io.dbbackup.spi;

import io.dbbackup.core.ExitStatus;

import java.time.Duration;
import java.time.Instant;

/**
 * The outcome of one job run, as notifiers see it: a backup, a scheduled {@code verify --notify} of the job's
 * backups, the test report of {@code check --notify}, a {@code prune --notify} of its retention, or a restore
 * {@code drill --notify}. {@code detail}
 * is, on a failure, the last lines of a tool's stderr; on a success without a {@code key} (a prune, a drill), what
 * the run did, one line each; on a copy job's success (with its newest copy's {@code key} and {@code size}), what it
 * copied, one line each. {@code error} and {@code detail} have already passed the redactor. {@code duration} is never
 * negative. {@code datasource} and {@code store} are the job's names for them; {@code location} is where its backups
 * land (the store's description, which holds no secret, and the job's folder in it: {@code s3 s3://bkt/ under
 * prod/appdb/}), redacted too. {@code status} is the run's exit status as the README's table means it (0 on success), for
 * this job alone (a run of several jobs exits 4 when some failed): for {@code verify --notify} the code the audit's rule
 * gives this job's findings alone, for {@code check --notify} the code of the checks the report lists; null only when
 * not known (a notifier then leaves it out, never guesses it). {@code next}, on a failure or an interruption: what
 * state the job's backups are in and the command(s) to run next, repeating the run's {@code -c FILE} (one line each,
 * written by the job layer, which knows how the run was invoked; no secret), a failed backup's starting with its newest
 * good backup ({@code newest good backup: KEY (taken …, 1d 02h ago)}, {@code none in …}, {@code unknown (…)}); null
 * when there is nothing to suggest.
 * {@code copyOf}, for a copy job ({@code copy_of}): the job it copies and where that job's backups are, as
 * {@code job shop (store local: local /backups under prod/shop/)} (redacted); null for any other job. A copy job's
 * {@code datasource} is its source's, so without it nothing in a failure report would say it is a copy job.
 */
public record JobReport(String job, Operation operation, Outcome outcome, int attempts, Instant started, Duration duration,
                        String host, String key, long size, String error, String detail, String datasource, String store,
                        String location, ExitStatus status, String next, String copyOf) {
    /** A wall clock stepped back during the run (NTP, a VM resumed) makes it "negative": said as zero, never below. */
    public JobReport {
        duration = duration != null && duration.isNegative() ? Duration.ZERO : duration;
    }

    /** A report of a job that copies no other (a test's sample). */
    public JobReport(String job, Operation operation, Outcome outcome, int attempts, Instant started, Duration duration,
                     String host, String key, long size, String error, String detail, String datasource, String store,
                     String location, ExitStatus status, String next) {
        this(job, operation, outcome, attempts, started, duration, host, key, size, error, detail, datasource, store, location,
                status, next, null);
    }

    /** A report with no next step to suggest (a success, a test's sample). */
    public JobReport(String job, Operation operation, Outcome outcome, int attempts, Instant started, Duration duration,
                     String host, String key, long size, String error, String detail, String datasource, String store,
                     String location, ExitStatus status) {
        this(job, operation, outcome, attempts, started, duration, host, key, size, error, detail, datasource, store, location,
                status, null);
    }

    public enum Outcome { SUCCESS, FAILURE, INTERRUPTED }

    /** What ran: a backup of the job, a verification of its stored backups, {@code check --notify}'s test, a prune, a drill. */
    public enum Operation {
        BACKUP("backup job"), VERIFY("verify of job"), CHECK("check of job"), PRUNE("prune of job"), DRILL("drill of job");

        private final String title;

        Operation(String title) {
            this.title = title;
        }

        /** "backup job" / "verify of job": what precedes the job's name in a subject or headline. */
        public String title() {
            return title;
        }
    }

    public boolean succeeded() {
        return outcome == Outcome.SUCCESS;
    }
}
