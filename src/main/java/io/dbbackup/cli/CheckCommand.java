package io.dbbackup.cli;

import io.dbbackup.config.JobConfig;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.core.Json;
import io.dbbackup.job.Checker;
import io.dbbackup.job.RunSummary;
import io.dbbackup.job.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

@Command(name = "check", mixinStandardHelpOptions = true, versionProvider = Root.VersionProvider.class,
        description = "Could each job back up now? Its secrets read, its datasource reached as a backup would (read-only), "
                + "a probe object written, read back and deleted in its store. Nothing is dumped; no one is notified unless --notify.")
final class CheckCommand implements Callable<Integer> {
    @ParentCommand
    Root root;

    @Parameters(arity = "0..*", paramLabel = "JOB")
    List<String> jobs = new ArrayList<>();

    @Option(names = "--all", description = "Check every job.")
    boolean all;

    @Option(names = "--json", description = "Print JSON on stdout.")
    boolean json;

    @Option(names = "--wal-timeout", paramLabel = "DURATION", description = "Physical jobs: how long to wait for the WAL "
            + "segment the check makes the server close to arrive in the store (default 60s).")
    String walTimeout;

    @Option(names = "--notify", description = "Also send each job's result, as a 'check of job' test report, to every "
            + "notifier the job names (whatever its on: rule); a notifier that cannot send fails the check.")
    boolean notify;

    @Override
    public Integer call() {
        if (all == !jobs.isEmpty()) {
            throw DbBackupException.user(all ? "--all checks every job: name no JOB with it" : "name the jobs to check, or pass --all");
        }
        java.time.Duration walWait = walTimeout == null ? Checker.WAL_WAIT : io.dbbackup.config.Durations.parse(walTimeout)
                .filter(d -> !d.isZero() && !d.isNegative())
                .orElseThrow(() -> DbBackupException.user("--wal-timeout: " + io.dbbackup.config.Durations.problem(walTimeout)
                        .orElseGet(() -> io.dbbackup.config.Durations.expected(walTimeout, "60s or 5m"))));
        Workspace ws = root.workspace();
        List<JobConfig> selected = all ? ws.allJobs("check", "check")
                : new LinkedHashSet<>(jobs).stream().map(ws::job).toList();
        // a signal (a CronJob's deadline) cancels the check's tools and transfers; the check it cuts short is interrupted,
        // with its code, each job after it is reported as not started (as verify --all's), the summary printed, and the
        // process then exits with the signal's code, whether or not a check's operation was open when it came
        AtomicReference<ExitStatus> stopped = new AtomicReference<>();
        if (root.main.signals() != null) {
            root.main.signals().cancelAndReport(ws, stopped::set);
        }
        Checker checker = new Checker(ws, walWait, stopped::get);
        NotStarted notStarted = new NotStarted("check", "nothing was checked");
        List<Map<String, Object>> rows = new ArrayList<>();
        List<ExitStatus> statuses = new ArrayList<>();
        List<Map<String, Object>> jobResults = new ArrayList<>(); // each job's exit code, as its --notify report carries it
        for (JobConfig job : selected) {
            boolean skipped = stopped.get() != null;
            List<Checker.Line> lines = skipped
                    ? checker.notStarted(job, notStarted.skip(ws, job, stopped.get(), f -> List.of()).failure(), notify)
                    : checker.check(job, notify);
            for (Checker.Line line : lines) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("job", line.job());
                row.put("check", line.what());
                row.put("ok", line.ok());
                row.put("exit_code", line.status().code());
                row.put("detail", line.detail());
                if (skipped && line == lines.get(0)) {
                    row.put("skipped", true);
                }
                rows.add(row);
                if (!json) {
                    root.out.printf(Locale.ROOT, "%-6s %s %s: %s%n", line.ok() ? "ok" : line.status().bySignal() ? "INTERRUPTED"
                            : "FAILED", line.job(), line.what(), line.detail());
                }
            }
            statuses.add(Checker.status(lines));
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("job", job.name());
            result.put("exit_code", Checker.status(lines).code());
            jobResults.add(result);
        }
        int code = stopped.get() != null ? stopped.get().code() : RunSummary.of(statuses).code(); // the process's, as Main exits
        long passed = statuses.stream().filter(s -> s == ExitStatus.OK).count();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("status", code);
            m.put("passed", passed);
            m.put("jobs", selected.size());
            if (stopped.get() != null) {
                m.put("interrupted", "interrupted by " + stopped.get().signal());
            }
            m.put("job_results", jobResults);
            m.put("checks", rows);
            root.out.println(Json.pretty(m));
        } else if (stopped.get() != null) {
            root.out.println(notStarted.interrupted(all ? "check --all" : "check", stopped.get(), selected.stream().map(JobConfig::name).toList(), statuses, selected.size(),
                    "passed every check"));
        } else {
            root.out.println(passed + " of " + selected.size() + (selected.size() == 1 ? " job" : " jobs")
                    + " passed every check (exit " + code + ")" + JobRows.failedNames(selected.stream().map(JobConfig::name).toList(), statuses));
        }
        return code;
    }
}
