package io.dbbackup.job;

import io.dbbackup.config.JobConfig;
import io.dbbackup.core.Human;
import io.dbbackup.core.Redactor;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * How exposed a failed backup job leaves us, the first line of its failure report's "what now" ({@link NextSteps}): the
 * newest good backup of the job in its store — one listed with its {@code .sha256} beside it and counted by retention
 * (not empty, not cut short: {@link Catalog#counts}, {@link Catalog#cutShort}) — with when it was taken (its key's
 * time) and how long ago; or none; or, when the store cannot be listed, why not. One listing of the job's folder (and
 * the manifest of the candidate, as prune reads it), bound by the store's own timeouts as every listing is; it never
 * throws: the report must go out, and the run's result and exit code stay what they were.
 */
final class NewestGoodBackup {
    private static final DateTimeFormatter TAKEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private NewestGoodBackup() {
    }

    /**
     * {@code newest good backup: KEY (taken 2026-12-07 03:00 UTC, 1d 02h ago)}, {@code newest good backup: none in STORE
     * under FOLDER}, or {@code newest good backup: unknown (the store could not be listed: REASON)}; redacted, one line.
     */
    static String line(Workspace ws, JobConfig job) {
        String said;
        try {
            said = lookUp(ws, job);
        } catch (RuntimeException e) { // whatever the store or the config throws: the report goes out all the same
            said = "unknown (the store could not be listed: " + Notifications.reason(e) + ")";
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
