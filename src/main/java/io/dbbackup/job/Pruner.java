package io.dbbackup.job;

import io.dbbackup.config.JobConfig;
import io.dbbackup.core.BackupKey;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.pipeline.Failures;
import io.dbbackup.retention.GfsPolicy;
import io.dbbackup.retention.RetentionDecision;
import io.dbbackup.spi.Store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies a job's retention: lists the job's backups (complete listing or nothing), asks the pure
 * {@link GfsPolicy} what to keep, deletes the rest with their sidecars (unless dry-run). Objects
 * that are not this job's backups are never touched.
 */
public final class Pruner {
    /** The decision and, when not a dry run, the keys actually deleted. */
    public record Result(String job, RetentionDecision decision, List<String> deleted, boolean dryRun) {
    }

    private final Workspace ws;
    private final Catalog catalog;

    public Pruner(Workspace ws) {
        this.ws = ws;
        this.catalog = new Catalog(ws);
    }

    public Result prune(JobConfig job, boolean dryRun) {
        List<BackupKey> keys = catalog.list(job).stream().map(Catalog.Entry::key).toList();
        RetentionDecision decision = GfsPolicy.decide(keys, job.retention());
        List<String> deleted = new ArrayList<>();
        if (dryRun) {
            return new Result(job.name(), decision, deleted, true);
        }
        Store store = catalog.store(job);
        for (BackupKey k : decision.delete()) {
            try {
                // the artifact first: once it is gone the backup no longer exists, whatever happens to its sidecars
                store.delete(k.key());
                store.delete(k.sha256Key());
                store.delete(k.manifestKey());
                deleted.add(k.key());
                ws.log().info("pruned", "job", job.name(), "key", k.key());
            } catch (IOException e) {
                DbBackupException ex = Failures.map("cannot delete " + k.key() + " from " + store.describe(), e);
                ws.log().error(ex.getMessage(), "job", job.name());
                throw ex;
            }
        }
        return new Result(job.name(), decision, deleted, false);
    }
}
