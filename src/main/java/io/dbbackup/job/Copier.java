package io.dbbackup.job;

import io.dbbackup.codec.Sha256;
import io.dbbackup.config.JobConfig;
import io.dbbackup.core.BackupKey;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.core.Json;
import io.dbbackup.core.RecordedSize;
import io.dbbackup.core.RetentionPolicy;
import io.dbbackup.core.StoredObject;
import io.dbbackup.pipeline.ArtifactReader;
import io.dbbackup.pipeline.BackupResult;
import io.dbbackup.pipeline.Failures;
import io.dbbackup.pipeline.KeyClaim;
import io.dbbackup.retention.Kept;
import io.dbbackup.spi.NoSuchKeyException;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.Store;
import io.dbbackup.spi.Upload;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The backup of a copy job ({@code copy_of}): the source job's backups that the copy job's folder lacks are copied
 * into it byte for byte, newest first — each streamed from store to store through its SHA-256, which must match the
 * source's sidecar before the copy is committed (nothing lands under the key otherwise), its sidecar and manifest
 * beside it. Only those the copy job's retention would keep are copied, so that an offsite copy kept monthly takes
 * no daily backup only to delete it at its next prune. A source backup that does not match its checksum is not
 * copied; the others still are, and so is, in its place, the newest older one the retention keeps with it left out
 * ({@link #inPlaceOf}; that one damaged too, the next; an empty object under its key copied over, as under any
 * backup copied; the same when the damaged one's own key holds an empty object or a copy cut short ({@link #cutShort}),
 * which is left as it is), and the run fails as an integrity failure naming it — the run going on past a failed
 * read-back, and a store error after an integrity failure not hiding it ({@link #outranked}). A new copy
 * claims its key with its {@code .sha256} as a backup does ({@link KeyClaim}): when another run of the job
 * (overlapping, on another host) holds it, this run drops its own upload and leaves whatever is under the key alone.
 */
public final class Copier {
    private static final int BUFFER = 1 << 20;

    private final Workspace ws;
    private final Catalog catalog;

    public Copier(Workspace ws) {
        this.ws = ws;
        this.catalog = new Catalog(ws);
    }

    /**
     * Which of {@code source}'s backups a copy job holding {@code held} copies, as keys under its {@code prefix},
     * newest first: those it does not hold (by file name) that {@code retention} keeps among everything the copy
     * would then hold, and (as {@link Pruner} keeps it) the newest dated at or before {@code now} when others are dated
     * after it (named by another host's clock running ahead, or before this host's stepped back): it may hold the newest
     * data. Pure.
     */
    static List<BackupKey> select(List<BackupKey> source, List<BackupKey> held, RetentionPolicy retention, String prefix,
                                  java.time.Instant now) {
        Set<String> there = held.stream().map(BackupKey::fileName).collect(Collectors.toSet());
        List<BackupKey> missing = source.stream().filter(k -> !there.contains(k.fileName())).map(k -> k.withPrefix(prefix))
                .distinct().toList();
        if (missing.isEmpty()) {
            return List.of();
        }
        List<BackupKey> after = new ArrayList<>(held);
        after.addAll(missing);
        Set<BackupKey> kept = Pruner.keeps(after, retention, Set.of(), null, now).keep().stream().map(Kept::backup)
                .collect(Collectors.toSet());
        return missing.stream().filter(kept::contains).sorted().toList();
    }

    /**
     * What a copy job copies in place of {@code damaged} source backups (their file names: they failed their checksums):
     * the selection ({@link #select}) run again with them left out, less the file names this run has {@code chosen}
     * already (to copy, or set aside), newest first — the newest older backups its retention keeps in their place, which
     * it keeps at its next prune too (it keeps them among more). Pure.
     */
    static List<BackupKey> inPlaceOf(List<BackupKey> source, List<BackupKey> held, Set<String> damaged, Set<String> chosen,
                                     RetentionPolicy retention, String prefix, java.time.Instant now) {
        List<BackupKey> good = source.stream().filter(k -> !damaged.contains(k.fileName())).toList();
        return select(good, held, retention, prefix, now).stream().filter(k -> !chosen.contains(k.fileName())).toList();
    }

    /**
     * The copy's retention ranks by the time in the keys, as prune does: a backup named by a clock that ran ahead would
     * be "the newest" and, with {@code keep_last: 1}, the only one the copy wants — every backup made since would be left
     * uncopied, night after night, as "nothing new to copy". So, as {@link Pruner} does, nothing is copied while a
     * backup of the source or of the copy is dated more than {@link Pruner#CLOCK_SKEW} after this host's clock.
     */
    private void refuseBackupsFromTheFuture(JobConfig job, JobConfig source, List<BackupKey> available, List<BackupKey> held) {
        java.time.Instant now = ws.clock().instant();
        java.util.Optional<BackupKey> ahead = java.util.stream.Stream.concat(available.stream(), held.stream())
                .filter(k -> Pruner.datedAhead(k, now))
                .max(java.util.Comparator.comparing(BackupKey::timestamp));
        if (ahead.isPresent()) {
            throw DbBackupException.system("job " + job.name() + ": backup " + ahead.get().key() + " (of job '"
                    + (available.contains(ahead.get()) ? source.name() : job.name()) + "') is dated "
                    + io.dbbackup.core.Human.age(java.time.Duration.between(now, ahead.get().timestamp()))
                    + " after this host's clock: the copy's retention would take it for the newest and leave the backups "
                    + "made since uncopied, so nothing was copied. The clock that named it (or this host's) is wrong: fix "
                    + "it, and move such backups out of the job's folder, then run again");
        }
    }

    /**
     * What one run of a copy job did: {@code backup} names the newest copy the job holds, its stored size and digest
     * (not the bytes copied: on a night with nothing new that is its newest copy, not an empty backup); {@code notes},
     * one line each, what the run did — the count and bytes copied or "nothing new to copy", the damaged copies it
     * copied again, and how old the source job's newest backup is when it has stopped making them.
     */
    public record Result(BackupResult backup, List<String> notes) {
        public Result {
            notes = List.copyOf(notes);
        }
    }

    /** A copy that does not match its source by what the listings and the sidecars say; {@code why} in words. */
    private record Suspect(Catalog.Entry copy, Catalog.Entry origin, String why) {
    }

    /** A sound copy ({@code sha256} its digest, the source's) with no manifest beside it. */
    private record NoManifest(Catalog.Entry copy, Catalog.Entry origin, String sha256) {
    }

    /** Age of the source job's newest backup above which a copy run says the source may have stopped (26 h: a nightly job and its slack). */
    static final java.time.Duration SOURCE_STALE = java.time.Duration.ofHours(26);

    /**
     * Why a source folder with backup objects has no backup to copy: each is empty (0 bytes), so no backup (an upload
     * that failed, a full disk), which "no backups" alone would hide from the DBA who can see the files there.
     */
    private String everyOneEmpty(JobConfig source, List<Catalog.Entry> listed) {
        String newest = listed.get(0).key().key();
        return ": " + (listed.size() == 1 ? "its one backup object, " + newest + ", is" : "each of its " + listed.size()
                + " backup objects (the newest " + newest + ") is") + " empty (0 bytes), so no backup (an upload that failed, "
                + "a full disk?); check the source job's backups (" + ws.suggest("verify", source.name(), "--all-backups") + ")";
    }

    /** One attempt of copy job {@code job}. The result names the newest backup the copy holds and what the run did. */
    public Result run(JobConfig job, OperationContext ctx, Progress progress) {
        ws.requireBackupSecrets(job);
        JobConfig source = ws.job(job.copyOf());
        Store from = catalog.store(source);
        Store to = catalog.store(job);
        ws.log().info("copy started", "job", job.name(), "from_job", source.name(), "from", from.describe(), "to", to.describe());
        for (Store s : List.of(from, to)) {
            CredentialExpiry.warning(s, ws.clock().instant()).ifPresent(w -> ws.log().warn(w, "job", job.name(),
                    "store", s.describe()));
        }
        List<Catalog.Entry> listed = catalog.list(source);
        List<Catalog.Entry> sourceEntries = catalog.countable(source, listed, "copy job " + job.name()
                + " neither copies it nor takes it for the newest backup to copy");
        List<BackupKey> available = sourceEntries.stream().map(Catalog.Entry::key).toList();
        if (available.isEmpty()) {
            throw DbBackupException.system("nothing to copy: job '" + source.name() + "' has no backups in " + from.describe()
                    + " under " + catalog.folder(source) + (listed.isEmpty() ? "" : everyOneEmpty(source, listed)));
        }
        Map<String, Catalog.Entry> byName = new LinkedHashMap<>();
        sourceEntries.forEach(e -> byName.putIfAbsent(e.key().fileName(), e));
        List<Catalog.Entry> heldEntries = catalog.list(job);
        // the copies its retention counts, as prune counts them (Catalog.counts): an empty one is none
        List<Catalog.Entry> countedEntries = heldEntries.stream().filter(Catalog::counts).toList();
        // a copy cut short (its size not the one its own manifest records, or lacking one its source's) is no copy either:
        // not held, so that its backup is copied over it, or (its source damaged) another in its place, as over an empty one
        Map<String, Suspect> cutShort = cutShort(job, source, countedEntries, byName);
        countedEntries = countedEntries.stream().filter(e -> !cutShort.containsKey(e.key().fileName())).toList();
        List<BackupKey> held = countedEntries.stream().map(Catalog.Entry::key).sorted().toList();
        refuseBackupsFromTheFuture(job, source, available, held);
        java.time.Instant now = ws.clock().instant(); // one reading: the copy and its WAL keep by the same backups ahead
        List<BackupKey> todo = select(available, held, job.retention(), job.prefix(), now);
        List<Catalog.Entry> notKept = new ArrayList<>(); // empty objects whose source this run does not copy, so far
        // an empty object under a chosen backup's key is copied over in the main loop (its source damaged, a stand-in is
        // looked for as for any chosen backup); the damaged copies the job holds are repaired after it
        Map<String, Suspect> emptyChosen = new LinkedHashMap<>();
        emptyCopies(job, heldEntries, todo, byName, notKept).forEach(s -> emptyChosen.put(s.copy().key().fileName(), s));
        Set<String> todoNames = todo.stream().map(BackupKey::fileName).collect(Collectors.toSet());
        List<Suspect> cutNotChosen = new ArrayList<>(); // repaired as a damaged copy is, after the main loop
        for (Suspect s : cutShort.values()) {
            if (todoNames.contains(s.copy().key().fileName())) {
                emptyChosen.put(s.copy().key().fileName(), s);
            } else {
                cutNotChosen.add(s);
            }
        }
        List<NoManifest> noManifest = new ArrayList<>();
        List<Suspect> suspects = suspects(source, from, to, countedEntries, byName, noManifest);
        suspects.addAll(cutNotChosen);
        List<Catalog.Entry> emptyUnderDamaged = new ArrayList<>(); // empty objects under chosen keys whose source is damaged
        List<BackupKey> holds = new ArrayList<>(held); // what the copy holds after this run
        Map<BackupKey, Long> sizes = new LinkedHashMap<>();
        heldEntries.forEach(e -> sizes.putIfAbsent(e.key(), e.object().size()));
        long bytes = 0;
        BackupKey newest = held.isEmpty() ? null : held.get(0);
        String newestSha = null;
        List<DbBackupException> damaged = new ArrayList<>();
        int copied = 0;
        long copiedBytes = 0;
        List<String> elsewhere = new ArrayList<>(); // keys another run claimed first
        List<String> blocked = new ArrayList<>(); // keys a foreign sidecar holds with no copy under it
        // a source backup that fails its checksum gives its place to the next the retention keeps (inPlaceOf): the
        // queue grows by source backups not chosen before, so it ends by the source's count at most
        List<BackupKey> queue = new ArrayList<>(todo);
        Set<String> chosen = new java.util.HashSet<>();
        queue.forEach(k -> chosen.add(k.fileName()));
        // an empty object under a stand-in's key is no copy (as under a chosen backup's): the stand-in is copied over it
        Map<String, Catalog.Entry> empties = new LinkedHashMap<>();
        heldEntries.stream().filter(e -> !Catalog.counts(e)).forEach(e -> empties.putIfAbsent(e.key().fileName(), e));
        List<String> readBackFailed = new ArrayList<>(); // copies whose read-back failed (discarded), one line each
        Set<String> bad = new java.util.HashSet<>(); // the source backups that failed their checksums, by file name
        Set<BackupKey> standIns = new java.util.HashSet<>();
        List<String> inPlace = new ArrayList<>(); // the stand-ins this run copied
        List<String> repaired = new ArrayList<>();
        for (int i = 0; i < queue.size(); i++) {
            BackupKey target = queue.get(i);
            Catalog.Entry entry = byName.get(target.fileName());
            BackupKey origin = entry.key();
            Suspect emptyCopy = emptyChosen.get(target.fileName()); // an empty object under its key: no copy
            if (emptyCopy != null) {
                ws.log().warn("copy does not match its source: the copy " + emptyCopy.why() + ": copying it again from its "
                        + "source backup", "job", job.name(), "from", origin.key(), "key", target.key());
            }
            // copied over an empty object as a repair replaces a copy (commit first): the key holds no copy to claim
            boolean overEmpty = emptyCopy != null || standIns.contains(target) && (empties.containsKey(target.fileName())
                    || cutShort.containsKey(target.fileName()));
            Copied c;
            try {
                c = copy(source.name(), from, origin, entry.object().size(), to, target, overEmpty, ctx, progress);
            } catch (DbBackupException e) {
                if (e.status() != ExitStatus.INTEGRITY) {
                    throw outranked(e, ctx, source, damaged, inPlace, emptyUnderDamaged, readBackFailed);
                }
                ws.log().error("not copied: " + e.getMessage(), "job", job.name(), "key", origin.key());
                bad.add(origin.fileName());
                damaged.add(e);
                if (emptyCopy != null) {
                    emptyUnderDamaged.add(emptyCopy.copy());
                }
                for (BackupKey k : inPlaceOf(available, held, bad, chosen, job.retention(), job.prefix(), now)) {
                    ws.log().warn("copying " + byName.get(k.fileName()).key().key() + " in place of " + origin.key()
                            + ", which does not match its checksum" + (empties.containsKey(k.fileName()) ? ", over the "
                            + "empty (0 bytes) object under its key, which is no copy" : cutShort.containsKey(k.fileName())
                            ? ", over the copy cut short under its key, which is no copy" : ""), "job", job.name(), "key",
                            k.key());
                    queue.add(k);
                    chosen.add(k.fileName());
                    standIns.add(k);
                }
                continue;
            }
            if (c == BLOCKED) {
                // a sidecar of other bytes and no copy: nothing of this backup is there, and the key is not this run's
                String why = "not copied: " + target.key() + ": " + target.sha256Key() + " is there with another digest "
                        + "and no copy beside it (a failed run's leftover?), so the key is not free; check it and delete "
                        + target.sha256Key() + ", and the next run copies " + origin.key();
                ws.log().error("not copied: the key's .sha256 is there with another digest and no copy beside it (a "
                        + "failed run's leftover?), so the key is not free; check it and delete " + target.sha256Key()
                        + ", and the next run copies its source backup", "job", job.name(), "from", origin.key(),
                        "key", target.key());
                blocked.add(why);
                continue;
            }
            if (!c.ours()) {
                // another run claimed the key (two runs of this job overlapping): its copy, not ours — counted as one the
                // copy holds (its WAL is copied, it may be the newest), never read back or removed by this run; the
                // next run's check of the copies compares it with its source
                ws.log().warn("not copied: the backup was already copied by another run (its .sha256 was there first); "
                        + "this run's upload was dropped and nothing under the key touched", "job", job.name(),
                        "key", target.key());
                elsewhere.add(target.key());
                if (standIns.contains(target)) {
                    inPlace.add(origin.key() + " (by another run of job '" + job.name() + "')");
                }
                holds.add(target);
                sizes.put(target, c.bytes() >= 0 ? c.bytes() : entry.object().size());
                if (newest == null || target.compareTo(newest) < 0) {
                    newest = target;
                    newestSha = null;
                }
                continue;
            }
            if (emptyCopy != null) {
                if (!repaired(job, to, target, origin, emptyCopy, c, ctx, repaired, readBackFailed, source, damaged,
                        inPlace, emptyUnderDamaged)) {
                    continue;
                }
                bytes += c.bytes();
                sizes.put(target, c.bytes());
                holds.add(target); // it was empty, so no copy: now it is one
                if (newest == null || target.compareTo(newest) < 0) {
                    newest = target;
                    newestSha = c.sha256();
                }
                continue;
            }
            if (!readBack(job, to, target, c.bytes(), ctx, standIns.contains(target) ? " (copied in place of a damaged "
                    + "one)" : "", readBackFailed, source, damaged, inPlace, emptyUnderDamaged)) {
                continue;
            }
            ws.log().info("backup copied", "job", job.name(), "from", origin.key(), "key", target.key(), "bytes", c.bytes(),
                    "sha256", c.sha256());
            copied++;
            if (standIns.contains(target)) {
                inPlace.add(origin.key());
            }
            holds.add(target);
            bytes += c.bytes();
            copiedBytes += c.bytes();
            sizes.put(target, c.bytes());
            if (newest == null || target.compareTo(newest) < 0) {
                newest = target;
                newestSha = c.sha256();
            }
        }
        // named once the stand-ins are known: one copied over is a copy now; one whose source failed its checksum is kept
        // by the retention, but not copied
        List<Catalog.Entry> damagedSource = new ArrayList<>(notKept.stream().filter(e -> bad.contains(e.key().fileName()))
                .toList());
        damagedSource.addAll(emptyUnderDamaged);
        catalog.countable(job, notKept.stream().filter(e -> !chosen.contains(e.key().fileName())).toList(),
                "copy job " + job.name() + " does not count it as a copy it holds, never deletes it, and does not copy its "
                        + "source backup again (its retention does not keep that backup)");
        catalog.countable(job, damagedSource, "copy job " + job.name() + " does not count it as a copy it holds, never "
                + "deletes it, and does not copy its source backup again (that backup does not match its checksum)");
        for (Suspect s : suspects) {
            BackupKey target = s.copy().key();
            BackupKey origin = s.origin().key();
            ws.log().warn("copy does not match its source: the copy " + s.why() + ": copying it again from its source "
                    + "backup", "job", job.name(), "from", origin.key(), "key", target.key());
            Copied c;
            try {
                c = copy(source.name(), from, origin, s.origin().object().size(), to, target, true, ctx, progress);
            } catch (DbBackupException e) {
                if (e.status() != ExitStatus.INTEGRITY) {
                    throw outranked(e, ctx, source, damaged, inPlace, emptyUnderDamaged, readBackFailed);
                }
                // the source failed its own checksum: nothing landed, the copy is as it was and may be the sound one
                DbBackupException lost = new DbBackupException(ExitStatus.INTEGRITY, "the copy " + target.key()
                        + " does not match its source (it " + s.why() + ") and could not be repaired: " + e.getMessage()
                        + "; the copy was left as it is (" + ws.suggest("verify", job.name(), target.fileName())
                        + " reads it)", e, false);
                ws.log().error(lost.getMessage(), "job", job.name(), "key", target.key());
                damaged.add(lost);
                continue;
            }
            if (!repaired(job, to, target, origin, s, c, ctx, repaired, readBackFailed, source, damaged, inPlace,
                    emptyUnderDamaged)) {
                holds.remove(target); // discarded: the WAL copy keeps by what the copy holds
                continue;
            }
            bytes += c.bytes();
            sizes.put(target, c.bytes());
            if (!holds.contains(target)) { // it was empty, so no copy: now it is one
                holds.add(target);
            }
            if (newest == null || target.compareTo(newest) <= 0) {
                newest = target;
                newestSha = c.sha256();
            }
        }
        List<String> manifestsBack = new ArrayList<>();
        for (NoManifest m : noManifest) {
            try {
                writeManifestBack(job, source, from, to, m, ctx).ifPresent(manifestsBack::add);
            } catch (DbBackupException e) {
                throw outranked(e, ctx, source, damaged, inPlace, emptyUnderDamaged, readBackFailed);
            }
        }
        int walCopied = 0;
        List<String> walUnknown = List.of();
        if (ws.datasource(job.datasource()).engine().physical()) {
            Set<BackupKey> pinned = heldEntries.stream().filter(Catalog.Entry::pinned).map(Catalog.Entry::key)
                    .collect(Collectors.toSet());
            WalCopier.Copied wal;
            try {
                wal = new WalCopier(ws, catalog).copy(job, source, holds, pinned, now, from, to, ctx, damaged);
            } catch (DbBackupException e) {
                throw outranked(e, ctx, source, damaged, inPlace, emptyUnderDamaged, readBackFailed);
            }
            walCopied = wal.files();
            bytes += wal.bytes();
            walUnknown = wal.unknown();
        }
        ws.log().info(copied == 0 && walCopied == 0 && damaged.isEmpty() && readBackFailed.isEmpty() && repaired.isEmpty() && elsewhere.isEmpty()
                        ? "copy up to date" : "copy finished", "job", job.name(),
                "copied", copied, "already_there", held.size(), "copied_by_another_run", elsewhere.size(),
                "repaired", repaired.size(),
                "left_to_retention", available.size() - queue.size() - alreadyThere(available, held), "wal_copied", walCopied,
                "bytes", bytes);
        if (!damaged.isEmpty() || !readBackFailed.isEmpty()) {
            throw new DbBackupException(ExitStatus.INTEGRITY, integritySummary(source, damaged, inPlace, emptyUnderDamaged,
                    readBackFailed) + (damaged.isEmpty() ? "" : "; run " + ws.suggest("verify", source.name(), "--all-backups")),
                    damaged.isEmpty() ? null : damaged.get(0), false);
        }
        if (!blocked.isEmpty()) {
            throw DbBackupException.system(blocked.get(0) + (blocked.size() == 1 ? "" : " (and " + (blocked.size() - 1)
                    + " more backups blocked the same way)"));
        }
        if (!walUnknown.isEmpty()) {
            // a copy that left WAL its backups recover with behind must not look complete: a restore from it stops there
            throw DbBackupException.permanent("job " + job.name() + " copied " + copied + (copied == 1 ? " backup" : " backups")
                    + " and " + io.dbbackup.core.Human.count(walCopied, "archived WAL file") + " of job '" + source.name()
                    + "' but not " + WalCopier.describe(walUnknown) + ": in a form this dbbackup does not know (archived by "
                    + "a newer dbbackup?), and the copy's backups need " + (walUnknown.size() == 1 ? "it" : "them")
                    + " to recover past " + (walUnknown.size() == 1 ? "it" : "them") + "; run this copy job with the "
                    + "dbbackup that archived " + (walUnknown.size() == 1 ? "it" : "them"), null);
        }
        if (newest == null) {
            throw DbBackupException.system("job " + job.name() + " copied nothing: its retention keeps none of the backups "
                    + "of job '" + source.name() + "'");
        }
        long newestSize = sizes.getOrDefault(newest, 0L);
        List<String> notes = new ArrayList<>();
        String what = copied == 0 ? (walCopied == 0 ? "nothing new to copy" : "no new backup to copy")
                : "copied " + copied + (copied == 1 ? " backup" : " backups") + " of job '" + source.name() + "' ("
                + io.dbbackup.core.Human.size(copiedBytes) + ")";
        if (walCopied > 0) {
            what += ", " + io.dbbackup.core.Human.count(walCopied, "archived WAL file");
        }
        notes.add(what + "; newest copy " + newest.key() + " (" + io.dbbackup.core.Human.size(newestSize) + ")");
        elsewhere.forEach(k -> notes.add("already copied by another run: " + k));
        repaired.forEach(r -> notes.add("repaired a damaged copy, copied again from the source: " + r));
        manifestsBack.forEach(k -> notes.add("wrote back a copy's missing manifest, from its source's: " + k));
        BackupKey newestSource = available.get(0);
        java.time.Duration age = java.time.Duration.between(newestSource.timestamp(), ws.clock().instant());
        if (age.compareTo(SOURCE_STALE) > 0) {
            String stale = "the newest backup of job '" + source.name() + "' is " + io.dbbackup.core.Human.age(age)
                    + " old (" + newestSource.key() + "): has job '" + source.name() + "' stopped making backups?";
            ws.log().warn(stale, "job", job.name(), "source_job", source.name());
            notes.add(stale);
        }
        return new Result(new BackupResult(newest, newestSize, 0, newestSha, null), notes);
    }

    /**
     * After the repair of {@code s} copied {@code c}: read back as the job says ({@link #readBack}), logged, added to
     * {@code repaired}; false when its read-back failed (the copy discarded, named in {@code readBackFailed}).
     */
    private boolean repaired(JobConfig job, Store to, BackupKey target, BackupKey origin, Suspect s, Copied c,
                             OperationContext ctx, List<String> repaired, List<String> readBackFailed, JobConfig source,
                             List<DbBackupException> damaged, List<String> inPlace, List<Catalog.Entry> emptyUnderDamaged) {
        if (!readBack(job, to, target, c.bytes(), ctx, " (copied again: it " + s.why() + ")", readBackFailed, source,
                damaged, inPlace, emptyUnderDamaged)) {
            return false;
        }
        ws.log().warn("damaged copy repaired: " + target.key() + " copied again from " + origin.key(), "job", job.name(),
                "key", target.key(), "bytes", c.bytes(), "sha256", c.sha256());
        repaired.add(target.key() + " (it " + s.why() + ")");
        return true;
    }

    /**
     * Reads {@code target} back as the job says ({@link ReadBack#checkOrDiscard}); false when it fails as damage (the copy
     * discarded): one line in {@code readBackFailed} ({@code what} after its key), and the run goes on with the other
     * backups, to end with its summary and exit 3. Any other failure ends the run ({@link #outranked}).
     */
    private boolean readBack(JobConfig job, Store to, BackupKey target, long bytes, OperationContext ctx, String what,
                             List<String> readBackFailed, JobConfig source, List<DbBackupException> damaged,
                             List<String> inPlace, List<Catalog.Entry> emptyUnderDamaged) {
        if (job.verify() == JobConfig.Verification.OFF) {
            return true;
        }
        try {
            new ReadBack(ws).checkOrDiscard(job, to, target, bytes, ctx);
            return true;
        } catch (ReadBack.StoredNotReadBack e) {
            throw outranked(e, ctx, source, damaged, inPlace, emptyUnderDamaged, readBackFailed);
        } catch (DbBackupException e) {
            if (e.status() != ExitStatus.INTEGRITY) {
                throw outranked(e, ctx, source, damaged, inPlace, emptyUnderDamaged, readBackFailed);
            }
            String line = "the read-back of the copy " + target.key() + what + " failed: " + e.getMessage()
                    + " (the copy was discarded; the next run copies it again)";
            ws.log().error(line, "job", job.name(), "key", target.key());
            readBackFailed.add(line);
            return false;
        }
    }

    /**
     * What the run found that is an integrity failure, in one line: the first source backup that failed its checksum (with
     * the count of the others, what was copied in their place or why nothing was), then the first copy whose read-back
     * failed (with the count of the others).
     */
    private static String integritySummary(JobConfig source, List<DbBackupException> damaged, List<String> inPlace,
                                           List<Catalog.Entry> emptyUnderDamaged, List<String> readBackFailed) {
        StringBuilder out = new StringBuilder();
        if (!damaged.isEmpty()) {
            String more = damaged.size() == 1 ? "" : " (and " + (damaged.size() - 1) + " more files of job '" + source.name()
                    + "' that do not match their checksums)";
            String stood = inPlace.isEmpty() ? "" : "; copied " + String.join(", ", inPlace) + " in "
                    + (damaged.size() == 1 ? "its" : "their") + " place (the newest older good "
                    + (inPlace.size() == 1 ? "backup" : "backups") + " of job '" + source.name()
                    + "' that the copy's retention keeps)";
            if (inPlace.isEmpty() && !emptyUnderDamaged.isEmpty()) {
                // the DBA sees a file under the damaged one's key: say that it is none, and that nothing good took its place
                int others = emptyUnderDamaged.size() - 1;
                Catalog.Entry first = emptyUnderDamaged.get(0);
                boolean allEmpty = emptyUnderDamaged.stream().noneMatch(Catalog::counts);
                stood = "; nothing was copied in " + (damaged.size() == 1 ? "its" : "their") + " place: no older good "
                        + "backup of job '" + source.name() + "' that the copy's retention keeps is left to copy, and "
                        + first.key().key() + (others == 0 ? " in the copy's folder is " + (Catalog.counts(first)
                        ? "a copy cut short (" + first.object().size() + " bytes), no copy (left as it is)"
                        : "an empty (0 bytes) object, no copy (left as it is)")
                        : " (and " + others + " more) in the copy's folder are " + (allEmpty ? "empty (0 bytes) objects"
                        : "empty (0 bytes) or cut short") + ", no copies (left as they are)");
            }
            out.append(damaged.get(0).getMessage()).append(more).append(stood);
        }
        if (!readBackFailed.isEmpty()) {
            out.append(out.length() == 0 ? "" : "; ").append(readBackFailed.get(0));
            if (readBackFailed.size() > 1) {
                out.append(" (and ").append(readBackFailed.size() - 1).append(" more copies whose read-back failed)");
            }
        }
        return out.toString();
    }

    /**
     * {@code e}, which ends the run, as the run ends: when an integrity failure was found before it (a source backup that
     * failed its checksum, a copy whose read-back failed), that one outranks it — exit 3, as for a run of several jobs,
     * the summary first and {@code e} after it ("then the run stopped: …"); a signal or the job's timeout stays as it is.
     */
    private DbBackupException outranked(DbBackupException e, OperationContext ctx, JobConfig source,
                                        List<DbBackupException> damaged, List<String> inPlace,
                                        List<Catalog.Entry> emptyUnderDamaged, List<String> readBackFailed) {
        if (e.status() == ExitStatus.INTEGRITY || e.status().bySignal() || ctx.cancellation().isCancelled()
                || damaged.isEmpty() && readBackFailed.isEmpty()) {
            return e;
        }
        return new DbBackupException(ExitStatus.INTEGRITY, integritySummary(source, damaged, inPlace, emptyUnderDamaged,
                readBackFailed) + "; then the run stopped: " + e.getMessage() + (damaged.isEmpty() ? "" : "; run "
                + ws.suggest("verify", source.name(), "--all-backups")), e, false);
    }

    /**
     * The copies among {@code held} cut short: of another size than their source's, and than the one their own manifest
     * records (lacking it, their source's manifest) — {@link CutShort}'s rule, which prune applies too
     * ({@link Catalog#cutShort}). Such a copy is none, as an empty one is none ({@link Catalog#counts}):
     * a warning each, and the answer, one {@link Suspect} each by file name, is left out of what the copy holds, so that
     * its source backup is copied over it when the retention keeps it, and (that one damaged) another in its place. A copy
     * whose size no manifest records is left to {@link #suspects}: without a record, either could be the sound one.
     */
    private Map<String, Suspect> cutShort(JobConfig job, JobConfig source, List<Catalog.Entry> held,
                                          Map<String, Catalog.Entry> byName) {
        Map<String, Suspect> out = new LinkedHashMap<>();
        for (Catalog.Entry copy : held) {
            Catalog.Entry origin = byName.get(copy.key().fileName());
            long mine = copy.object().size();
            if (origin == null || mine < 0 || origin.object().size() < 0 || mine == origin.object().size()) {
                continue;
            }
            Long recorded = copy.manifest() ? catalog.recordedSize(job, copy.key()) : null;
            boolean bySource = recorded == null;
            if (bySource) {
                recorded = catalog.recordedSize(source, origin.key());
            }
            if (!RecordedSize.cutShort(mine, recorded)) { // the rule prune applies
                continue;
            }
            String why = new CutShort(copy.key(), mine, recorded, bySource).describe();
            ws.log().warn("not counted as a copy: a copy that " + why + " " + RecordedSize.cause(mine, recorded, "a copy that died, a full disk") + "; copy "
                    + "job " + job.name() + " copies its source backup over it when its retention keeps that backup, and an "
                    + "older one in its place when that one does not match its checksum", "job", job.name(),
                    "from", origin.key().key(), "key", copy.key().key());
            out.put(copy.key().fileName(), new Suspect(copy, origin, why));
        }
        return out;
    }

    /**
     * The copies the job holds whose source backup is still listed and that do not match it by what costs no read of
     * either backup: the stored sizes (both listings give them), then the digest in the copy's {@code .sha256} against
     * the source's (a sidecar each: small reads). A copy without a readable sidecar is one too. A copy whose digest is
     * not the source sidecar's but the one the source's manifest recorded is sound: the source's sidecar is what was
     * damaged, and {@code verify} of the source says so. Damage inside a copy of the right size with a sound sidecar
     * (a flipped byte) is left to {@code verify --all-backups}, which reads every byte.
     */
    private List<Suspect> suspects(JobConfig source, Store from, Store to, List<Catalog.Entry> held,
                                   Map<String, Catalog.Entry> byName, List<NoManifest> noManifest) {
        List<Suspect> out = new ArrayList<>();
        ArtifactReader sourceDigests = ArtifactReader.forRecovery(from);
        for (Catalog.Entry copy : held) {
            Catalog.Entry origin = byName.get(copy.key().fileName());
            if (origin == null) {
                continue; // the source no longer has it: nothing to compare with, nothing to copy it again from
            }
            long mine = copy.object().size();
            long theirs = origin.object().size();
            if (mine >= 0 && theirs >= 0 && mine != theirs) {
                out.add(new Suspect(copy, origin, "is " + mine + " bytes, its source " + origin.key() + " " + theirs));
                continue;
            }
            String digest;
            try (InputStream in = to.open(copy.key().sha256Key())) {
                digest = Sha256.parseSidecar(in.readNBytes(4096), copy.key().fileName()).orElse(null);
                if (digest == null) {
                    out.add(new Suspect(copy, origin, "has a malformed checksum sidecar " + copy.key().sha256Key()));
                    continue;
                }
            } catch (NoSuchKeyException e) {
                out.add(new Suspect(copy, origin, "has no checksum sidecar (.sha256)"));
                continue;
            } catch (IOException e) {
                throw Failures.map("cannot read " + copy.key().sha256Key() + " from " + to.describe(), e);
            }
            String expected;
            try {
                expected = sourceDigests.expectedSha256(origin.key());
            } catch (DbBackupException e) {
                continue; // nothing at the source to compare with: its own check is verify's, and a copy would fail anyway
            }
            if (expected.equalsIgnoreCase(digest)) {
                manifestGone(copy, origin, digest, noManifest);
                continue;
            }
            Object recorded;
            try {
                recorded = catalog.manifest(source, origin.key()).map(m -> origin.key().key().equals(m.get("key"))
                        ? m.get("sha256") : null).orElse(null);
            } catch (DbBackupException e) {
                recorded = null; // a manifest that is not JSON vouches for nothing
            }
            if (recorded instanceof String hex && hex.equalsIgnoreCase(digest)) {
                // the source's sidecar is the damaged record; the copy matches the bytes its manifest vouches for
                manifestGone(copy, origin, digest, noManifest);
                continue;
            }
            out.add(new Suspect(copy, origin, "records sha256 " + digest + " in its sidecar, its source " + expected));
        }
        return out;
    }

    /**
     * Adds {@code copy} (sound: {@code digest} is its source's) to {@code noManifest} when its {@code .manifest.json} was
     * not listed beside it (a repair that died between its sidecar and its manifest, a hand that deleted it): a physical
     * restore of the copy needs it, and the sizes and sidecars compared above never miss it.
     */
    private static void manifestGone(Catalog.Entry copy, Catalog.Entry origin, String digest, List<NoManifest> noManifest) {
        if (!copy.manifest()) {
            noManifest.add(new NoManifest(copy, origin, digest));
        }
    }

    /**
     * Writes {@code m}'s manifest back beside its copy from its source's, as a copy writes it (the copy's key, its
     * stored size and digest, {@code copied_from}), without copying the backup again; the key of the manifest written,
     * empty when the source has none to give (a backup of an early version) or the copy has it again by now.
     */
    private Optional<String> writeManifestBack(JobConfig job, JobConfig source, Store from, Store to, NoManifest m,
                                               OperationContext ctx) {
        BackupKey target = m.copy().key();
        Map<String, Object> manifest = manifest(from, m.origin().key(), target, source.name());
        if (manifest == null) {
            return Optional.empty();
        }
        ws.log().warn("copy has no manifest: the backup's manifest is missing beside it; writing it back from its source "
                + "backup's", "job", job.name(), "from", m.origin().key().key(), "key", target.key());
        manifest.put("size", m.copy().object().size());
        manifest.put("sha256", m.sha256());
        try {
            // never over one another run wrote meanwhile
            if (!to.putIfAbsent(target.manifestKey(), (Json.pretty(manifest) + "\n").getBytes(StandardCharsets.UTF_8),
                    ctx)) {
                return Optional.empty();
            }
        } catch (IOException | RuntimeException e) {
            throw Failures.map("cannot write " + target.manifestKey() + " to " + to.describe(), e);
        }
        return Optional.of(target.manifestKey());
    }

    /**
     * The empty (0-byte) objects among {@code held}, which are no copies ({@link Catalog#counts}, as for prune): the copy
     * counts none of them, so an empty one never stands for one of the N its retention keeps nor makes it leave a source
     * backup uncopied. One whose source backup the run copies ({@code todo}) is copied over, as a damaged copy is, in the
     * run's main loop (its source damaged, a stand-in is copied in its place as for any backup chosen): the answer, one
     * {@link Suspect} each. The others are left as prune leaves them (never deleted, never copied over only
     * to be deleted at the next prune), each with prune's warning: those with no source backup here; those whose source
     * backup is listed go into {@code notKept}, for the run to name once it knows which stand in for a damaged backup
     * (one that does is copied over, as for a backup in {@code todo}).
     */
    private List<Suspect> emptyCopies(JobConfig job, List<Catalog.Entry> held, List<BackupKey> todo,
                                      Map<String, Catalog.Entry> byName, List<Catalog.Entry> notKept) {
        Set<String> copying = todo.stream().map(BackupKey::fileName).collect(Collectors.toSet());
        List<Suspect> out = new ArrayList<>();
        List<Catalog.Entry> noSource = new ArrayList<>();
        for (Catalog.Entry e : held) {
            if (Catalog.counts(e)) {
                continue;
            }
            Catalog.Entry origin = byName.get(e.key().fileName());
            if (origin == null) {
                noSource.add(e);
            } else if (copying.contains(e.key().fileName())) {
                out.add(new Suspect(e, origin, "is empty (0 bytes), its source " + origin.key() + " "
                        + origin.object().size() + " bytes"));
            } else {
                notKept.add(e);
            }
        }
        catalog.countable(job, noSource, "copy job " + job.name() + " does not count it as a copy it holds, and never "
                + "deletes it");
        return out;
    }

    private static int alreadyThere(List<BackupKey> available, List<BackupKey> held) {
        Set<String> there = held.stream().map(BackupKey::fileName).collect(Collectors.toSet());
        return (int) available.stream().filter(k -> there.contains(k.fileName())).count();
    }

    /** {@code ours}: this run stored the copy; otherwise another run's copy is there, {@code bytes} as stored. */
    private record Copied(long bytes, String sha256, boolean ours) {
        Copied(long bytes, String sha256) {
            this(bytes, sha256, true);
        }
    }

    /** What {@link #copy} answers when a sidecar of other bytes holds the key and no copy is under it. */
    private static final Copied BLOCKED = new Copied(-1, null, false);

    /**
     * Streams {@code origin} ({@code size} stored bytes, as listed) from {@code from} into {@code target} in {@code to}:
     * read through its SHA-256, which the source's sidecar (or, that lost, its manifest) must confirm before anything is
     * written beside it. A new copy then claims the key with its {@code .sha256} as a backup does ({@link KeyClaim}) and
     * writes its manifest and commits only after that: one not {@code ours} (its stored size) when
     * another run claimed it first and its copy is there (this run's upload is dropped, nothing under the key touched),
     * {@link #BLOCKED} when a sidecar of other bytes holds the key
     * with no copy under it (the same); a failure after the claim removes what is under the key (this run's own) and the
     * sidecars. A sidecar of this run's very bytes with no copy under it (a killed run's leftover, or a run about to
     * commit the same checked bytes) does not stop the copy: it commits beside it, and removes nothing if it fails. A {@code repair} replaces a damaged copy that is there: it commits first and writes the sidecar
     * and the manifest after, so that a failure leaves the copy and its sidecars as they were (or, past the commit, the
     * sound bytes under the old sidecar) for the next run's check to find again; it never removes anything.
     */
    private Copied copy(String sourceJob, Store from, BackupKey origin, long size, Store to, BackupKey target,
                        boolean repair, OperationContext ctx, Progress progress) {
        ArtifactReader reader = ArtifactReader.forRecovery(from);
        reader.expectedSha256(origin); // a source nothing can check stops here, before any upload starts
        Map<String, Object> manifest = manifest(from, origin, target, sourceJob);
        boolean claimed = false;
        boolean committed = false;
        boolean ownCommit = false; // nothing was under the key right before this run's commit (KeyClaim.vacant)
        byte[] sidecar = null;
        byte[] manifestBytes = null;
        Upload upload = null;
        progress.started("copying " + target.fileName(), size);
        try {
            upload = to.upload(target.key(), ctx);
            long n;
            String sha;
            // the hook dropped once this copy ended, not kept with its stream until the run ends; it stops the store's
            // read for the cancellation's reason (the read fails "cancelled: signal SIGTERM", as verify's and restore's
            // do), the decoders left to this thread
            try (ArtifactReader.Decoded in = reader.open(origin, null, false); OutputStream out = upload.stream();
                 var stop = ctx.cancellation().onCancel(() -> in.abortRead(ctx.cancellation().reason()))) {
                n = transfer(in, out, ctx, progress);
                sha = in.sha256(); // the sidecar's, or (that one damaged or lost) the manifest's: the target's is sound
            }
            ctx.cancellation().throwIfCancelled();
            sidecar = Sha256.sidecar(sha, target.fileName());
            if (manifest != null) {
                // what was read and checked: a source manifest with a damaged digest or size does not pass its damage on
                manifest.put("size", n);
                manifest.put("sha256", sha);
                manifestBytes = (Json.pretty(manifest) + "\n").getBytes(StandardCharsets.UTF_8);
            }
            if (repair) {
                upload.commit();
                committed = true;
                to.put(target.sha256Key(), sidecar, ctx);
                if (manifestBytes != null) {
                    to.put(target.manifestKey(), manifestBytes, ctx);
                }
                return new Copied(n, sha);
            }
            if (!KeyClaim.claim(to, target, sidecar, ctx)) {
                Optional<StoredObject> theirs = to.stat(target.key());
                if (theirs.isPresent()) {
                    return new Copied(theirs.get().size(), null, false); // another run's: the finally drops this run's upload alone
                }
                if (!Store.holds(to, target.sha256Key(), sidecar)) {
                    return BLOCKED; // a sidecar of other bytes and no copy: left alone, as this run's upload is dropped
                }
                // this run's very sidecar with no copy under it: a killed run's leftover, or a run about to commit the same
                // checked bytes. This run's copy lands under it; the claim is not its own, so a failure removes nothing
                if (manifestBytes != null) {
                    to.putIfAbsent(target.manifestKey(), manifestBytes, ctx);
                }
                upload.commit();
                committed = true;
                KeyClaim.confirm(to, target, sidecar, ctx); // a third run's failed claim may have taken it away
                return new Copied(n, sha);
            }
            claimed = true;
            if (manifestBytes != null) {
                to.put(target.manifestKey(), manifestBytes, ctx);
            }
            ownCommit = KeyClaim.vacant(to, target); // another run's identical claim (or a copy beside it) may be there
            upload.commit();
            committed = true;
            KeyClaim.confirm(to, target, sidecar, ctx); // another run's failed claim may have taken it away
            return new Copied(n, sha);
        } catch (IOException | RuntimeException e) {
            throw Failures.map("copy of " + origin.key() + " to " + to.describe() + " failed", e);
        } finally {
            progress.finished();
            if (!committed) {
                if (claimed) {
                    // the key is this run's: the copy's object too, a commit whose answers were all lost may have stored
                    // it (see KeyClaim.release)
                    KeyClaim.release(to, target, sidecar, manifestBytes, ownCommit, ctx);
                }
                if (upload != null) {
                    upload.abort(); // last: the folders it made are empty once the sidecars are gone (local store)
                }
            }
        }
    }

    private static long transfer(InputStream in, OutputStream out, OperationContext ctx, Progress progress) throws IOException {
        byte[] buf = new byte[BUFFER];
        long n = 0;
        int r;
        while ((r = in.read(buf)) >= 0) {
            ctx.cancellation().throwIfCancelled();
            out.write(buf, 0, r);
            n += r;
            progress.advanced(n);
        }
        return n;
    }

    /**
     * The source's manifest for the copy: what it says of the dump, with the copy's key and where it came from. Null
     * when the source has none (a backup of an early version), or it cannot be parsed: the copy's sidecar still
     * vouches for its bytes.
     */
    private Map<String, Object> manifest(Store from, BackupKey origin, BackupKey target, String sourceJob) {
        String text;
        try (InputStream in = from.open(origin.manifestKey())) {
            text = new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8);
        } catch (NoSuchKeyException e) {
            return null;
        } catch (IOException e) {
            throw Failures.map("cannot read " + origin.manifestKey() + " from " + from.describe(), e);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        try {
            if (!(Json.parse(text) instanceof Map<?, ?> parsed)) {
                return null;
            }
            parsed.forEach((k, v) -> m.put(String.valueOf(k), v));
        } catch (RuntimeException e) {
            ws.log().warn("the source's manifest is not valid: the copy gets none", "key", origin.manifestKey(), "error",
                    e.getMessage());
            return null;
        }
        m.put("key", target.key());
        Map<String, Object> copiedFrom = new LinkedHashMap<>();
        copiedFrom.put("job", sourceJob);
        copiedFrom.put("store", from.describe());
        copiedFrom.put("key", origin.key());
        copiedFrom.put("copied", Instant.now(ws.clock()).toString());
        m.put("copied_from", copiedFrom);
        return m;
    }
}
