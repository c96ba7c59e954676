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

/**
 * Uploads a killed process left in a job's store (temporary files, incomplete S3 multipart uploads): those of the
 * job's own keys (its backups, their sidecars, its archived WAL) not written to for {@link #AFTER}. An upload in
 * progress, another run's or a WAL push's, is written to all the time and is never one. Looking for them and
 * removing them is housekeeping: a failure is a warning, never a failed prune.
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

    /** The job's abandoned uploads; none, with a warning, when the store cannot list them. */
    List<UnfinishedUpload> find(JobConfig job) {
        return find(job, true);
    }

    /**
     * What {@code list} tells of them: one warning line when there are any (a killed run's partial objects, which
     * the store keeps and may bill for, and which prune removes), nothing otherwise. A store that cannot list them
     * (no ListMultipartUploads permission) stays quiet here: listing backups does not need that permission.
     */
    public void mention(JobConfig job) {
        List<UnfinishedUpload> found = find(job, false);
        if (found.isEmpty()) {
            return;
        }
        long bytes = found.stream().mapToLong(UnfinishedUpload::size).sum();
        Instant last = found.stream().map(UnfinishedUpload::lastWrite).max(Instant::compareTo).orElseThrow();
        ws.log().warn(found.size() + (found.size() == 1 ? " abandoned upload" : " abandoned uploads") + " of "
                + Human.size(bytes) + " (a killed run's partial objects, kept by the store) in "
                + catalog.store(job).describe()
                + "; 'dbbackup prune " + job.name() + "' removes them", "job", job.name(), "bytes", bytes,
                "last_write", last);
    }

    private List<UnfinishedUpload> find(JobConfig job, boolean warnOnFailure) {
        Store store = catalog.store(job);
        Instant cutoff = ws.clock().instant().minus(AFTER);
        try {
            return store.listUnfinished(catalog.folder(job)).stream()
                    .filter(u -> !u.lastWrite().isAfter(cutoff) && ours(job, u.key()))
                    .toList();
        } catch (IOException | RuntimeException e) {
            String why = Failures.map("cannot look for abandoned uploads in " + store.describe(), e).getMessage();
            if (warnOnFailure) {
                ws.log().warn(why, "job", job.name());
            } else {
                ws.log().debug(why, "job", job.name());
            }
            return List.of();
        }
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
