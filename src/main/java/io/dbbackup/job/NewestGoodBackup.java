package io.dbbackup.job;

import io.dbbackup.config.JobConfig;
import io.dbbackup.config.StoreConfig;
import io.dbbackup.core.Human;
import io.dbbackup.core.Redactor;
import io.dbbackup.spi.Store;

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
 * never throws but a {@link VirtualMachineError} (see {@link #line(Workspace, JobConfig, Duration)}): the report must go
 * out, and the run's result and exit code stay what they were.
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
     * {@link #line(Workspace, JobConfig)}, the listing on its own daemon thread ({@link #THREAD} and the job's name), through
     * its own instance of the job's store where the config can make one, waited for at most {@code wait}. One that does
     * not answer by then is interrupted and its store instance closed (a request deaf to interrupts ends with its
     * connection), so that a run of many jobs does not carry a stuck listing from one job to the next; the store the
     * run's other jobs share is never closed under them. Whatever the listing throws says {@code unknown (…)} and the
     * report goes out — a {@link LinkageError} or a {@link StackOverflowError} from a store plugin included, which end
     * the listing's own thread and leave the JVM sound; a {@link VirtualMachineError} other than a stack overflow (out of
     * memory, an internal error) says the JVM itself is unsound, and is thrown on, as anywhere else.
     */
    static String line(Workspace ws, JobConfig job, Duration wait) {
        Store own = ownStore(ws, job);
        CompletableFuture<String> looked = new CompletableFuture<>();
        Thread lister = new Thread(() -> {
            try {
                looked.complete(lookUp(ws, job, own));
            } catch (Throwable e) {
                looked.completeExceptionally(e);
            }
        }, THREAD + job.name());
        lister.setDaemon(true);
        lister.start();
        String said;
        try {
            said = looked.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable failed = e.getCause();
            if (failed instanceof VirtualMachineError vm && !(vm instanceof StackOverflowError)) {
                throw vm;
            }
            // whatever the store, its plugin or the config throws: the report goes out all the same
            said = "unknown (the store could not be listed: " + reason(failed) + ")";
        } catch (TimeoutException e) {
            said = "unknown (the store did not answer its listing within " + wait.toSeconds() + " s)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            said = "unknown (the run was interrupted while the store was listed)";
        } finally {
            lister.interrupt(); // ended, or to end now: it is not waited for
            close(own);
        }
        return Redactor.redact("newest good backup: " + said.replaceAll("\\s+", " ").strip());
    }

    /** The prefix of the listing thread's name, the job's name after it. */
    static final String THREAD = "newest-good-backup-";

    /** Another instance of the job's store for this one listing, or null to list through the shared one. */
    private static Store ownStore(Workspace ws, JobConfig job) {
        StoreConfig configured = ws.config().stores().get(job.store());
        if (configured == null || configured.another() == null) {
            return null;
        }
        try {
            return configured.another().get();
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            return null; // the shared one then: its listing says what is wrong, if anything
        }
    }

    private static void close(Store own) {
        if (own == null) {
            return;
        }
        try {
            own.close();
        } catch (Exception | LinkageError | StackOverflowError e) {
            // the report goes out all the same; its connection ends with the process at the latest
        }
    }

    /** An exception's message; an {@link Error}'s type too (a {@code NoClassDefFoundError}'s message is a bare class name). */
    private static String reason(Throwable failed) {
        if (failed instanceof Exception e) {
            return Notifications.reason(e);
        }
        String m = failed.getMessage();
        return failed.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m.strip());
    }

    private static String lookUp(Workspace ws, JobConfig job, Store own) {
        Catalog catalog = new Catalog(ws, job.store(), own);
        Instant now = ws.clock().instant();
        for (Catalog.Entry e : catalog.list(job)) { // newest first
            if (e.checksum() && Catalog.counts(e) && catalog.cutShort(job, e).isEmpty()) {
                return e.key().key() + " (taken " + TAKEN.format(e.key().timestamp()) + ", "
                        + Human.ago(Duration.between(e.key().timestamp(), now)) + ")";
            }
        }
        return "none in " + catalog.store(job).describe() + " under " + catalog.folder(job);
    }
}
