package io.dbbackup.cli;

import io.dbbackup.core.Human;
import io.dbbackup.config.JobConfig;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Json;
import io.dbbackup.job.JobOutcome;
import io.dbbackup.job.GroupedWarnings;
import io.dbbackup.job.JobRunner;
import io.dbbackup.job.Progress;
import io.dbbackup.job.RunSummary;
import io.dbbackup.job.Sharding;
import io.dbbackup.job.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "backup", mixinStandardHelpOptions = true, versionProvider = Root.VersionProvider.class, description = "Run backup jobs: dump, compress, checksum and store (a copy job: copy its source job's new backups); then verify and prune if asked.")
final class BackupCommand implements Callable<Integer> {
    @ParentCommand
    Root root;

    @Parameters(paramLabel = "JOB", arity = "0..*", description = "Jobs to run.")
    List<String> jobs = new ArrayList<>();

    @Option(names = "--all", description = "Run every job in the config.")
    boolean all;

    @Option(names = "--parallel", paramLabel = "N", description = "Run up to N jobs at once (default 1).")
    int parallel = 1;

    @Option(names = "--prune", description = "Apply each job's retention after its backup succeeded.")
    boolean prune;

    @Option(names = "--pin", paramLabel = "NOTE", description = "Pin each job's new backup with this note before any "
            + "pruning: retention keeps it until 'pin --remove' (the backup before a migration). An empty NOTE is refused.")
    String pin;

    @Option(names = "--json", description = "Print the run summary as JSON on stdout.")
    boolean json;

    @Option(names = "--no-progress", description = "No progress line (drawn only on a terminal, for a run of one job).")
    boolean noProgress;

    @Option(names = "--shard", paramLabel = "I/N", description = "With --all: run only the jobs of shard I of N "
            + "(0-based; a stable hash of the job name). Default with --all: $JOB_COMPLETION_INDEX/$JOB_COMPLETIONS when both are set.")
    String shard;

    @Override
    public Integer call() {
        if (all == !jobs.isEmpty()) {
            throw DbBackupException.user(all ? "give job names or --all, not both" : "name the jobs to run, or pass --all");
        }
        if (pin != null && pin.isBlank()) {
            // --pin "$NOTE" with NOTE unset in a nightly schedule would pin every backup: retention would never delete one
            throw DbBackupException.user("--pin needs a note saying why the backup is kept (got an empty one); "
                    + "to pin without a note, run " + (!all && jobs.stream().distinct().count() == 1
                    ? root.invocation().command("pin", jobs.get(0)) : root.invocation().command("pin") + " JOB")
                    + " after the backup");
        }
        if (parallel < 1) {
            throw DbBackupException.user("--parallel must be at least 1");
        }
        if (shard != null && !all) {
            throw DbBackupException.user("--shard applies to --all");
        }
        Optional<Sharding.Shard> part = !all ? Optional.empty()
                : shard != null ? Optional.of(Sharding.Shard.parse(shard)) : Sharding.fromEnvironment(root.main.env());
        Workspace ws = root.workspace();
        // a job named twice runs once: two runs of one job in the same second would name the same key
        List<JobConfig> selected = all ? new ArrayList<>(ws.allJobs("backup", "back up"))
                : jobs.stream().distinct().map(ws::job).toList();
        if (selected.isEmpty()) {
            throw DbBackupException.user("no jobs defined in " + ws.config().file());
        }
        if (part.isPresent()) {
            int total = selected.size();
            // a copy job goes with its source: in that pod it waits for tonight's backup and copies it
            selected = Sharding.select(selected, j -> j.isCopy() ? j.copyOf() : j.name(), part.get());
            ws.log().info("shard selected", "shard", part.get(), "jobs", selected.size(), "of", total,
                    "names", String.join(",", selected.stream().map(JobConfig::name).toList()));
        }
        JobRunner runner = new JobRunner(ws);
        if (root.main.signals() != null) {
            root.main.signals().onSignal(runner::interrupt);
        }
        RunSummary summary;
        // what many jobs would each warn the same (their store's credentials expiring) is said once, naming them
        try (GroupedWarnings grouped = selected.size() > 1 ? ws.groupingWarnings() : null) {
            summary = runner.run(selected, new JobRunner.Options(parallel, prune,
                    selected.size() == 1 ? ProgressLine.forCommand(root, noProgress) : Progress.NONE, pin));
        }
        print(summary);
        return summary.status().code();
    }

    private void print(RunSummary summary) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("status", summary.status().code());
            m.put("jobs", summary.outcomes().stream().map(BackupCommand::toMap).toList());
            root.out.println(Json.pretty(m));
            return;
        }
        long ok = summary.outcomes().stream().filter(JobOutcome::succeeded).count();
        root.out.printf(Locale.ROOT, "%-24s %-11s %8s %9s %10s  %s%n", "JOB", "STATUS", "ATTEMPTS", "DURATION", "SIZE", "KEY / ERROR");
        for (JobOutcome o : summary.outcomes()) {
            root.out.printf(Locale.ROOT, "%-24s %-11s %8d %9s %10s  %s%n", o.job(), label(o).equals("ok") ? "ok" : label(o).toUpperCase(Locale.ROOT), o.attempts(),
                    // a failure after the backup was stored (its prune, its pin) still has it: its size, beside its key
                    Human.duration(o.duration()), o.succeeded() || o.key() != null ? Human.size(o.size()) : "-",
                    o.succeeded() ? o.key() + (o.pruned() ? " (pruned)" : "") + done(o) : o.error());
            // a notification that did not go out: on-call would otherwise learn it only when the page never comes
            Unsent.print(root.out, o.notifyFailed());
        }
        long unsent = summary.outcomes().stream().mapToLong(o -> o.notifyFailed().size()).sum();
        root.out.printf(Locale.ROOT, "%d of %s succeeded%s (exit %d)%s%s%n", ok, Human.count(summary.outcomes().size(), "job"), counts(summary),
                summary.status().code(), JobRows.failedNames(summary.outcomes().stream().map(JobOutcome::job).toList(),
                        summary.outcomes().stream().map(JobOutcome::status).toList()), Unsent.closing(unsent));
    }

    /** A copy job's account of its run after its newest copy's key: " (nothing new to copy; ...)"; else nothing. */
    private static String done(JobOutcome o) {
        return o.detail() == null || o.detail().isBlank() ? "" : " (" + o.detail().strip().replace("\n", "; ") + ")";
    }

    /**
     * After a signal: {@code ", F failed, I interrupted, N not started"} (a count of 0 left out), so that the jobs that
     * failed on their own, those it stopped under way and those it kept from starting are told apart; else nothing.
     */
    private static String counts(RunSummary summary) {
        if (!summary.status().bySignal()) {
            return "";
        }
        long failed = summary.outcomes().stream().filter(o -> !o.succeeded() && !o.status().bySignal()).count();
        long notStarted = summary.outcomes().stream().filter(BackupCommand::notStarted).count();
        long interrupted = summary.outcomes().stream().filter(o -> o.status().bySignal()).count() - notStarted;
        return NotStarted.tally(failed, interrupted) + (notStarted == 0 ? "" : ", " + notStarted + " not started");
    }

    /** A job a signal kept from starting: interrupted before its first attempt. */
    private static boolean notStarted(JobOutcome o) {
        return o.status().bySignal() && o.attempts() == 0;
    }

    /** ok, failed, or interrupted (by SIGTERM/SIGINT). */
    private static String label(JobOutcome o) {
        if (o.succeeded()) {
            return "ok";
        }
        return o.status().bySignal() ? "interrupted" : "failed";
    }

    private static Map<String, Object> toMap(JobOutcome o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job", o.job());
        m.put("status", label(o));
        m.put("exit_code", o.status().code());
        m.put("attempts", o.attempts());
        if (notStarted(o)) {
            m.put("skipped", true); // as the rows of the jobs verify, prune, drill and check did not start
        }
        m.put("started", o.started().toString());
        m.put("duration_ms", o.duration().toMillis());
        m.put("key", o.key());
        m.put("size", o.size());
        m.put("pruned", o.pruned());
        if (o.succeeded() && o.detail() != null && !o.detail().isBlank()) {
            m.put("detail", o.detail()); // a copy job's account of its run
        }
        m.put("error", o.error());
        m.put("notify_failed", Unsent.json(o.notifyFailed()));
        return m;
    }
}
