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

/**
 * What every command that runs several jobs, each on its own ({@code prune}, {@code drill --all}), says about a
 * job that failed and about the run: one JSON row and one text line per failure, one closing line, and the exit
 * status of a backup run ({@link RunSummary#of}).
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

    /** {@code N of M jobs <done>[, K failed] (exit X)}. */
    static String summary(List<ExitStatus> statuses, String done) {
        long failed = statuses.stream().filter(s -> s != ExitStatus.OK).count();
        return String.format(Locale.ROOT, "%d of %s %s%s (exit %d)", statuses.size() - failed, Human.count(statuses.size(), "job"), done,
                failed == 0 ? "" : ", " + failed + " failed", RunSummary.of(statuses).code());
    }
}
