package io.dbbackup.job;

import io.dbbackup.codec.Decryptor;
import io.dbbackup.codec.Encryptor;
import io.dbbackup.codec.VerifyingInputStream;
import io.dbbackup.config.DatasourceConfig;
import io.dbbackup.config.JobConfig;
import io.dbbackup.core.BackupKey;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.pipeline.ArtifactReader;
import io.dbbackup.pipeline.BackupPipeline;
import io.dbbackup.pipeline.BackupResult;
import io.dbbackup.pipeline.Failures;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.Store;

import java.io.IOException;
import java.io.InputStream;

/** One attempt of one job: dump through the pipeline into the store, then read it back if the job verifies. */
public final class BackupJob {
    private final Workspace ws;

    public BackupJob(Workspace ws) {
        this.ws = ws;
    }

    public BackupResult run(JobConfig job, OperationContext ctx) {
        return run(job, ctx, Progress.NONE);
    }

    /** {@code progress} hears the dump's bytes as they are compressed ("backing up JOB", no total). */
    public BackupResult run(JobConfig job, OperationContext ctx, Progress progress) {
        ws.requireBackupSecrets(job);
        DatasourceConfig ds = ws.datasource(job.datasource());
        Store store = ws.store(job.store()).store();
        Encryptor encryptor = Encryption.encryptor(job);
        BackupKey key = new BackupKey(job.prefix(), ds.engine().database(), ws.clock().instant(), ds.engine().format(),
                job.compression(), encryptor != null);
        ws.log().info("backup started", "job", job.name(), "source", ds.engine().describe(), "store", store.describe(),
                "key", key.key());
        CredentialExpiry.warning(store, ws.clock().instant()).ifPresent(w -> ws.warnAbout(job, null, w, "store", store.describe()));
        BackupResult result;
        progress.started("backing up " + job.name(), -1);
        try {
            result = new BackupPipeline(ws.clock()).run(new BackupPipeline.Request(job.name(), ds.engineType(),
                    ds.engine(), store, key, job.compression(), job.compressionLevel(), encryptor, ctx, Version.get(),
                    progress == Progress.NONE ? null : progress::advanced, ds.stallTimeout()));
        } finally {
            progress.finished();
        }
        ws.log().info("backup stored", "job", job.name(), "key", key.key(), "bytes", result.size(),
                "raw_bytes", result.rawSize(), "sha256", result.sha256());
        if (job.verify() != JobConfig.Verification.OFF) {
            new ReadBack(ws).checkOrDiscard(job, store, key, result.size(), ctx);
        }
        return result;
    }
}
