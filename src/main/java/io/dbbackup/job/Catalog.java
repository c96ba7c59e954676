package io.dbbackup.job;

import io.dbbackup.config.JobConfig;
import io.dbbackup.core.BackupKey;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.core.Human;
import io.dbbackup.core.RecordedSize;
import io.dbbackup.core.StoredObject;
import io.dbbackup.pipeline.ArtifactReader;
import io.dbbackup.pipeline.Failures;
import io.dbbackup.spi.Store;

import io.dbbackup.core.Json;
import io.dbbackup.core.WalFileName;
import io.dbbackup.spi.NoSuchKeyException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** A job's backups in its store: the objects under its folder that parse as its backup keys. */
public final class Catalog {
    /**
     * One backup: its key and the stored object (size, time written); {@code pinned}: a {@code .pin} marker lies beside
     * it ({@link Pins}); {@code manifest}: its {@code .manifest.json} was listed beside it; {@code checksum}: its
     * {@code .sha256} was listed beside it (a backup has one sidecar at least, see {@link Listing}).
     */
    public record Entry(BackupKey key, StoredObject object, boolean pinned, boolean manifest, boolean checksum) {
    }

    /** What a backup's manifest says: when the backup finished and the engine's facts (start/end LSN...). */
    public record Facts(BackupKey key, Instant finished, Map<String, String> facts) {
        public Facts {
            facts = Map.copyOf(facts);
        }

        public Optional<String> get(String fact) {
            return Optional.ofNullable(facts.get(fact));
        }
    }

    private static final java.time.format.DateTimeFormatter TIME =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", java.util.Locale.ROOT).withZone(java.time.ZoneOffset.UTC);

    private final Workspace ws;
    /**
     * {@link #elsewhere}'s folders of a whole store that no job reaches, by store name: read once per catalog. {@code list
     * --all} of a config whose jobs have no backups asks it for every job, and 200 jobs listed a store of 200 folders 200
     * times. A failed listing is not kept.
     */
    private final Map<String, List<Found>> unreachedByStore = new java.util.concurrent.ConcurrentHashMap<>();

    /** The store named {@link #ownName} as this catalog reads it, in place of the config's shared one; null: none. */
    private final String ownName;
    private final Store own;

    public Catalog(Workspace ws) {
        this(ws, null, null);
    }

    /** A catalog that reads store {@code storeName} through {@code store} (its own instance, see {@link NewestGoodBackup}). */
    Catalog(Workspace ws, String storeName, Store store) {
        this.ws = ws;
        this.ownName = storeName;
        this.own = store;
    }

    public String folder(JobConfig job) {
        return BackupKey.folder(job.prefix(), database(job));
    }

    public String database(JobConfig job) {
        return ws.datasource(job.datasource()).engine().database();
    }

    public Store store(JobConfig job) {
        if (own != null && job.store().equals(ownName)) {
            return own;
        }
        return ws.store(job.store()).store();
    }

    /**
     * A job's folder as listed: its backups, newest first, and {@code unchecked}, the files named like its backups with
     * neither a {@code .sha256} nor a manifest beside them. A backup's sidecars are written before its artifact is
     * committed and deleted after it, so dbbackup never leaves such a file: it is one copied in by hand, or a backup
     * whose sidecars were both lost. Nothing could check its bytes (restore refuses it), so it is no backup: retention
     * neither counts it nor deletes it, restore and copy never pick it, and list, prune and verify name it.
     * {@code newestWrite}: the latest last-modified time of any object in the folder, by the store's clock (empty for
     * an empty folder). {@code unknown}: files named {@code <database>-<YYYYMMDD-HHMMSS>.<ext>} with their {@code .sha256}
     * beside them whose {@code <ext>} this build does not know — most likely backups a newer dbbackup made (an image
     * rolled back after an upgrade): passed by as foreign names are, but named, never silently.
     */
    public record Listing(List<Entry> backups, List<StoredObject> unchecked, Optional<Instant> newestWrite,
                          List<StoredObject> unknown) {
        public Listing {
            backups = List.copyOf(backups);
            unchecked = List.copyOf(unchecked);
            unknown = List.copyOf(unknown);
        }
    }

    /** A backup's name whatever its extension: the database, the UTC stamp, then a suffix. */
    private static final java.util.regex.Pattern STAMPED = java.util.regex.Pattern.compile("\\d{8}-\\d{6}\\.[^/]+");

    /** The job's backups, newest first (see {@link Listing}). Throws rather than return a partial list. */
    public List<Entry> list(JobConfig job) {
        return listing(job).backups();
    }

    /**
     * A warning for each file named like a backup that nothing can check ({@link Listing#unchecked}); more than three
     * in one line, so that a folder of them does not flood the log.
     */
    public void mentionUnchecked(JobConfig job, Listing listing) {
        List<StoredObject> unchecked = listing.unchecked();
        if (unchecked.size() > 3) {
            ws.warnAboutOne(job, uncheckedKind(), "not backups: " + Human.count(unchecked.size(), "file")
                    + " named like backups of job " + job.name()
                    + " have neither a .sha256 nor a manifest beside them (first " + unchecked.get(0).key() + ", last "
                    + unchecked.get(unchecked.size() - 1).key() + "), so nothing can check them; restore, verify and "
                    + "retention pass them by and prune never deletes them (put their sidecars back beside them, or move them "
                    + "out of the job's folder)");
            return;
        }
        for (StoredObject o : unchecked) {
            ws.warnAboutOne(job, uncheckedKind(), "not a backup: " + o.key() + " has neither a .sha256 nor a manifest "
                    + "beside it, so nothing can check it; restore, verify and retention pass it by and prune never deletes "
                    + "it (put its sidecar back beside it, or move it out of the job's folder)", "key", o.key());
        }
        for (StoredObject o : listing.unknown()) {
            ws.warnAboutOne(job, "files named like backups, with their .sha256 beside them, are in a form this dbbackup "
                    + "does not know (made by a newer dbbackup?): list, restore, verify and retention pass them by and prune "
                    + "never deletes them (" + ws.suggest("list", "JOB") + " names them; read them with the dbbackup that "
                    + "made them)", unknownForm(o) + ": list, restore, verify and retention pass it by and prune never deletes "
                    + "it (read it with the dbbackup that made it)", "key", o.key());
        }
    }

    /** What {@link #mentionUnchecked}'s warnings of several jobs say once. */
    private String uncheckedKind() {
        return "files named like backups have neither a .sha256 nor a manifest beside them, so nothing can check them; "
                + "restore, verify and retention pass them by and prune never deletes them (" + ws.suggest("list", "JOB")
                + " names them; put their sidecars back beside them, or move them out of the job's folder)";
    }

    private static String unknownForm(StoredObject o) {
        return o.key() + " is named like a backup and has its .sha256 beside it, but in a form this dbbackup does not know "
                + "(made by a newer dbbackup?)";
    }

    /**
     * Whether retention counts {@code e} as a backup: the one definition prune, a copy job's selection and its WAL copy
     * use (through {@link #countable}, or this where the caller words its own warning). An object of 0 bytes is none,
     * wherever it lies and whatever is beside it: never one of the kept N, never what makes another be deleted or left
     * uncopied, never deleted.
     */
    public static boolean counts(Entry e) {
        return !RecordedSize.empty(e.object().size());
    }

    /**
     * The stored size {@code key}'s own manifest records; null when it has none, one that is not JSON, or one that is not
     * {@code key}'s (copied beside it with another backup's name): those record nothing ({@link CutShort}).
     */
    public Long recordedSize(JobConfig job, BackupKey key) {
        try {
            return recordedSizeOrThrow(job, key);
        } catch (DbBackupException e) {
            return null; // a manifest that is not JSON records nothing
        }
    }

    /** {@link #recordedSize}, throwing when the manifest cannot be read (a store error) or is not JSON (exit 3). */
    private Long recordedSizeOrThrow(JobConfig job, BackupKey key) {
        return manifest(job, key).map(m -> recordedSizeIn(key, m)).orElse(null);
    }

    /**
     * The stored size {@code manifest} (read beside {@code key}) records; null when it records none or is not
     * {@code key}'s (copied beside it with another backup's name).
     */
    public static Long recordedSizeIn(BackupKey key, Map<String, Object> manifest) {
        return key.key().equals(manifest.get("key")) && manifest.get("size") instanceof Number n ? n.longValue() : null;
    }

    /**
     * {@code e} as a {@link CutShort} when the manifest listed beside it records another size than its own (one read of
     * the manifest); empty otherwise. A copy job's backup whose own manifest records no size (none beside it, one that
     * is not JSON or describes another backup) is judged by its source backup's manifest, as the copy run judges it
     * ({@link Copier}): one read in the source job's store. A manifest that cannot be read (a store error) or is not
     * JSON records nothing, and a warning names it: the backup is counted as before, not silently. Not for an empty
     * object: the listing alone says what it is ({@link #counts}).
     */
    public Optional<CutShort> cutShort(JobConfig job, Entry e) {
        long size = e.object().size();
        if (size <= 0) {
            return Optional.empty();
        }
        Long recorded = e.manifest() ? recordedSizeOrWarn(job, job, e.key(), e.key()) : null;
        if (recorded != null || !job.isCopy()) {
            return RecordedSize.cutShort(size, recorded) ? Optional.of(new CutShort(e.key(), size, recorded, false)) : Optional.empty();
        }
        JobConfig source = ws.job(job.copyOf());
        Optional<BackupKey> origin = BackupKey.parseFileName(e.key().fileName(), source.prefix(), database(source));
        recorded = origin.map(o -> recordedSizeOrWarn(source, job, o, e.key())).orElse(null);
        return RecordedSize.cutShort(size, recorded) ? Optional.of(new CutShort(e.key(), size, recorded, true)) : Optional.empty();
    }

    /**
     * {@link #recordedSize} of {@code key} (a backup of {@code owner}), with a warning under {@code job} naming the
     * manifest when it cannot be read or is not JSON: prune counts {@code checked} as a backup whose manifest records no
     * size. Failing the prune instead would stop retention on a flaky read, or for good on a manifest the store keeps
     * refusing (an archive storage class, a permission), while the backup is only unchecked, not known to be cut.
     */
    private Long recordedSizeOrWarn(JobConfig owner, JobConfig job, BackupKey key, BackupKey checked) {
        try {
            return recordedSizeOrThrow(owner, key);
        } catch (DbBackupException x) {
            boolean notJson = x.status() == ExitStatus.INTEGRITY;
            // the key once, in key=; the source backup's manifest is another backup's object, named; the store's words
            // are quoted as they are (they name the object it refused)
            ws.log().warn("not checked for being cut short: " + (checked.equals(key) ? "the backup's manifest"
                    : "the manifest of the backup's source backup, " + key.manifestKey() + ",") + (notJson
                    ? " is not valid JSON" : " could not be read (" + x.getMessage() + ")") + "; retention counts it as a "
                    + "backup whose manifest records no size" + (notJson ? " (" + ws.suggest("verify", job.name(),
                    checked.key()) + " checks it)" : " (a later prune reads it again)"), "job", job.name(), "key", checked.key());
            return null;
        }
    }

    /**
     * {@code entries} without the backup objects of 0 bytes ({@link #counts}), with a warning for each naming it and saying what
     * {@code passedBy} (the caller, in words) does with it. No dump is empty (each has a header, compressed or encrypted),
     * so such an object beside its sidecars is damage: a failed Azure upload's empty commit whose delete failed too, a
     * full disk, a copy by hand. Counted by a retention (prune's, a copy job's), it would rank as the newest backup and
     * a good one would be deleted or left uncopied in its place; deleted, the evidence would be gone. It is neither.
     */
    public List<Entry> countable(JobConfig job, List<Entry> entries, String passedBy) {
        List<Entry> out = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            if (!counts(e)) {
                ws.log().warn("not counted by retention: an object that is empty (0 bytes), so it is no backup (an "
                        + "upload that failed, a full disk?); " + passedBy + ": check it (" + ws.suggest("verify", job.name(),
                        e.key().key()) + ") and remove it with its sidecars", "job", job.name(), "key", e.key().key());
            } else {
                out.add(e);
            }
        }
        return out;
    }

    /**
     * A warning for each file named like a backup of the job, newer than {@code taken}, that nothing can check
     * ({@link Listing#unchecked}): "the newest" passes it by, and whoever restores must learn that a newer file is there
     * and which backup was taken instead, not find out from yesterday's data.
     */
    private void mentionNewerUnchecked(JobConfig job, Listing listing, BackupKey taken) {
        String db = database(job);
        for (StoredObject o : listing.unchecked()) {
            BackupKey.parse(o.key(), job.prefix(), db).filter(k -> k.compareTo(taken) < 0).ifPresent(k ->
                    ws.log().warn("passing by a file newer than the backup taken: it has neither a .sha256 nor a "
                            + "manifest beside it, so nothing can check it; taking " + taken.key() + ", the newest backup of "
                            + "job " + job.name() + " that can be checked (put the sidecar back beside the newer file and name "
                            + "it to take it)", "job", job.name(), "key", o.key()));
        }
        String stamp = taken.fileName().substring(db.length() + 1, db.length() + 16);
        for (StoredObject o : listing.unknown()) {
            String name = o.key().substring(folder(job).length());
            if (name.substring(db.length() + 1, db.length() + 16).compareTo(stamp) > 0) {
                ws.log().warn("passing by a file newer than the backup taken, named like a backup with its .sha256 beside "
                        + "it but in a form this dbbackup does not know (made by a newer dbbackup?): taking " + taken.key()
                        + ", the newest backup of job " + job.name() + " this dbbackup can read (the newer one needs the "
                        + "dbbackup that made it)", "job", job.name(), "key", o.key());
            }
        }
    }

    /** Throws rather than return a partial listing. */
    public Listing listing(JobConfig job) {
        Store store = store(job);
        String db = database(job);
        List<StoredObject> objects;
        try {
            objects = store.listFolder(folder(job)); // not the WAL archive below it
        } catch (IOException e) {
            throw Failures.map("cannot list " + folder(job) + " in " + store.describe(), e);
        }
        // a key listed twice (overlapping pages of an S3-compatible server) is one object: one row, one backup that
        // retention counts, one delete
        java.util.Map<String, StoredObject> byKey = new java.util.LinkedHashMap<>();
        for (StoredObject o : objects) {
            byKey.putIfAbsent(o.key(), o);
        }
        java.util.Set<String> keys = byKey.keySet();
        List<Entry> out = new ArrayList<>();
        List<StoredObject> unchecked = new ArrayList<>();
        List<StoredObject> unknown = new ArrayList<>();
        String folder = folder(job);
        for (StoredObject o : byKey.values()) {
            Optional<BackupKey> parsed = BackupKey.parse(o.key(), job.prefix(), db);
            parsed.ifPresent(k -> {
                if (keys.contains(k.sha256Key()) || keys.contains(k.manifestKey())) {
                    out.add(new Entry(k, o, keys.contains(k.pinKey()), keys.contains(k.manifestKey()),
                            keys.contains(k.sha256Key())));
                } else {
                    unchecked.add(o);
                }
            });
            if (parsed.isEmpty() && keys.contains(o.key() + BackupKey.SHA256_SUFFIX) && o.key().startsWith(folder + db + "-")
                    && STAMPED.matcher(o.key().substring(folder.length() + db.length() + 1)).matches()
                    && !o.key().endsWith(BackupKey.MANIFEST_SUFFIX) && !o.key().endsWith(BackupKey.PIN_SUFFIX)) {
                unknown.add(o); // its own .sha256 beside it: a sidecar (KEY.sha256.sha256 is none of ours) or a backup
            }
        }
        out.sort(Comparator.comparing(Entry::key));
        unchecked.sort(Comparator.comparing(StoredObject::key));
        Optional<Instant> newest = byKey.values().stream().map(StoredObject::lastModified).filter(java.util.Objects::nonNull)
                .max(Comparator.naturalOrder());
        unknown.sort(Comparator.comparing(StoredObject::key));
        return new Listing(out, unchecked, newest, unknown);
    }

    /**
     * An integrity failure of {@code failed} with the job's next older backup named, and how to restore
     * it ({@code restoreArgs} follow the key, each word quoted for a shell as needed): on the day a backup turns out corrupt, the user's next
     * step is the one before it; when it is the oldest, the message says there is nothing older. Other failures pass
     * unchanged.
     */
    public DbBackupException pointingToOlder(JobConfig job, BackupKey failed, DbBackupException e, List<String> restoreArgs) {
        return pointingToOlder(job, failed, e, "restore", restoreArgs);
    }

    /**
     * {@link #pointingToOlder(JobConfig, BackupKey, DbBackupException, List)} for {@code command} ({@code restore},
     * {@code download}, {@code verify}): the older backup is named with the same command and its {@code args}, so that
     * every command that reads one backup gives the same next step on the day it is bad.
     */
    public DbBackupException pointingToOlder(JobConfig job, BackupKey failed, DbBackupException e, String command,
                                             List<String> args) {
        return pointingToOlder(job, failed, e, command, args, null);
    }

    /**
     * {@link #pointingToOlder(JobConfig, BackupKey, DbBackupException, String, List)} for a command that decrypts: the
     * older backup's command carries the key that backup needs ({@link OtherBackupKeys}), of {@code keys} (given for
     * the failed one) or in their place — after a key rotation, it is encrypted to an older recipient.
     */
    public DbBackupException pointingToOlder(JobConfig job, BackupKey failed, DbBackupException e, String command,
                                             List<String> args, DecryptionKeys keys) {
        if (e.status() != ExitStatus.INTEGRITY || io.dbbackup.codec.WrongKeyException.in(e)) {
            return e; // a key that does not open this backup opens no older one made with it either
        }
        if (store(job) instanceof LocalCopy) { // it lists the one file: "the oldest backup, none older" would be untrue
            return new DbBackupException(e.status(), e.getMessage() + "; " + failed.fileName() + " is a local copy (--from-file): "
                    + "the store of job " + job.name() + " may hold older backups (" + ws.suggest("list", job.name()) + ")", e,
                    e.retryable());
        }
        List<Entry> entries;
        try {
            entries = list(job);
        } catch (RuntimeException listing) {
            return e;
        }
        for (int i = 0; i < entries.size(); i++) {
            if (!entries.get(i).key().equals(failed)) {
                continue;
            }
            // an empty object is no backup (see countable): said in words, and never the one to fall back on
            String message = e.getMessage() + (entries.get(i).object().size() == 0 ? "; " + failed.fileName()
                    + " is empty (0 bytes), so it is no backup (an upload that failed, a full disk?)" : "");
            Optional<Entry> next = entries.subList(i + 1, entries.size()).stream().filter(o -> o.object().size() != 0)
                    .findFirst();
            if (next.isEmpty()) { // the user's next question: is there anything else?
                return new DbBackupException(e.status(), message + (i == entries.size() - 1 ? "; it is the oldest backup"
                        : "; every backup older than it is empty (0 bytes)") + " of job " + job.name() + " in "
                        + store(job).describe() + ": there is no older one to fall back on", e, e.retryable());
            }
            String older = next.get().key().fileName();
            List<String> words = new ArrayList<>(List.of(command, job.name(), older));
            words.addAll(args);
            BackupKey olderKey = next.get().key();
            OtherBackupKeys its = keys == null ? OtherBackupKeys.NONE
                    : OtherBackupKeys.of(olderKey, job, keys, () -> encryptedFor(job, olderKey));
            words.addAll(its.args());
            return new DbBackupException(e.status(), message + "; the next older backup is " + older
                    + " (" + ws.invocation().command(words) + ")" + its.note().map(n -> "; " + n).orElse(""), e,
                    e.retryable());
        }
        return e;
    }

    /** Whom {@code key} was encrypted for, {@link io.dbbackup.codec.EncryptedFor#UNKNOWN} when that cannot be read now. */
    io.dbbackup.codec.EncryptedFor encryptedFor(JobConfig job, BackupKey key) {
        try {
            return new ArtifactReader(store(job)).encryptedFor(key);
        } catch (RuntimeException unread) { // a hint's detail: the failure it is added to is said either way
            return io.dbbackup.codec.EncryptedFor.UNKNOWN;
        }
    }

    /**
     * "job 'J' has no backups in STORE under FOLDER", as a system error (2): what the audit ({@code verify --all},
     * {@code --max-age}) fails such a job with, and nothing the user typed is wrong (an unknown job or KEY is 1).
     */
    public DbBackupException noBackups(JobConfig job) {
        return DbBackupException.permanent("job '" + job.name() + "' has no backups in " + store(job).describe() + " under "
                + folder(job), null); // a retry finds none either
    }

    /**
     * {@link #noBackups} with {@link #elsewhere}'s hint: for the commands that look for one backup to read (restore,
     * download, show, pin, drill), whose user may be on the day the config was lost and written again from memory.
     */
    public DbBackupException noBackupsHere(JobConfig job) {
        DbBackupException e = noBackups(job);
        return elsewhere(job).or(() -> missingRoot(job))
                .map(hint -> DbBackupException.permanent(e.getMessage() + "; " + hint, null)).orElse(e);
    }

    /**
     * When the store's own folder is not there at all: "the store's folder P does not exist …" (a hint, never a second
     * failure: empty when the store cannot tell).
     */
    private Optional<String> missingRoot(JobConfig job) {
        try {
            return store(job).missingRoot().map(root -> "the store's folder " + root + " does not exist (deleted or moved"
                    + " away, its volume not mounted, or a wrong stores." + job.store() + ".path): put the backups back there"
                    + " or fix the path; a backup would start an empty store there");
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A folder of the store holding backups: how many, and the newest one's key. */
    record Found(String folder, String prefix, String name, int count, BackupKey newest) {
        /** "prod/shop/ (2 backups, the newest ...: prefix 'prod', database or cluster 'shop')". */
        String described() {
            return folder + " (" + count + (count == 1 ? " backup" : " backups") + ", the newest " + newest.fileName()
                    + ": prefix " + (prefix.isEmpty() ? "none" : "'" + prefix + "'") + ", database or cluster '" + name + "')";
        }
    }

    /** At most this many folders are named in {@link #elsewhere}'s hint; the rest are counted. */
    static final int FOLDERS_NAMED = 3;

    /**
     * {@link #elsewhere}'s folders for one job, as found, or none: {@code named} (at most {@link #FOLDERS_NAMED}) those
     * most like the job first, only folders like it when there are any, {@code more} how many others; {@code matched}:
     * whether they are like the job at all (else they are the most recent, the same for every job unlike them).
     */
    public record Hint(String store, List<Found> named, int more, boolean matched) {
        public Hint {
            named = List.copyOf(named);
        }

        /** The hint for {@code whom} ("job 'J'"): which folders, and what to give it to reach them. */
        String text(String whom) {
            return "the store holds backups that no job of this config reaches under "
                    + String.join(", ", named.stream().map(Found::described).toList())
                    + (more > 0 ? " and " + Human.count(more, "more folder") : "")
                    + (matched ? (named.size() > 1 ? ", the most like " + whom + " first" : more > 0 ? ", the one most like "
                    + whom : "") : named.size() > 1 ? ", the most recent first" : "")
                    + ": a job's backups are under its prefix, then its datasource's database (or cluster) name — "
                    + "give " + whom + " that prefix and its datasource that name to reach them";
        }
    }

    /**
     * Warns, through the workspace's log, of {@link #elsewhere}'s folders for a job whose own folder holds no backup.
     */
    public void warnElsewhere(JobConfig job) {
        warnElsewhere(List.of(job));
    }

    /**
     * {@link #warnElsewhere(JobConfig)} for several jobs (each without a backup), 200 jobs of a config written anew
     * printed 200 near-identical lines: the jobs each of whose database names a folder under one other prefix (the
     * config lost its prefix, or gave a new one) in one warning naming that prefix; the jobs whose hints name the same
     * folders (jobs like none of them: the most recent ones) in one warning; each naming at most {@link Human#NAMED}
     * jobs. A job whose hint is its own gets {@link #warnElsewhere(JobConfig)}'s warning, as does a single job.
     */
    public void warnElsewhere(List<JobConfig> jobs) {
        Map<Hint, List<JobConfig>> alike = new LinkedHashMap<>();
        Map<List<String>, Map<JobConfig, Hint>> underPrefix = new LinkedHashMap<>(); // (store, prefix): its jobs
        for (JobConfig job : jobs) {
            try (io.dbbackup.core.Log.Tagging tag = io.dbbackup.core.Log.tag("job", job.name())) {
                hint(job).ifPresent(h -> {
                    Found first = h.named().get(0);
                    if (h.matched() && first.name().equals(database(job))) {
                        underPrefix.computeIfAbsent(List.of(job.store(), first.prefix()), x -> new LinkedHashMap<>()).put(job, h);
                    } else {
                        alike.computeIfAbsent(h, x -> new ArrayList<>()).add(job);
                    }
                });
            }
        }
        underPrefix.forEach((where, group) -> {
            if (group.size() == 1) {
                group.forEach(this::warnOne);
                return;
            }
            List<JobConfig> named = List.copyOf(group.keySet());
            String prefix = where.get(1);
            List<String> folders = group.values().stream().map(h -> h.named().get(0).folder()).toList();
            ws.log().warn("no backups for jobs " + Human.names(named.stream().map(JobConfig::name).toList())
                    + " under their folders in " + store(named.get(0)).describe() + "; the store holds backups that no job "
                    + "of this config reaches under prefix " + (prefix.isEmpty() ? "none" : "'" + prefix + "'")
                    + " in a folder named as each one's database (" + Human.names(folders, FOLDERS_NAMED) + "): "
                    + (prefix.isEmpty() ? "give these jobs no prefix" : "give these jobs prefix '" + prefix + "'")
                    + " to reach them", "jobs", named.size());
        });
        alike.forEach((hint, group) -> {
            if (group.size() == 1) {
                warnOne(group.get(0), hint);
                return;
            }
            ws.log().warn("no backups for jobs " + Human.names(group.stream().map(JobConfig::name).toList())
                    + " under their folders in " + store(group.get(0)).describe() + "; " + hint.text("each of these jobs"),
                    "jobs", group.size());
        });
    }

    private void warnOne(JobConfig job, Hint hint) {
        ws.log().warn("no backups for job " + job.name() + " under " + folder(job) + " in " + store(job).describe() + "; "
                + hint.text("job '" + job.name() + "'"), "job", job.name());
    }

    /**
     * When a job's folder holds no backup: the folders of its store that do hold backups (a key beside its
     * {@code .sha256} or manifest, named {@code NAME-YYYYMMDD-HHMMSS.EXT} in a folder NAME) and that no job of this
     * config on that store reaches — the same job's backups under the prefix or database name an older config gave
     * it, or a config written again after the old one was lost. {@link #FOLDERS_NAMED} at most, each with the
     * {@code prefix} and database (or cluster) name that reach it: those most like the job first ({@link #likeness}),
     * then the most recent. Empty when there is none, and when the store cannot be listed (a hint, never a second
     * failure). Lists the whole store, once per catalog and store: only ever called once a job has no backup.
     */
    public Optional<String> elsewhere(JobConfig job) {
        return hint(job).map(h -> h.text("job '" + job.name() + "'"));
    }

    /** {@link #elsewhere}'s folders for {@code job}, ranked. */
    Optional<Hint> hint(JobConfig job) {
        List<Found> unreached;
        try {
            unreached = unreached(job);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        String own = folder(job);
        List<Found> folders = new ArrayList<>(unreached.stream().filter(f -> !f.folder().equals(own)).toList());
        if (folders.isEmpty()) {
            return Optional.empty();
        }
        Map<Found, Integer> like = new java.util.HashMap<>();
        folders.forEach(f -> like.put(f, likeness(job, f)));
        folders.sort(Comparator.comparing((Found f) -> -like.get(f)).thenComparing((Found f) -> f.newest().timestamp(),
                Comparator.reverseOrder()).thenComparing(Found::folder));
        boolean matched = like.get(folders.get(0)) > 0;
        // folders like the job, when there are: the newest of 200 others named after them would only mislead
        List<Found> named = folders.stream().filter(f -> !matched || like.get(f) > 0).limit(FOLDERS_NAMED).toList();
        return Optional.of(new Hint(job.store(), named, folders.size() - named.size(), matched));
    }

    /**
     * How much folder {@code f} looks like the place of {@code job}'s backups: 4 when its name is the job's database
     * name (the prefix changed), 2 when its name or prefix holds the database or job name or its name is part of
     * them, 1 when its prefix is the job's (the database was renamed); added up. Names shorter than 3 characters are
     * not looked for inside others ("db" is inside too many).
     */
    private int likeness(JobConfig job, Found f) {
        String db = database(job).toLowerCase(java.util.Locale.ROOT);
        String name = f.name().toLowerCase(java.util.Locale.ROOT);
        String prefix = f.prefix().toLowerCase(java.util.Locale.ROOT);
        int score = name.equals(db) ? 4 : 0;
        boolean holds = false;
        for (String n : List.of(db, job.name().toLowerCase(java.util.Locale.ROOT))) {
            holds |= n.length() >= 3 && (name.contains(n) || prefix.contains(n));
            holds |= name.length() >= 3 && n.contains(name);
        }
        if (holds) {
            score += 2;
        }
        if (!job.prefix().isEmpty() && f.prefix().equals(job.prefix())) {
            score += 1;
        }
        return score;
    }

    /**
     * The folders of {@code job}'s store that hold backups and that no job of this config on that store reaches, in no
     * order; read once per catalog and store (200 jobs of one store asked for it 200 times).
     */
    private List<Found> unreached(JobConfig job) throws IOException {
        List<Found> cached = unreachedByStore.get(job.store());
        if (cached != null) {
            return cached;
        }
        List<StoredObject> all = store(job).listReadable(""); // a folder this user may not open (lost+found) hides no hint
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (StoredObject o : all) {
            keys.add(o.key());
        }
        java.util.Set<String> reached = new java.util.HashSet<>();
        for (JobConfig other : ws.config().jobs().values()) {
            if (other.store().equals(job.store())) {
                try {
                    reached.add(folder(other));
                } catch (RuntimeException e) {
                    // a job whose datasource cannot say its name: its folder is not excluded, at worst named
                }
            }
        }
        Map<String, Found> found = new LinkedHashMap<>();
        for (String key : keys) {
            int slash = key.lastIndexOf('/');
            if (slash < 0 || !keys.contains(key + BackupKey.SHA256_SUFFIX) && !keys.contains(key + BackupKey.MANIFEST_SUFFIX)) {
                continue; // at the root (no folder), or no sidecar beside it: nothing says it is a backup
            }
            String folder = key.substring(0, slash + 1);
            if (reached.contains(folder)) {
                continue;
            }
            String inside = folder.substring(0, folder.length() - 1);
            int up = inside.lastIndexOf('/');
            String name = inside.substring(up + 1);
            String prefix = up < 0 ? "" : inside.substring(0, up);
            Optional<BackupKey> k = BackupKey.parse(key, prefix, name);
            if (k.isEmpty()) {
                continue;
            }
            found.merge(folder, new Found(folder, prefix, name, 1, k.get()), (a, b) -> new Found(a.folder(), a.prefix(),
                    a.name(), a.count() + 1, a.newest().timestamp().isAfter(b.newest().timestamp()) ? a.newest() : b.newest()));
        }
        List<Found> out = List.copyOf(found.values());
        unreachedByStore.put(job.store(), out);
        return out;
    }

    /** The stored size of {@code key}, or -1 when the store cannot say (for progress only). */
    public long storedSize(JobConfig job, BackupKey key) {
        try {
            return store(job).stat(key.key()).map(StoredObject::size).orElse(-1L);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The manifest facts {@code list} shows for this job's backups (none for logical dumps). */
    public List<String> listedFacts(JobConfig job) {
        return ws.datasource(job.datasource()).engine().listedFacts();
    }

    /** The engine's facts a manifest holds (its {@code facts} object), as text; none when it has none. */
    static Map<String, String> factsIn(Map<String, Object> manifest) {
        Map<String, String> facts = new LinkedHashMap<>();
        if (manifest.get("facts") instanceof Map<?, ?> f) {
            f.forEach((k, v) -> facts.put(String.valueOf(k), String.valueOf(v)));
        }
        return facts;
    }

    /** Reads {@code key}'s manifest sidecar; a missing or unreadable one is an error naming it. */
    public Facts facts(JobConfig job, BackupKey key) {
        return facts(job, key, manifest(job, key).orElse(null));
    }

    /** {@link #facts(JobConfig, BackupKey)} from {@code m}, the manifest already read (null: there is none). */
    public Facts facts(JobConfig job, BackupKey key, Map<String, Object> m) {
        Store store = store(job); // a --from-file copy: its file as given, and the manifest missing beside it
        if (m == null) {
            throw DbBackupException.integrity("backup " + store.nameOf(key.key()) + " has no manifest "
                    + store.nameOf(key.manifestKey()));
        }
        try {
            return new Facts(key, Instant.parse(String.valueOf(m.get("finished"))), factsIn(m));
        } catch (RuntimeException e) {
            throw DbBackupException.integrity("the manifest " + key.manifestKey() + " is not valid: " + e.getMessage());
        }
    }

    /**
     * {@code key}'s manifest sidecar as it is stored (empty when there is none); one that is not a JSON object is an
     * integrity error naming it.
     */
    public Optional<Map<String, Object>> manifest(JobConfig job, BackupKey key) {
        Store store = store(job);
        String text;
        try (InputStream in = store.open(key.manifestKey())) {
            text = new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8);
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw Failures.map("cannot read " + key.manifestKey() + " from " + store.describe(), e);
        }
        Object parsed;
        try {
            parsed = Json.parse(text);
        } catch (RuntimeException e) {
            parsed = null;
        }
        if (!(parsed instanceof Map<?, ?> m)) {
            throw DbBackupException.integrity("the manifest " + key.manifestKey() + " is not valid JSON");
        }
        Map<String, Object> manifest = new LinkedHashMap<>();
        m.forEach((k, v) -> manifest.put(String.valueOf(k), v));
        return Optional.of(manifest);
    }

    /** Where a physical backup's WAL starts ({@code start_wal_file} in its manifest); empty when its manifest does not say. */
    public Optional<WalFileName> walStart(JobConfig job, BackupKey key) {
        try {
            return facts(job, key).get("start_wal_file").flatMap(WalFileName::parse);
        } catch (DbBackupException e) {
            return Optional.empty();
        }
    }

    /** The key a user named (a full key or a file name in the job's folder), whether or not the store holds it. */
    public BackupKey parse(JobConfig job, String name) {
        String db = database(job);
        return parsed(job, name).orElseThrow(() -> DbBackupException.user("'" + name + "' is not a backup of job '"
                + job.name() + "' (expected a key like " + folder(job) + db + "-YYYYMMDD-HHMMSS.<ext> or its file name)"
                + namedOtherwise(job, name)));
    }

    private Optional<BackupKey> parsed(JobConfig job, String name) {
        String db = database(job);
        return BackupKey.parse(name, job.prefix(), db).or(() -> BackupKey.parseFileName(name, job.prefix(), db));
    }

    /**
     * What a name that is no backup key most likely meant, pasted from an {@code ls} of the job's folder: a sidecar
     * ({@code .sha256}, manifest, {@code .pin}) of a backup, or the path of a file on this machine whose file name is
     * one; empty otherwise.
     */
    private String namedOtherwise(JobConfig job, String name) {
        String stem = name.substring(name.lastIndexOf('/') + 1);
        if (stem.startsWith(database(job) + "-") && stem.substring(database(job).length() + 1).matches("\\d{8}-\\d{6}")) {
            return atThatTime(job, stem);
        }
        for (String suffix : List.of(BackupKey.SHA256_SUFFIX, BackupKey.MANIFEST_SUFFIX, BackupKey.PIN_SUFFIX)) {
            if (name.endsWith(suffix)) {
                Optional<BackupKey> k = parsed(job, name.substring(0, name.length() - suffix.length()));
                if (k.isPresent()) {
                    return "; that is the " + suffix + " sidecar of backup " + k.get().fileName() + ": name the backup itself";
                }
            }
        }
        int slash = name.lastIndexOf('/');
        if (slash >= 0 && parsed(job, name.substring(slash + 1)).isPresent()) {
            String file = name.substring(slash + 1);
            boolean here;
            try {
                here = java.nio.file.Files.isRegularFile(java.nio.file.Path.of(name));
            } catch (RuntimeException e) { // no path on this machine (a NUL in it): the hint leaves --from-file out
                here = false;
            }
            return "; to name that backup of the job's store give its file name " + file
                    + (here ? ", or restore the file on this machine itself with --from-file " + name : "");
        }
        return "";
    }

    /**
     * After a name that is a backup's file name without its extension ({@code shop-20261201-020000}, the time a ticket or a
     * log gives): the job's backups made at that time, each named whole — one, or several (another compression since),
     * of which the user names the one to take; never one picked by itself. Empty when there is none or the folder cannot
     * be listed (a hint, never a second failure).
     */
    private String atThatTime(JobConfig job, String stem) {
        List<String> at;
        try {
            at = list(job).stream().map(e -> e.key().fileName()).filter(f -> f.startsWith(stem + ".")).sorted().toList();
        } catch (RuntimeException e) {
            return "";
        }
        if (at.isEmpty()) {
            return "; give the backup's whole file name, with its extension" + listsThemAll(job);
        }
        return madeAtThatTime(job, at);
    }

    /**
     * {@code at} (the file names of the job's backups made at one time, sorted, not empty), each named whole: the one, or
     * all of them with "name the one to take" — never one picked by itself.
     */
    private String madeAtThatTime(JobConfig job, List<String> at) {
        if (at.size() == 1) {
            return "; the backup of job " + job.name() + " made at that time is " + at.get(0) + listsThemAll(job);
        }
        return "; job " + job.name() + " has " + at.size() + " backups made at that time, "
                + String.join(", ", at.subList(0, at.size() - 1)) + " and " + at.get(at.size() - 1) + ": name the one to take"
                + listsThemAll(job);
    }

    private String listsThemAll(JobConfig job) {
        return " (" + ws.suggest("list", job.name()) + " lists them all)";
    }

    /**
     * The newest of {@code entries} (the job's backups, newest first, not empty), taken when the user named none. Refused
     * when it is dated more than {@link Pruner#CLOCK_SKEW} after this host's clock: named by a clock that ran ahead (then
     * stepped back), it ranks as the newest while a backup made since holds newer data — or this host's clock is behind.
     * Which one holds the newest data needs a human, as for prune; the error names the newest dated before now.
     */
    public BackupKey newestToTake(JobConfig job, List<Entry> entries) {
        Optional<String> ahead = aheadOfClock(job, entries);
        if (ahead.isPresent()) {
            throw new DbBackupException(ExitStatus.SYSTEM_ERROR, ahead.get(), null, false);
        }
        return entries.get(0).key();
    }

    /**
     * Why {@link #newestToTake} refuses the newest of {@code entries} (dated more than {@link Pruner#CLOCK_SKEW} after this
     * host's clock), naming the newest dated before it; empty when it takes it.
     */
    public Optional<String> aheadOfClock(JobConfig job, List<Entry> entries) {
        BackupKey newest = entries.get(0).key();
        Instant now = ws.clock().instant();
        Instant limit = now.plus(Pruner.CLOCK_SKEW);
        if (!newest.timestamp().isAfter(limit)) {
            return Optional.empty();
        }
        Optional<BackupKey> before = entries.stream().map(Entry::key).filter(k -> !k.timestamp().isAfter(limit)).findFirst();
        return Optional.of("job " + job.name() + ": its newest backup " + newest.fileName()
                + " is dated " + io.dbbackup.core.Human.age(java.time.Duration.between(now, newest.timestamp()))
                + " after this host's clock (now " + TIME.format(now) + " UTC), so which backup holds the newest data is "
                + "unknown (a clock ran ahead when it was made, or this host's clock is behind): name the backup to take; "
                + before.map(k -> "the newest dated before this host's clock is " + k.fileName())
                        .orElse("every backup of the job is dated after this host's clock")
                + " (" + ws.suggest("list", job.name()) + " lists them all)");
    }

    /**
     * A hint after "no backup KEY": the job's backup made at the same time under another name (a file name typed from
     * {@code download --decompress}'s output, which drops {@code .gz}; another compression since), or all of them when
     * several were (as for a name without its extension: which one is meant is the user's call), else its newest
     * backup; empty when the folder cannot be listed or holds none (a hint, never a second failure).
     */
    private String nearest(JobConfig job, BackupKey missing) {
        List<Entry> entries;
        try {
            entries = list(job);
        } catch (RuntimeException e) {
            return "";
        }
        if (entries.isEmpty()) {
            return "";
        }
        List<String> at = entries.stream().map(Entry::key).filter(k -> k.timestamp().equals(missing.timestamp()))
                .map(BackupKey::fileName).sorted().toList(); // each of them, not the first the listing gives
        if (at.isEmpty()) {
            return "; the newest backup of job " + job.name() + " is " + entries.get(0).key().fileName() + listsThemAll(job);
        }
        return madeAtThatTime(job, at);
    }

    /**
     * The backup a user named: a full key, a file name in the job's folder, or (when empty) the
     * newest backup ({@link #newestToTake}).
     */
    public BackupKey resolve(JobConfig job, Optional<String> name) {
        String db = database(job);
        if (name.isEmpty()) {
            Listing listing = listing(job);
            if (listing.backups().isEmpty() && !listing.unchecked().isEmpty()) {
                String files = String.join(", ", listing.unchecked().stream().map(StoredObject::key).toList());
                throw DbBackupException.integrity("job '" + job.name() + "' has no backup that can be checked in "
                        + store(job).describe() + ": " + files + (listing.unchecked().size() == 1
                        ? " has neither a .sha256 nor a manifest beside it" : " have neither a .sha256 nor a manifest beside them")
                        + ", and a backup is never restored unchecked (put the sidecar back beside the file)");
            }
            if (listing.backups().isEmpty() && !listing.unknown().isEmpty()) {
                throw DbBackupException.user("job '" + job.name() + "' has no backup this dbbackup can read in "
                        + store(job).describe() + ": " + unknownForm(listing.unknown().get(listing.unknown().size() - 1))
                        + (listing.unknown().size() > 1 ? " and " + (listing.unknown().size() - 1) + " more like it" : "")
                        + "; read it with the dbbackup that made it");
            }
            if (listing.backups().isEmpty()) {
                throw noBackupsHere(job);
            }
            BackupKey newest = newestToTake(job, listing.backups());
            mentionNewerUnchecked(job, listing, newest);
            return newest;
        }
        BackupKey k = parse(job, name.get());
        try {
            if (store(job).stat(k.key()).isEmpty()) {
                throw DbBackupException.user("no backup " + k.key() + " in " + store(job).describe() + nearest(job, k));
            }
        } catch (IOException e) {
            throw Failures.unreachable(store(job), k.key(), e);
        }
        return k;
    }
}
