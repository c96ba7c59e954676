package io.dbbackup.cli;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.core.Human;
import io.dbbackup.core.Redactor;
import io.dbbackup.job.RunSummary;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * What every command that runs several jobs, each on its own ({@code prune}, {@code drill --all}), says about a
 * job that failed and about the run: one JSON row and one text line per failure, one closing line (naming the failed
 * jobs, as every multi-job verb's does), and the exit status of a backup run ({@link RunSummary#of}).
 */
final class JobRows {
    private JobRows() {
    }

    /** {@code {"job", "ok": false, "exit", "error"}}, the error redacted. */
    static Map<String, Object> failed(String job, DbBackupException e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job", job);
        m.put("ok", false);
        m.put("exit", e.status().code());
        m.put("error", Redactor.redact(e.getMessage()));
        return m;
    }

    /** {@code N of M jobs <done>[, K failed] (exit X)[; failed: A, B]}: {@code jobs} and {@code statuses} in the run's order. */
    static String summary(List<String> jobs, List<ExitStatus> statuses, String done) {
        long failed = statuses.stream().filter(s -> s != ExitStatus.OK).count();
        return String.format(Locale.ROOT, "%d of %s %s%s (exit %d)%s", statuses.size() - failed, Human.count(statuses.size(), "job"), done,
                failed == 0 ? "" : ", " + failed + " failed", RunSummary.of(statuses).code(), failedNames(jobs, statuses));
    }

    /**
     * {@code "; failed: A, B"}: the jobs of a run of several that failed on their own (not those a signal stopped), in
     * the run's order ({@code jobs} and {@code statuses} side by side), at most {@link Human#NAMED} then
     * {@code " and N more"}; else nothing. Every multi-job verb ends its closing line with it: in a run of 200 jobs the
     * line said only "197 of 200 jobs succeeded (exit 4)" and on-call had to find the three FAILED rows among 200.
     */
    static String failedNames(List<String> jobs, List<ExitStatus> statuses) {
        if (jobs.size() < 2) {
            return "";
        }
        // never fails the closing line it ends (often after a signal): a job without a status is not named
        List<String> failed = IntStream.range(0, Math.min(jobs.size(), statuses.size()))
                .filter(i -> statuses.get(i) != ExitStatus.OK && !statuses.get(i).bySignal()).mapToObj(jobs::get).toList();
        if (failed.isEmpty()) {
            return "";
        }
        return "; failed: " + Human.names(failed);
    }
}
