package io.dbbackup.job;

import io.dbbackup.config.JobConfig;
import io.dbbackup.core.BackupKey;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.core.Log;
import io.dbbackup.core.RecordedSize;
import io.dbbackup.core.UnfinishedUpload;
import io.dbbackup.pipeline.Failures;
import io.dbbackup.core.WalFileName;
import io.dbbackup.core.WalKey;
import io.dbbackup.retention.GfsPolicy;
import io.dbbackup.retention.Kept;
import io.dbbackup.retention.WalRetention;
import io.dbbackup.retention.RetentionDecision;
import io.dbbackup.spi.Store;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Applies a job's retention: lists the job's backups (complete listing or nothing), asks the pure
 * {@link GfsPolicy} what to keep, deletes the rest with their sidecars (unless dry-run), then removes
 * the job's uploads a killed process abandoned ({@link AbandonedUploads}). Objects that are not this job's
 * backups are never touched, nor are backup objects that are empty or cut short ({@link CutShort}): retention does not
 * count them, so that a good backup is kept in their place.
 */
public final class Pruner {
    /**
     * The decision and, when not a dry run, the keys actually deleted. {@code wal}: for physical jobs, what
     * happens to the archived WAL (null for logical jobs, or when a kept backup's start is unknown).
     * {@code abandoned}: uploads a killed process left behind, removed (or, in a dry run, to be removed).
     * {@code setAside}: objects a killed replacement set aside ({@link io.dbbackup.spi.Store#listSetAside}), never removed.
     * {@code notCounted}: the backup objects retention did not count, newest first — empty ones and those it would have
     * kept that are cut short ({@link CutShort}); in neither list of the decision, never deleted on that ground.
     */
    public record Result(String job, RetentionDecision decision, List<String> deleted, boolean dryRun,
                         WalRetention.Decision wal, List<UnfinishedUpload> abandoned, List<UnfinishedUpload> setAside,
                         List<CutShort> notCounted) {
        public Result {
            notCounted = List.copyOf(notCounted);
        }

        public Result(String job, RetentionDecision decision, List<String> deleted, boolean dryRun,
                      WalRetention.Decision wal, List<UnfinishedUpload> abandoned, List<UnfinishedUpload> setAside) {
            this(job, decision, deleted, dryRun, wal, abandoned, setAside, List.of());
        }

        public Result(String job, RetentionDecision decision, List<String> deleted, boolean dryRun,
                      WalRetention.Decision wal, List<UnfinishedUpload> abandoned) {
            this(job, decision, deleted, dryRun, wal, abandoned, List.of());
        }
    }

    /** How far a backup's time may be ahead of this host's clock (hosts of one job drift apart a little). */
    public static final Duration CLOCK_SKEW = Duration.ofHours(1);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private final Workspace ws;
    private final Catalog catalog;

    public Pruner(Workspace ws) {
        this.ws = ws;
        this.catalog = new Catalog(ws);
    }

    /** Prunes {@code job}; any failure (its store unreachable, a delete refused) comes as a {@link DbBackupException}. */
    public Result prune(JobConfig job, boolean dryRun) {
        return prune(job, dryRun, null);
    }

    /**
     * {@link #prune(JobConfig, boolean)} after a backup that stored {@code storedKey} (null: none): that backup is kept
     * even when backups dated after it outrank it ({@link GfsPolicy#STORED}). A copy job's run stores no backup of its
     * own ({@code storedKey} names its newest copy): its prune is the plain one, the decision its run copied by
     * ({@link Copier#select}), so that it keeps the newest copy dated before the clock while others are dated after it.
     */
    public Result prune(JobConfig job, boolean dryRun, String storedKey) {
        try (Log.Tagging tag = Log.tag("job", job.name())) { // what its store or a library says names it
            return pruneTagged(job, dryRun, job.isCopy() ? null : storedKey);
        }
    }

    private Result pruneTagged(JobConfig job, boolean dryRun, String storedKey) {
        List<String> deleted = new ArrayList<>(); // by this prune so far: a failure names them
        try {
            if (dryRun) {
                return pruneOrThrow(job, true, null, storedKey, deleted);
            }
            // a signal (a CronJob's deadline) stops the deletes between two backups: each one is deleted whole or not at all
            try (Workspace.Operation op = ws.operation("prune-" + job.name())) {
                return pruneOrThrow(job, false, op.cancellation(), storedKey, deleted);
            }
        } catch (RuntimeException e) {
            throw Failed.after(deleted, Failures.map("prune of job " + job.name() + " failed", e));
        }
    }

    /**
     * {@code cancellation}: what stops the deletes (null for a dry run, which deletes nothing); {@code deleted}: each
     * backup deleted is added to it.
     */
    private Result pruneOrThrow(JobConfig job, boolean dryRun, io.dbbackup.spi.Cancellation cancellation, String storedKey,
                                List<String> deleted) {
        Catalog.Listing listing = catalog.listing(job);
        catalog.mentionUnchecked(job, listing);
        List<Catalog.Entry> entries = catalog.countable(job, listing.backups(),
                "prune neither keeps it in place of a good backup nor deletes it");
        List<BackupKey> keys = entries.stream().map(Catalog.Entry::key).toList();
        refuseBackupsFromTheFuture(job, keys);
        java.util.Set<BackupKey> pinned = entries.stream().filter(Catalog.Entry::pinned).map(Catalog.Entry::key)
                .collect(java.util.stream.Collectors.toCollection(java.util.HashSet::new));
        new Pins(ws).mentionNewer(job, entries);
        BackupKey listedStored = keys.stream().filter(k -> k.key().equals(storedKey)).findFirst().orElse(null);
        Instant now = ws.clock().instant(); // one reading: the backups dated after it are the same ones throughout
        // the backups counted: those listed, less each one the rules would keep that is cut short (its manifest says)
        List<CutShort> cut = new ArrayList<>();
        RetentionDecision decision = keepsWhole(job, entries, pinned, listedStored, now, cut);
        java.util.Set<BackupKey> cutKeys = cut.stream().map(CutShort::key).collect(java.util.stream.Collectors.toSet());
        keys = keys.stream().filter(k -> !cutKeys.contains(k)).toList();
        List<CutShort> notCounted = java.util.stream.Stream.concat(cut.stream(), listing.backups().stream()
                .filter(e -> !Catalog.counts(e)).map(e -> CutShort.emptyObject(e.key())))
                .sorted(Comparator.comparing(CutShort::key)).toList();
        BackupKey stored = cutKeys.contains(listedStored) ? null : listedStored;
        warnIfKeptBeforeAhead(job, keys, decision, now);
        boolean physical = ws.datasource(job.datasource()).engine().physical();
        AbandonedUploads leftovers = new AbandonedUploads(ws, catalog);
        // never removed, so reported by the dry run (the audit) and the prune alike
        List<UnfinishedUpload> setAside = leftovers.warnSetAside(job);
        if (dryRun) {
            return new Result(job.name(), decision, List.of(), true, physical ? walDecision(job, decision) : null,
                    leftovers.find(job, listing), setAside, notCounted);
        }
        Store store = catalog.store(job);
        List<BackupKey> pinnedMeanwhile = new ArrayList<>();
        List<String> held = new ArrayList<>(); // deletes the store refused for a lock (Object Lock): kept, named at the end
        List<String> heldSidecars = new ArrayList<>(); // backups deleted whose sidecars a lock kept
        String heldBy = null;
        for (BackupKey k : decision.delete()) {
            try {
                cancellation.throwIfCancelled();
                // a `pin` on another host since the listing (a listing of many jobs can take a while): its marker is
                // looked for right before the delete, and the backup kept
                if (store.stat(k.pinKey()).isPresent()) {
                    pinnedMeanwhile.add(k);
                    ws.log().info("kept: pinned while the prune ran", "job", job.name(), "key", k.key());
                    continue;
                }
                // the artifact first: once it is gone the backup no longer exists, whatever happens to its sidecars
                store.delete(k.key());
                deleted.add(k.key());
                ws.log().info("pruned", "job", job.name(), "key", k.key());
            } catch (java.io.InterruptedIOException e) {
                throw Failures.map("prune of job " + job.name() + " stopped before " + k.key() + ", "
                        + (deleted.isEmpty() ? "nothing deleted" : "after deleting " + String.join(", ", deleted))
                        + "; every backup is whole (a later prune goes on)", e);
            } catch (IOException | DbBackupException e) { // a store's own failure (S3's AccessDenied) is unchecked
                if (e instanceof io.dbbackup.spi.HeldObjectException) {
                    // nothing of it was deleted (the artifact goes first): whole, kept, its WAL kept; the others go on
                    pinnedMeanwhile.add(k);
                    held.add(k.key());
                    heldBy = heldBy == null ? e.getMessage() : heldBy;
                    ws.log().warn("kept a backup that retention deletes: the store refused the delete, the "
                            + "object is held by a lock (" + KeyAsWord.replaced(e.getMessage(), k.key(), "it") + ")",
                            "job", job.name(), "key", k.key());
                    continue;
                }
                throw Failed.about(k.key(), deleted, failed("cannot delete " + k.key() + " from " + store.describe()
                        + deletedSoFar(deleted), store, e));
            }
            try {
                store.delete(k.sha256Key());
                store.delete(k.manifestKey());
            } catch (io.dbbackup.spi.HeldObjectException e) {
                // the backup is gone (a sidecar alone is never listed as one): go on, and say at the end what stays
                heldSidecars.add(k.key());
                heldBy = heldBy == null ? e.getMessage() : heldBy;
                ws.log().warn("deleted a backup but not its sidecars, held by a lock (" + e.getMessage() + ")",
                        "job", job.name(), "key", k.key());
            } catch (IOException | DbBackupException e) { // the caller logs it
                throw Failed.about(k.key(), deleted, failed("deleted " + k.key() + " but not its sidecars (harmless: never "
                        + "listed as a backup) from " + store.describe() + deletedSoFar(deleted.subList(0, deleted.size() - 1)),
                        store, e));
            }
        }
        if (!pinnedMeanwhile.isEmpty()) {
            // the same decision with those pins (a pin only adds to what is kept): the report names them, and a kept
            // physical backup keeps its WAL
            pinned.addAll(pinnedMeanwhile);
            decision = keeps(keys, job.retention(), pinned, stored, now);
        }
        // WAL after the backups: a failure here leaves surplus WAL, never a kept backup without its WAL
        if (cancellation.isCancelled()) {
            throw Failures.map("prune of job " + job.name() + " stopped after deleting " + (deleted.isEmpty() ? "nothing"
                    : String.join(", ", deleted)) + ", before its WAL and leftovers (a later prune goes on)",
                    new java.io.InterruptedIOException("cancelled: " + cancellation.reason()));
        }
        WalRetention.Decision wal = physical ? walDecision(job, decision) : null;
        HeldWal heldWal = null;
        if (wal != null) {
            try {
                // a busy cluster's archive holds thousands of segments: S3 deletes 1,000 per request
                store.deleteAll(wal.delete().stream().map(WalKey::key).toList());
            } catch (io.dbbackup.spi.HeldObjectException e) {
                if (e.keys().isEmpty()) { // a store that does not say which: nothing is said to be deleted
                    throw failed("cannot delete archived WAL (" + io.dbbackup.core.Human.count(wal.delete().size(), "file")
                            + ") from " + store.describe() + deletedSoFar(deleted), store, e);
                }
                // as a held backup: kept, the others deleted, named at the end; never counted as deleted
                heldWal = HeldWal.of(wal, e.keys());
                wal = heldWal.done();
                heldBy = heldBy == null ? e.getMessage() : heldBy;
                ws.log().warn(heldWal.describe() + " (" + e.getMessage() + ")", "job", job.name());
            } catch (IOException | DbBackupException e) {
                throw failed("cannot delete archived WAL (" + io.dbbackup.core.Human.count(wal.delete().size(), "file") + ") from "
                        + store.describe() + deletedSoFar(deleted), store, e);
            }
            if (!wal.delete().isEmpty()) {
                ws.log().info("pruned archived WAL", "job", job.name(), "files", wal.delete().size(),
                        "kept_from", wal.keepFrom().map(WalFileName::name).orElse(""));
            }
        }
        Result result = new Result(job.name(), decision, List.copyOf(deleted), false, wal,
                leftovers.remove(job, leftovers.find(job, listing)), setAside, notCounted);
        if (!held.isEmpty() || !heldSidecars.isEmpty() || heldWal != null) {
            // after the rest of the prune: a lock on some backups does not stop retention of the others, but a prune
            // that could not delete what retention says is no success (storage grows, a retention shorter than the lock)
            List<String> parts = new ArrayList<>();
            if (!held.isEmpty()) {
                parts.add(io.dbbackup.core.Human.count(held.size(), "backup") + " not deleted, held by a lock on the store "
                        + "(Object Lock retention or legal hold, an Azure immutability policy or legal hold, or the service's WORM "
                        + "setting): " + String.join(", ", held)
                        + "; kept whole, a later prune deletes " + (held.size() == 1 ? "it" : "them") + " once the "
                        + "retention ends (keep backups in the job's retention at least as long as the bucket's or "
                        + "container's default retention)");
            }
            if (!heldSidecars.isEmpty()) {
                parts.add("the sidecars (.sha256, manifest) of " + String.join(", ", heldSidecars) + " are held by a lock "
                        + "after the backup itself was deleted: no backup is left (a sidecar alone is never listed); "
                        + "delete them once their retention ends");
            }
            if (heldWal != null) {
                parts.add(heldWal.describe() + "; a later prune deletes " + (heldWal.held().size() == 1 ? "it" : "them")
                        + " once the retention ends");
            }
            throw new DbBackupException(ExitStatus.SYSTEM_ERROR, "prune of job " + job.name() + ": "
                    + String.join("; ", parts) + "; the store said: " + heldBy + (deleted.isEmpty() ? ""
                    : "; deleted: " + String.join(", ", deleted)), null, false);
        }
        return result;
    }

    /**
     * A prune that failed (or was stopped) after it had deleted {@link #deleted} backups (possibly none): the message says
     * which, and {@code prune --json} lists them, so that whoever reads the failure knows what is already gone.
     */
    public static final class Failed extends DbBackupException {
        private final List<String> deleted;
        private final String key;

        private Failed(DbBackupException failure, String message, List<String> deleted, String key) {
            super(failure.status(), message, failure, failure.retryable());
            this.deleted = List.copyOf(deleted);
            this.key = key;
        }

        /** {@code failure} about the backup {@code key}, whose message names it and {@code deleted} already. */
        static Failed about(String key, List<String> deleted, DbBackupException failure) {
            return new Failed(failure, failure.getMessage(), deleted, key);
        }

        /** {@code failure} with {@code deleted} named (unless its message names the last already). */
        static Failed after(List<String> deleted, DbBackupException failure) {
            if (failure instanceof Failed f) {
                return f;
            }
            String message = failure.getMessage();
            if (!deleted.isEmpty() && !message.contains(deleted.get(deleted.size() - 1))) {
                message = message + "; deleted before this failure: " + String.join(", ", deleted);
            }
            return new Failed(failure, message, deleted, null);
        }

        /** The backup the failure is about (a delete of it refused), for a log line's {@code key=} field. */
        public Optional<String> key() {
            return Optional.ofNullable(key);
        }

        /**
         * The message for a log line whose {@code key=} field gives {@link #key}: its first naming of the key said as
         * "the backup" ({@code cannot delete the backup from …}), later ones (the store's words) as "it".
         */
        public String logged() {
            return key == null ? getMessage() : KeyAsWord.replaced(getMessage(), key, "the backup");
        }

        /** The backups deleted before the failure, in the order they were deleted. */
        public List<String> deleted() {
            return deleted;
        }
    }

    /**
     * {@link Failures#map(String, Store, Throwable)}: keeps {@code context} also when the store's error already is a
     * {@link DbBackupException} (S3's AccessDenied for the keys of a delete, a local permission refused): its words alone
     * say neither what the prune was doing nor what it had deleted. The store is said once: by {@code context}.
     */
    private static DbBackupException failed(String context, Store store, Throwable e) {
        return Failures.map(context, store, e);
    }

    private static String deletedSoFar(List<String> deleted) {
        return deleted.isEmpty() ? "" : " (deleted before it: " + String.join(", ", deleted) + ")";
    }

    /**
     * {@link #keeps} of {@code entries}, re-applied without each backup it keeps that is cut short ({@link CutShort}: of
     * another size than its manifest records), until each one kept is whole — so that an older good backup is kept in a
     * cut one's place; those found are added to {@code cut}, with a warning each, and are in neither list of the answer
     * (never deleted on that ground: a human, or a copy job's next run, deals with them). Cheap on a remote store: the
     * manifest of a backup is read only when the listing shows one beside it (a copy job's lacking one: its source
     * backup's, {@link Catalog#cutShort}), at most once, and only while the decision deletes something (else there is
     * nothing a cut backup could make it delete). The rules themselves stay pure.
     */
    private RetentionDecision keepsWhole(JobConfig job, List<Catalog.Entry> entries, java.util.Set<BackupKey> pinned,
                                         BackupKey stored, Instant now, List<CutShort> cut) {
        java.util.Map<BackupKey, Catalog.Entry> byKey = new java.util.HashMap<>();
        entries.forEach(e -> byKey.putIfAbsent(e.key(), e));
        java.util.Set<BackupKey> checked = new java.util.HashSet<>();
        List<BackupKey> counted = entries.stream().map(Catalog.Entry::key).toList();
        while (true) {
            RetentionDecision decision = keeps(counted, job.retention(), pinned, counted.contains(stored) ? stored : null, now);
            if (decision.delete().isEmpty()) {
                return decision;
            }
            List<CutShort> found = new ArrayList<>();
            for (Kept k : decision.keep()) {
                if (checked.add(k.backup())) {
                    catalog.cutShort(job, byKey.get(k.backup())).ifPresent(found::add);
                }
            }
            if (found.isEmpty()) {
                return decision;
            }
            for (CutShort c : found) {
                ws.log().warn("not counted by retention: a backup that " + c.describe() + " " + RecordedSize.cause(c.size(), c.recorded(),
                        job.isCopy() ? "a copy that died" : "a full disk, a copy by hand") + "; prune neither keeps it "
                        + "in place of a good backup nor deletes it: " + (job.isCopy() ? "the next run of copy job "
                        + job.name() + " copies its source backup over it when its retention keeps that backup; or " : "")
                        + "check it (" + ws.suggest("verify", job.name(), c.key().key()) + ") and remove it with its sidecars",
                        "job", job.name(), "key", c.key().key());
            }
            cut.addAll(found);
            java.util.Set<BackupKey> gone = found.stream().map(CutShort::key).collect(java.util.stream.Collectors.toSet());
            counted = counted.stream().filter(k -> !gone.contains(k)).toList();
        }
    }

    /**
     * What prune keeps of a job's backups {@code keys} at {@code now}: what the job's {@code retention} rules keep, each of
     * {@code pinned}, and {@code stored} (the backup a {@code backup --prune} run stored; null: none) or, without one, the
     * newest dated at or before {@code now} while others are dated after it ({@link #newestBeforeAhead}). The one
     * decision of what a job keeps: prune applies it, and a copy job copies the base backups it would keep
     * ({@link Copier#select}) and the archived WAL they recover with ({@link WalCopier}), so that no backup the copy keeps
     * lacks its WAL. Pure.
     */
    static RetentionDecision keeps(java.util.Collection<BackupKey> keys, io.dbbackup.core.RetentionPolicy retention,
                                   java.util.Set<BackupKey> pinned, BackupKey stored, Instant now) {
        if (stored != null) {
            return GfsPolicy.decide(keys, retention, pinned, stored, GfsPolicy.STORED);
        }
        return GfsPolicy.decide(keys, retention, pinned, newestBeforeAhead(keys, now), GfsPolicy.BEFORE_AHEAD);
    }

    /**
     * When some of {@code keys} are dated after {@code now} (within {@link #CLOCK_SKEW}: else the prune was refused), the
     * newest dated at or before it, else null. Those were named by a clock ahead of this one: another host's running
     * ahead (within that hour), or this host's before it stepped back (NTP, a VM resumed); this one, made since, may hold
     * the newest data while they outrank it.
     */
    static BackupKey newestBeforeAhead(java.util.Collection<BackupKey> keys, Instant now) {
        if (keys.stream().noneMatch(k -> k.timestamp().isAfter(now))) {
            return null;
        }
        return keys.stream().filter(k -> !k.timestamp().isAfter(now)).sorted().findFirst().orElse(null); // newest first
    }

    /**
     * One warning when {@link GfsPolicy#BEFORE_AHEAD} alone kept a backup: the user learns why it was not deleted, the
     * two causes of backups dated ahead (this host's clock stepped back since, or another host's runs ahead: several
     * hosts back up the job, or a copy job's source runs elsewhere) and how to tell them apart. One line.
     */
    private void warnIfKeptBeforeAhead(JobConfig job, List<BackupKey> keys, RetentionDecision decision, Instant now) {
        decision.keep().stream().filter(k -> k.reasons().equals(List.of(GfsPolicy.BEFORE_AHEAD))).findFirst().ifPresent(k -> {
            List<BackupKey> ahead = keys.stream().filter(b -> b.timestamp().isAfter(now)).toList();
            BackupKey latest = ahead.stream().max(Comparator.comparing(BackupKey::timestamp)).orElseThrow();
            boolean one = ahead.size() == 1;
            ws.log().warn("kept a backup that retention alone would delete: " + ahead.size()
                    + (one ? " backup is" : " backups are") + " dated after this host's clock (now "
                    + TIME.format(now) + " UTC; latest " + latest.key() + ", " + io.dbbackup.core.Human.gap(
                    Duration.between(now, latest.timestamp())) + " ahead): " + clockCauses(one, latest, true),
                    "job", job.name(), "key", k.backup().key());
        });
    }

    /**
     * The two causes of backups dated after this host's clock, in the words both warnings about a backup kept before them
     * use (this one and {@link #keptStored}), how to tell them apart, and what happens next. {@code copySource}: whether
     * a copy job's source host can be the other host (a plain prune: yes; a backup's run stores only for its own job).
     */
    private static String clockCauses(boolean one, BackupKey latest, boolean copySource) {
        return "either this host's clock stepped back since " + (one ? "it was" : "they were") + " named (NTP, a VM "
                + "resumed) or another host whose clock runs ahead made " + (one ? "it" : "them") + " (several hosts "
                + "backing up this job" + (copySource ? ", or a copy job's source host" : "") + "), and this backup may "
                + "hold the newest data; to tell which, compare `date` here and on the host that made " + latest.key()
                + " with a true clock (`chronyc tracking`): fix NTP where one is off; if none is, this host's clock was set "
                + "right since and nothing needs doing; a later prune decides about this backup by the rules";
    }

    /**
     * The warning of a {@code backup --prune} whose prune kept the backup it stored ({@code stored}) only for that
     * ({@link GfsPolicy#STORED}): backups dated after it (in {@code decision}) outrank it. One line, in the terms of
     * {@link #warnIfKeptBeforeAhead}: the dates (its own, this host's clock {@code now}, the latest after it) and the
     * causes. When one is dated after {@code now}, a clock did it: this host's stepped back, or another host's runs
     * ahead. When none is, another run of the job made them while this one ran (two runs overlapping, on this host or
     * another; a clock ahead by less than the run took looks the same).
     */
    static String keptStored(BackupKey stored, RetentionDecision decision, Instant now) {
        List<BackupKey> newer = java.util.stream.Stream.concat(decision.keep().stream().map(Kept::backup),
                decision.delete().stream()).filter(k -> k.compareTo(stored) < 0).distinct().toList();
        String head = "kept the backup this run stored, which retention alone would delete: "; // its key in key=
        BackupKey latest = newer.stream().sorted().findFirst().orElse(null); // newest first
        if (latest == null) { // not reached: only a backup ranked before it can outrank it
            return head + "backups ranked before it outrank it; a later prune decides about this backup by the rules";
        }
        boolean one = newer.size() == 1;
        String count = newer.size() + (one ? " backup is" : " backups are") + " dated after it ("
                + TIME.format(stored.timestamp()) + " UTC)";
        if (latest.timestamp().isAfter(now)) {
            return head + count + " and after this host's clock (now " + TIME.format(now) + " UTC; latest " + latest.key()
                    + ", " + io.dbbackup.core.Human.gap(Duration.between(now, latest.timestamp())) + " ahead): "
                    + clockCauses(one, latest, false);
        }
        return head + count + " but none after this host's clock (now " + TIME.format(now) + " UTC; latest "
                + latest.key() + ", " + io.dbbackup.core.Human.gap(Duration.between(stored.timestamp(), latest.timestamp()))
                + " after it): another run of this job made " + (one ? "it" : "them") + " while this one ran (on this host "
                + "or another; another host whose clock runs ahead by less than this run took looks the same); to tell "
                + "which, compare `date` on the host that made " + latest.key() + " with a true clock (`chronyc "
                + "tracking`): fix NTP if it is off; if it is not, keep runs of this job from overlapping; a later prune "
                + "decides about this backup by the rules";
    }

    /**
     * Retention ranks backups by the time in their keys. A backup named by a clock that ran ahead (a host booted
     * without NTP) would be "the newest" for as long as that clock was ahead: {@code keep_last} would keep it and
     * delete each real backup, the newest included. So no backup of the job may be dated later than this host's
     * clock allows ({@link #CLOCK_SKEW}); else nothing is pruned and a human decides which clock was wrong.
     */
    /** Whether {@code key} is dated more than {@link #CLOCK_SKEW} after {@code now}: named by a clock that ran ahead, or this host's is behind. */
    static boolean datedAhead(BackupKey key, Instant now) {
        return key.timestamp().isAfter(now.plus(CLOCK_SKEW));
    }

    private void refuseBackupsFromTheFuture(JobConfig job, List<BackupKey> keys) {
        Instant now = ws.clock().instant();
        List<BackupKey> ahead = keys.stream().filter(k -> datedAhead(k, now)).toList();
        if (ahead.isEmpty()) {
            return;
        }
        BackupKey latest = ahead.stream().max(Comparator.comparing(BackupKey::timestamp)).orElseThrow();
        throw new DbBackupException(ExitStatus.SYSTEM_ERROR, "job " + job.name() + ": " + ahead.size()
                + (ahead.size() == 1 ? " backup is" : " backups are") + " dated after this host's clock (now "
                + TIME.format(now) + " UTC; latest " + latest.key() + "): retention would take "
                + (ahead.size() == 1 ? "it" : "them") + " for the newest and delete backups that are really newer, "
                + "so nothing was pruned. The clock that named " + (ahead.size() == 1 ? "it" : "them")
                + " (or this host's) is wrong: fix it, and move such backups out of the job's folder, then prune again",
                null, false);
    }

    /**
     * The WAL decision from the start segments of the backups kept; null (nothing deleted, with a warning)
     * when a kept backup's manifest does not say where it starts.
     */
    private WalRetention.Decision walDecision(JobConfig job, RetentionDecision decision) {
        WalArchive archive = new WalArchive(ws);
        WalArchive.Contents contents = archive.contents(job);
        mentionUnknownWal(job, archive.walFolder(job), contents.unknown());
        List<WalFileName> starts = new ArrayList<>();
        for (Kept k : decision.keep()) {
            Optional<WalFileName> start = catalog.walStart(job, k.backup());
            if (start.isEmpty()) {
                ws.log().warn("no archived WAL pruned: the manifest of a kept backup does not say where its WAL starts",
                        "job", job.name(), "key", k.backup().key());
                return null;
            }
            starts.add(start.get());
        }
        return WalRetention.decide(contents.archived(), starts);
    }

    /**
     * A warning for the objects under the WAL archive this build cannot read (a newer dbbackup's WAL naming, another
     * tool's files): WAL retention never deletes them, and a user keeping WAL for recovery should know they are there.
     */
    private void mentionUnknownWal(JobConfig job, String folder, List<io.dbbackup.core.StoredObject> unknown) {
        boolean many = unknown.size() > 3;
        String it = many ? "them" : "it";
        String rule = "WAL retention passes " + it + " by and prune never deletes " + it + " (prune " + it + " with the dbbackup "
                + "that archived " + it + ", or move " + it + " out of " + folder + ")";
        if (many) {
            ws.log().warn("not read: " + unknown.size() + " objects under the WAL archive " + folder + " are not WAL in a form "
                    + "this dbbackup knows (first " + unknown.get(0).key() + ", last " + unknown.get(unknown.size() - 1).key()
                    + "; archived by a newer dbbackup?): " + rule, "job", job.name());
            return;
        }
        for (io.dbbackup.core.StoredObject o : unknown) {
            String what = WalKey.unknownFormOf(o.key(), folder)
                    .map(f -> "WAL file " + f.name() + " in a form this dbbackup does not know (archived by a newer dbbackup?)")
                    .orElse("not a WAL file this dbbackup archives");
            ws.log().warn("not read: an object that is " + what + ": " + rule, "job", job.name(), "key", o.key());
        }
    }
}
