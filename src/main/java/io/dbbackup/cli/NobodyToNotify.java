package io.dbbackup.cli;

import io.dbbackup.config.JobConfig;
import io.dbbackup.job.Workspace;

import java.util.List;

/**
 * {@code --notify} (verify, drill, prune) on jobs none of which has a {@code notify:} rule: nothing can be sent, and a
 * schedule set up to mail its findings (the daily dead man's switch, the weekly drill) would mail nobody, silently.
 * Said once, as a warning; the run goes on and its exit code is unchanged.
 */
final class NobodyToNotify {
    private NobodyToNotify() {
    }

    /** Warns when {@code --notify} is given and none of {@code jobs} names a notifier. */
    static void warnIfNone(Workspace ws, boolean notify, List<JobConfig> jobs, String verb) {
        if (!notify || jobs.isEmpty() || jobs.stream().anyMatch(j -> !j.notifyRules().isEmpty())) {
            return;
        }
        ws.log().warn("--notify: no job of this " + verb + " has notify rules (a job's notify: [{notifier: NAME}]), so no "
                + "report is sent; only the exit code tells the result", "jobs", String.join(",", jobs.stream().map(JobConfig::name).toList()));
    }
}
