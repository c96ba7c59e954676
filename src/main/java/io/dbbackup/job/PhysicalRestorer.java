package io.dbbackup.job;

import io.dbbackup.codec.Decryptor;
import io.dbbackup.core.ArchiveMode;
import io.dbbackup.config.JobConfig;
import io.dbbackup.core.BackupKey;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.FolderSync;
import io.dbbackup.core.Lsn;
import io.dbbackup.core.WalFileName;
import io.dbbackup.pipeline.ArtifactReader;
import io.dbbackup.pipeline.Failures;
import io.dbbackup.pipeline.ReadAhead;
import io.dbbackup.spi.DirectoryRestore;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.Engine;
import io.dbbackup.core.RecoveryTarget;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Restores a physical base backup into a data directory that is empty or missing. Without a target the
 * files are exactly the backup's (PostgreSQL starts and replays the WAL inside it to the backup's end);
 * with one, the directory is set up to recover from the job's WAL archive to that target and promote.
 * Without a key, the newest backup that ended before the target is used. The artifact is read once: the
 * SHA-256 is checked as it streams, and a failure of any kind removes everything written.
 */
public final class PhysicalRestorer {
    /**
     * Written into the data directory before the first file and removed after the last one is flushed: a folder
     * that holds it is a restore that was killed (or is running), which the next restore names as such.
     */
    static final String UNFINISHED = ".dbbackup-restore-unfinished";

    /**
     * What to restore where. {@code target} null = plain restore. {@code dbbackupCommand}: how PostgreSQL's
     * restore_command calls dbbackup, as shell text (e.g. {@code /usr/bin/java -jar /opt/dbbackup/dbbackup.jar});
     * {@code walFetchArgs}: extra wal-fetch arguments (--identity FILE, --passphrase-env VAR);
     * {@code tablespaceMapping}: a tablespace's location on the server (or its OID) to the folder it is restored
     * into instead of that location; {@code dryRun}: make every check (the folders, the backup read to its end) and
     * write nothing; {@code archiveMode}: {@code OFF} turns the restored server's WAL archiving off (its
     * archive_command is the source's).
     */
    public record Request(String job, Optional<String> key, Path pgdata, RecoveryTarget target, String dbbackupCommand,
                          List<String> walFetchArgs, Map<String, Path> tablespaceMapping, boolean dryRun,
                          ArchiveMode archiveMode) {
        public Request {
            walFetchArgs = List.copyOf(walFetchArgs);
            tablespaceMapping = Map.copyOf(tablespaceMapping);
            archiveMode = archiveMode == null ? ArchiveMode.PRESERVE : archiveMode;
        }

        public Request(String job, Optional<String> key, Path pgdata, RecoveryTarget target, String dbbackupCommand,
                       List<String> walFetchArgs, Map<String, Path> tablespaceMapping, boolean dryRun) {
            this(job, key, pgdata, target, dbbackupCommand, walFetchArgs, tablespaceMapping, dryRun, ArchiveMode.PRESERVE);
        }

        public Request(String job, Optional<String> key, Path pgdata, RecoveryTarget target, String dbbackupCommand,
                       List<String> walFetchArgs, Map<String, Path> tablespaceMapping) {
            this(job, key, pgdata, target, dbbackupCommand, walFetchArgs, tablespaceMapping, false);
        }

        public Request(String job, Optional<String> key, Path pgdata, RecoveryTarget target, String dbbackupCommand,
                       List<String> walFetchArgs) {
            this(job, key, pgdata, target, dbbackupCommand, walFetchArgs, Map.of());
        }

        /**
         * The options after JOB KEY that make another backup's restore this one: into {@code pgdata} (absolute), to the
         * same recovery target, with the same tablespace mapping and archive mode, as a dry run if this was one; the
         * keys that backup needs are added by {@link Catalog#pointingToOlder} (an older backup may need an older key).
         */
        List<String> sameRestoreArgs() {
            List<String> args = new ArrayList<>(List.of("--pgdata", pgdata.toAbsolutePath().normalize().toString()));
            if (target != null) {
                args.addAll(target.restoreArgs());
            }
            new TreeMap<>(tablespaceMapping).forEach((from, to) -> args.addAll(List.of("--tablespace-mapping",
                    from.replace("=", "\\=") + "=" + to.toString().replace("=", "\\="))));
            if (archiveMode == ArchiveMode.OFF) {
                args.addAll(List.of("--archive-mode", archiveMode.toString()));
            }
            if (dryRun) {
                args.add("--dry-run");
            }
            return args;
        }
    }

    /**
     * What was restored (for a dry run: would be; {@code bytes} then what the check decoded); {@code restoreCommand}
     * is null for a plain restore; {@code tablespaces}: OID to folder; {@code pastArchive}: a warning that the target
     * (time or LSN) lies past what the WAL archive holds (null when it does not, or when that is not known).
     */
    public record Result(BackupKey key, Path pgdata, long bytes, RecoveryTarget target, String restoreCommand,
                         Map<String, Path> tablespaces, boolean dryRun, String pastArchive) {
    }

    private final Workspace ws;
    private final DecryptionKeys keys;
    private final Progress progress;

    public PhysicalRestorer(Workspace ws, DecryptionKeys keys) {
        this(ws, keys, Progress.NONE);
    }

    /** {@code progress} hears about the one read ("restoring FILE"). */
    public PhysicalRestorer(Workspace ws, DecryptionKeys keys, Progress progress) {
        this.ws = ws;
        this.keys = keys;
        this.progress = progress;
    }

    public Result restore(Request r) {
        JobConfig job = ws.job(r.job());
        Engine engine = ws.datasource(job.datasource()).engine();
        if (!engine.physical()) {
            throw DbBackupException.user("--pgdata restores physical base backups, but job '" + job.name() + "' backs up "
                    + engine.describe() + " with logical dumps: restore it without --pgdata");
        }
        ws.requireSecrets(job); // the store's, unless a local copy stands in for it
        Path dir = r.pgdata().toAbsolutePath().normalize();
        checkEmpty(dir);
        Catalog catalog = new Catalog(ws);
        BackupKey key = choose(catalog, job, r.key(), r.target());
        warnOfNewerTimelines(catalog, job, key, r.target());
        String pastArchive = pastArchive(catalog, job, key, r.target());
        Map<String, Path> tablespaces = tablespaceFolders(engine, catalog, job, key, r.tablespaceMapping(), dir);
        Decryptor decryptor = Encryption.decryptorFor(key, job, keys, ws);
        String restoreCommand = r.target() == null ? null
                : RestoreCommand.of(r.dbbackupCommand(), ws.config().file(), job.name(), r.walFetchArgs());
        boolean created = !Files.exists(dir);
        Map<Path, Boolean> folders = new LinkedHashMap<>();
        folders.put(dir, created);
        tablespaces.values().forEach(f -> folders.put(f, !Files.exists(f)));
        long total = progress == Progress.NONE ? -1 : catalog.storedSize(job, key);
        if (r.dryRun()) {
            long decoded;
            try (Workspace.Operation op = ws.operation("restore-" + job.name())) { // a signal stops its read too
                decoded = check(catalog, job, key, decryptor, total, r.sameRestoreArgs(), op.context().cancellation());
            }
            ws.log().info("dry run: nothing restored", "key", key.key(), "pgdata", dir);
            return new Result(key, dir, decoded, r.target(), restoreCommand, tablespaces, true, pastArchive);
        }
        try (Workspace.Operation op = ws.operation("restore-" + job.name())) {
            ws.log().info("restore started", "key", key.key(), "pgdata", dir, "target", r.target() == null ? "none (plain)" : r.target());
            long bytes;
            try {
                for (Path folder : folders.keySet()) {
                    Files.createDirectories(folder);
                    Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
                }
                Files.writeString(dir.resolve(UNFINISHED), "key=" + key.key() + "\nstarted=" + ws.clock().instant() + "\n");
                try (StoppableRead read = StoppableRead.open(ArtifactReader.forRecovery(catalog.store(job)), key, decryptor,
                        op.context().cancellation(), decoded -> ReadAhead.of(progress.watch(decoded), "restore"))) {
                    progress.started("restoring " + key.fileName(), total);
                    io.dbbackup.pipeline.TeeInputStream counting = io.dbbackup.pipeline.TeeInputStream.counting(read.stream());
                    engine.restoreFiles(counting, key.format(), new DirectoryRestore(dir, r.target(), restoreCommand, tablespaces,
                            r.archiveMode()),
                            op.context());
                    bytes = counting.count();
                    requireReadToItsEnd(counting, read, key, engine, bytes);
                    read.finished();
                }
                finished(dir);
            } catch (IOException | RuntimeException e) {
                List<Path> unclean = new ArrayList<>();
                folders.forEach((folder, made) -> {
                    if (!removeWritten(folder, made)) {
                        unclean.add(folder);
                    }
                });
                String where = join(folders.keySet());
                // whatever failed (a checksum keeps its own message), the user learns what became of the directory
                // a signal's cut read and what the engine made of it race: the cancellation is said, whichever came first
                DbBackupException d = Restorer.namingTheBackup(key, Failures.map("restore of " + key.key() + " into " + dir + " failed",
                        StoppableRead.cancellationFirst(e, op.context().cancellation(), ws.log())));
                throw catalog.pointingToOlder(job, key, new DbBackupException(d.status(), d.getMessage()
                        + (unclean.isEmpty() ? " (nothing was left in " + where + ")"
                        : " (some of what it wrote could not be removed from " + join(unclean) + "; empty it before trying again)"),
                        d, d.retryable()),
                        "restore", r.sameRestoreArgs(), keys);
            } finally {
                progress.finished();
            }
            ws.log().info("restore finished", "key", key.key(), "pgdata", dir, "bytes", bytes);
            return new Result(key, dir, bytes, r.target(), restoreCommand, tablespaces, false, pastArchive);
        }
    }

    /**
     * The engine returned: it must have read the backup to its end, whose checksum the read checks there. One that
     * stopped before it (a tar's end-of-archive marker with more after it, an engine that stops early) restored what it
     * read of a backup whose checksum no read has checked, and would have been reported as restored: an integrity
     * failure instead (exit 3), the files written removed.
     */
    private static void requireReadToItsEnd(java.io.InputStream counting, StoppableRead read, BackupKey key, Engine engine,
                                            long bytes) throws IOException {
        if (counting.read() >= 0) {
            throw new io.dbbackup.codec.IntegrityException(engine.describe() + " stopped reading " + key.key() + " after "
                    + bytes + " bytes, before its end: the rest was not restored, and the checksum, checked at the end, "
                    + "was not checked");
        }
        if (read.decoded().sha256() == null) {
            throw new io.dbbackup.codec.IntegrityException(key.key() + " was read to its end, but its checksum was not checked");
        }
    }


    /**
     * A dry run's read of the whole backup: SHA-256 and decoding, as the restore itself would check them; cut off at once
     * on {@code cancellation} (a signal), even while it waits on a stalled connection.
     */
    private long check(Catalog catalog, JobConfig job, BackupKey key, Decryptor decryptor, long total, List<String> restoreArgs,
                       Cancellation cancellation) {
        try (StoppableRead read = StoppableRead.open(ArtifactReader.forRecovery(catalog.store(job)), key, decryptor,
                cancellation)) {
            progress.started("checking " + key.fileName(), total);
            long decoded = ArtifactReader.drain(progress.watch(read.decoded()), cancellation);
            read.finished();
            return decoded;
        } catch (IOException | RuntimeException e) {
            throw catalog.pointingToOlder(job, key, Failures.map("cannot read " + key.key(),
                    StoppableRead.cancellationFirst(e, cancellation, ws.log())),
                    "restore", restoreArgs, keys);
        } finally {
            progress.finished();
        }
    }

    /**
     * Where each extra tablespace of the backup goes (OID to folder): the folder a mapping names, else the server's
     * location. Each must be empty or missing, none inside another or the data directory; every mapping must name a
     * tablespace of the backup. With the manifest unreadable the backup's tablespaces are unknown: only mappings by
     * OID are taken then (the engine refuses a tablespace left without a folder).
     */
    private Map<String, Path> tablespaceFolders(Engine engine, Catalog catalog, JobConfig job, BackupKey key,
                                                Map<String, Path> mapping, Path pgdata) {
        Map<String, String> held;
        boolean known = true;
        try {
            held = engine.tablespaces(catalog.facts(job, key).facts());
        } catch (DbBackupException e) {
            held = Map.of();
            known = false;
            ws.log().warn("the backup's manifest cannot be read: its tablespaces are unknown (a tablespace in it needs "
                    + "--tablespace-mapping OID=DIR)", "key", key.key(), "error", e.getMessage());
        }
        Map<String, Path> folders = new TreeMap<>();
        held.forEach((oid, location) -> folders.put(oid, Path.of(location)));
        for (Map.Entry<String, Path> m : mapping.entrySet()) {
            String from = m.getKey();
            String oid = null;
            if (from.chars().allMatch(Character::isDigit) && (!known || held.containsKey(from))) {
                oid = from;
            } else {
                Path old = Path.of(from).normalize();
                for (Map.Entry<String, String> h : held.entrySet()) {
                    if (Path.of(h.getValue()).normalize().equals(old)) {
                        oid = h.getKey();
                    }
                }
            }
            if (oid == null) {
                throw DbBackupException.user("--tablespace-mapping " + from + ": backup " + key.fileName() + " has no tablespace "
                        + (from.chars().allMatch(Character::isDigit) ? "with OID " : "at ") + from + " ("
                        + (held.isEmpty() ? "it has none" : "it has " + describe(held)) + "; nothing was written)");
            }
            folders.put(oid, m.getValue().toAbsolutePath().normalize());
        }
        List<Path> all = new ArrayList<>(List.of(pgdata));
        for (Map.Entry<String, Path> f : folders.entrySet()) {
            Path folder = f.getValue();
            String what = "tablespace " + f.getKey() + "'s folder " + folder;
            if (!folder.isAbsolute()) {
                throw DbBackupException.user(what + " is not an absolute path (nothing was written)");
            }
            for (Path other : all) {
                if (folder.startsWith(other) || other.startsWith(folder)) {
                    throw DbBackupException.user(what + " overlaps " + other + ": give it a folder of its own with "
                            + "--tablespace-mapping " + held.getOrDefault(f.getKey(), f.getKey()) + "=DIR (nothing was written)");
                }
            }
            all.add(folder);
            String from = held.getOrDefault(f.getKey(), f.getKey());
            if (Files.isDirectory(folder.resolve("lost+found"))) {
                // a freshly formatted volume mounted there, as for --pgdata: a folder inside it, named
                throw DbBackupException.user(what + " is not empty: it holds lost+found, the root of a mounted file system; "
                        + "restore the tablespace into a folder inside it, --tablespace-mapping " + from + "="
                        + folder.resolve("tablespace") + " (nothing was written)");
            }
            checkEmpty(folder, what, "--tablespace-mapping " + from + "=DIR");
        }
        return folders;
    }

    private static String join(java.util.Collection<Path> paths) {
        return String.join(", ", paths.stream().map(Path::toString).toList());
    }

    private static String describe(Map<String, String> held) {
        StringBuilder s = new StringBuilder();
        held.forEach((oid, location) -> s.append(s.isEmpty() ? "" : ", ").append(oid).append(" at ").append(location));
        return s.toString();
    }

    /** The named backup (which must end before the target), or the newest that ended before it. */
    private BackupKey choose(Catalog catalog, JobConfig job, Optional<String> name, RecoveryTarget target) {
        if (name.isPresent()) {
            BackupKey key = catalog.resolve(job, name);
            if (target != null && !target.isLatest()) {
                Catalog.Facts f = catalog.facts(job, key);
                if (!endsBefore(f, target)) {
                    throw DbBackupException.user("backup " + key.fileName() + " ended after the target " + target
                            + endedAt(f, target).map(e -> " (at " + e + ")").orElse("") + ": recovery cannot stop before a "
                            + "base backup is consistent; pick an older backup, a later target or omit KEY (nothing was written)");
                }
            }
            return key;
        }
        List<Catalog.Entry> entries = catalog.list(job);
        if (entries.isEmpty()) {
            throw catalog.noBackupsHere(job);
        }
        if (target == null || target.isLatest()) {
            return catalog.newestToTake(job, entries);
        }
        for (Catalog.Entry e : entries) {
            Catalog.Facts f;
            try {
                f = catalog.facts(job, e.key());
            } catch (DbBackupException ex) {
                ws.log().warn("skipping a backup whose manifest cannot be read", "key", e.key().key(), "error", ex.getMessage());
                continue;
            }
            if (endsBefore(f, target)) {
                return e.key();
            }
        }
        BackupKey oldest = entries.get(entries.size() - 1).key();
        String ended;
        try {
            ended = endedAt(catalog.facts(job, oldest), target).map(e -> ", which ended at " + e).orElse("");
        } catch (DbBackupException e) {
            ended = "";
        }
        throw DbBackupException.user("no base backup of job '" + job.name() + "' ended before the target " + target
                + " (oldest: " + oldest.fileName() + ended + "): recovery cannot stop before a base backup is consistent; "
                + "pick a later target (nothing was written)");
    }

    /** Where backup {@code f} ended, in {@code target}'s terms: {@code LSN X} (empty when unknown) or its finished time. */
    private static Optional<String> endedAt(Catalog.Facts f, RecoveryTarget target) {
        if (target.lsn() != null) {
            return f.get("end_lsn").flatMap(Lsn::parse).map(e -> "LSN " + e);
        }
        return Optional.ofNullable(f.finished()).map(String::valueOf);
    }

    /**
     * Recovery along the newest timeline (PostgreSQL's default) follows a timeline that a promoted restore archiving into
     * this job created after the backup — the right history when that restore became the cluster, the wrong one when it
     * was a test or a clone beside a source that went on. Which one, only the user knows: the restore names the newest
     * timeline (as PostgreSQL finds it: the history files after the backup's, one by one) and the option that stays.
     */
    private void warnOfNewerTimelines(Catalog catalog, JobConfig job, BackupKey key, RecoveryTarget target) {
        if (target == null || !target.followsNewestTimeline()) {
            return;
        }
        try {
            long backup = catalog.facts(job, key).get("timeline").map(Long::parseLong).orElse(0L);
            if (backup <= 0) {
                return;
            }
            long newest = newestTimeline(new WalArchive(ws), job, backup);
            if (newest > backup) {
                ws.log().warn("the WAL archive holds timeline " + newest + ", newer than the backup's timeline " + backup
                        + " (a restore that was promoted and archives into this job made it): recovery follows it to the "
                        + "target. If that timeline is a test restore's or a clone's and not the history wanted, restore with "
                        + "--target-timeline current (stays on timeline " + backup + ")", "key", key.key());
            }
        } catch (RuntimeException e) {
            ws.log().debug("timelines in the archive not checked", "error", String.valueOf(e.getMessage()));
        }
    }

    /** The newest timeline as PostgreSQL finds it from {@code backup}'s: the history files after it, one by one. */
    private static long newestTimeline(WalArchive archive, JobConfig job, long backup) {
        long newest = backup;
        while (archive.isArchived(job, String.format(Locale.ROOT, "%08X.history", newest + 1))) {
            newest++;
        }
        return newest;
    }

    /**
     * A target past what the WAL archive holds: PostgreSQL, started on the restore, replays the archive and shuts down
     * with "FATAL: recovery ended before configured recovery target was reached" (PostgreSQL 13 and later): a warning
     * then, the line the command prints. Every commit in an archived segment happened before the segment was stored, so
     * the archive cannot reach a target time later than its newest segment's upload time (or, with none after the
     * backup, the backup's end); nor a target LSN at or after the end of its newest segment (or, with none, after the
     * backup's end LSN): PostgreSQL stops at the first record that starts at or after the target, which would be in a
     * segment it does not have. The segment size is the one the backup's start names (its START WAL LOCATION and
     * file, {@link WalFileName#segmentSizeHolding}); an LSN inside the newest segment may be reached and is not warned
     * of. Only the segments recovery reads are listed: the backup's timeline one log folder at a time from the backup's
     * end until one is empty, and a later timeline it follows (another restore's, usually short) whole. A later upload (an
     * archiver that fell behind, a copy job's copy) only makes the warning rarer; a target the archive may reach is
     * never warned of. Null when nothing is to be said or known.
     */
    private String pastArchive(Catalog catalog, JobConfig job, BackupKey key, RecoveryTarget target) {
        if (target == null || target.isLatest()) {
            return null;
        }
        try {
            Catalog.Facts f = catalog.facts(job, key);
            long backup = f.get("timeline").map(Long::parseLong).orElse(0L);
            Optional<Lsn> end = f.get("end_lsn").flatMap(Lsn::parse);
            if (backup <= 0 || end.isEmpty()) {
                return null;
            }
            java.util.OptionalLong segmentSize = java.util.OptionalLong.empty();
            if (target.lsn() != null) {
                Optional<Lsn> startLsn = f.get("start_lsn").flatMap(Lsn::parse);
                segmentSize = f.get("start_wal_file").flatMap(WalFileName::parse)
                        .filter(w -> startLsn.isPresent())
                        .map(w -> w.segmentSizeHolding(startLsn.get())).orElse(java.util.OptionalLong.empty());
                if (segmentSize.isEmpty()) {
                    return null;
                }
            }
            WalArchive archive = new WalArchive(ws);
            long newestTimeline = target.timeline().equals(RecoveryTarget.CURRENT) ? backup : newestTimeline(archive, job, backup);
            long last = target.followsNewestTimeline() || target.timeline().equals(RecoveryTarget.CURRENT) ? newestTimeline
                    : Math.min(Long.parseLong(target.timeline()), newestTimeline); // one without a history file: PostgreSQL refuses it
            Optional<WalArchive.Stored> newest = archive.newestSegment(job, backup, end.get(), last);
            String what;
            if (target.time() != null) {
                if (newest.isPresent() ? !target.time().isAfter(newest.get().at()) : !target.time().isAfter(f.finished())) {
                    return null;
                }
                what = "the target time " + target.time() + " is after " + newest.map(n -> "the newest archived WAL segment ("
                                + n.file().name() + ", archived by " + n.at().truncatedTo(java.time.temporal.ChronoUnit.MILLIS) + ")")
                        .orElse("the end of backup " + key.fileName() + " (" + f.finished()
                                + "), and the WAL archive holds no segment after it");
            } else {
                long size = segmentSize.getAsLong();
                if (newest.isPresent() ? target.lsn().compareTo(newest.get().file().end(size)) < 0
                        : target.lsn().compareTo(end.get()) <= 0) {
                    return null;
                }
                what = "the target LSN " + target.lsn() + " is after " + newest.map(n -> "the newest archived WAL segment ("
                                + n.file().name() + ", which ends at " + n.file().end(size) + ")")
                        .orElse("the end of backup " + key.fileName() + " (end LSN " + end.get()
                                + "), and the WAL archive holds no segment after it");
            }
            return what + ": started now, PostgreSQL replays the archive and shuts down with \"FATAL: recovery ended before "
                    + "configured recovery target was reached\"; archive more WAL first (once the source has "
                    + (target.time() != null ? "committed past the target" : "written WAL past the target")
                    + ", SELECT pg_switch_wal() on it archives its current segment), or restore with --target latest";
        } catch (RuntimeException e) {
            ws.log().debug("the archive's reach of the target not checked", "error", String.valueOf(e.getMessage()));
            return null;
        }
    }

    static boolean endsBefore(Catalog.Facts f, RecoveryTarget target) {
        if (target.time() != null) {
            return f.finished().isBefore(target.time());
        }
        Optional<Lsn> end = f.get("end_lsn").flatMap(Lsn::parse);
        return end.isPresent() && end.get().compareTo(target.lsn()) <= 0;
    }

    /** The last step of a restore: the marker goes, and with it the folder's claim to be unfinished. */
    private static void finished(Path dir) throws IOException {
        Files.delete(dir.resolve(UNFINISHED));
        FolderSync.flush(dir); // the removal too is on disk before the restore is reported done
    }

    /** A tablespace's folder: a folder that is empty or missing, else the user is told how to put it elsewhere. */
    private static void checkEmpty(Path folder, String what, String remedy) {
        if (!Files.exists(folder)) {
            return;
        }
        if (!Files.isDirectory(folder)) {
            throw DbBackupException.user(what + " exists and is not a folder (nothing was written)");
        }
        try (Stream<Path> s = Files.list(folder)) {
            if (s.findAny().isPresent()) {
                throw DbBackupException.user(what + " is not empty: a tablespace is restored only into an empty or missing "
                        + "folder; put it elsewhere with " + remedy + " (nothing was written)");
            }
        } catch (IOException e) {
            throw DbBackupException.user("cannot read " + what + ": " + e.getMessage());
        }
    }

    private static void checkEmpty(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw DbBackupException.user("--pgdata " + dir + " exists and is not a folder");
        }
        Path marker = dir.resolve(UNFINISHED);
        if (Files.isRegularFile(marker)) {
            String facts;
            try {
                facts = Files.readString(marker).strip().replace("\n", ", ");
            } catch (IOException e) {
                facts = "its marker unreadable";
            }
            throw DbBackupException.user("--pgdata " + dir + " holds a restore that did not finish (" + facts + "; the process "
                    + "was killed, or is still running): its files are incomplete and must not be started; empty the folder "
                    + "and restore again (nothing was written)");
        }
        if (Files.isDirectory(dir.resolve("lost+found"))) {
            // a freshly formatted volume (ext4, a Kubernetes PersistentVolume) mounted there: initdb refuses it too
            throw DbBackupException.user("--pgdata " + dir + " is not empty: it holds lost+found, the root of a mounted file "
                    + "system; PostgreSQL does not run in a mount point: restore into a folder inside it, --pgdata "
                    + dir.resolve("pgdata") + " (and point PGDATA there) (nothing was written)");
        }
        try (Stream<Path> s = Files.list(dir)) {
            if (s.findAny().isPresent()) {
                throw DbBackupException.user("--pgdata " + dir + " is not empty: a base backup is restored only into an empty "
                        + "or missing folder (nothing was written)");
            }
        } catch (IOException e) {
            throw DbBackupException.user("cannot read --pgdata " + dir + ": " + e.getMessage());
        }
    }

    /** Removes what the failed restore wrote (and the directory, if it created it); true when nothing is left. */
    private boolean removeWritten(Path dir, boolean created) {
        if (!Files.exists(dir)) {
            return true;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).filter(p -> created || !p.equals(dir)).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            ws.log().warn("could not remove what the failed restore wrote", "pgdata", dir, "error", e.getMessage());
        }
        if (!Files.exists(dir)) {
            return true;
        }
        try (Stream<Path> left = Files.list(dir)) {
            return !created && left.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }
}
