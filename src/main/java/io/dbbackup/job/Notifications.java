package io.dbbackup.job;

import io.dbbackup.config.JobConfig;
import io.dbbackup.config.NotifierConfig;
import io.dbbackup.config.NotifyRule;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.core.Redactor;
import io.dbbackup.pipeline.Failures;
import io.dbbackup.spi.JobReport;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Sends a job's report once to each notifier its {@code notify} rules pick for the outcome (a notifier that records
 * state, {@link io.dbbackup.spi.Notifier#everyOutcome()}, gets every report), however many of its rules name it. A notifier that fails
 * (server down, its secret unreadable here) is logged as a warning and never changes the result.
 */
public final class Notifications {
    private Notifications() {
    }

    /** Sends {@code report}; returns the notifications that failed (each also logged), in the order of the job's rules. */
    static List<NotifyFailure> send(Workspace ws, JobConfig job, JobReport report) {
        List<NotifyFailure> failed = new ArrayList<>();
        java.util.Set<String> sent = new java.util.HashSet<>();
        for (NotifyRule rule : job.notifyRules()) {
            NotifierConfig n = ws.config().notifiers().get(rule.notifier());
            if (n == null) {
                continue;
            }
            // metrics get every outcome, whatever the rule's on: says; and each notifier hears a run once, also when two
            // of the job's rules name it (on: always beside on: failure, a line repeated by a merged YAML anchor)
            if (!(n.notifier().everyOutcome() || rule.matches(report.succeeded())) || !sent.add(n.name())) {
                continue;
            }
            try {
                n.notifier().send(report, ws.clock());
                ws.log().info("notification sent", "job", job.name(), "notifier", n.name());
            } catch (Exception e) {
                // a notifier down for every job of an --all run is one warning naming them (Workspace.warnAbout)
                ws.warnAbout(job, null, "notification failed (the " + report.operation().name().toLowerCase(java.util.Locale.ROOT)
                        + " result is unchanged)", "notifier", n.name(), "error", reason(e));
                failed.add(new NotifyFailure(n.name(), reason(e)));
            }
        }
        return failed;
    }

    /**
     * Whether {@link #send} sends a report of {@code job} that {@code succeeded} (or failed) to any notifier that shows
     * its text ({@link io.dbbackup.spi.Notifier#showsText()}): metrics alone never read a failure's "what now".
     */
    static boolean anyShowingTextFor(Workspace ws, JobConfig job, boolean succeeded) {
        return job.notifyRules().stream().anyMatch(rule -> {
            NotifierConfig n = ws.config().notifiers().get(rule.notifier());
            return n != null && n.notifier().showsText() && (n.notifier().everyOutcome() || rule.matches(succeeded));
        });
    }

    /** Why a notifier failed, on one line and redacted (its message, else the exception's kind). */
    static String reason(Exception e) {
        String m = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
        return Redactor.redact(m.strip().replaceAll("\\s+", " "));
    }

    /**
     * A verification of {@code job}'s stored backups ({@code verify --notify}): success when {@code problems} is
     * empty, else a failure whose error lists them, with {@code toolOutput} (a failing tool's last stderr lines, as
     * {@code verify --deep}'s pg_restore prints them) as its detail; {@code key} and {@code size} are the newest
     * backup's (null, 0); {@code status}: the exit status verify gives this job alone (0 when {@code problems} is empty), a
     * signal's when one cut the check short (reported as interrupted, as a backup is, not as a finding about the backups).
     * Returns the notifications that were not sent.
     */
    public static List<NotifyFailure> sendVerification(Workspace ws, JobConfig job, Instant started, String key, long size,
                                                       List<String> problems, String toolOutput, ExitStatus status) {
        return send(ws, job, report(ws, job, JobReport.Operation.VERIFY, problems.isEmpty() ? JobReport.Outcome.SUCCESS
                        : status.bySignal() ? JobReport.Outcome.INTERRUPTED : JobReport.Outcome.FAILURE, status, started, key, size,
                problems.isEmpty() ? null : String.join("\n", problems), problems.isEmpty() ? null : toolOutput));
    }

    /**
     * A report of one run of {@code operation} that started at {@code started} and ends now, with {@code error} on a
     * failure and {@code detail} (the tool's output, or what a success did) when not blank; {@code status}: the job's exit
     * status, null when not known.
     */
    private static JobReport report(Workspace ws, JobConfig job, JobReport.Operation operation, JobReport.Outcome outcome,
                                    ExitStatus status, Instant started, String key, long size, String error, String detail) {
        return report(ws, job, operation, outcome, status, started, key, size, error, detail,
                NextSteps.of(ws, job, operation, outcome, null), 1);
    }

    /**
     * As the other, whose "what now" lines are {@code next} ({@link NextSteps}; null for a success) and which made
     * {@code attempts} attempts (0: a job a signal kept from starting).
     */
    private static JobReport report(Workspace ws, JobConfig job, JobReport.Operation operation, JobReport.Outcome outcome,
                                    ExitStatus status, Instant started, String key, long size, String error, String detail,
                                    String next, int attempts) {
        return new JobReport(job.name(), operation, outcome, attempts,
                started, Duration.between(started, ws.clock().instant()), host(), key, size, error,
                detail == null || detail.isBlank() ? null : detail, job.datasource(), job.store(), location(ws, job), status,
                next, copyOf(ws, job));
    }

    /**
     * The report of {@code failure} of {@code operation}: interrupted when a signal stopped it (as a backup's), else a
     * failure; {@code dryRun}: a {@code prune --dry-run}'s, whose next step is another dry run; {@code asked}: the backup
     * the command was asked for ({@code drill JOB KEY}), which its next step names, or null.
     */
    private static JobReport failed(Workspace ws, JobConfig job, JobReport.Operation operation, Instant started,
                                    DbBackupException failure, boolean dryRun, String asked) {
        JobReport.Outcome outcome = failure.status().bySignal() ? JobReport.Outcome.INTERRUPTED : JobReport.Outcome.FAILURE;
        return report(ws, job, operation, outcome, failure.status(), started, null, 0, Redactor.redact(failure.getMessage()),
                toolOutput(failure), NextSteps.of(ws, job, operation, outcome, asked, dryRun), 1);
    }

    /**
     * A job of {@code prune --all} a signal kept from starting ({@code failure}: the signal's, saying so): interrupted,
     * and its "what now" says that it never started and nothing was written or deleted for it ({@link NextSteps#notStarted}),
     * not that a prune stopped midway. Returns the notifications that were not sent.
     */
    public static List<NotifyFailure> sendPruneNotStarted(Workspace ws, JobConfig job, DbBackupException failure, boolean dryRun) {
        return sendNotStarted(ws, job, JobReport.Operation.PRUNE, failure, dryRun ? new String[] {"--dry-run"} : new String[0]);
    }

    /** A job of {@code verify --all} a signal kept from starting, as {@link #sendPruneNotStarted}'s. */
    public static List<NotifyFailure> sendVerificationNotStarted(Workspace ws, JobConfig job, DbBackupException failure) {
        return sendNotStarted(ws, job, JobReport.Operation.VERIFY, failure);
    }

    /**
     * A job of {@code drill --all --to TARGET} a signal kept from starting, as {@link #sendPruneNotStarted}'s; its next step
     * is the drill of that job into {@code target}.
     */
    public static List<NotifyFailure> sendDrillNotStarted(Workspace ws, JobConfig job, String target, DbBackupException failure) {
        return sendNotStarted(ws, job, JobReport.Operation.DRILL, failure, "--to", target);
    }

    /**
     * A job of a command over several jobs ({@code prune}, {@code verify --all}, {@code drill --all}) that a signal kept
     * from starting ({@code failure}: the signal's, saying so): interrupted, with 0 attempts, and its "what now" says that
     * it never started ({@link NextSteps#notStarted}, whose command takes the run's {@code options}), not that its
     * {@code operation} stopped midway. Returns the notifications that were not sent.
     */
    private static List<NotifyFailure> sendNotStarted(Workspace ws, JobConfig job, JobReport.Operation operation,
                                                      DbBackupException failure, String... options) {
        return send(ws, job, report(ws, job, operation, JobReport.Outcome.INTERRUPTED, failure.status(), ws.clock().instant(),
                null, 0, Redactor.redact(failure.getMessage()), null, NextSteps.notStarted(ws, job, operation, options), 0));
    }

    /** A success of {@code operation} whose {@code detail} says what it did: exit status 0. */
    private static JobReport succeeded(Workspace ws, JobConfig job, JobReport.Operation operation, Instant started, String detail) {
        return report(ws, job, operation, JobReport.Outcome.SUCCESS, ExitStatus.OK, started, null, 0, null, detail);
    }

    /**
     * Where {@code job}'s backups land, for a report: the store's description (which holds no secret: an endpoint's
     * user and password are left out of it) and the job's folder in it, redacted; null when the config cannot say (a
     * notification never fails for want of it).
     */
    static String location(Workspace ws, JobConfig job) {
        try {
            return Redactor.redact(ws.store(job.store()).store().describe() + " under " + new Catalog(ws).folder(job));
        } catch (RuntimeException unknown) { // a datasource or store the config lacks: the report leaves it out
            return null;
        }
    }

    /**
     * For a copy job, the job it copies and where that job's backups are ({@code job shop (store local: local /backups
     * under prod/shop/)}, redacted); null for a job that copies none. A source the config lacks is named alone.
     */
    public static String copyOf(Workspace ws, JobConfig job) {
        if (!job.isCopy()) {
            return null;
        }
        try {
            JobConfig source = ws.job(job.copyOf());
            String where = location(ws, source);
            return "job " + source.name() + " (store " + source.store() + (where == null ? "" : ": " + where) + ")";
        } catch (RuntimeException unknown) {
            return "job " + job.copyOf();
        }
    }

    /** The last lines of the stderr of a tool whose failure is behind {@code e} (redacted); empty when none failed. */
    public static String toolOutput(Throwable e) {
        return Redactor.redact(Failures.detail(e));
    }

    /**
     * A prune of {@code job}'s backups ({@code prune --notify}): on success what it deleted (in a dry run, what it
     * would delete) as the report's detail, else the failure that stopped it (interrupted when its status is a
     * signal's). Returns the notifications that were not sent.
     */
    public static List<NotifyFailure> sendPrune(Workspace ws, JobConfig job, Instant started, Pruner.Result result,
                                                DbBackupException failure, boolean dryRun) {
        return send(ws, job, failure != null
                ? failed(ws, job, JobReport.Operation.PRUNE, started, failure, dryRun, null)
                : succeeded(ws, job, JobReport.Operation.PRUNE, started, Redactor.redact(pruned(result))));
    }

    /**
     * A restore drill of {@code job} ({@code drill --notify}): on success what was restored where, how long it took
     * and what the target held; else the failure, with a failing tool's last stderr lines (interrupted when its status
     * is a signal's). Returns the notifications that were not sent.
     */
    public static List<NotifyFailure> sendDrill(Workspace ws, JobConfig job, Optional<String> key, Instant started,
                                                Driller.Result result, DbBackupException failure) {
        if (failure != null) {
            return send(ws, job, failed(ws, job, JobReport.Operation.DRILL, started, failure, false, key.orElse(null)));
        }
        String detail = "restored " + result.key().key() + " (" + io.dbbackup.core.Human.size(result.bytes()) + " decoded) into "
                + result.target() + " in " + io.dbbackup.core.Human.duration(result.restoreTime()) + "\nthen " + result.holds()
                + result.checks().stream().map(c -> "\ncheck ok: " + c.sql() + " -> " + c.value()).collect(java.util.stream.Collectors.joining())
                + (result.removed() ? "\nremoved again" : "\nkept (--keep)");
        return send(ws, job, succeeded(ws, job, JobReport.Operation.DRILL, started, Redactor.redact(detail)));
    }

    /**
     * What a prune did, one line each: the counts, the newest backup kept, every pinned one kept, every backup deleted,
     * every one left uncounted (cut short or empty: {@code left KEY [not counted: cut short (N of M bytes)]}, as prune's
     * table says it), WAL and leftovers.
     */
    static String pruned(Pruner.Result r) {
        String verb = r.dryRun() ? "would delete" : "deleted";
        List<String> lines = new ArrayList<>();
        lines.add((r.dryRun() ? "dry run, nothing deleted: " : "") + "kept " + r.decision().keep().size() + ", " + verb + " "
                + r.decision().delete().size() + (r.notCounted().isEmpty() ? "" : ", left " + r.notCounted().size() + " (not counted)"));
        if (!r.decision().keep().isEmpty()) {
            lines.add("newest kept " + r.decision().keep().get(0).backup().key());
        }
        r.decision().keep().stream().filter(k -> k.reasons().contains(io.dbbackup.retention.GfsPolicy.PINNED))
                .forEach(k -> lines.add("kept pinned " + k.backup().key())); // why an old backup is still there
        r.decision().delete().forEach(k -> lines.add(verb + " " + k.key()));
        // no backup, yet still there and never deleted: the reader must not take it for the newest good one
        r.notCounted().stream().sorted(java.util.Comparator.comparing((CutShort c) -> c.key().timestamp()).reversed())
                .forEach(c -> lines.add("left " + c.key().key() + " [not counted: " + c.notCounted() + "]"));
        if (r.wal() != null && !r.wal().delete().isEmpty()) {
            lines.add(verb + " " + io.dbbackup.core.Human.count(r.wal().delete().size(), "archived WAL file")
                    + r.wal().keepFrom().map(f -> " (kept from " + f.name() + ")").orElse(""));
        }
        if (!r.abandoned().isEmpty()) {
            lines.add((r.dryRun() ? "would remove " : "removed ") + io.dbbackup.core.Human.count(r.abandoned().size(), "abandoned upload"));
        }
        // never removed, maybe a key's only copy: the DBA reading the mail must hear of each, not only stderr
        r.setAside().forEach(u -> lines.add("set aside by a killed replacement, never removed: " + u.name() + " (the previous "
                + "object of " + u.key() + "; if " + u.key() + " holds none, rename it back)"));
        return String.join("\n", lines);
    }

    /** {@code $HOSTNAME} (the pod's name in Kubernetes), else the local host name. */
    static String host() {
        String h = System.getenv("HOSTNAME");
        if (h != null && !h.isBlank()) {
            return h;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
