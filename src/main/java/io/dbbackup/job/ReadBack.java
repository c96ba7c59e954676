package io.dbbackup.job;

import io.dbbackup.codec.Decryptor;
import io.dbbackup.codec.WrongKeyException;
import io.dbbackup.config.JobConfig;
import io.dbbackup.core.BackupKey;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.pipeline.ArtifactReader;
import io.dbbackup.pipeline.Failures;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.Store;

import java.io.IOException;

/**
 * A job's {@code verify}, right after a backup landed (a dump, or a copy job's copy): the stored object read back and
 * checked against its sidecar and decoded to the end ({@code true}), with the dump itself checked too ({@code deep}).
 * A backup that fails it is removed.
 */
final class ReadBack {
    private final Workspace ws;

    ReadBack(Workspace ws) {
        this.ws = ws;
    }

    /**
     * Checks {@code key} ({@code size} bytes stored) as {@code job.verify()} asks; when it fails, removes the backup and
     * throws. A read stopped by a signal or the job's timeout throws {@link StoredNotReadBack}: the backup stays.
     */
    void checkOrDiscard(JobConfig job, Store store, BackupKey key, long size, OperationContext ctx) {
        try {
            verify(job, store, key, ctx);
        } catch (DbBackupException e) {
            boolean stopped = e.status().bySignal()
                    || e.status() != ExitStatus.INTEGRITY && ctx.cancellation().isCancelled();
            if (stopped) {
                // a signal or the job's timeout stopped the read, not a finding: the bytes were hashed as they were
                // written and the dump's end checked before the commit, so the backup is very likely sound; deleting it
                // left the night without one (the same as a SIGKILL here, which leaves it too)
                ws.log().warn("the read-back was stopped before it finished: the backup stays, not read back; "
                        + ws.suggest("verify", job.name(), key.fileName()) + " reads it", "job", job.name(), "key", key.key());
                throw new StoredNotReadBack(key, size, e); // the report names the stored backup: it is there

            }
            if (e.status() == ExitStatus.USER_ERROR && storedBytesInstead(job, store, key, e, ctx)) {
                return;
            }
            if (soundOnASecondRead(job, store, key, ctx, e)) {
                return;
            }
            discard(job, store, key, "that failed verification");
            throw e;
        }
    }

    /**
     * A read-back that a signal or the job's timeout stopped: {@code key} ({@code size} bytes) stays stored, not read
     * back. Its status and message are the stopped read's.
     */
    static final class StoredNotReadBack extends DbBackupException {
        final transient BackupKey key;
        final long size;

        StoredNotReadBack(BackupKey key, long size, DbBackupException stopped) {
            super(stopped.status(), stopped.getMessage(), stopped, stopped.retryable());
            this.key = key;
            this.size = size;
        }

        /** The stopped read-back behind {@code e}, else null. */
        static StoredNotReadBack in(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof StoredNotReadBack s) {
                    return s;
                }
            }
            return null;
        }
    }

    /**
     * The read-back could not run here (e.g. this JVM has no heap for the scrypt of a passphrase backup): no finding
     * about the backup, which is never removed for a check that could not run. Its stored bytes are checked against the
     * sidecar instead, and it is kept with a warning when they match; false when they do not (then it is damage).
     */
    private boolean storedBytesInstead(JobConfig job, Store store, BackupKey key, DbBackupException why,
                                       OperationContext ctx) {
        try {
            verifyStoredBytes(job, store, key, ctx);
        } catch (IOException | DbBackupException again) {
            return false;
        }
        ws.log().warn("the read-back could not decode the backup here: " + why.getMessage() + "; its stored bytes match the "
                + "checksum, so it is kept", "job", job.name(), "key", key.key());
        return true;
    }

    /**
     * A read-back can fail on the way, not in the store: a byte flipped by the network, a connection reset. Deleting
     * the backup then loses the night's backup for a fault of the read alone; the stored object is read once more,
     * and kept when that read passes (a warning says what the first one met). Bytes damaged in the store fail twice.
     */
    private boolean soundOnASecondRead(JobConfig job, Store store, BackupKey key, OperationContext ctx, DbBackupException first) {
        try {
            verify(job, store, key, ctx);
        } catch (DbBackupException again) {
            return false;
        }
        ws.log().warn("the read-back failed but a second read of the same object passed: the stored backup is sound, "
                + "what failed was the read (the network, the store's frontend); kept", "job", job.name(), "key", key.key(),
                "first_read", first.getMessage());
        return true;
    }

    /**
     * A backup that failed its read-back is not a backup: left in place it would be taken for the
     * newest one by restore and counted by retention (which could then delete an older, sound one).
     * The artifact goes first, so that a failure half-way never leaves an artifact without its sidecars.
     */
    private void discard(JobConfig job, Store store, BackupKey key, String which) {
        for (String k : new String[] {key.key(), key.sha256Key(), key.manifestKey()}) {
            try {
                store.delete(k);
            } catch (IOException | RuntimeException e) {
                ws.log().error("cannot remove the backup " + which + "; delete it by hand", "job", job.name(),
                        "key", k, "error", e.getMessage());
                return;
            }
        }
        ws.log().warn("removed the backup " + which, "job", job.name(), "key", key.key());
    }

    private void verify(JobConfig job, Store store, BackupKey key, OperationContext ctx) {
        try {
            if (job.verify() == JobConfig.Verification.DEEP && deepVerify(job, key, ctx)) {
                return;
            }
            Decryptor decryptor = Encryption.decryptor(job, DecryptionKeys.NONE, ws);
            if (key.encrypted() && decryptor == null) {
                verifyStoredBytes(job, store, key, ctx);
                return;
            }
            long decoded;
            try {
                decoded = new ArtifactReader(store).verify(key, decryptor, ctx.cancellation()); // within the job's timeout and signals
            } catch (IOException | DbBackupException e) {
                if (!WrongKeyException.in(e)) {
                    throw e;
                }
                keyIsNotARecipients(job, store, key, e, ctx);
                return;
            }
            ws.log().info("backup verified", "job", job.name(), "key", key.key(), "decoded_bytes", decoded);
        } catch (IOException | DbBackupException e) {
            DbBackupException d = Failures.map("verification of " + key.key() + " failed", e);
            if (d.getMessage() != null && d.getMessage().startsWith("verification of ")) {
                throw d;
            }
            throw new DbBackupException(d.status(), "verification of " + key.key() + " after upload failed: " + d.getMessage(),
                    d, d.retryable());
        }
    }

    /**
     * {@code verify: deep}: the read-back and the engine's check of the dump in one read. False when the check
     * cannot be made here (no identity for recipients-only encryption, a dump made without the comments its
     * end is told by): said as a warning, and the read-back alone follows. A backup is never discarded for a
     * check that could not run.
     */
    private boolean deepVerify(JobConfig job, BackupKey key, OperationContext ctx) {
        try {
            new Verifier(ws).verify(job, key, ctx); // within the attempt: its timeout and signals stop the check too
            return true;
        } catch (DbBackupException e) {
            // a local file the check writes (its copy in the scratch folder) that cannot be written: the check cannot run
            // here, which says nothing about the backup (deleting it for a full scratch folder lost the night's backup)
            if (e.status() != ExitStatus.USER_ERROR && !WrongKeyException.in(e) && !io.dbbackup.core.LocalFileException.in(e)) {
                throw e;
            }
            ws.log().warn("verify: deep cannot check this backup; reading it back instead", "job", job.name(), "key", key.key(),
                    "reason", e.getMessage());
            return false;
        }
    }

    /**
     * The job's identity does not open the backup just stored: it is not the secret key of any of the recipients it was
     * encrypted to (keys rotated on one side only; a copy of a backup made before a rotation). That is no damage: when
     * the stored bytes match the SHA-256 taken as they were written, the header is the one written for those recipients,
     * and the backup is kept with a warning; deleting it lost every night's backup (or every pre-rotation copy).
     * Stored bytes that do not match are damage, and fail as such.
     */
    private void keyIsNotARecipients(JobConfig job, Store store, BackupKey key, Exception wrongKey, OperationContext ctx)
            throws IOException {
        new ArtifactReader(store).verifyStored(key, ctx.cancellation()); // within the job's timeout and signals
        ws.log().warn("the job's identity does not open the backup just stored: it is not the secret key of any of the "
                + "recipients the backup is encrypted to (a key rotated on one side only?); its stored bytes match the "
                + "checksum, so it is kept, but nothing here checked that it decrypts: restoring it needs the secret key of "
                + "one of its recipients; for this check after each backup, give job '" + job.name() + "' that key in "
                + identityAt(job), "job", job.name(), "key", key.key(), "reason", WrongKeyException.of(wrongKey).finding());
    }

    /**
     * The config key that holds the job's identity, and where ({@code backup} takes no {@code --identity}: this is
     * where its read-back gets the key from).
     */
    private static String identityAt(JobConfig job) {
        io.dbbackup.config.EncryptionConfig c = job.encryption();
        return c != null && c.identityAt() != null ? c.identityAt()
                : "encryption.identity_file of " + Encryption.settingsOf(job);
    }

    /**
     * No identity on this machine (the point of recipients): check the stored bytes against the sidecar only, within the
     * job's timeout and signals (a read stalled on the store's connection is cut off by them).
     */
    private void verifyStoredBytes(JobConfig job, Store store, BackupKey key, OperationContext ctx) throws IOException {
        long bytes = new ArtifactReader(store).verifyStored(key, ctx.cancellation());
        ws.log().info("backup verified (stored bytes only: no identity here to decrypt it)", "job", job.name(),
                "key", key.key(), "bytes", bytes);
    }
}
