package io.dbbackup.job;

import io.dbbackup.config.JobConfig;
import io.dbbackup.core.BackupKey;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.core.Human;
import io.dbbackup.core.Log;
import io.dbbackup.core.Redactor;
import io.dbbackup.pipeline.BackupResult;
import io.dbbackup.pipeline.Failures;
import io.dbbackup.retention.GfsPolicy;
import io.dbbackup.spi.JobReport;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Runs jobs: at most {@code parallel} at once, each independent of the others; each retried with
 * exponential backoff and jitter while its failures are transient; retention applied only after a
 * successful (and verified) backup; one notification per job run after its last attempt; a
 * failing notifier never changes a result. {@link #interrupt} (SIGTERM/SIGINT) cancels everything
 * that runs and skips what has not started.
 */
public final class JobRunner {
    /**
     * How a run goes: parallelism and whether to prune after each successful backup. {@code progress}: for a run of one
     * job on a terminal (a line per attempt); {@link Progress#NONE} otherwise. {@code pin}: pin each job's new backup with
     * this note before any pruning ({@link Pins}); null: none.
     */
    public record Options(int parallel, boolean prune, Progress progress, String pin) {
        public Options(int parallel, boolean prune, Progress progress) {
            this(parallel, prune, progress, null);
        }

        public Options(int parallel, boolean prune) {
            this(parallel, prune, Progress.NONE);
        }
    }

    /** How the runner waits between attempts (tests replace it). */
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final Workspace ws;
    private final Sleeper sleeper;
    private final LongSupplier random;
    private final Set<Workspace.Operation> running = ConcurrentHashMap.newKeySet();
    private final AtomicReference<ExitStatus> interruptedBy = new AtomicReference<>();
    /** When {@link #interrupt} came (System.nanoTime), for the bound on the wait for the jobs to stop. */
    private volatile long interruptedAt;
    /**
     * Per job: when it started and the attempts it began (none: it never began one), for the report of a job still
     * stopping when that bound is reached.
     */
    private final Map<String, Instant> startedAt = new ConcurrentHashMap<>();
    private final Map<String, Integer> attemptOf = new ConcurrentHashMap<>();
    /** The jobs whose outcome was notified (by their own thread, or by the run's for a job still stopping): once each. */
    private final Set<String> notified = ConcurrentHashMap.newKeySet();
    /**
     * After a signal, how long the run waits for a running job to stop before it reports it INTERRUPTED without it: a
     * thread inside a native call (zstd's multi-threaded compressor at level 19 waits for its workers' jobs of 32 MiB)
     * cannot be stopped, and a pod's grace period (30 s by default) must still see the summary and the notifications.
     */
    static final Duration STOP_WAIT = Duration.ofSeconds(10);
    private final Object sleepLock = new Object();
    /** The run's pool of job slots ({@code --parallel}), while it runs. */
    private volatile ThreadPoolExecutor slots;
    /**
     * At most this many more threads report the jobs that a signal stopped before they started: each only notifies, and
     * a mail relay or a webhook endpoint takes some dozen connections at once.
     */
    static final int MAX_SKIPPED_AT_ONCE = 16;

    public JobRunner(Workspace ws) {
        this(ws, null, () -> java.util.concurrent.ThreadLocalRandom.current().nextLong(Long.MAX_VALUE));
    }

    public JobRunner(Workspace ws, Sleeper sleeper, LongSupplier random) {
        this.ws = ws;
        this.sleeper = sleeper;
        this.random = random;
    }

    public RunSummary run(List<JobConfig> jobs, Options requested) {
        notified.clear(); // a runner may run again (tests): each run notifies each of its jobs once
        startedAt.clear();
        attemptOf.clear();
        // one progress line cannot show several jobs
        Options options = jobs.size() == 1 ? requested : new Options(requested.parallel(), requested.prune(), Progress.NONE,
                requested.pin());
        int threads = Math.max(1, Math.min(options.parallel(), jobs.size()));
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "job");
            t.setDaemon(true);
            return t;
        });
        slots = pool;
        ThreadPoolExecutor notifiers = notifiers(threads);
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "job-timeout");
            t.setDaemon(true);
            return t;
        });
        try {
            // copy jobs after the jobs that dump: a copy job waits for its source if it runs too, so that tonight's
            // backup is copied tonight (the queue is first in, first out: a source has started when its copy starts)
            List<JobConfig> ordered = new ArrayList<>(jobs.stream().filter(j -> !j.isCopy()).toList());
            ordered.addAll(jobs.stream().filter(JobConfig::isCopy).toList());
            Map<String, Future<JobOutcome>> byName = new HashMap<>();
            List<Future<JobOutcome>> futures = new ArrayList<>();
            for (JobConfig job : ordered) {
                Future<JobOutcome> source = job.isCopy() ? byName.get(job.copyOf()) : null;
                CompletableFuture<JobOutcome> f = new CompletableFuture<>();
                pool.execute(() -> {
                    try (Log.Tagging tag = Log.tag("job", job.name())) { // every line said for it, through any log
                        awaitSource(source);
                        JobOutcome o = runJob(job, options, timers);
                        if (!notified.add(job.name())) {
                            f.complete(o); // the run reported it already, as still stopping after a signal
                            return;
                        }
                        notifiers.execute(() -> report(job, o, f)); // the slot is free for the next job meanwhile
                    } catch (Throwable e) {
                        f.completeExceptionally(e);
                    }
                });
                byName.put(job.name(), f);
                futures.add(f);
            }
            if (interruptedBy.get() != null) {
                releaseWaiting(); // the signal came while the jobs were being queued
            }
            List<JobOutcome> outcomes = new ArrayList<>();
            List<JobConfig> stuck = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                try {
                    JobOutcome o = await(futures.get(i), ordered.get(i).name());
                    if (o == null) {
                        stuck.add(ordered.get(i));
                    }
                    outcomes.add(o);
                } catch (ExecutionException e) {
                    outcomes.add(failed(ordered.get(i).name(), Instant.now(), 0,
                            Failures.map("job " + ordered.get(i).name() + " crashed", e.getCause()), false));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    interrupt(ExitStatus.INTERRUPTED);
                }
            }
            if (!stuck.isEmpty()) {
                reportStuck(stuck, outcomes, byName);
            }
            return new RunSummary(outcomes, interruptedBy.get());
        } finally {
            slots = null;
            pool.shutdownNow();
            notifiers.shutdownNow();
            timers.shutdownNow();
        }
    }

    /**
     * The outcome of {@code f}, job {@code name}'s; once a signal came, waits at most until {@link #STOP_WAIT} after it, then
     * returns null (the job is still stopping) — unless the job has stopped and its report is being sent: that is
     * waited for (each notifier's send has its own bound, twice its timeout), as a job that stopped at once and whose report
     * went to a slow server was otherwise called still stopping and its report cut off by the exit.
     */
    private JobOutcome await(Future<JobOutcome> f, String name) throws ExecutionException, InterruptedException {
        while (true) {
            long at = interruptedAt; // 0: no signal yet
            long wait = at == 0 ? 200_000_000L : at + STOP_WAIT.toNanos() - System.nanoTime();
            if (at != 0 && wait <= 0) {
                if (notified.contains(name)) {
                    return f.get(); // it stopped; its report is on its way
                }
                return f.isDone() ? f.get() : null;
            }
            try {
                return f.get(wait, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // a signal may have come meanwhile: the next round bounds the wait
            }
        }
    }

    /**
     * Reports and notifies, side by side, the jobs a signal stopped that did not stop within {@link #STOP_WAIT} (their
     * threads stay inside a call that cannot be interrupted; the process exits after the summary). Nothing of theirs was
     * committed: a job commits only after its cancellation was checked, and it was cancelled. Their upload is left
     * unfinished (a local temporary file, an S3 multipart upload, uncommitted Azure blocks), which prune's clean-up of
     * abandoned uploads removes.
     */
    private void reportStuck(List<JobConfig> stuck, List<JobOutcome> outcomes, Map<String, Future<JobOutcome>> byName) {
        ws.log().warn("jobs still stopping " + STOP_WAIT.toSeconds() + "s after the signal; reporting them as interrupted "
                + "without waiting for them", "jobs", String.join(",", stuck.stream().map(JobConfig::name).toList()));
        List<java.util.concurrent.CompletableFuture<JobOutcome>> reports = new ArrayList<>();
        for (JobConfig job : stuck) {
            Instant started = startedAt.getOrDefault(job.name(), ws.clock().instant());
            // 0: it never began an attempt (a copy job still waiting for its stuck source job): a job the signal kept
            // from starting, which uploaded nothing, not one still stopping
            int attempts = attemptOf.getOrDefault(job.name(), 0);
            JobOutcome o = attempts == 0 ? interrupted(job.name(), started, 0, "before it started: nothing was written", null)
                    : interrupted(job.name(), started, attempts, "the backup was not finished: the job was still stopping "
                    + STOP_WAIT.toSeconds() + " s after the signal, its unfinished upload is left for prune's clean-up of "
                    + "abandoned uploads", null);
            Thread[] t = new Thread[1];
            Future<JobOutcome> own = byName.get(job.name());
            reports.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                if (notified.add(job.name())) {
                    return send(job, o);
                }
                return ownReport(own, o); // it stopped just now and its own thread reports it
            }, r -> {
                t[0] = new Thread(r, "report-" + job.name());
                t[0].setDaemon(true);
                t[0].start();
            }));
        }
        int k = 0;
        for (int i = 0; i < outcomes.size(); i++) {
            if (outcomes.get(i) == null) {
                outcomes.set(i, reports.get(k++).join());
            }
        }
    }

    /**
     * The outcome of a job that stopped after the run had called it still stopping and whose own thread is sending its
     * report ({@code own}, bounded by the notifiers' own limits), else {@code stuck}, the run's report of it.
     */
    private static JobOutcome ownReport(Future<JobOutcome> own, JobOutcome stuck) {
        try {
            JobOutcome o = own.get();
            return o == null ? stuck : o;
        } catch (ExecutionException e) {
            return stuck;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return stuck;
        }
    }

    /**
     * Waits until {@code source} (the run of a copy job's source job in the same run, or null) is over, whatever its
     * outcome: a failed backup leaves older ones that the copy may still lack.
     */
    private static void awaitSource(Future<JobOutcome> source) throws InterruptedException {
        if (source == null) {
            return;
        }
        try {
            source.get();
        } catch (ExecutionException e) {
            // reported with the source job
        }
    }

    /** Cancels running jobs (their dump processes are killed, uploads aborted); jobs not started are skipped. */
    public void interrupt(ExitStatus why) {
        long now = System.nanoTime();
        if (!interruptedBy.compareAndSet(null, why)) {
            return;
        }
        interruptedAt = now == 0 ? 1 : now;
        ws.log().warn("interrupted: cancelling running jobs", "signal", why.signal());
        for (Workspace.Operation op : running) {
            op.cancellation().cancel(why.label());
        }
        synchronized (sleepLock) {
            sleepLock.notifyAll();
        }
        releaseWaiting();
    }

    /**
     * After a signal, the jobs still queued for a slot start at once, side by side, on more threads: each of them only
     * reports that it did not start and notifies (a copy job first waits for its source, which is ahead of it in the
     * queue). Left in the queue, they went through the {@code --parallel} slots one round after another, each round as
     * long as a notification (40 jobs at --parallel 2 and a 2 s mail: 40 s), past a pod's grace period, which then killed
     * the run before its summary and its last notifications.
     */
    private synchronized void releaseWaiting() {
        ThreadPoolExecutor pool = slots;
        if (pool == null || pool.isShutdown()) {
            return;
        }
        int waiting = pool.getQueue().size();
        if (waiting == 0) {
            return;
        }
        int size = pool.getMaximumPoolSize() + Math.min(waiting, MAX_SKIPPED_AT_ONCE);
        pool.setMaximumPoolSize(size);
        pool.setCorePoolSize(size); // starts the new threads now, for the queued jobs
    }

    private JobOutcome runJob(JobConfig job, Options options, ScheduledExecutorService timers) {
        Instant started = ws.clock().instant();
        int attempt = 0;
        DbBackupException last = null; // the failure of the attempt before, which an interruption must not hide
        startedAt.put(job.name(), started);
        while (true) {
            attempt++;
            if (interruptedBy.get() != null) {
                JobOutcome o = interrupted(job.name(), started, attempt - 1, attempt == 1
                        ? "before it started: nothing was written" : "before its next attempt: nothing more was written", last);
                return o;
            }
            attemptOf.put(job.name(), attempt); // the attempts it began, for reportStuck
            DbBackupException failure;
            ReadBack.StoredNotReadBack kept = null; // a backup stored whose read-back a timeout or a signal stopped
            try (Workspace.Operation op = ws.operation(job.name())) {
                running.add(op);
                ExitStatus signalled = interruptedBy.get();
                if (signalled != null) {
                    op.cancellation().cancel(signalled.label()); // the signal came between the check above and add()
                }
                ScheduledFuture<?> timeout = job.timeout() == null ? null : timers.schedule(
                        () -> op.cancellation().cancel("timeout"), job.timeout().toMillis(), TimeUnit.MILLISECONDS);
                try {
                    BackupResult result;
                    String done = null; // a copy job's account of what it did (its size is its newest copy's)
                    if (job.isCopy()) {
                        Copier.Result copy = new Copier(ws).run(job, op.context(job.name()), options.progress());
                        result = copy.backup();
                        done = Redactor.redact(String.join("\n", copy.notes()));
                    } else {
                        result = new BackupJob(ws).run(job, op.context(job.name()), options.progress());
                    }
                    JobOutcome o = new JobOutcome(job.name(), ExitStatus.OK, attempt, started,
                            Duration.between(started, ws.clock().instant()), result.key().key(), result.size(), null, done, false);
                    if (options.pin() != null) {
                        o = pin(job, o, result.key(), options.pin());
                    }
                    if (options.prune() && o.succeeded()) {
                        o = prune(job, o);
                    }
                    if (o.succeeded() && !job.isCopy() && !options.prune()) { // a prune that ran refused such backups already
                        o = behindOthers(job, o, result.key());
                    }
                    return o;
                } catch (RuntimeException | OutOfMemoryError e) {
                    // an OutOfMemoryError fails this job as any failure does: reported, notified, exit 2 (never 3)
                    failure = Failures.map("job " + job.name() + " failed", e);
                    kept = ReadBack.StoredNotReadBack.in(e);
                    if ("timeout".equals(op.cancellation().reason())) {
                        failure = new DbBackupException(ExitStatus.SYSTEM_ERROR, "job " + job.name() + " timed out after "
                                + Human.setting(job.timeout()) + (kept == null ? "" : "; " + notReadBack(job, kept)), e, false);
                    }
                } finally {
                    if (timeout != null) {
                        timeout.cancel(false);
                    }
                    running.remove(op);
                }
            }
            if (interruptedBy.get() != null) {
                JobOutcome o = interrupted(job.name(), started, attempt, kept == null ? "the partial backup was discarded"
                        : "the " + notReadBack(job, kept), null);
                return stored(o, kept);
            }
            boolean again = failure.retryable() && attempt < job.retry().maxAttempts();
            ws.log().error(failure.getMessage(), "job", job.name(), "attempt", attempt + "/" + job.retry().maxAttempts(),
                    "retry", again);
            if (!again) {
                JobOutcome o = failed(job.name(), started, attempt, failure, false);
                return stored(o, kept);
            }
            last = failure;
            Duration pause = jittered(job.retry().delayAfter(attempt));
            ws.log().info("retrying", "job", job.name(), "in", pause.toMillis() + "ms");
            try {
                sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                JobOutcome o = interrupted(job.name(), started, attempt, "while waiting to retry: nothing more was written",
                        failure);
                return o;
            }
        }
    }

    /** What became of a backup stored whose read-back was stopped: it stays, and how to read it back. */
    private String notReadBack(JobConfig job, ReadBack.StoredNotReadBack kept) {
        return "backup was stored as " + kept.key.key() + " but its read-back was stopped: it stays, not read back ("
                + ws.suggest("verify", job.name(), kept.key.fileName()) + " reads it)";
    }

    /** {@code o} naming the backup that stayed stored ({@code kept}; null: none), as a failure after a stored backup does. */
    private static JobOutcome stored(JobOutcome o, ReadBack.StoredNotReadBack kept) {
        if (kept == null) {
            return o;
        }
        return new JobOutcome(o.job(), o.status(), o.attempts(), o.started(), o.duration(), kept.key.key(), kept.size,
                o.error(), o.detail(), o.pruned());
    }

    /** {@code backup --pin}: the pin after a stored backup; its failure fails the job (no prune) but never causes another backup. */
    private JobOutcome pin(JobConfig job, JobOutcome o, BackupKey key, String note) {
        try {
            new Pins(ws).pin(job, key, note);
            return o;
        } catch (RuntimeException e) {
            DbBackupException cause = Failures.map("pinning failed", e);
            DbBackupException f = new DbBackupException(cause.status(), "backup stored as " + o.key() + " but pinning failed "
                    + "(nothing pruned): " + cause.getMessage(), cause, false);
            ws.log().error(f.getMessage(), "job", job.name());
            return new JobOutcome(o.job(), f.status(), o.attempts(), o.started(),
                    Duration.between(o.started(), ws.clock().instant()), o.key(), o.size(), Redactor.redact(f.getMessage()),
                    "", false);
        }
    }

    /**
     * A backup stored while others of its job are dated more than {@link Pruner#CLOCK_SKEW} after this host's clock (so
     * after it): this host's clock is behind (an RTC reset to 2001, a VM restored from a snapshot), or theirs was ahead. Under its earlier key this backup,
     * the newest data, ranks below them: once the clock is right again, restore and verify without a KEY take an older
     * one, and retention deletes this one first, all without a word. Only now can that be seen, so the job fails (the
     * backup stays stored; nothing else is done): a human decides which clock was wrong. A listing that fails says
     * nothing (the backup itself is sound); {@code backup --prune} already failed on the same backups.
     */
    private JobOutcome behindOthers(JobConfig job, JobOutcome o, BackupKey stored) {
        List<BackupKey> ahead;
        try {
            Instant now = ws.clock().instant(); // not the key's time: a backup another run stored meanwhile is no clock fault
            ahead = new Catalog(ws).list(job).stream().map(Catalog.Entry::key).filter(k -> Pruner.datedAhead(k, now)).toList();
        } catch (RuntimeException e) {
            ws.log().debug("cannot list the job's backups to compare their dates with this one's", "job", job.name(),
                    "error", Redactor.redact(String.valueOf(e.getMessage())));
            return o;
        }
        if (ahead.isEmpty()) {
            return o;
        }
        BackupKey latest = ahead.stream().max(java.util.Comparator.comparing(BackupKey::timestamp)).orElseThrow();
        String message = "backup stored as " + o.key() + " but " + ahead.size()
                + (ahead.size() == 1 ? " backup of job " + job.name() + " is" : " backups of job " + job.name() + " are")
                + " dated after it (latest " + latest.fileName() + ", " + Human.age(Duration.between(stored.timestamp(),
                latest.timestamp())) + " later): this host's clock is behind, or the clock that named "
                + (ahead.size() == 1 ? "that one" : "those") + " ran ahead. Ranked by its key, this backup (the newest data) "
                + "would be passed over by restore and verify without a KEY, and deleted first by retention: if this host's "
                + "clock is behind, set it right (NTP) and back up again; if that clock ran ahead, move "
                + (ahead.size() == 1 ? "that backup" : "those backups") + " out of the job's folder. Until then, restore "
                + "this one by its KEY";
        ws.log().error(message, "job", job.name());
        return new JobOutcome(o.job(), ExitStatus.SYSTEM_ERROR, o.attempts(), o.started(),
                Duration.between(o.started(), ws.clock().instant()), o.key(), o.size(), Redactor.redact(message), "",
                o.pruned());
    }

    /** Retention after a stored backup; its failure fails the job but never causes another backup. */
    private JobOutcome prune(JobConfig job, JobOutcome o) {
        try {
            Pruner.Result r = new Pruner(ws).prune(job, false, o.key());
            // backups dated later (a clock ahead, within the tolerated skew, or an overlapping run's) outrank it: the
            // rules alone delete it. This never fires for a copy job: Pruner.prune drops its storedKey (it stores no
            // backup), nothing is STORED
            r.decision().keep().stream().filter(k -> k.backup().key().equals(o.key())
                    && k.reasons().equals(java.util.List.of(GfsPolicy.STORED))).findFirst()
                    .ifPresent(k -> ws.log().warn(Pruner.keptStored(k.backup(), r.decision(), ws.clock().instant()),
                            "job", job.name(), "key", o.key()));
            return new JobOutcome(o.job(), o.status(), o.attempts(), o.started(),
                    Duration.between(o.started(), ws.clock().instant()), o.key(), o.size(), null, o.detail(), true);
        } catch (RuntimeException e) {
            DbBackupException cause = Failures.map("pruning failed", e);
            // said whatever the cause's own words: the summary must not read as if the backup was lost
            DbBackupException f = new DbBackupException(cause.status(), "backup stored as " + o.key() + " but pruning failed: "
                    + cause.getMessage(), cause, false);
            ws.log().error(f.getMessage(), "job", job.name());
            return new JobOutcome(o.job(), f.status(), o.attempts(), o.started(),
                    Duration.between(o.started(), ws.clock().instant()), o.key(), o.size(), Redactor.redact(f.getMessage()),
                    "", false);
        }
    }

    /** "Equal jitter": between half and all of the backoff delay, so parallel retries spread out. */
    private Duration jittered(Duration d) {
        long ms = d.toMillis();
        if (ms <= 1) {
            return d;
        }
        long half = ms / 2;
        return Duration.ofMillis(half + Math.floorMod(random.getAsLong(), ms - half + 1));
    }

    private void sleep(Duration d) throws InterruptedException {
        if (sleeper != null) {
            sleeper.sleep(d);
            return;
        }
        long end = System.nanoTime() + d.toNanos();
        synchronized (sleepLock) {
            while (interruptedBy.get() == null) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(sleepLock, left);
            }
        }
    }

    private JobOutcome failed(String job, Instant started, int attempts, DbBackupException e, boolean pruned) {
        return new JobOutcome(job, e.status(), attempts, started, Duration.between(started, ws.clock().instant()), null, 0,
                Redactor.redact(e.getMessage()), Redactor.redact(Failures.detail(e)), pruned);
    }

    /**
     * {@code what}: what became of the job ("the partial backup was discarded", "before it started: ..."); {@code last}:
     * the failure of the attempt before, when it was waiting to retry (its error and tool output stay in the report:
     * on-call must see why the job was retrying, not only that a deadline stopped it).
     */
    private JobOutcome interrupted(String job, Instant started, int attempts, String what, DbBackupException last) {
        ExitStatus why = interruptedBy.get() == null ? ExitStatus.INTERRUPTED : interruptedBy.get();
        String signal = "interrupted by " + why.signal();
        String error = signal + (what.startsWith("the ") ? "; " : " ") + what;
        if (last != null) {
            error += "; attempt " + attempts + " had failed: " + last.getMessage();
        }
        return new JobOutcome(job, why, attempts, started, Duration.between(started, ws.clock().instant()), null, 0,
                Redactor.redact(error), last == null ? "" : Redactor.redact(Failures.detail(last)), false);
    }

    /**
     * The threads that send the jobs' reports, outside the {@code --parallel} slots: a slow mail relay (each send is bound
     * by twice its notifier's timeout) held a slot that long after its job's backup was done, and every job queued behind
     * it waited. At most {@code slots} + {@link #MAX_SKIPPED_AT_ONCE} at once (a relay takes some dozen connections);
     * beyond that a job's own slot thread sends its report, as before.
     */
    private static ThreadPoolExecutor notifiers(int slots) {
        ThreadPoolExecutor notifiers = new ThreadPoolExecutor(0, slots + MAX_SKIPPED_AT_ONCE, 10, TimeUnit.SECONDS,
                new java.util.concurrent.SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "job-report");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
        return notifiers;
    }

    /** Sends job {@code job}'s outcome {@code o} (its report claimed in {@link #notified}) and completes {@code f} with it. */
    private void report(JobConfig job, JobOutcome o, CompletableFuture<JobOutcome> f) {
        try (Log.Tagging tag = Log.tag("job", job.name())) {
            f.complete(send(job, o));
        } catch (Throwable e) {
            f.completeExceptionally(e);
        }
    }

    /**
     * Sends job {@code job}'s outcome {@code o} to its notifiers, whose report this thread has claimed ({@link #notified}).
     * A failure's "what now" starts with the job's newest good backup ({@link NewestGoodBackup}): looked up here, once per
     * failed job after its last attempt, never for a success or an interruption (a signal's grace period is short).
     */
    private JobOutcome send(JobConfig job, JobOutcome o) {
        // a job the signal kept from starting: it never started, not a backup that stored nothing
        String next = o.status().bySignal() && o.attempts() == 0 ? NextSteps.notStarted(ws, job, JobReport.Operation.BACKUP)
                : NextSteps.of(ws, job, JobReport.Operation.BACKUP, outcomeOf(o), o.key());
        if (outcomeOf(o) == JobReport.Outcome.FAILURE && Notifications.anyShowingTextFor(ws, job, false)) { // no store call for no reader
            next = NewestGoodBackup.line(ws, job) + (next == null ? "" : "\n" + next);
        }
        return o.withNotifyFailed(Notifications.send(ws, job, new JobReport(job.name(), JobReport.Operation.BACKUP, outcomeOf(o),
                o.attempts(), o.started(), o.duration(), Notifications.host(), o.key(), o.size(), o.error(), o.detail(), job.datasource(),
                job.store(), Notifications.location(ws, job), o.status(), next, Notifications.copyOf(ws, job))));
    }

    private static JobReport.Outcome outcomeOf(JobOutcome o) {
        if (o.succeeded()) {
            return JobReport.Outcome.SUCCESS;
        }
        return o.status().bySignal() ? JobReport.Outcome.INTERRUPTED : JobReport.Outcome.FAILURE;
    }

}
