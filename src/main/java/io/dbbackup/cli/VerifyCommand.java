package io.dbbackup.cli;

import io.dbbackup.config.Durations;
import io.dbbackup.config.JobConfig;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.DeletedSinceListedException;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.core.Human;
import io.dbbackup.core.Json;
import io.dbbackup.core.Log;
import io.dbbackup.core.Redactor;
import io.dbbackup.core.Subset;
import io.dbbackup.job.Catalog;
import io.dbbackup.job.GroupedWarnings;
import io.dbbackup.job.NoKeyGivenException;
import io.dbbackup.job.Notifications;
import io.dbbackup.job.NotifyFailure;
import io.dbbackup.job.Pruner;
import io.dbbackup.job.RunSummary;
import io.dbbackup.job.Verifier;
import io.dbbackup.job.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

@Command(name = "verify", mixinStandardHelpOptions = true, versionProvider = Root.VersionProvider.class, description = "Re-read a stored backup: check its SHA-256 and that it decodes to the end (exit 3 if not).")
final class VerifyCommand implements Callable<Integer> {
    private static final String DELETED = "deleted since it was listed (a prune?)";

    @ParentCommand
    Root root;

    @Parameters(index = "0", arity = "0..1", paramLabel = "JOB")
    String job;

    @Parameters(index = "1", arity = "0..1", paramLabel = "KEY", description = "A key or file name (default: newest).")
    String key;

    @Option(names = "--json", description = "Print JSON on stdout.")
    boolean json;

    @Option(names = "--deep", description = "Also check the dump itself, without touching a database: pg_restore reads a "
            + "custom archive to its end, SQL scripts must end as their dump tool ends them, a SQLite backup must pass "
            + "PRAGMA integrity_check, a physical PostgreSQL backup pg_verifybackup (SQLite and physical backups need room "
            + "for the restored data in $DBBACKUP_TMPDIR).")
    boolean deep;

    @Option(names = "--no-progress", description = "No progress line (it is only drawn on a terminal anyway).")
    boolean noProgress;

    @Option(names = "--all-backups", description = "Verify every backup of the job, newest first, going on after a failure "
            + "(exit 3 if any failure is an integrity failure, else 1 if every one is a user error such as no key to decrypt, else 2); "
            + "a backup deleted since it was listed (a prune meanwhile) is skipped, unless every one is.")
    boolean allBackups;

    @Option(names = "--subset", paramLabel = "N/T|T", description = "With --all-backups: only part N of T of the backups "
            + "(each in one part, by its key); T alone: the part of the day, so that a daily run reads every backup once in T days.")
    String subset;

    @Option(names = "--all", description = "Verify every job's newest backup (with --all-backups: every backup of every "
            + "job); a job without backups counts as a failure.")
    boolean all;

    @Option(names = "--max-age", paramLabel = "DURATION", description = "Also fail a job whose newest backup is older "
            + "than this (e.g. 26h, 2d; by the time in its key): a missed or silently skipped backup is found by the audit.")
    String maxAge;

    @Option(names = "--notify", description = "Send each job's result to its notifiers, by its notify rules, as a "
            + "'verify of job' report (a scheduled audit that emails on failure).")
    boolean notify;

    @Mixin
    LocalCopyOption localCopy = new LocalCopyOption();

    @Mixin
    DecryptionOptions decryption = new DecryptionOptions();

    /** Each job's result in an audit of several: its exit code (the audit's rule for that job alone), by {@link #report}. */
    private final List<Map<String, Object>> jobResults = new ArrayList<>();
    /** The same exit codes, in job order, for the closing line after a signal. */
    private final List<ExitStatus> jobStatuses = new ArrayList<>();
    /** Each job's name, beside its status in {@link #jobStatuses}: the closing line names those that failed. */
    private final List<String> jobNames = new ArrayList<>();

    @Override
    public Integer call() {
        if (localCopy.given() && (all || allBackups || key != null)) {
            throw DbBackupException.user("--from-file names the one backup to verify: no KEY, --all or --all-backups with it");
        }
        if (all == (job != null)) {
            throw DbBackupException.user(all ? "--all verifies every job: name no JOB with it" : "name the job to verify, or pass --all");
        }
        if ((allBackups || all) && key != null) {
            throw DbBackupException.user((all ? "--all" : "--all-backups") + " picks the backups itself: name no KEY with it");
        }
        boolean audit = maxAge != null || notify;
        if (audit && (key != null || localCopy.given())) {
            throw DbBackupException.user((maxAge != null ? "--max-age" : "--notify") + " audits a job's stored backups: "
                    + "name no KEY or --from-file with it");
        }
        if (subset != null && !allBackups) {
            throw DbBackupException.user("--subset picks a part of every backup: use it with --all-backups");
        }
        Duration limit = maxAge == null ? null : Durations.parse(maxAge).filter(d -> !d.isZero())
                .orElseThrow(() -> DbBackupException.user("--max-age: " + Durations.problem(maxAge)
                        .orElseGet(() -> Durations.expected(maxAge, "26h or 2d"))));
        Workspace ws = root.workspace();
        Subset part;
        try {
            part = subset == null ? null : Subset.parse(subset, LocalDate.ofInstant(ws.clock().instant(), ZoneOffset.UTC));
        } catch (IllegalArgumentException e) {
            throw DbBackupException.user("--subset: " + e.getMessage());
        }
        Verifier verifier = new Verifier(ws, decryption.keys(root.main, ws), localCopy.naming(ProgressLine.forCommand(root, noProgress)));
        if (all || allBackups || audit) {
            List<JobConfig> jobs = all ? ws.allJobs("verify", "verify") : List.of(ws.job(job));
            NobodyToNotify.warnIfNone(ws, notify, jobs, "verify");
            // what several jobs would each warn the same (their shared key not on this host) is said once, naming them
            try (GroupedWarnings grouped = jobs.size() > 1 ? ws.groupingWarnings() : null;
                 Log.Tagging tag = Log.tag("job")) { // set to each job in turn: what its store or a library says names it
                return verifyMany(ws, verifier, jobs, limit, part, tag, grouped);
            }
        }
        if (localCopy.given()) {
            key = localCopy.use(ws, root.main, job);
        }
        Verifier.Result r;
        try (Log.Tagging file = localCopy.tagged()) { // from a local copy, its lines name the file beside the key
            r = verifier.verify(job, Optional.ofNullable(key), deep);
        } catch (DbBackupException e) {
            throw localCopy.naming(e); // --from-file: the file that was read, not a store key
        }
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("job", job);
            m.put("key", r.key().key());
            if (localCopy.given()) {
                m.put("file", localCopy.fromFile.toString());
            }
            putResult(m, r);
            m.put("ok", true);
            root.out.println(Json.pretty(m));
        } else {
            root.out.println("ok " + localCopy.naming(r.key().key()) + details(r));
        }
        return 0;
    }

    private static void putResult(Map<String, Object> m, Verifier.Result r) {
        m.put("sha256", r.sha256());
        if (r.storedBytesOnly()) {
            m.put("stored_bytes_only", true); // encrypted, no key here: not decrypted
        } else {
            m.put("decoded_bytes", r.decodedBytes());
        }
        if (r.deep() != null) {
            m.put("deep", r.deep());
        }
    }

    private static String details(Verifier.Result r) {
        return " sha256=" + r.sha256() + (r.storedBytesOnly() ? " (stored bytes only: no key here to decrypt)"
                : " (" + Human.size(r.decodedBytes()) + " decoded)") + (r.deep() == null ? "" : "; " + r.deep());
    }

    /**
     * The newest backup of each job, or with {@code --all-backups} every backup newest first; a failure is
     * reported and the next one checked. A job without backups is a failure of its own (an audit must see it), and
     * so is one whose newest backup is older than {@code limit} ({@code --max-age}) or whose store cannot be
     * listed (the other jobs are still checked). With {@code --notify}, each job's result goes to its notifiers.
     * With a {@code part} ({@code --subset}), only the backups in it are read. With {@code --all-backups}, a backup
     * deleted since it was listed (a prune running meanwhile) is skipped, no failure, unless every backup listed is, or
     * with a part every backup of the part (the run was to read some and read none). {@code grouped}: the warnings
     * several jobs would each give, said before the summary (null: one job, each said at once).
     */
    private int verifyMany(Workspace ws, Verifier verifier, List<JobConfig> jobs, Duration limit, Subset part, Log.Tagging tag,
                           GroupedWarnings grouped) {
        List<Map<String, Object>> rows = new ArrayList<>();
        int stored = 0;
        int checked = 0;
        int failed = 0;
        int empty = 0;
        int stale = 0;
        int unreadable = 0;
        int aheadJobs = 0; // jobs whose newest backup is dated ahead of this host's clock, not taken (with --max-age: STALE too)
        int gone = 0; // --all-backups: deleted since they were listed, skipped
        int partsEmptied = 0; // --subset: jobs whose part had backups when listed, each deleted before it was read
        Catalog catalog = new Catalog(ws);
        verifier.groupingKeylessWarnings(); // one "no key here" warning per job, not one per backup
        List<Map<String, Object>> notifyFailed = new ArrayList<>(); // with --notify: what did not go out, each with its job
        // a signal (a CronJob's deadline) stops the read under way; the job it stopped is reported (and notified) as
        // interrupted, so is each job after it (not started, as backup --all's), the summary printed, and the process
        // then exits with the signal's code
        AtomicReference<ExitStatus> stopped = new AtomicReference<>();
        NotStarted notStarted = new NotStarted("check", "nothing was read");
        if (root.main.signals() != null) {
            root.main.signals().cancelAndReport(ws, stopped::set);
        }
        for (JobConfig j : jobs) {
            tag.to(j.name());
            Instant started = ws.clock().instant();
            AuditFindings findings = new AuditFindings(); // this job's: its report's exit code
            List<String> problems = new ArrayList<>();
            StringBuilder toolOutput = new StringBuilder();
            boolean cut = false; // a signal stopped a check of this job's backups
            if (stopped.get() != null) {
                NotStarted.Job s = notStarted.skip(ws, j, stopped.get(),
                        f -> notStartedReport(ws, j, f));
                rows.add(s.row(false)); // verify's notify_failed is one list, each with its job
                if (!json) {
                    root.out.println(s.line());
                }
                unsent(j, s.unsent(), notifyFailed);
                continue;
            }
            List<Catalog.Entry> entries;
            try {
                Catalog.Listing listing = catalog.listing(j);
                catalog.mentionUnchecked(j, listing);
                entries = listing.backups();
            } catch (DbBackupException ex) { // this job's store cannot be read: its failure, the audit goes on
                unreadable++;
                findings.add(ex.status() == ExitStatus.USER_ERROR ? ExitStatus.USER_ERROR : ExitStatus.SYSTEM_ERROR);
                String error = Redactor.redact(ex.getMessage());
                problems.add(error);
                sayWarningsOf(grouped, j);
                ws.log().error(ex.getMessage(), "job", j.name());
                rows.add(failedRow(j.name(), null, ex.status(), error));
                if (!json) {
                    root.out.println("FAILED " + j.name() + ": " + error);
                }
                unsent(j, report(ws, j, started, null, problems, "", stopped.get() != null ? stopped.get() : findings.status()),
                        notifyFailed);
                continue;
            }
            if (entries.isEmpty()) {
                empty++;
                findings.add(ExitStatus.SYSTEM_ERROR);
                noBackups(ws, catalog, j, "", problems, rows);
                unsent(j, report(ws, j, started, null, problems, "", findings.status()), notifyFailed);
                continue;
            }
            Catalog.Entry newest = entries.get(0);
            Duration age = Duration.between(newest.key().timestamp(), started);
            boolean ahead = age.negated().compareTo(Pruner.CLOCK_SKEW) > 0;
            if (limit != null && (ahead || age.compareTo(limit) > 0)) {
                stale++;
                if (ahead) { // the summary says so, not "no backup newer than --max-age": its age says nothing
                    aheadJobs++;
                }
                findings.add(ExitStatus.SYSTEM_ERROR); // README: a stale job fails with 2
                // a backup named by a clock that ran ahead would look fresh for years: the switch must not be blinded by it
                String error = ahead ? "the newest backup of job " + j.name() + " is dated " + Human.age(age.negated())
                        + " after this host's clock, so its age says nothing (a clock ran ahead; prune refuses the job too): "
                        + newest.key().key()
                        : "the newest backup of job " + j.name() + " is " + Human.age(age, limit) + " old, older than --max-age "
                        + maxAge + ": " + newest.key().key();
                problems.add(error);
                ws.log().error(error, "job", j.name());
                Map<String, Object> row = failedRow(j.name(), newest.key().key(), ExitStatus.SYSTEM_ERROR, error);
                row.put("stale", true);
                rows.add(row);
                if (!json) {
                    root.out.println("STALE  " + newest.key().key() + ": " + (ahead ? "dated " + Human.age(age.negated())
                            + " after this host's clock" : Human.age(age, limit) + " old") + " (--max-age " + maxAge + ")");
                }
                if (ahead && !allBackups) { // as without --max-age: not what a restore takes, so no "ok" beside STALE
                    stored += entries.size();
                    unsent(j, report(ws, j, started, newest, problems, "", findings.status()), notifyFailed);
                    continue;
                }
            }
            stored += entries.size();
            Optional<String> aheadRefusal = allBackups || limit != null ? Optional.empty() : catalog.aheadOfClock(j, entries);
            if (aheadRefusal.isPresent()) { // as `verify JOB`: it may hold older data than a backup made since
                aheadJobs++;
                findings.add(ExitStatus.SYSTEM_ERROR);
                String error = Redactor.redact(aheadRefusal.get());
                problems.add(error);
                ws.log().error(error, "job", j.name());
                rows.add(failedRow(j.name(), newest.key().key(), ExitStatus.SYSTEM_ERROR, error));
                if (!json) {
                    root.out.println("FAILED " + j.name() + ": " + error);
                }
                unsent(j, report(ws, j, started, newest, problems, "", findings.status()), notifyFailed);
                continue;
            }
            List<Catalog.Entry> toCheck = (allBackups ? entries : entries.subList(0, 1)).stream()
                    .filter(e -> part == null || part.contains(e.key().key())).toList(); // else another run's part
            int jobGone = 0;
            Map<String, String> keyless = new LinkedHashMap<>(); // --all-backups --deep: no key here, said once for the job
            for (int i = 0; i < toCheck.size(); i++) {
                Catalog.Entry e = toCheck.get(i);
                if (stopped.get() != null) { // between two checks: the job's backups not read are no success either
                    cut = true;
                    int left = toCheck.size() - i;
                    String error = interruption(stopped.get()) + " before the check of " + e.key().key()
                            + (left == 1 ? "" : " and " + (left - 1) + " older backup" + (left == 2 ? "" : "s")) + ": not read";
                    problems.add(error);
                    rows.add(failedRow(j.name(), e.key().key(), stopped.get(), error));
                    if (!json) {
                        root.out.println("INTERRUPTED " + e.key().key() + ": " + error);
                    }
                    break;
                }
                checked++;
                try {
                    Verifier.Result r = verifier.verify(j, e.key(), deep); // listed just now: no lookup per backup
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("job", j.name());
                    row.put("key", e.key().key());
                    row.put("ok", true);
                    putResult(row, r);
                    rows.add(row);
                    if (!json) {
                        root.out.println("ok     " + e.key().key() + details(r));
                    }
                } catch (DbBackupException ex) {
                    if (stopped.get() != null) { // not a finding about the backup: its check was cut short
                        checked--;
                        cut = true;
                        String error = interruption(stopped.get()) + ": the check of " + e.key().key() + " did not finish";
                        problems.add(error);
                        rows.add(failedRow(j.name(), e.key().key(), stopped.get(), error));
                        if (!json) {
                            root.out.println("INTERRUPTED " + e.key().key() + ": " + error);
                        }
                        break;
                    }
                    if (allBackups && ex instanceof DeletedSinceListedException) { // a prune's doing, no finding
                        checked--;
                        gone++;
                        jobGone++;
                        ws.log().warn(KeyOnce.logged(e.key().key(), ex.getMessage()) + ": skipped", "job", j.name(), "key", e.key().key());
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("job", j.name());
                        row.put("key", e.key().key());
                        row.put("skipped", true);
                        row.put("deleted_since_listed", true); // no "ok": neither verified nor failed
                        rows.add(row);
                        if (!json) {
                            root.out.println("SKIPPED " + e.key().key() + ": " + DELETED);
                        }
                        continue;
                    }
                    failed++;
                    findings.add(ex.status());
                    String error = Redactor.redact(ex.getMessage());
                    if (allBackups && NoKeyGivenException.in(ex)) { // each backup's row, one line for the job below
                        rows.add(failedRow(j.name(), e.key().key(), ex.status(), error));
                        keyless.put(e.key().key(), error);
                        continue;
                    }
                    // the mail lists the problems alone: each names its backup (an age error does not)
                    problems.add(error.contains(e.key().key()) ? error : e.key().key() + ": " + error);
                    String tool = Notifications.toolOutput(ex);
                    if (!tool.isBlank()) {
                        toolOutput.append(toolOutput.length() == 0 ? "" : "\n").append(tool.strip());
                    }
                    sayWarningsOf(grouped, j); // what explains it (a key of the job not readable here) before it
                    ws.log().error(KeyOnce.logged(e.key().key(), ex.getMessage()), "job", j.name(), "key", e.key().key());
                    rows.add(failedRow(j.name(), e.key().key(), ex.status(), error));
                    if (!json) {
                        root.out.println("FAILED " + KeyOnce.line(e.key().key(), error));
                    }
                }
            }
            if (!keyless.isEmpty()) {
                sayWarningsOf(grouped, j);
            }
            sayKeyless(ws, j, keyless, problems);
            if (jobs.size() == 1 || allBackups) { // each job's newest: one warning after the last job, naming the jobs
                verifier.warnKeyless(j);
            }
            if (jobGone == entries.size()) { // every backup listed is gone: an emptied store is no passed audit
                empty++;
                findings.add(ExitStatus.SYSTEM_ERROR);
                noBackups(ws, catalog, j, ": every backup listed (" + jobGone + ") was deleted before it was read (a prune?)",
                        problems, rows);
            } else if (jobGone > 0 && jobGone == toCheck.size()) { // --subset: the part read nothing, no passed audit either
                partsEmptied++;
                findings.add(ExitStatus.SYSTEM_ERROR);
                partEmptied(ws, j, part, jobGone, problems, rows);
            }
            unsent(j, report(ws, j, started, newest, problems, toolOutput.toString(), cut ? stopped.get() : findings.status()),
                    notifyFailed);
        }
        tag.close(); // the audit's summary is no job's
        if (grouped != null) { // before the summary: the cause (a key not here) before its consequence (not decrypted)
            grouped.close();
        }
        verifier.warnKeyless(jobs);
        // the process's: each job's code (jobStatuses) summed up as every multi-job verb's (4 when some failed, 3 outranking)
        int code = stopped.get() != null ? stopped.get().code() : RunSummary.of(jobStatuses).code();
        int verified = checked - failed;
        int byAge = limit == null ? 0 : stale - aheadJobs; // the STALE jobs whose newest backup is older than --max-age
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("jobs", jobs.stream().map(JobConfig::name).toList());
            m.put("verified", verified);
            m.put("failed", failed);
            if (allBackups) {
                m.put("deleted_since_listed", gone);
            }
            m.put("jobs_without_backups", empty);
            m.put("jobs_unreadable", unreadable);
            m.put("jobs_ahead", aheadJobs);
            if (limit != null) {
                m.put("stale_jobs", stale);
            }
            if (part != null) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("part", part.part());
                p.put("of", part.of());
                p.put("stored", stored);
                m.put("parts_emptied", partsEmptied);
                m.put("subset", p);
            }
            if (stopped.get() != null) {
                m.put("interrupted", interruption(stopped.get()));
            }
            m.put("status", code); // the process's, as Main exits
            m.put("job_results", jobResults);
            m.put("backups", rows);
            if (notify) {
                m.put("notify_failed", notifyFailed);
            }
            root.out.println(Json.pretty(m));
        } else if (stopped.get() != null) { // as the other verbs' after a signal: jobs counted, the backups read in brackets
            root.out.println(notStarted.interrupted(all ? "verify --all" : "verify", stopped.get(), jobNames, jobStatuses, jobs.size(),
                    "verified (" + verified + " of " + Human.count(checked, "backup") + ")") + Unsent.closing(notifyFailed.size()));
        } else {
            root.out.println(verified + " of " + Human.count(checked, "backup") + " verified" + (failed == 0 ? "" : ", " + failed + " failed")
                    + (gone == 0 ? "" : ", " + gone + " deleted since " + (gone == 1 ? "it was" : "they were") + " listed")
                    + (empty == 0 ? "" : ", " + empty + (empty == 1 ? " job" : " jobs") + " without backups")
                    + (partsEmptied == 0 ? "" : ", " + partsEmptied + (partsEmptied == 1 ? " job whose part" : " jobs whose parts")
                    + " had nothing left to read")
                    + (byAge == 0 ? "" : ", " + byAge + (byAge == 1 ? " job" : " jobs") + " with no backup newer than " + maxAge)
                    + (unreadable == 0 ? "" : ", " + unreadable + (unreadable == 1 ? " job" : " jobs") + " whose store could not be listed")
                    + (aheadJobs == 0 ? "" : ", " + aheadJobs + (aheadJobs == 1 ? " job whose newest backup is" : " jobs whose "
                    + "newest backups are") + " dated after this host's clock")
                    + (part == null ? "" : " (part " + part.part() + " of " + part.of() + ": " + checked + " of " + stored + (stored == 1 ? " stored backup)" : " stored backups)"))
                    + " (exit " + code + ")" + JobRows.failedNames(jobNames, jobStatuses)
                    + Unsent.closing(notifyFailed.size()));
        }
        return code;
    }

    /** A job without backups, a failure of the audit: {@code detail} says why when it had some when listed. */
    private void noBackups(Workspace ws, Catalog catalog, JobConfig j, String detail, List<String> problems,
                           List<Map<String, Object>> rows) {
        String error = catalog.noBackups(j).getMessage() + detail;
        problems.add(error);
        ws.log().error(error, "job", j.name());
        rows.add(failedRow(j.name(), null, ExitStatus.SYSTEM_ERROR, error));
        if (!json) {
            root.out.println("FAILED " + j.name() + ": no backups" + detail);
        }
    }

    /** A part ({@code --subset}) whose every backup listed was deleted before it was read: a failure of the audit. */
    private void partEmptied(Workspace ws, JobConfig j, Subset part, int gone, List<String> problems,
                             List<Map<String, Object>> rows) {
        String detail = "part " + part.part() + " of " + part.of() + ": every backup of it listed (" + gone
                + ") was deleted before it was read (a prune?); nothing of it was verified";
        String error = "job " + j.name() + ", " + detail;
        problems.add(error);
        ws.log().error(error, "job", j.name());
        rows.add(failedRow(j.name(), null, ExitStatus.SYSTEM_ERROR, error));
        if (!json) {
            root.out.println("FAILED " + j.name() + ": " + detail);
        }
    }

    /** In an audit of several jobs ({@code grouped} not null), the warnings kept about {@code j}, said before its failure. */
    private static void sayWarningsOf(GroupedWarnings grouped, JobConfig j) {
        if (grouped != null) {
            grouped.sayFor(j.name());
        }
    }

    private static String interruption(ExitStatus signal) {
        return "interrupted by " + signal.signal();
    }

    /**
     * The backups of {@code job} that {@code --all-backups --deep} could not decrypt for want of a key ({@code keyless}:
     * each one's error), said in one line for the job: the newest's error names the key it needs, then how many more.
     * Each is still a failed backup (its row, the count, the exit code): --deep was asked and did not check them.
     */
    private void sayKeyless(Workspace ws, JobConfig job, Map<String, String> keyless, List<String> problems) {
        if (keyless.isEmpty()) {
            return;
        }
        List<String> keys = new ArrayList<>(keyless.keySet());
        String first = keyless.get(keys.get(0));
        String line = keys.size() == 1 ? KeyOnce.line(keys.get(0), first)
                : keys.size() + " backups of job " + job.name() + " not checked with --deep, no key here to decrypt them: "
                + first + " (and " + (keys.size() - 1) + " older: " + Human.names(keys.subList(1, keys.size()), 10) + ")";
        problems.add(line);
        if (keys.size() == 1) { // as any failed backup's line: the key in its field
            ws.log().error(KeyOnce.logged(keys.get(0), first), "job", job.name(), "key", keys.get(0));
        } else {
            ws.log().error(line, "job", job.name(), "backups", keys.size());
        }
        if (!json) {
            root.out.println("FAILED " + line);
        }
    }


    private static Map<String, Object> failedRow(String job, String key, ExitStatus status, String error) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("job", job);
        if (key != null) {
            row.put("key", key);
        }
        row.put("ok", false);
        row.put("exit", status.code());
        row.put("error", error);
        return row;
    }

    /** Shows {@code failed}, the notifications of {@code job} that were not sent, under its lines, and adds them to {@code all}. */
    private void unsent(JobConfig job, List<NotifyFailure> failed, List<Map<String, Object>> all) {
        if (!json) {
            Unsent.print(root.out, failed);
        }
        for (Map<String, Object> f : Unsent.json(failed)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("job", job.name());
            m.putAll(f);
            all.add(m);
        }
    }

    /**
     * With {@code --notify}: the job's result, as a "verify of job" report, to the notifiers its rules pick, with
     * {@code status}, the exit code the audit gives this job alone (a signal's when one cut its check short: reported as
     * interrupted); returns the notifications that were not sent. Every job of the audit comes here once, with or
     * without --notify: its exit code is its {@code job_results} entry.
     */
    private List<NotifyFailure> report(Workspace ws, JobConfig job, Instant started, Catalog.Entry newest, List<String> problems,
                                       String toolOutput, ExitStatus status) {
        if (!result(job, status)) {
            return List.of();
        }
        return Notifications.sendVerification(ws, job, started, newest == null ? null : newest.key().key(),
                newest == null ? 0 : newest.object().size(), problems, toolOutput, status);
    }

    /**
     * A job a signal kept from starting ({@code failure}, the signal's): its result, and with --notify its report
     * ({@link Notifications#sendVerificationNotStarted}: no attempt made, it never started); the notifications not sent.
     */
    private List<NotifyFailure> notStartedReport(Workspace ws, JobConfig job, DbBackupException failure) {
        return result(job, failure.status()) ? Notifications.sendVerificationNotStarted(ws, job, failure) : List.of();
    }

    /** Keeps {@code job}'s result with {@code status}; whether it is to be notified (--notify). */
    private boolean result(JobConfig job, ExitStatus status) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("job", job.name());
        result.put("exit_code", status.code());
        jobResults.add(result);
        jobStatuses.add(status);
        jobNames.add(job.name());
        return notify;
    }
}
