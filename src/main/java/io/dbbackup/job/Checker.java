package io.dbbackup.job;

import io.dbbackup.config.JobConfig;
import io.dbbackup.config.NotifierConfig;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.core.Human;
import io.dbbackup.core.Log;
import io.dbbackup.core.Redactor;
import io.dbbackup.pipeline.Failures;
import io.dbbackup.spi.Engine;
import io.dbbackup.spi.JobReport;
import io.dbbackup.spi.Store;

import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code dbbackup check}: whether each job could back up now, without backing up. Its secrets must be readable
 * here; its datasource is connected to as a backup would ({@code Engine.check}: read-only); its store takes a
 * small probe object in the job's folder, gives it back byte for byte and deletes it. Notifiers are contacted
 * only when asked ({@code --notify}: a check that mailed by default would page someone).
 */
public final class Checker {
    /**
     * One check of one job: {@code what} is secrets, datasource (a copy job: source), a note of the datasource's
     * ({@code binlog position}: MySQL/MariaDB), store, wal archiving (physical jobs) or (with
     * {@code --notify}) notifier NAME;
     * {@code detail} what was found or why not.
     */
    public record Line(String job, String what, ExitStatus status, String detail) {
        public boolean ok() {
            return status == ExitStatus.OK;
        }
    }

    static final String PROBE_PREFIX = ".dbbackup-check-";
    /** How long {@code check} waits by default for the WAL segment it made the server close. */
    public static final Duration WAL_WAIT = Duration.ofSeconds(60);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Workspace ws;
    private final Duration walWait;
    private final Supplier<ExitStatus> signal;

    public Checker(Workspace ws) {
        this(ws, WAL_WAIT, () -> null);
    }

    /**
     * {@code walWait}: how long to wait for the WAL segment a physical job's check makes the server close; {@code signal}:
     * the SIGTERM/SIGINT that stopped the run ({@link ExitStatus#TERMINATED}, {@link ExitStatus#INTERRUPTED}), null while
     * none came — a check it cuts short is interrupted, with its code, not failed.
     */
    public Checker(Workspace ws, Duration walWait, Supplier<ExitStatus> signal) {
        this.ws = ws;
        this.walWait = walWait;
        this.signal = signal;
    }

    /**
     * The exit status a job's {@code lines} give it (README: as for {@code backup}): its first failing check's, else 0.
     * Check's exit code for the job counts the notifier lines too; the report the notifiers get carries the status of the
     * checks before them.
     */
    public static ExitStatus status(List<Line> lines) {
        return lines.stream().filter(l -> l.status().bySignal()).findFirst() // a signal's, as a backup's: whatever else failed
                .or(() -> lines.stream().filter(l -> !l.ok()).findFirst()).map(Line::status).orElse(ExitStatus.OK);
    }

    /** The checks of {@code job}, in order; without its secrets the others are not tried (they would fail the same way). */
    public List<Line> check(JobConfig job) {
        return check(job, false);
    }

    /**
     * As {@link #check(JobConfig)}; with {@code notify}, the result then goes as a "check of job" report to every
     * notifier the job names, whatever its {@code on:} (a test of the path a failure mail would take), and each
     * send is a check of its own.
     */
    public List<Line> check(JobConfig job, boolean notify) {
        try (Log.Tagging tag = Log.tag("job", job.name())) { // what its engine, store or a library says names it
            return checkTagged(job, notify);
        }
    }

    private List<Line> checkTagged(JobConfig job, boolean notify) {
        Instant started = ws.clock().instant();
        List<Line> out = new ArrayList<>();
        // the secrets too are read in the check's operation: a signal kills a hanging secret's command at once, and the
        // check it stopped is interrupted, not failed
        try (Workspace.Operation op = ws.operation("check-" + job.name())) {
            try {
                ws.requireBackupSecrets(job);
                if (!job.isCopy() && job.encryption() != null && job.encryption().passphrase() != null) { // a copy encrypts nothing
                    job.encryption().passphrase().reveal(); // a passphrase_command runs here, as the backup would run it
                }
                out.add(new Line(job.name(), "secrets", ExitStatus.OK, "every secret a backup needs was read"));
            } catch (DbBackupException e) {
                out.add(cut(job, "secrets", e));
            }
            if (out.get(0).ok()) {
                out.add(job.isCopy() ? source(job) : datasource(job, op));
                if (!job.isCopy() && out.get(out.size() - 1).ok()) {
                    note(job, op).ifPresent(out::add);
                }
                out.add(store(job, op));
                // a copy job's archive fills when it runs, not when the server archives
                if (out.get(out.size() - 1).ok() && ws.datasource(job.datasource()).engine().physical() && !job.isCopy()) {
                    out.add(walArchiving(job, op));
                }
            }
        }
        if (notify) {
            out.addAll(notifiers(job, started, List.copyOf(out), false));
        }
        return out;
    }

    /**
     * A job whose check a signal stopped before it began ({@code notStarted}, with the signal's status): its one line
     * ({@code job}); with {@code notify} its report, interrupted, then goes to its notifiers as {@link #check} sends it.
     */
    public List<Line> notStarted(JobConfig job, DbBackupException notStarted, boolean notify) {
        Instant started = ws.clock().instant();
        List<Line> out = new ArrayList<>(List.of(failed(job, "job", notStarted)));
        if (notify) {
            out.addAll(notifiers(job, started, List.copyOf(out), true));
        }
        return out;
    }

    /**
     * Sends the report of {@code checks} to {@code job}'s notifiers, one line each; {@code notStarted}: the check never
     * began (a signal), so no attempt was made and its "what now" says so ({@link NextSteps#notStarted}), as a backup's.
     */
    private List<Line> notifiers(JobConfig job, Instant started, List<Line> checks, boolean notStarted) {
        List<String> failures = checks.stream().filter(l -> !l.ok()).map(l -> l.what() + ": " + l.detail()).toList();
        JobReport.Outcome outcome = failures.isEmpty() ? JobReport.Outcome.SUCCESS
                : status(checks).bySignal() ? JobReport.Outcome.INTERRUPTED : JobReport.Outcome.FAILURE;
        JobReport report = new JobReport(job.name(), JobReport.Operation.CHECK, outcome, notStarted ? 0 : 1, started,
                Duration.between(started, ws.clock().instant()), Notifications.host(), null, 0,
                failures.isEmpty() ? null : String.join("\n", failures),
                failures.isEmpty() ? Redactor.redact(String.join("\n", checks.stream().map(l -> "ok " + l.what() + ": " + l.detail()).toList()))
                        : null, // a test report says what was checked
                job.datasource(), job.store(), Notifications.location(ws, job),
                status(checks), // the checks it reports; a notifier that fails to send it then fails the job with 2
                notStarted ? NextSteps.notStarted(ws, job, JobReport.Operation.CHECK)
                        : NextSteps.of(ws, job, JobReport.Operation.CHECK, outcome, null),
                Notifications.copyOf(ws, job));
        List<Line> out = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        job.notifyRules().forEach(r -> names.add(r.notifier()));
        if (names.isEmpty()) {
            out.add(new Line(job.name(), "notify", ExitStatus.OK, "the job names no notifier"));
        }
        for (String name : names) {
            NotifierConfig n = ws.config().notifiers().get(name);
            try {
                n.notifier().send(report, ws.clock());
                out.add(new Line(job.name(), "notifier " + name, ExitStatus.OK, "test report sent via " + n.notifier().describe()));
            } catch (Exception e) {
                DbBackupException d = e instanceof DbBackupException x ? x
                        : new DbBackupException(ExitStatus.SYSTEM_ERROR, "cannot send via " + n.notifier().describe() + ": "
                        + Notifications.reason(e)); // on one line, as a backup's summary and log give it
                out.add(failed(job, "notifier " + name, d));
            }
        }
        return out;
    }

    /**
     * A physical job's WAL archiving, end to end: the server closes its current segment and the check waits (up to
     * {@code walWait}) for that segment to arrive in the job's archive through the server's archive_command.
     */
    private Line walArchiving(JobConfig job, Workspace.Operation op) {
        long t0 = System.nanoTime();
        try {
            Engine.WalSwitch sw = ws.datasource(job.datasource()).engine().switchWal(op.context());
            if (sw == null || sw.segment().isEmpty()) {
                return new Line(job.name(), "wal archiving", ExitStatus.OK, sw == null ? "not archived by this engine" : sw.note());
            }
            String segment = sw.segment().get();
            WalArchive archive = new WalArchive(ws);
            long deadline = t0 + walWait.toNanos();
            while (!archive.isArchived(job, segment)) {
                if (op.context().cancellation().isCancelled()) { // a signal, not the wait's end: nothing is known of archiving
                    return interrupted(job, "wal archiving", "while waiting for WAL segment " + segment + " to arrive in "
                            + archive.walFolder(job) + ": WAL archiving was not checked");
                }
                if (System.nanoTime() > deadline) {
                    return new Line(job.name(), "wal archiving", ExitStatus.SYSTEM_ERROR, "the server closed WAL segment "
                            + segment + " but it did not arrive in " + archive.walFolder(job) + " within " + Human.settingSpaced(walWait)
                            + ": check the server's archive_command (dbbackup wal-push --job " + job.name()
                            + ") and its log; point-in-time recovery past the last archived segment is not possible");
                }
                Thread.sleep(500);
            }
            return new Line(job.name(), "wal archiving", ExitStatus.OK, "the server closed WAL segment " + segment
                    + "; archive_command brought it to " + archive.walFolder(job) + " in "
                    + String.format(java.util.Locale.ROOT, "%.1f s", (System.nanoTime() - t0) / 1e9));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return interrupted(job, "wal archiving", "while waiting for WAL archiving: it was not checked");
        } catch (IOException | RuntimeException e) {
            return cut(job, "wal archiving", Failures.map("cannot check WAL archiving", e));
        }
    }

    /** A copy job's source: its source job's backups, listed as the copy would list them (no database is reached). */
    private Line source(JobConfig job) {
        JobConfig source = ws.job(job.copyOf());
        Catalog catalog = new Catalog(ws);
        String where = catalog.store(source).describe() + " under " + catalog.folder(source);
        try {
            List<Catalog.Entry> backups = catalog.list(source);
            return new Line(job.name(), "source", ExitStatus.OK, "job '" + source.name() + "': " + (backups.isEmpty()
                    ? "no backups yet in " + where : io.dbbackup.core.Human.count(backups.size(), "backup") + " in " + where + ", the newest "
                    + backups.get(0).key().fileName()) + CredentialExpiry.note(catalog.store(source), ws.clock().instant()));
        } catch (RuntimeException e) {
            return cut(job, "source", Failures.map("cannot list the backups of job '" + source.name() + "' in " + where, e));
        }
    }

    private Line datasource(JobConfig job, Workspace.Operation op) {
        try {
            return new Line(job.name(), "datasource", ExitStatus.OK, ws.datasource(job.datasource()).engine().check(op.context()));
        } catch (IOException | RuntimeException e) {
            return cut(job, "datasource", Failures.map("cannot reach " + ws.datasource(job.datasource()).engine().describe(), e));
        }
    }

    /**
     * The datasource's note ({@link Engine#checkNote}, e.g. binlog position): an ok line, or a failed one (2) where a backup
     * would fail on what it found; a failure to read it fails it as the datasource's check.
     */
    private java.util.Optional<Line> note(JobConfig job, Workspace.Operation op) {
        Engine engine = ws.datasource(job.datasource()).engine();
        try {
            return engine.checkNote(op.context()).map(n -> new Line(job.name(), n.what(),
                    n.ok() ? ExitStatus.OK : ExitStatus.SYSTEM_ERROR, n.detail()));
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.of(cut(job, "datasource", Failures.map("cannot reach " + engine.describe(), e)));
        }
    }

    private Line store(JobConfig job, Workspace.Operation op) {
        Catalog catalog = new Catalog(ws);
        Store store = catalog.store(job);
        String key = catalog.folder(job) + PROBE_PREFIX + HexFormat.of().formatHex(bytes(8));
        byte[] content = bytes(4096);
        long t0 = System.nanoTime();
        boolean written = false;
        try {
            store.put(key, content, op.context());
            written = true;
            byte[] back;
            try (InputStream in = store.open(key)) {
                back = in.readAllBytes();
            }
            if (!Arrays.equals(back, content)) {
                throw DbBackupException.integrity(store.describe() + " gave back " + back.length + " bytes that differ from the "
                        + content.length + " written to " + key);
            }
            store.delete(key);
            written = false;
            return new Line(job.name(), "store", ExitStatus.OK, store.describe() + ": wrote, read back and deleted "
                    + key + " (" + (System.nanoTime() - t0) / 1_000_000 + " ms)" + CredentialExpiry.note(store, ws.clock().instant()));
        } catch (IOException | RuntimeException e) {
            String left = "";
            if (written) {
                try {
                    store.delete(key);
                } catch (IOException | RuntimeException again) {
                    left = " (the probe " + key + " may remain: it is never taken for a backup; delete it when the store works)";
                }
            }
            DbBackupException d = Failures.map("cannot write, read back and delete " + key + " in " + store.describe(), e);
            Line l = cut(job, "store", d);
            return new Line(l.job(), l.what(), l.status(), l.detail() + left);
        }
    }

    /**
     * A check of the datasource, store or WAL archiving that failed; once a signal came (it cancelled the check's tools
     * and transfers), one it interrupted.
     */
    private Line cut(JobConfig job, String what, DbBackupException e) {
        if (signal.get() != null) {
            return interrupted(job, what, "(" + Redactor.redact(e.getMessage()) + ")");
        }
        return failed(job, what, e);
    }

    private static Line failed(JobConfig job, String what, DbBackupException e) {
        return new Line(job.name(), what, e.status(), Redactor.redact(e.getMessage()));
    }

    /** {@code interrupted by SIGTERM WHEN}, with the signal's status (SIGINT's when none is known: a thread interrupted). */
    private Line interrupted(JobConfig job, String what, String when) {
        ExitStatus s = signal.get() == null ? ExitStatus.INTERRUPTED : signal.get();
        return new Line(job.name(), what, s, "interrupted by " + s.signal() + " " + when);
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
