package io.dbbackup.job;

import io.dbbackup.config.JobConfig;
import io.dbbackup.core.Human;
import io.dbbackup.core.Redactor;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How exposed a failed backup job leaves us, the first line of its failure report's "what now" ({@link NextSteps}): the
 * newest good backup of the job in its store — one listed with its {@code .sha256} beside it and counted by retention
 * (not empty, not cut short: {@link Catalog#counts}, {@link Catalog#cutShort}) — with when it was taken (its key's
 * time) and how long ago; or none; or, when the store cannot be listed, why not. One listing of the job's folder (and
 * the manifest of the candidate, as prune reads it), waited for at most {@link #WAIT}: the failure may be the store's own
 * (a black-holed host whose timeouts the backup has just waited out), and the report must not wait them out again. It
 * never throws but an {@link Error}: the report must go out, and the run's result and exit code stay what they were.
 */
final class NewestGoodBackup {
    private static final DateTimeFormatter TAKEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /** How long a failure's report waits for the store's listing before it says the store did not answer. */
    static final Duration WAIT = Duration.ofSeconds(20);

    private NewestGoodBackup() {
    }

    /**
     * {@code newest good backup: KEY (taken 2026-12-07 03:00 UTC, 1d 02h ago)}, {@code newest good backup: none in STORE
     * under FOLDER}, or {@code newest good backup: unknown (the store could not be listed: REASON)}; redacted, one line.
     */
    static String line(Workspace ws, JobConfig job) {
        return line(ws, job, WAIT);
    }

    /**
     * {@link #line(Workspace, JobConfig)}, the listing on its own daemon thread waited for at most {@code wait}; one that
     * does not answer by then is interrupted and left (a request deaf to interrupts ends with its own timeout, or the
     * process).
     */
    static String line(Workspace ws, JobConfig job, Duration wait) {
        CompletableFuture<String> looked = new CompletableFuture<>();
        Thread lister = new Thread(() -> {
            try {
                looked.complete(lookUp(ws, job));
            } catch (Throwable e) {
                looked.completeExceptionally(e);
            }
        }, "newest-good-backup-" + job.name());
        lister.setDaemon(true);
        lister.start();
        String said;
        try {
            said = looked.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            if (!(e.getCause() instanceof Exception failed)) {
                throw new IllegalStateException(e.getCause());
            }
            // whatever the store or the config throws: the report goes out all the same
            said = "unknown (the store could not be listed: " + Notifications.reason(failed) + ")";
        } catch (TimeoutException e) {
            lister.interrupt();
            said = "unknown (the store did not answer its listing within " + wait.toSeconds() + " s)";
        } catch (InterruptedException e) {
            lister.interrupt();
            Thread.currentThread().interrupt();
            said = "unknown (the run was interrupted while the store was listed)";
        }
        return Redactor.redact("newest good backup: " + said.replaceAll("\\s+", " ").strip());
    }

    private static String lookUp(Workspace ws, JobConfig job) {
        Catalog catalog = new Catalog(ws);
        Instant now = ws.clock().instant();
        for (Catalog.Entry e : catalog.list(job)) { // newest first
            if (e.checksum() && Catalog.counts(e) && catalog.cutShort(job, e).isEmpty()) {
                return e.key().key() + " (taken " + TAKEN.format(e.key().timestamp()) + ", "
                        + Human.age(Duration.between(e.key().timestamp(), now)) + " ago)";
            }
        }
        return "none in " + catalog.store(job).describe() + " under " + catalog.folder(job);
    }
}
