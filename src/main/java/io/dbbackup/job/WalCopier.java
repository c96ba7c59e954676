package io.dbbackup.job;

import io.dbbackup.codec.Decryptor;
import io.dbbackup.codec.IntegrityException;
import io.dbbackup.config.JobConfig;
import io.dbbackup.core.BackupKey;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.WalFileName;
import io.dbbackup.core.WalKey;
import io.dbbackup.pipeline.Failures;
import io.dbbackup.pipeline.WalTransfer;
import io.dbbackup.retention.GfsPolicy;
import io.dbbackup.retention.Kept;
import io.dbbackup.retention.WalRetention;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.Store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The archived WAL of a copy job whose source makes physical base backups: its base backups are copied by {@link Copier},
 * the WAL they recover with by this, under the copy's own {@code wal/} folder with the same names.
 */
final class WalCopier {
    /** Files copied and their stored bytes. */
    record Copied(int files, long bytes) {
    }

    private final Workspace ws;
    private final Catalog catalog;

    WalCopier(Workspace ws, Catalog catalog) {
        this.ws = ws;
        this.catalog = catalog;
    }

    /**
     * A physical job's archived WAL: the files the copy's kept base backups ({@code holds}: those it holds after this
     * run) need ({@link WalRetention}: from the oldest start among them; all when one's start is unknown or none is
     * kept) that the copy lacks, oldest first, each checked against the digest in its name as it is copied
     * ({@link WalTransfer#copy}). A file that does not match is not copied and joins {@code damaged}.
     */
    Copied copy(JobConfig job, JobConfig source, List<BackupKey> holds, Store from, Store to, OperationContext ctx,
                List<DbBackupException> damaged) {
        WalArchive archive = new WalArchive(ws);
        Set<String> held = archive.list(job).stream().map(WalCopier::walName).collect(Collectors.toSet());
        List<WalKey> available = archive.list(source);
        List<WalFileName> starts = keptStarts(job, holds);
        List<WalKey> needed = starts == null ? available : WalRetention.decide(available, starts).keep();
        String folder = archive.walFolder(job);
        Decryptor decryptor = walDecryptor(job);
        int files = 0;
        long bytes = 0;
        boolean unchecked = false;
        for (WalKey k : needed) {
            if (held.contains(walName(k))) {
                continue;
            }
            WalKey target = new WalKey(folder, k.file(), k.sha256(), k.compression(), k.encrypted());
            WalTransfer.Copied c;
            try {
                c = WalTransfer.copy(from, k, to, target, decryptor, ctx);
            } catch (IntegrityException e) {
                ws.log().error("not copied: " + e.getMessage(), "job", job.name(), "key", k.key());
                damaged.add(DbBackupException.integrity(e.getMessage()));
                continue;
            } catch (IOException e) {
                throw Failures.map("copy of " + k.key() + " to " + to.describe() + " failed", e);
            }
            bytes += c.bytes();
            unchecked |= !c.checked();
            files++;
        }
        if (unchecked) {
            ws.log().warn("encrypted WAL copied without checking its content (no identity here opens it; wal-fetch "
                    + "checks it)", "job", job.name());
        }
        if (files > 0) {
            ws.log().info("archived WAL copied", "job", job.name(), "files", files, "bytes", bytes,
                    "to", to.describe() + " " + folder);
        }
        return new Copied(files, bytes);
    }

    /**
     * Where the WAL of the base backups the copy keeps ({@code holds}: those it holds after this run) starts; null when a
     * kept one's manifest does not say.
     */
    private List<WalFileName> keptStarts(JobConfig job, List<BackupKey> holds) {
        List<WalFileName> starts = new ArrayList<>();
        for (Kept k : GfsPolicy.decide(holds, job.retention()).keep()) {
            Optional<WalFileName> start = catalog.walStart(job, k.backup());
            if (start.isEmpty()) {
                return null;
            }
            starts.add(start.get());
        }
        return starts;
    }

    /** The job's own identity, to check encrypted WAL as it is copied; none here is no error. */
    private Decryptor walDecryptor(JobConfig job) {
        try {
            return Encryption.decryptor(job, DecryptionKeys.NONE, ws.log());
        } catch (DbBackupException e) {
            return null;
        }
    }

    private static String walName(WalKey k) {
        return k.file().name() + "-" + k.sha256();
    }
}
