package io.dbbackup.cli;

import io.dbbackup.config.JobConfig;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.core.Redactor;
import io.dbbackup.core.Human;
import io.dbbackup.core.Json;
import io.dbbackup.job.Driller;
import io.dbbackup.job.GroupedWarnings;
import io.dbbackup.job.Notifications;
import io.dbbackup.job.NotifyFailure;
import io.dbbackup.job.RunSummary;
import io.dbbackup.job.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

@Command(name = "drill", mixinStandardHelpOptions = true, versionProvider = Root.VersionProvider.class,
        description = "Restore drill: restore a job's newest backup (or KEY) into an empty scratch datasource, time it, "
                + "say what it holds, and remove it again.")
final class DrillCommand implements Callable<Integer> {
    @ParentCommand
    Root root;

    @Parameters(paramLabel = "JOB [KEY]", arity = "0..2",
            description = "The job, and optionally a full key or a file name from 'list' (default: the newest).")
    List<String> args = new ArrayList<>();

    @Option(names = "--all", description = "Drill every job whose datasource is of the scratch datasource's kind, one "
            + "after the other into the same scratch target (emptied between them).")
    boolean all;

    @Option(names = "--to", required = true, paramLabel = "DATASOURCE",
            description = "The scratch datasource to restore into: must be empty (a database or file that does not exist yet).")
    String to;

    @Option(names = "--keep", description = "Leave the restored target for a look (the next drill then finds it not empty).")
    boolean keep;

    @Option(names = "--notify", description = "Send the result to the job's notifiers, by its notify rules, as a 'drill of job' report.")
    boolean notify;

    @Option(names = "--json", description = "Print the result as JSON on stdout.")
    boolean json;

    @Mixin
    DecryptionOptions decryption = new DecryptionOptions();

    /** The signal that stopped the drill, if one did. */
    private final AtomicReference<ExitStatus> stopped = new AtomicReference<>();

    /** With --notify: each drilled job's notifications that did not go out (shown under it; the exit code unchanged). */
    private final Map<String, List<NotifyFailure>> notifyFailed = new LinkedHashMap<>();

    @Override
    public Integer call() {
        if (all == !args.isEmpty()) {
            throw DbBackupException.user(all ? "--all drills every job of the scratch's kind: name no JOB or KEY with it"
                    : "name the job to drill, or pass --all");
        }
        if (all && keep) {
            // the first job's kept copy would make every other job's drill find the scratch not empty
            throw DbBackupException.user("--keep leaves one job's restored copy in the scratch target, and drill --all drills "
                    + "every job into that same target: drill one job with --keep to look at its copy");
        }
        Workspace ws = root.workspace();
        // a signal (a CronJob's deadline) cancels the drill's operations — the running restore or check; the scratch is
        // still removed (its drop runs on a cancellation of its own) — and drill --all starts no further job
        if (root.main.signals() != null) {
            root.main.signals().cancelAndReport(ws, stopped::set);
        }
        if (!all) {
            JobConfig j = ws.job(args.get(0));
            NobodyToNotify.warnIfNone(ws, notify, List.of(j), "drill");
            Driller.Result r;
            try {
                r = drillOne(ws, j, Optional.ofNullable(args.size() > 1 ? args.get(1) : null));
            } catch (DbBackupException e) {
                if (!json) {
                    Unsent.print(root.out, unsent(j));
                    throw e;
                }
                // as drill --all's rows: what failed, on stdout as JSON, and its exit code (a signal's when one stopped it)
                DbBackupException f = underSignal(e);
                ws.log().error(f.getMessage(), "job", j.name());
                root.out.println(Json.pretty(failedRow(j, f)));
                return f.status().code();
            }
            print(j, r);
            return 0;
        }
        List<JobConfig> jobs = Driller.drillableInto(ws, to);
        NobodyToNotify.warnIfNone(ws, notify, jobs, "drill");
        List<ExitStatus> statuses = new ArrayList<>();
        List<Object> rows = new ArrayList<>();
        NotStarted notStarted = new NotStarted("drill", "nothing was restored");
        // what every job would warn the same (a shared key not readable here, a notifier down) is said once, naming them
        try (GroupedWarnings grouped = jobs.size() > 1 ? ws.groupingWarnings() : null) {
            for (JobConfig j : jobs) {
                if (stopped.get() != null) { // as backup --all: each job not started is reported and notified as interrupted
                    NotStarted.Job s = notStarted.skip(ws, j, stopped.get(),
                            f -> notify ? Notifications.sendDrillNotStarted(ws, j, to, f) : List.of());
                    notifyFailed.put(j.name(), s.unsent());
                    statuses.add(s.failure().status());
                    if (json) {
                        rows.add(s.row(notify));
                    } else {
                        s.print(root.out);
                    }
                    continue;
                }
                try {
                    Driller.Result r = drillOne(ws, j, Optional.empty());
                    statuses.add(ExitStatus.OK);
                    if (json) {
                        rows.add(toMap(j, r));
                    } else {
                        print(j, r);
                    }
                } catch (DbBackupException e) {
                    DbBackupException f = underSignal(e);
                    statuses.add(f.status());
                    ws.log().error(f.getMessage(), "job", j.name());
                    if (json) {
                        rows.add(failedRow(j, f));
                    } else {
                        root.out.println((stopped.get() != null ? "INTERRUPTED" : "FAILED") + " drill of job " + j.name() + ": "
                                + Redactor.redact(e.getMessage()));
                        Unsent.print(root.out, unsent(j));
                    }
                }
            }
        }
        if (json) {
            root.out.println(Json.pretty(rows));
        } else if (stopped.get() != null) {
            root.out.println(notStarted.interrupted("drill --all", stopped.get(), jobs.stream().map(JobConfig::name).toList(), statuses, jobs.size(),
                    "drilled")
                    + Unsent.closing(notSent()));
        } else {
            root.out.println(JobRows.summary(jobs.stream().map(JobConfig::name).toList(), statuses, "drilled") + Unsent.closing(notSent()));
        }
        return stopped.get() != null ? stopped.get().code() : RunSummary.of(statuses).code();
    }

    private Driller.Result drillOne(Workspace ws, JobConfig j, Optional<String> key) {
        Instant started = ws.clock().instant();
        Driller.Result r;
        try {
            // the keys read per job (a --passphrase-env naming no variable is each job's failure, a row under --json); a shared
            // --identity file is warned of by the first reading, outside any job's log tag
            r = new Driller(ws, decryption.keys(root.main, ws)).drill(j.name(), key, to, keep);
        } catch (DbBackupException e) {
            if (notify) { // stopped by a signal: notified as interrupted, as a backup is
                notifyFailed.put(j.name(), Notifications.sendDrill(ws, j, key, started, null, underSignal(e)));
            }
            throw e;
        }
        if (notify) {
            notifyFailed.put(j.name(), Notifications.sendDrill(ws, j, key, started, r, null));
        }
        return r;
    }

    /** {@code e}, or after a signal {@code e} with the signal's status: the drill was interrupted, not failed. */
    private DbBackupException underSignal(DbBackupException e) {
        return stopped.get() == null ? e : new DbBackupException(stopped.get(), e.getMessage(), e, false);
    }

    private List<NotifyFailure> unsent(JobConfig j) {
        return notifyFailed.getOrDefault(j.name(), List.of());
    }

    private long notSent() {
        return notifyFailed.values().stream().mapToLong(List::size).sum();
    }

    /** A failed job's JSON row, with --notify its notify_failed. */
    private Map<String, Object> failedRow(JobConfig j, DbBackupException e) {
        Map<String, Object> m = JobRows.failed(j.name(), e);
        if (notify) {
            m.put("notify_failed", Unsent.json(unsent(j)));
        }
        return m;
    }

    private void print(JobConfig j, Driller.Result r) {
        if (json && !all) {
            root.out.println(Json.pretty(toMap(j, r)));
            return;
        }
        root.out.println("ok drill of job " + j.name() + ": restored " + r.key().key() + " (" + Human.size(r.bytes())
                + " decoded) into " + r.target() + " in " + Human.duration(r.restoreTime()));
        root.out.println("   then " + r.holds());
        r.checks().forEach(c -> root.out.println("   check ok: " + c.sql() + " -> " + c.value()));
        root.out.println(r.removed() ? "   removed again" : "   kept (--keep): remove it before the next drill");
        Unsent.print(root.out, unsent(j));
    }

    private Map<String, Object> toMap(JobConfig j, Driller.Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job", j.name());
        m.put("ok", true);
        m.put("key", r.key().key());
        m.put("target", r.target());
        m.put("decoded_bytes", r.bytes());
        m.put("restore_ms", r.restoreTime().toMillis());
        m.put("holds", r.holds());
        m.put("checks", r.checks().stream().map(c -> (Object) Map.of("check", c.sql(), "value", c.value())).toList());
        m.put("removed", r.removed());
        if (notify) {
            m.put("notify_failed", Unsent.json(unsent(j)));
        }
        return m;
    }
}
