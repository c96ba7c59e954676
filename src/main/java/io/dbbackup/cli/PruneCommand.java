package io.dbbackup.cli;

import io.dbbackup.config.JobConfig;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.core.Redactor;
import io.dbbackup.core.Human;
import io.dbbackup.core.Json;
import io.dbbackup.core.UnfinishedUpload;
import io.dbbackup.job.AbandonedUploads;
import io.dbbackup.job.CutShort;
import io.dbbackup.job.Notifications;
import io.dbbackup.job.NotifyFailure;
import io.dbbackup.job.RunSummary;
import io.dbbackup.job.GroupedWarnings;
import io.dbbackup.job.Pruner;
import io.dbbackup.job.Workspace;
import io.dbbackup.core.WalFileName;
import io.dbbackup.core.RetentionPolicy;
import io.dbbackup.retention.DecisionJson;
import io.dbbackup.retention.WalRetention;
import io.dbbackup.retention.Kept;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "prune", mixinStandardHelpOptions = true, versionProvider = Root.VersionProvider.class, description = "Apply jobs' GFS retention: delete expired backups and their sidecars.")
final class PruneCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx", Locale.ROOT);

    @ParentCommand
    Root root;

    @Parameters(paramLabel = "JOB", arity = "0..*")
    List<String> jobs = new ArrayList<>();

    @Option(names = "--all", description = "Prune every job.")
    boolean all;

    @Option(names = "--dry-run", description = "Show what would be kept and deleted; delete nothing.")
    boolean dryRun;

    @Option(names = "--json", description = "Print the decision as JSON on stdout.")
    boolean json;

    @Option(names = "--notify", description = "Send each job's result to its notifiers, by its notify rules, as a "
            + "'prune of job' report (what was deleted, or why it failed).")
    boolean notify;

    /**
     * Each job is pruned on its own: with several jobs (or {@code --all}) one that fails — its store unreachable, a
     * delete refused — is reported ({@code FAILED} line, JSON {@code ok: false}) and the others are still pruned; the
     * exit status is a backup run's ({@link RunSummary#of}). A single named job's failure is the command's error; with
     * {@code --json} it is that row (with {@code notify_failed} under {@code --notify}) and the failure's exit code.
     */
    @Override
    public Integer call() {
        if (all == !jobs.isEmpty()) {
            throw DbBackupException.user(all ? "give job names or --all, not both" : "name the jobs to prune, or pass --all");
        }
        Workspace ws = root.workspace();
        List<JobConfig> selected = all ? new ArrayList<>(ws.allJobs("prune", "prune")) : jobs.stream().map(ws::job).toList();
        boolean several = all || selected.size() > 1;
        NobodyToNotify.warnIfNone(ws, notify, selected, "prune");
        List<Object> rendered = new ArrayList<>();
        List<ExitStatus> statuses = new ArrayList<>();
        // a signal (a CronJob's deadline) stops the deletes between two backups; the job it stopped is reported (and
        // notified) as interrupted, the jobs after it are not started (each reported and notified, as backup --all's),
        // and the process exits with the signal's code
        AtomicReference<ExitStatus> stopped = new AtomicReference<>();
        NotStarted notStarted = new NotStarted("prune", "nothing was deleted");
        long notSent = 0; // with --notify: the notifications that did not go out (shown, the exit code unchanged)
        if (root.main.signals() != null) {
            root.main.signals().cancelAndReport(ws, stopped::set);
        }
        // what many jobs would each warn the same (their store's condition) is said once, naming them, after the last
        // (closed whatever a job throws: the warnings kept for the jobs before it are said, and later ones not kept)
        try (GroupedWarnings grouped = several ? ws.groupingWarnings() : null) {
            for (JobConfig job : selected) {
                if (stopped.get() != null) {
                    NotStarted.Job s = notStarted.skip(ws, job, stopped.get(),
                            f -> notify ? Notifications.sendPruneNotStarted(ws, job, f, dryRun) : List.of());
                    notSent += s.unsent().size();
                    statuses.add(s.failure().status());
                    if (json) {
                        rendered.add(s.row(notify));
                    } else {
                        s.print(root.out);
                    }
                    continue;
                }
                Instant started = ws.clock().instant();
                Pruner.Result r;
                try {
                    r = new Pruner(ws).prune(job, dryRun);
                } catch (DbBackupException caught) {
                    DbBackupException f = stopped.get() == null ? caught
                            : new DbBackupException(stopped.get(), caught.getMessage(), caught, false);
                    List<NotifyFailure> unsent = notify ? Notifications.sendPrune(ws, job, started, null, f, dryRun) : List.of();
                    notSent += unsent.size();
                    if (!several && !json) {
                        Unsent.print(root.out, unsent);
                        throw f;
                    }
                    // with --json a single job's failure is the row it has under --all (printed below), the exit code its own
                    statuses.add(f.status());
                    Pruner.Failed about = failedAbout(f);
                    if (about != null) { // about one backup: its key once, in its field
                        ws.log().error(about.logged(), "job", job.name(), "key", about.key().orElseThrow());
                    } else {
                        ws.log().error(f.getMessage(), "job", job.name());
                    }
                    if (json) {
                        Map<String, Object> row = JobRows.failed(job.name(), f);
                        row.put("deleted", deletedBefore(f)); // what is already gone, whatever the failure
                        if (notify) {
                            row.put("notify_failed", Unsent.json(unsent));
                        }
                        rendered.add(row);
                    } else {
                        root.out.println((stopped.get() != null ? "INTERRUPTED" : "FAILED") + " job " + job.name() + ": "
                                + Redactor.redact(f.getMessage()));
                        Unsent.print(root.out, unsent);
                    }
                    continue;
                }
                statuses.add(ExitStatus.OK);
                List<NotifyFailure> unsent = notify ? Notifications.sendPrune(ws, job, started, r, null, dryRun) : List.of();
                notSent += unsent.size();
                if (json) {
                    Map<String, Object> m = DecisionJson.render(job.name(), r.decision());
                    m.put("dry_run", r.dryRun()); // "delete" is what was deleted, or with true what would be
                    if (r.wal() != null) {
                        m.put("wal", walJson(r.wal()));
                    }
                    if (!r.abandoned().isEmpty()) {
                        m.put("abandoned_uploads", r.abandoned().stream().map(PruneCommand::uploadJson).toList());
                    }
                    if (!r.setAside().isEmpty()) { // never removed: a key's previous object, maybe its only copy
                        m.put("set_aside", r.setAside().stream().map(PruneCommand::setAsideJson).toList());
                    }
                    if (!r.notCounted().isEmpty()) { // in neither list: only a warning said so before
                        m.put("not_counted", r.notCounted().stream().map(PruneCommand::notCountedJson).toList());
                    }
                    if (notify) {
                        m.put("notify_failed", Unsent.json(unsent));
                    }
                    rendered.add(m);
                } else {
                    printTable(r, job.retention());
                    Unsent.print(root.out, unsent);
                }
            }
        }
        if (json) {
            root.out.println(Json.pretty(rendered.size() == 1 && !all ? rendered.get(0) : rendered));
        } else if (several) {
            String done = dryRun ? "decided (dry run, nothing deleted)" : "pruned";
            root.out.println((stopped.get() == null ? JobRows.summary(selected.stream().map(JobConfig::name).toList(), statuses, done)
                    : notStarted.interrupted(all ? "prune --all" : "prune", stopped.get(), selected.stream().map(JobConfig::name).toList(), statuses,
                    selected.size(), done))
                    + Unsent.closing(notSent));
        }
        return stopped.get() != null ? stopped.get().code() : RunSummary.of(statuses).code();
    }

    /** The prune failure about one backup ({@link Pruner.Failed#key}) that {@code failure} is or stops, else null. */
    private static Pruner.Failed failedAbout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof Pruner.Failed f) {
                return f.key().isPresent() && f.getMessage().equals(failure.getMessage()) ? f : null;
            }
        }
        return null;
    }

    /** The backups a failed prune deleted before it failed ({@link Pruner.Failed}, also as the cause of a stop). */
    private static List<String> deletedBefore(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof Pruner.Failed f) {
                return f.deleted();
            }
        }
        return List.of();
    }

    private static Map<String, Object> walJson(WalRetention.Decision wal) {
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("keep_from", wal.keepFrom().map(WalFileName::name).orElse(null));
        w.put("kept", wal.keep().size());
        w.put("delete", wal.delete().stream().map(k -> (Object) Map.of("key", k.key())).toList());
        return w;
    }

    private static Object uploadJson(UnfinishedUpload u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", u.key());
        m.put("upload", u.name());
        m.put("size", u.size());
        m.put("last_write", u.lastWrite().toString());
        return m;
    }

    /** A backup object retention did not count: {@code key}, {@code size}, {@code recorded_size} (null for an empty one), {@code reason}. */
    private static Object notCountedJson(CutShort c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", c.key().key());
        m.put("size", c.size());
        m.put("recorded_size", c.recorded());
        m.put("reason", c.reason());
        return m;
    }

    static Object setAsideJson(UnfinishedUpload u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", u.key());
        m.put("set_aside", u.name());
        m.put("size", u.size());
        m.put("last_write", u.lastWrite().toString());
        return m;
    }

    /**
     * The job's retention rules as the config names them, so that an auditor can check each {@code delete?} line against
     * them without the config: {@code keep_last 1, keep_weekly 2 (periods in Europe/Berlin); a backup no rule keeps would
     * be deleted with its .sha256 and .manifest.json}.
     */
    static String rules(RetentionPolicy p, boolean dryRun) {
        if (p.keepsEverything()) {
            return "none (every backup is kept)";
        }
        List<String> set = new ArrayList<>();
        int[] counts = {p.keepLast(), p.keepHourly(), p.keepDaily(), p.keepWeekly(), p.keepMonthly(), p.keepYearly()};
        String[] names = {"keep_last", "keep_hourly", "keep_daily", "keep_weekly", "keep_monthly", "keep_yearly"};
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0) {
                set.add(names[i] + " " + counts[i]);
            }
        }
        return String.join(", ", set) + " (periods in " + (p.zone().normalized().equals(ZoneOffset.UTC) ? "UTC" : p.zone().getId()) + "); a backup no rule keeps "
                + (dryRun ? "would be" : "is") + " deleted with its .sha256 and .manifest.json";
    }

    /**
     * A backup retention did not count ({@link CutShort}), as a line of the table: {@code left} (neither
     * kept by the rules nor deleted), and why — {@code [not counted: cut short (N of M bytes)]} or {@code [not counted:
     * empty (0 bytes)]}; the warning on stderr says what to do with it.
     */
    private void printLeft(CutShort c, DateTimeFormatter time) {
        root.out.printf(Locale.ROOT, "  %-7s %-19s  %s  [not counted: %s]%n", "left", time.format(c.key().timestamp()), c.key().key(),
                c.notCounted());
    }

    /**
     * The decision as a table. Its times are in {@code zone}, the job's {@code retention.timezone}, where its periods are
     * counted: with Europe/Berlin, 23:30 UTC is the next day's 00:30, and two backups of one UTC date can both be kept as
     * "daily" — shown in UTC, unlabelled, that read as a retention bug. A zone other than UTC is named, each time with its
     * offset; the keys stay UTC.
     */
    private void printTable(Pruner.Result r, RetentionPolicy policy) {
        ZoneId zone = policy.zone();
        boolean utc = zone.normalized().equals(ZoneOffset.UTC);
        DateTimeFormatter time = utc ? TIME : LOCAL_TIME.withZone(zone);
        root.out.printf(Locale.ROOT, "job %s: keep %d, %s %d%s%n", r.job(), r.decision().keep().size(),
                r.dryRun() ? "would delete" : "deleted", r.decision().delete().size(),
                r.notCounted().isEmpty() ? "" : ", left " + r.notCounted().size() + " (not counted)");
        root.out.printf(Locale.ROOT, "  rules: %s%n", rules(policy, r.dryRun()));
        if (!utc) {
            root.out.printf(Locale.ROOT, "  times in %s (retention.timezone: its hours, days, weeks, months and years); keys "
                    + "are in UTC%n", zone.getId());
        }
        // what stays, newest first: each backup kept and, in its place among them, each one retention did not count
        // (left as it is, never deleted), so that the table names every backup of the job
        List<CutShort> left = new ArrayList<>(r.notCounted());
        left.sort(Comparator.comparing(CutShort::key));
        int next = 0;
        for (Kept k : r.decision().keep()) {
            for (; next < left.size() && left.get(next).key().compareTo(k.backup()) < 0; next++) {
                printLeft(left.get(next), time);
            }
            root.out.printf(Locale.ROOT, "  keep    %-19s  %s  [%s]%n", time.format(k.backup().timestamp()), k.backup().key(),
                    String.join(", ", k.reasons()));
        }
        for (; next < left.size(); next++) {
            printLeft(left.get(next), time);
        }
        for (var k : r.decision().delete()) {
            root.out.printf(Locale.ROOT, "  %-7s %-19s  %s%n", r.dryRun() ? "delete?" : "deleted", time.format(k.timestamp()), k.key());
        }
        WalRetention.Decision wal = r.wal();
        if (wal != null) {
            String verb = r.dryRun() ? "would delete" : "deleted";
            if (wal.keepFrom().isEmpty()) {
                root.out.printf(Locale.ROOT, "  wal: keep all %s (no base backup kept)%n", Human.count(wal.keep().size(), "archived file"));
            } else {
                root.out.printf(Locale.ROOT, "  wal: keep %s from %s (where the oldest kept backup starts), %s %d%n",
                        Human.count(wal.keep().size(), "archived file"), wal.keepFrom().get().name(), verb, wal.delete().size());
                for (var k : wal.delete()) {
                    root.out.printf(Locale.ROOT, "  %-7s %-19s  %s%n", r.dryRun() ? "delete?" : "deleted", "wal", k.key());
                }
            }
        }
        if (!r.abandoned().isEmpty()) {
            root.out.printf(Locale.ROOT, "  abandoned uploads (not written to for %d h, left by a process that was killed): %s %d%n",
                    AbandonedUploads.AFTER.toHours(), r.dryRun() ? "would remove" : "removed", r.abandoned().size());
            for (UnfinishedUpload u : r.abandoned()) {
                root.out.printf(Locale.ROOT, "  %-7s %-19s  %s  [%s so far: %s]%n", r.dryRun() ? "remove?" : "removed",
                        time.format(u.lastWrite()), u.key(), Human.size(u.size()), u.name());
            }
        }
        if (!r.setAside().isEmpty()) { // the warning on stderr says what to do with each; the table must not hide them
            root.out.printf(Locale.ROOT, "  set aside by a replacement a killed process left (never removed: see the warning): %d%n",
                    r.setAside().size());
            for (UnfinishedUpload u : r.setAside()) {
                root.out.printf(Locale.ROOT, "  %-7s %-19s  %s  [%s: %s]%n", "aside", time.format(u.lastWrite()), u.key(),
                        Human.size(u.size()), u.name());
            }
        }
    }
}
