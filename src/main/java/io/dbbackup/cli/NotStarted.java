package io.dbbackup.cli;

import io.dbbackup.config.JobConfig;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.core.Human;
import io.dbbackup.job.NotifyFailure;
import io.dbbackup.job.Workspace;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The jobs that a command over several jobs ({@code drill --all}, {@code prune}, {@code verify --all}, {@code check}) did not start
 * after SIGTERM/SIGINT, reported as {@code backup --all} reports its own: each is logged, notified (with
 * {@code --notify}) as interrupted by its rules, an {@code INTERRUPTED} line (JSON: its failure row, exit 143/130,
 * marked {@code "skipped": true}), and named on the closing line.
 */
final class NotStarted {
    private final String operation;
    private final String nothing;
    private final List<String> names = new ArrayList<>();

    /** For jobs whose error reads {@code interrupted by SIGTERM before the OPERATION of job NAME began: NOTHING}. */
    NotStarted(String operation, String nothing) {
        this.operation = operation;
        this.nothing = nothing;
    }

    /** A job not started: its failure (the signal's status) and its notifications that did not go out. */
    record Job(String name, DbBackupException failure, List<NotifyFailure> unsent) {
        /** {@code INTERRUPTED interrupted by SIGTERM before the … of job NAME began: …}. */
        String line() {
            return "INTERRUPTED " + failure.getMessage();
        }

        /** Its line, then a {@code notify failed} line for each notification not sent. */
        void print(PrintWriter out) {
            out.println(line());
            Unsent.print(out, unsent);
        }

        /** Its failure row ({@link JobRows#failed}) marked {@code "skipped": true}; with {@code withUnsent} its notify_failed. */
        Map<String, Object> row(boolean withUnsent) {
            Map<String, Object> m = JobRows.failed(name, failure);
            m.put("skipped", true);
            if (withUnsent) {
                m.put("notify_failed", Unsent.json(unsent));
            }
            return m;
        }
    }

    /**
     * Job {@code j}, not started because of {@code signal}: logged, handed to {@code notify} (which sends the failure
     * with --notify and returns what was not sent, else nothing), and kept for the closing line.
     */
    Job skip(Workspace ws, JobConfig j, ExitStatus signal, Function<DbBackupException, List<NotifyFailure>> notify) {
        String error = "interrupted by " + signal.signal() + " before the " + operation + " of job " + j.name()
                + " began: " + nothing;
        ws.log().error(error, "job", j.name());
        DbBackupException f = new DbBackupException(signal, error, null, false);
        names.add(j.name());
        return new Job(j.name(), f, notify.apply(f));
    }

    /** {@code "; not started: A, B"}; empty when every job started. */
    String closing() {
        return names.isEmpty() ? "" : "; not started: " + String.join(", ", names);
    }

    /**
     * {@code COMMAND interrupted by SIGTERM: N of M jobs DONE, F failed, I interrupted; not started: A, B (exit 143)},
     * then the jobs that failed on their own named as backup's closing line names them ({@link JobRows#failedNames}):
     * {@code jobs} and {@code statuses} have every job's, side by side, the ones not started among them (each counted
     * there alone); a count that is 0 is left out.
     */
    String interrupted(String command, ExitStatus signal, List<String> jobs, List<ExitStatus> statuses, int total, String done) {
        long failed = statuses.stream().filter(s -> s != ExitStatus.OK && !s.bySignal()).count();
        long interrupted = statuses.stream().filter(ExitStatus::bySignal).count() - names.size();
        return command + " interrupted by " + signal.signal() + ": " + statuses.stream().filter(s -> s == ExitStatus.OK).count()
                + " of " + Human.count(total, "job") + " " + done + tally(failed, interrupted) + closing() + " (exit " + signal.code() + ")"
                + JobRows.failedNames(jobs, statuses);
    }

    /** {@code ", F failed, I interrupted"} after a signal, a count of 0 (or less) left out: the closing lines' counts. */
    static String tally(long failed, long interrupted) {
        return (failed <= 0 ? "" : ", " + failed + " failed") + (interrupted <= 0 ? "" : ", " + interrupted + " interrupted");
    }
}
