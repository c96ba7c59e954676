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
    /**
     * Files copied and their stored bytes; {@code unknown}: the keys of the source's WAL files the copy needs that are in a
     * form this build does not know ({@link WalKey#unknownFormOf}: a newer dbbackup's), not copied.
     */
    record Copied(int files, long bytes, List<String> unknown) {
    }

    private final Workspace ws;
    private final Catalog catalog;

    WalCopier(Workspace ws, Catalog catalog) {
        this.ws = ws;
        this.catalog = catalog;
    }

    /**
     * A physical job's archived WAL: the files the copy's kept base backups need ({@link WalRetention}: from the oldest
     * start among them; all when one's start is unknown or none is kept) that the copy lacks, oldest first, each checked
     * against the digest in its name as it is copied ({@link WalTransfer#copy}). A file that does not match is not copied
     * and joins {@code damaged}. Kept: of {@code holds} (those the copy holds after this run, {@code pinned} among them),
     * those its prune keeps at {@code now} ({@link Pruner#keeps}: the rules, the pins, the newest dated before the clock
     * while others are dated after it).
     */
    Copied copy(JobConfig job, JobConfig source, List<BackupKey> holds, Set<BackupKey> pinned, java.time.Instant now,
                Store from, Store to, OperationContext ctx, List<DbBackupException> damaged) {
        WalArchive archive = new WalArchive(ws);
        WalArchive.Contents there = archive.contents(job);
        // what the copy holds, by walName, with its stored size: a copy cut short is copied again
        java.util.Map<String, Long> held = new java.util.HashMap<>();
        there.archived().forEach(k -> held.putIfAbsent(walName(k), there.sizes().getOrDefault(k.key(), -1L)));
        WalArchive.Contents contents = archive.contents(source);
        List<WalKey> available = contents.archived();
        List<WalFileName> starts = keptStarts(job, holds, pinned, now);
        Optional<WalFileName> keepFrom = starts == null ? Optional.empty() : WalRetention.decide(available, starts).keepFrom();
        List<WalKey> needed = available.stream().filter(k -> WalRetention.needed(k.file(), keepFrom)).toList();
        String folder = archive.walFolder(job);
        List<String> unknown = unknownNeeded(contents, archive.walFolder(source), there, folder, keepFrom);
        Decryptor decryptor = walDecryptor(job);
        int files = 0;
        long bytes = 0;
        boolean unchecked = false;
        for (WalKey k : needed) {
            WalKey target = new WalKey(folder, k.file(), k.sha256(), k.compression(), k.encrypted());
            if (held.containsKey(walName(k))) {
                long mine = held.get(walName(k));
                long theirs = contents.sizes().getOrDefault(k.key(), -1L);
                if (mine < 0 || theirs < 0 || mine == theirs) {
                    continue;
                }
                // its name carries its digest, so the copy of another size is the damaged one: copied again, through
                // that digest (a source damaged too is not copied, and the copy is left as it is)
                ws.log().warn("archived WAL copy does not match its source: " + target.key() + " is " + mine + " bytes, "
                        + "its source " + k.key() + " " + theirs + ": copying it again", "job", job.name(), "key", target.key());
            }
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
        if (!unknown.isEmpty()) {
            ws.log().warn("not copied: " + describe(unknown) + " of job '" + source.name() + "', needed by the copy's "
                    + "backups, in a form this dbbackup does not know (archived by a newer dbbackup?)", "job", job.name());
        }
        return new Copied(files, bytes, unknown);
    }

    /**
     * The keys of the source's WAL files in a form this build does not know that the copy's kept backups need (from
     * {@code keepFrom}) and the copy holds in no form ({@code there}, under {@code folder}); objects that name no WAL file
     * (another tool's) are not WAL and left out.
     */
    private static List<String> unknownNeeded(WalArchive.Contents contents, String sourceFolder, WalArchive.Contents there,
                                              String folder, Optional<WalFileName> keepFrom) {
        Set<String> copied = there.archived().stream().map(k -> k.file().name()).collect(Collectors.toSet());
        there.unknown().forEach(o -> WalKey.unknownFormOf(o.key(), folder).ifPresent(f -> copied.add(f.name())));
        return contents.unknown().stream().map(io.dbbackup.core.StoredObject::key).filter(k -> WalKey.unknownFormOf(k, sourceFolder)
                .filter(f -> WalRetention.needed(f, keepFrom) && !copied.contains(f.name())).isPresent()).toList();
    }

    /** {@code 1 archived WAL file (KEY)}, or the count with the first and last keys. */
    static String describe(List<String> keys) {
        return io.dbbackup.core.Human.count(keys.size(), "archived WAL file") + " (" + (keys.size() <= 3
                ? String.join(", ", keys) : "first " + keys.get(0) + ", last " + keys.get(keys.size() - 1)) + ")";
    }

    /**
     * Where the WAL of the base backups the copy keeps starts: of {@code holds} (those it holds after this run), those its
     * prune keeps ({@link Pruner#keeps}); null when a kept one's manifest does not say.
     */
    private List<WalFileName> keptStarts(JobConfig job, List<BackupKey> holds, Set<BackupKey> pinned, java.time.Instant now) {
        List<WalFileName> starts = new ArrayList<>();
        for (Kept k : Pruner.keeps(holds, job.retention(), pinned, null, now).keep()) {
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
            return Encryption.decryptor(job, DecryptionKeys.NONE, ws);
        } catch (DbBackupException e) {
            return null;
        }
    }

    private static String walName(WalKey k) {
        return k.file().name() + "-" + k.sha256();
    }
}
