package io.dbbackup.job;

import io.dbbackup.config.JobConfig;
import io.dbbackup.core.BackupKey;
import io.dbbackup.core.Human;
import io.dbbackup.core.UnfinishedUpload;
import io.dbbackup.core.WalKey;
import io.dbbackup.pipeline.Failures;
import io.dbbackup.spi.Store;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Uploads a killed process left in a job's store (temporary files, incomplete S3 multipart uploads): those of the
 * job's own keys (its backups, their sidecars, its archived WAL) not written to for {@link #AFTER}. An upload in
 * progress, another run's or a WAL push's, is written to all the time and is never one. Looking for them and
 * removing them is housekeeping: a failure is a warning, never a failed prune.
 * <p>
 * An upload's last write is dated by the store's clock, so its age is judged against the store's clock too: against
 * this host's clock, but never later than the newest write the store dated (in the job's folder listing or among its
 * uploads). A host whose clock runs a day ahead would otherwise take every upload in progress for abandoned.
 */
public final class AbandonedUploads {
    /** How long an upload must have gone unwritten to be taken as abandoned. */
    public static final Duration AFTER = Duration.ofHours(24);

    private final Workspace ws;
    private final Catalog catalog;

    public AbandonedUploads(Workspace ws, Catalog catalog) {
        this.ws = ws;
        this.catalog = catalog;
    }

    /**
     * The job's abandoned uploads; none, with a warning, when the store cannot list them. {@code listing}: the job's
     * folder as just listed, whose newest write tells the store's clock.
     */
    List<UnfinishedUpload> find(JobConfig job, Catalog.Listing listing) {
        return find(job, listing, true);
    }

    /**
     * What {@code list} tells of them: one warning line when there are any (a killed run's partial objects, which
     * the store keeps and may bill for, and which prune removes), nothing otherwise. A store that cannot list them
     * (no ListMultipartUploads permission) stays quiet here: listing backups does not need that permission.
     */
    public void mention(JobConfig job, Catalog.Listing listing) {
        List<UnfinishedUpload> found = find(job, listing, false);
        if (found.isEmpty()) {
            return;
        }
        long bytes = found.stream().mapToLong(UnfinishedUpload::size).sum();
        Instant last = found.stream().map(UnfinishedUpload::lastWrite).max(Instant::compareTo).orElseThrow();
        ws.log().warn(found.size() + (found.size() == 1 ? " abandoned upload" : " abandoned uploads") + " of "
                + Human.size(bytes) + " (a killed run's partial objects, kept by the store) in "
                + catalog.store(job).describe()
                + "; prune removes them (" + ws.suggest("prune", job.name()) + ")", "job", job.name(), "bytes", bytes,
                "last_write", last);
    }

    private List<UnfinishedUpload> find(JobConfig job, Catalog.Listing listing, boolean pruning) {
        Store store = catalog.store(job);
        List<UnfinishedUpload> unfinished;
        try {
            unfinished = store.listUnfinished(catalog.folder(job));
        } catch (IOException | RuntimeException e) {
            String why = Failures.map("cannot look for abandoned uploads in " + store.describe(), e).getMessage();
            if (pruning) {
                ws.warnAbout(job, catalog.folder(job), why);
            } else {
                ws.log().debug(why, "job", job.name());
            }
            return List.of();
        }
        List<UnfinishedUpload> ours = unfinished.stream().filter(u -> ours(job, u.key())).toList();
        Instant local = ws.clock().instant();
        Instant storeNewest = Stream.concat(listing.newestWrite().stream(), unfinished.stream().map(UnfinishedUpload::lastWrite))
                .max(Instant::compareTo).orElse(local);
        Instant cutoff = (storeNewest.isBefore(local) ? storeNewest : local).minus(AFTER);
        long heldBack = ours.stream().filter(u -> u.lastWrite().isAfter(cutoff) && !u.lastWrite().isAfter(local.minus(AFTER))).count();
        if (heldBack > 0) {
            String what = heldBack + (heldBack == 1 ? " upload" : " uploads") + " unwritten for "
                    + AFTER.toHours() + " h by this host's clock but not by the store's (its newest write is at " + storeNewest
                    + "): left until a later write shows " + (heldBack == 1 ? "it" : "them") + " a day old (this host's "
                    + "clock may be ahead, or nothing newer was written there since)";
            if (pruning) {
                ws.log().info(what, "job", job.name());
            } else {
                ws.log().debug(what, "job", job.name());
            }
        }
        return ours.stream().filter(u -> !u.lastWrite().isAfter(cutoff)).toList();
    }

    /**
     * Warns of each object of the job's that a replacement set aside and a killed process left ({@link Store#listSetAside}),
     * with where it is and what to do; removes none: killed before the new object was in, it is the key's only copy.
     * A store that cannot list them is a debug line (housekeeping, as the rest here). Returns the job's, for the output.
     */
    public List<UnfinishedUpload> warnSetAside(JobConfig job) {
        Store store = catalog.store(job);
        List<UnfinishedUpload> aside;
        try {
            aside = store.listSetAside(catalog.folder(job));
        } catch (IOException | RuntimeException e) {
            ws.log().debug(Failures.map("cannot look for set-aside objects in " + store.describe(), e).getMessage(),
                    "job", job.name());
            return List.of();
        }
        List<UnfinishedUpload> ours = new ArrayList<>();
        for (UnfinishedUpload a : aside) {
            if (!ours(job, a.key())) {
                continue;
            }
            Boolean held;
            try {
                held = store.stat(a.key()).isPresent();
            } catch (IOException | RuntimeException e) {
                held = null;
            }
            String where = " (" + Human.size(a.size()) + ", " + a.lastWrite() + ") in " + store.describe();
            String what = held == null
                    ? "a run killed while replacing " + a.key() + " left its previous object set aside as " + a.name() + where
                    + "; if " + a.key() + " holds no object, rename the set-aside one back to it, else delete it"
                    : held
                    ? "a run killed while replacing " + a.key() + " left the previous object set aside as " + a.name() + where
                    + "; " + a.key() + " holds the newer one: delete the set-aside one once it is not needed"
                    : a.key() + " holds no object: a run killed while replacing it left its previous object set aside as "
                    + a.name() + where + ", its only copy: rename it back to " + a.key();
            ws.warnAboutOne(job, "runs killed while replacing backups left their previous objects set aside, maybe a "
                    + "key's only copy (dbbackup never removes them; " + ws.suggest("list", "JOB") + " names them and "
                    + "what to do with each)", what + " (dbbackup never removes it)", "key", a.key(), "set_aside", a.name());
            ours.add(a);
        }
        return ours;
    }

    /** Removes each; those that could not be removed are left out of the result, with a warning each. */
    List<UnfinishedUpload> remove(JobConfig job, List<UnfinishedUpload> abandoned) {
        Store store = catalog.store(job);
        List<UnfinishedUpload> removed = new ArrayList<>();
        for (UnfinishedUpload u : abandoned) {
            try {
                store.removeUnfinished(u);
                removed.add(u);
                ws.log().info("removed an abandoned upload", "job", job.name(), "key", u.key(), "upload", u.name(),
                        "size", u.size(), "last_write", u.lastWrite());
            } catch (IOException | RuntimeException e) {
                ws.log().warn(Failures.map("cannot remove the abandoned upload " + u.name() + " of " + u.key()
                        + " from " + store.describe(), e).getMessage(), "job", job.name());
            }
        }
        return removed;
    }

    /** A key this job writes: a backup, a backup's sidecar, an archived WAL file. */
    private boolean ours(JobConfig job, String key) {
        String db = catalog.database(job);
        String artifact = key;
        for (String suffix : List.of(BackupKey.SHA256_SUFFIX, BackupKey.MANIFEST_SUFFIX)) {
            if (artifact.endsWith(suffix)) {
                artifact = artifact.substring(0, artifact.length() - suffix.length());
            }
        }
        return BackupKey.parse(artifact, job.prefix(), db).isPresent()
                || WalKey.parse(key, WalKey.walFolder(job.prefix(), db)).isPresent();
    }
}
