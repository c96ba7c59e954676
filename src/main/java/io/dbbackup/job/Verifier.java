package io.dbbackup.job;

import io.dbbackup.config.JobConfig;
import io.dbbackup.core.BackupKey;
import io.dbbackup.pipeline.ArtifactReader;
import io.dbbackup.pipeline.Failures;

import java.io.IOException;
import java.util.Optional;

/** Re-reads a stored backup: SHA-256 against its sidecar, and decoding to the end. */
public final class Verifier {
    /** What was checked. */
    public record Result(BackupKey key, String sha256, long decodedBytes) {
    }

    private final Workspace ws;

    public Verifier(Workspace ws) {
        this.ws = ws;
    }

    public Result verify(String jobName, Optional<String> key) {
        JobConfig job = ws.job(jobName);
        Catalog catalog = new Catalog(ws);
        BackupKey k = catalog.resolve(job, key);
        ArtifactReader reader = new ArtifactReader(catalog.store(job));
        String sha = reader.expectedSha256(k);
        try {
            long n = reader.verify(k, null);
            ws.log().info("backup verified", "job", job.name(), "key", k.key(), "sha256", sha, "decoded_bytes", n);
            return new Result(k, sha, n);
        } catch (IOException e) {
            throw Failures.map("verification of " + k.key() + " failed", e);
        }
    }
}
