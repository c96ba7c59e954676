package io.dbbackup.job;

import io.dbbackup.codec.ChecksumMismatchException;
import io.dbbackup.codec.Decryptor;
import io.dbbackup.codec.IntegrityException;
import io.dbbackup.config.JobConfig;
import io.dbbackup.core.BackupKey;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.core.Log;
import io.dbbackup.pipeline.ArtifactReader;
import io.dbbackup.pipeline.Failures;
import io.dbbackup.spi.Engine;
import io.dbbackup.spi.OperationContext;


import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Re-reads a stored backup: SHA-256 against its sidecar, and decoding to the end. */
public final class Verifier {
    /** What was checked; {@code deep} is the engine's own verdict (null without --deep). */
    /** {@code decodedBytes}: -1 when only the stored bytes were checked (encrypted, no key here). */
    public record Result(BackupKey key, String sha256, long decodedBytes, String deep) {
        public Result(BackupKey key, String sha256, long decodedBytes) {
            this(key, sha256, decodedBytes, null);
        }

        public boolean storedBytesOnly() {
            return decodedBytes < 0;
        }
    }

    private final Workspace ws;
    private final DecryptionKeys keys;
    private final Progress progress;
    /** Per job (and whether a key is required): the keys built once, so their warnings are said once per job. */
    private final java.util.Map<String, Optional<Decryptor>> decryptors = new java.util.concurrent.ConcurrentHashMap<>();
    /** With {@link #groupingKeylessWarnings()}: per job, the backups checked without a key and not yet warned of. */
    private java.util.Map<String, java.util.Map<String, io.dbbackup.codec.EncryptedFor>> keyless;

    public Verifier(Workspace ws) {
        this(ws, DecryptionKeys.NONE);
    }

    /** {@code keys}: identities or a passphrase given for this check, tried before the job's own. */
    public Verifier(Workspace ws, DecryptionKeys keys) {
        this(ws, keys, Progress.NONE);
    }

    /** {@code progress} hears about the one read ("verifying FILE"). */
    public Verifier(Workspace ws, DecryptionKeys keys, Progress progress) {
        this.ws = ws;
        this.keys = keys;
        this.progress = progress;
    }

    /**
     * The "no key here to decrypt" warning is then said once per job by {@link #warnKeyless}, naming how many backups and
     * which, instead of once per backup ({@code verify --all-backups} of 100 backups on a host without the key).
     */
    public Verifier groupingKeylessWarnings() {
        keyless = new java.util.LinkedHashMap<>();
        return this;
    }

    /** Says the one warning for {@code job}'s backups checked without a key since the last call, if any. */
    public void warnKeyless(JobConfig job) {
        java.util.Map<String, io.dbbackup.codec.EncryptedFor> byKey = keyless == null ? null : keyless.remove(job.name());
        if (byKey == null || byKey.isEmpty()) {
            return;
        }
        List<String> keys = List.copyOf(byKey.keySet());
        if (keys.size() == 1) {
            warnKeyless(job, keys.get(0), byKey);
            return;
        }
        ws.log().warn("no key here to decrypt " + keys.size() + " backups of job " + job.name() + unchecked(byKey) + named(keys),
                "job", job.name(), "backups", keys.size());
    }

    /**
     * As {@link #warnKeyless(JobConfig)} for the backups of all {@code jobs} checked without a key, in one warning naming
     * the jobs when several had any ({@code verify --all} of the newest backups of 200 jobs whose key is not on this host:
     * one line, not 200).
     */
    public void warnKeyless(List<JobConfig> jobs) {
        List<JobConfig> keyless = jobs.stream().filter(j -> this.keyless != null && this.keyless.containsKey(j.name())).toList();
        if (keyless.size() < 2) {
            keyless.forEach(this::warnKeyless);
            return;
        }
        java.util.Map<String, io.dbbackup.codec.EncryptedFor> byKey = new java.util.LinkedHashMap<>();
        keyless.forEach(j -> byKey.putAll(this.keyless.remove(j.name())));
        List<String> keys = List.copyOf(byKey.keySet());
        ws.log().warn("no key here to decrypt " + keys.size() + " backups of " + keyless.size() + " jobs" + unchecked(byKey) + named(keys)
                + " (" + keyless.size() + " jobs: " + io.dbbackup.core.Human.names(keyless.stream().map(JobConfig::name).toList())
                + ")", "jobs", keyless.size(), "backups", keys.size());
    }

    /** What a warning of several backups checked without a key says they are, before naming them. */
    private static String unchecked(java.util.Map<String, io.dbbackup.codec.EncryptedFor> byKey) {
        return ": their stored bytes match their checksums, but that they decrypt and decompress was not checked ("
                + KeylessKinds.give(byKey) + "): ";
    }

    /** The first ten of {@code keys}, then how many more. */
    static String named(List<String> keys) {
        int shown = Math.min(keys.size(), 10);
        return String.join(", ", keys.subList(0, shown)) + (keys.size() > shown ? " and " + (keys.size() - shown) + " more" : "");
    }

    private void warnKeyless(JobConfig job, String key, java.util.Map<String, io.dbbackup.codec.EncryptedFor> byKey) {
        ws.log().warn("no key here to decrypt " + key + ": its stored bytes match its checksum, but that it decrypts and "
                + "decompresses was not checked (" + KeylessKinds.give(byKey) + ")", "job", job.name(), "key", key);
    }

    public Result verify(String jobName, Optional<String> key) {
        return verify(jobName, key, false);
    }

    /**
     * With {@code deep}, the decoded backup also goes to its engine, which restores it into scratch space and
     * checks it with the database's own tool (physical PostgreSQL: extract, then pg_verifybackup), in the
     * same single read that checks the SHA-256.
     */
    public Result verify(String jobName, Optional<String> key, boolean deep) {
        try (Log.Tagging tag = Log.tag("job", jobName)) { // what its store or a library says names it
            return verifyTagged(jobName, key, deep);
        }
    }

    private Result verifyTagged(String jobName, Optional<String> key, boolean deep) {
        JobConfig job = ws.job(jobName);
        Catalog catalog = new Catalog(ws);
        BackupKey k = catalog.resolve(job, key);
        // one backup asked for, and it is bad: the next older one is the user's next step (as restore and download say)
        UnaryOperator<DbBackupException> pointing = e -> catalog.pointingToOlder(job, k, e, "verify",
                deep ? List.of("--deep") : keys.args(), deep ? keys : null); // a plain verify reads no key
        try (Workspace.Operation op = ws.operation("verify-" + job.name())) {
            return verify(job, k, op.context(), deep, pointing);
        }
    }

    /**
     * The manifest of a backup whose bytes just matched its sidecar must describe them (key, size, digest): one that
     * does not is damaged — restore still works (it checks the sidecar), but the manifest can no longer stand in for a
     * lost sidecar, and its facts (a base backup's WAL start) are in doubt. A missing manifest is only a warning (a copy
     * of a backup made without one has none), and none at all for a {@code --from-file} copy.
     */
    private void checkManifest(JobConfig job, Catalog catalog, BackupKey k, String sha, long storedBytes) {
        Optional<java.util.Map<String, Object>> manifest = catalog.manifest(job, k);
        if (manifest.isEmpty()) {
            if (catalog.store(job) instanceof LocalCopy) {
                return; // download --with-sidecar writes no manifest beside its copy
            }
            ws.log().warn("no manifest beside the backup: its checksum is recorded only in the sidecar", "job", job.name(),
                    "key", k.key(), "manifest", k.manifestKey());
            return;
        }
        java.util.List<String> problems = new java.util.ArrayList<>();
        BackupDetails.compare(k, storedBytes, sha, manifest.get(), problems);
        if (!problems.isEmpty()) {
            throw DbBackupException.integrity("the manifest " + k.manifestKey() + " is damaged: " + String.join("; ", problems)
                    + " (the backup itself matches its sidecar " + k.sha256Key() + ": restore still works)");
        }
    }

    /**
     * The engine's check, then the rest of the stream (whatever its tool left unread) against the SHA-256,
     * which is only checked at the end. When the engine finds the backup damaged, the rest is read too: a
     * stored object that no longer matches its checksum is the finding to report, with what the tool made of it after it;
     * one whose read met the mismatch already says it as it is.
     */
    static String checkDump(Engine engine, BackupKey k, InputStream in, OperationContext ctx)
            throws IOException {
        String verdict;
        try {
            verdict = engine.verifyDeep(in, k.format(), ctx);
        } catch (IOException | RuntimeException damaged) {
            boolean integrity = damaged instanceof IntegrityException
                    || damaged instanceof DbBackupException d && d.status() == ExitStatus.INTEGRITY;
            // the mismatch itself, met by the engine's read, is the finding: read on, the decoder failed again on the end it
            // had reached ("Truncated source"), which was said as bytes that match their checksum
            for (Throwable t = damaged; integrity && t != null; t = t.getCause()) {
                if (t instanceof ChecksumMismatchException met) {
                    throw ChecksumMismatchException.withEngineDetail(met, damaged);
                }
            }
            if (integrity) {
                try {
                    ArtifactReader.drain(in);
                } catch (IntegrityException mismatch) {
                    throw ChecksumMismatchException.withEngineDetail(mismatch, damaged); // the engine's words after it
                } catch (IOException ignored) {
                    // the engine's finding stands
                }
            }
            throw damaged;
        }
        ArtifactReader.drain(in);
        return verdict;
    }

    /**
     * {@code k}, known to be in the job's store (from a listing): not looked up again. In an operation of its own either
     * way, so that a signal stops the read (and the command reports what it stopped) instead of ending the process.
     */
    public Result verify(JobConfig job, BackupKey k, boolean deep) {
        try (Workspace.Operation op = ws.operation("verify-" + job.name())) {
            return verify(job, k, op.context(), deep, UnaryOperator.identity());
        }
    }

    /**
     * {@code k} checked deeply within an operation already open (a backup's own, whose timeout and signals then
     * stop the check's tools too), or only read back when {@code deepIn} is null.
     */
    public Result verify(JobConfig job, BackupKey k, OperationContext deepIn) {
        return verify(job, k, deepIn, deepIn != null, UnaryOperator.identity());
    }

    /**
     * An encrypted backup with no key here to open it: its stored bytes against the sidecar and the manifest, which is
     * what bit rot, a truncation or a damaged copy change; what it cannot check (that it decrypts and decompresses) is
     * said. {@code decodedBytes} is -1 in the result.
     */
    private Result storedBytesOnly(JobConfig job, Catalog catalog, BackupKey k, String sha, OperationContext ctx,
                                   UnaryOperator<DbBackupException> badRead) {
        long storedBytes;
        try {
            storedBytes = new ArtifactReader(catalog.store(job)).verifyStored(k, ctx == null ? null : ctx.cancellation());
        } catch (IOException e) {
            throw badRead.apply(Failures.map("verification of " + k.key() + " failed", e));
        }
        checkManifest(job, catalog, k, sha, storedBytes);
        // the kind of key it needs, from its manifest (else its age header): what to give is then the one option
        io.dbbackup.codec.EncryptedFor what = new ArtifactReader(catalog.store(job)).encryptedFor(k);
        if (keyless != null) {
            keyless.computeIfAbsent(job.name(), n -> new java.util.LinkedHashMap<>()).put(k.key(), what);
        } else {
            warnKeyless(job, k.key(), java.util.Map.of(k.key(), what));
        }
        return new Result(k, sha, -1);
    }

    /**
     * Without --deep, an encrypted backup and no key here (the point of recipients) is still checked: its stored bytes;
     * with it, one is required. Built once per job: a job's identity or passphrase that cannot be read here is warned of
     * once, not once per backup (a key required and missing is each backup's failure, as before).
     */
    private Decryptor decryptor(JobConfig job, BackupKey k, boolean deep) {
        boolean required = deep && k.encrypted();
        String cacheKey = job.name() + (required ? "\0required" : "");
        Optional<Decryptor> known = decryptors.get(cacheKey);
        if (known != null) {
            return known.orElse(null);
        }
        Decryptor d = required ? Encryption.decryptorFor(k, job, keys, ws) : Encryption.decryptor(job, keys, ws);
        decryptors.put(cacheKey, Optional.ofNullable(d));
        return d;
    }

    /**
     * {@code ctx}: the operation the read runs in (null: none, nothing can stop it but its end); {@code badRead}: what a
     * failure of the read becomes (not a damaged manifest's, whose backup restores).
     */
    private Result verify(JobConfig job, BackupKey k, OperationContext ctx, boolean deep,
                          UnaryOperator<DbBackupException> badRead) {
        Catalog catalog = new Catalog(ws);
        ArtifactReader reader = new ArtifactReader(catalog.store(job));
        String sha = reader.expectedSha256(k);
        Decryptor decryptor = decryptor(job, k, deep);
        long total = progress == Progress.NONE ? -1 : catalog.storedSize(job, k);
        if (k.encrypted() && decryptor == null) {
            return storedBytesOnly(job, catalog, k, sha, ctx, badRead);
        }
        Result result;
        long storedBytes;
        // a read blocked on a stalled connection never reaches the next check of the cancellation; the hook is dropped
        // once this backup's read ended (verify --all-backups reads many in one operation)
        try (ArtifactReader.Decoded decoded = reader.open(k, decryptor, true);
             var stop = ctx == null ? io.dbbackup.core.CancelSignal.Registration.NONE
                     : ctx.cancellation().onCancel(() -> decoded.abortRead(ctx.cancellation().reason()))) {
            progress.started("verifying " + k.fileName(), total);
            InputStream in = progress.watch(decoded);
            if (deep) {
                io.dbbackup.pipeline.TeeInputStream counting = io.dbbackup.pipeline.TeeInputStream.counting(in);
                String verdict = checkDump(ws.datasource(job.datasource()).engine(), k, counting, ctx);
                result = new Result(k, sha, counting.count(), verdict);
            } else {
                result = new Result(k, sha, ArtifactReader.drain(in, ctx == null ? null : ctx.cancellation()));
            }
            storedBytes = decoded.storedBytes();
        } catch (IOException | DbBackupException e) {
            DbBackupException failed = Failures.map("verification of " + k.key() + " failed", e);
            // the engine's finding (a tar cut short) names the backup as a restore's does: which of many jobs' it is
            throw badRead.apply(deep ? Restorer.namingTheBackup(k, failed) : failed);
        } finally {
            progress.finished();
        }
        checkManifest(job, catalog, k, sha, storedBytes);
        if (deep) {
            ws.log().info("backup verified deeply", "job", job.name(), "key", k.key(), "sha256", sha, "result", result.deep());
        } else {
            ws.log().info("backup verified", "job", job.name(), "key", k.key(), "sha256", sha, "decoded_bytes", result.decodedBytes());
        }
        return result;
    }
}
