package io.dbbackup.job;

import io.dbbackup.codec.Decryptor;
import io.dbbackup.codec.Encryptor;
import io.dbbackup.codec.HashingOutputStream;
import io.dbbackup.config.JobConfig;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.StoredObject;
import io.dbbackup.core.WalFileName;
import io.dbbackup.core.WalKey;
import io.dbbackup.core.WalSegmentHeader;
import io.dbbackup.pipeline.ArtifactReader;
import io.dbbackup.pipeline.Failures;
import io.dbbackup.pipeline.WalTransfer;
import io.dbbackup.spi.Engine;
import io.dbbackup.spi.Store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The WAL archive of a physical job, {@code <prefix>/<cluster>/wal/} in the job's store, compressed and
 * encrypted as the job's backups. {@link #push} is PostgreSQL's {@code archive_command}, {@link #fetch}
 * its {@code restore_command}. Archived WAL is never overwritten: a second push of identical content
 * succeeds, of different content fails.
 */
public final class WalArchive {
    /** How a push ended. */
    public enum Outcome { ARCHIVED, ALREADY_ARCHIVED, ARCHIVED_AHEAD }

    /** One push: the key written (or found), how, the sizes and how many other waiting files went along. */
    public record Pushed(WalKey key, Outcome outcome, long bytes, long storedBytes, int ahead) {
        Pushed with(int ahead) {
            return new Pushed(key, outcome, bytes, storedBytes, ahead);
        }
    }

    /** One fetch: the key read and the size written to the destination. */
    public record Fetched(WalKey key, long bytes) {
    }

    private final Workspace ws;

    public WalArchive(Workspace ws) {
        this.ws = ws;
    }

    /** The job, which must back up a physical datasource. */
    public JobConfig physicalJob(String name) {
        JobConfig job = ws.job(name);
        Engine engine = ws.datasource(job.datasource()).engine();
        if (!engine.physical()) {
            throw DbBackupException.user("job '" + name + "' backs up " + engine.describe() + " with logical dumps; WAL "
                    + "archiving needs a physical job (engine: postgres, method: physical)");
        }
        return job;
    }

    /** {@code <prefix>/<cluster>/wal/}. */
    public String walFolder(JobConfig job) {
        return WalKey.walFolder(job.prefix(), ws.datasource(job.datasource()).engine().database());
    }

    public Pushed push(String jobName, Path file, String name) {
        return push(jobName, file, name, 0);
    }

    /**
     * Archives {@code file} as {@code name}. When PostgreSQL's archiver calls (the file lies in {@code pg_wal}
     * beside {@code archive_status}), up to {@code ahead} other files waiting there ({@code .ready}) are
     * archived too, in parallel, each leaving a marker in {@code pg_wal/dbbackup/} holding its SHA-256: when
     * the archiver then asks for one of them, a file with that exact content is acknowledged without a
     * second upload. This spreads one JVM's start-up and one store connection over many segments when the
     * archiver falls behind; when it keeps up there is nothing waiting and nothing extra happens.
     */
    public Pushed push(String jobName, Path file, String name, int ahead) {
        return push(jobName, file, name, ahead, null);
    }

    /**
     * As {@link #push(String, Path, String, int)}; no further batch of files is archived ahead once {@code aheadBudget}
     * (null: no limit) has passed since the call began, so that a slow but working store finishes the call within the
     * caller's time limit (those archived ahead so far keep their markers).
     */
    public Pushed push(String jobName, Path file, String name, int ahead, java.time.Duration aheadBudget) {
        long began = System.nanoTime();
        WalFileName wal = parseName(name);
        JobConfig job = physicalJob(jobName);
        Store store = ws.store(job.store()).store();
        String folder = walFolder(job);
        Optional<AheadSpool> spool = AheadSpool.beside(file, store.describe() + " " + folder, ws.config().file(), job.name(),
                ws.clock());
        Content content = Content.of(file);
        String sha = content.sha256();
        if (spool.isPresent() && spool.get().pushedAhead(wal.name(), sha)) {
            return new Pushed(new WalKey(folder, wal, sha, job.compression(), job.encryption() != null), Outcome.ARCHIVED_AHEAD,
                    size(file), 0, 0);
        }
        if (spool.isEmpty() || ahead <= 0) {
            return pushOne(job, store, folder, file, wal, content);
        }
        List<WalFileName> first = spool.get().waiting(wal, ahead);
        if (first.isEmpty()) {
            return pushOne(job, store, folder, file, wal, content);
        }
        ExecutorService pool = Executors.newFixedThreadPool(AHEAD_THREADS, r -> {
            Thread t = new Thread(r, "wal-push");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<Pushed> requested = pool.submit(() -> pushOne(job, store, folder, file, wal, content));
            // keep going while the archiver's backlog grows, up to 'ahead' files in all: each of them then costs the
            // archiver's next call only a JVM start and a hash
            Set<WalFileName> taken = new HashSet<>();
            List<WalFileName> batch = first;
            int pushed = 0;
            while (!batch.isEmpty() && pushed < ahead
                    && (aheadBudget == null || System.nanoTime() - began < aheadBudget.toNanos())) {
                List<Future<?>> tasks = new ArrayList<>();
                for (WalFileName w : batch.subList(0, Math.min(batch.size(), ahead - pushed))) {
                    taken.add(w);
                    pushed++;
                    tasks.add(pool.submit(() -> pushAhead(job, store, folder, file.resolveSibling(w.name()), w, spool.get())));
                }
                awaitAll(tasks);
                batch = spool.get().waiting(wal, ahead).stream().filter(w -> !taken.contains(w)).toList();
            }
            try {
                return requested.get().with(pushed);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : Failures.map("cannot archive " + name, e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw DbBackupException.system("interrupted while archiving " + name);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void pushAhead(JobConfig job, Store store, String folder, Path f, WalFileName w, AheadSpool spool) {
        try {
            Content c = Content.of(f);
            pushOne(job, store, folder, f, w, c);
            spool.mark(w.name(), c.sha256());
        } catch (RuntimeException e) {
            ws.log().warn("could not archive ahead; the archiver will ask again", "file", w.name(), "error", e.getMessage());
        }
    }

    private static void awaitAll(List<Future<?>> tasks) {
        for (Future<?> t : tasks) {
            try {
                t.get();
            } catch (ExecutionException e) {
                // logged by the task
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static final int AHEAD_THREADS = 4;

    private Pushed pushOne(JobConfig job, Store store, String folder, Path file, WalFileName wal, Content content) {
        String sha = content.sha256();
        String name = wal.name();
        List<WalKey> existing = archived(store, folder, wal);
        for (WalKey k : existing) {
            if (k.sha256().equals(sha)) {
                return new Pushed(k, Outcome.ALREADY_ARCHIVED, size(file), 0, 0);
            }
        }
        if (!existing.isEmpty()) {
            throw DbBackupException.integrity(name + " is already archived with different content (" + existing.get(0).key()
                    + ", SHA-256 " + existing.get(0).sha256() + "; this file has " + sha + "): refusing to overwrite archived WAL."
                    + " Is another cluster archiving into " + folder + "?");
        }
        WalSegmentHeader.mismatch(wal, firstBytes(file), size(file)).ifPresent(why -> {
            throw DbBackupException.integrity(file + " is not WAL file " + name + ": " + why + "; not archived (recovery "
                    + "would take it for the end of the WAL)");
        });
        Encryptor encryptor = Encryption.encryptor(job);
        WalKey key = new WalKey(folder, wal, sha, job.compression(), encryptor != null);
        try (Workspace.Operation op = ws.operation("wal-push"); InputStream in = content.open()) {
            long stored = WalTransfer.push(store, key, in, job.compressionLevel(), encryptor, op.context());
            return new Pushed(key, Outcome.ARCHIVED, size(file), stored, 0);
        } catch (IOException e) {
            throw Failures.map("cannot archive " + name + " to " + store.describe(), e);
        }
    }

    /**
     * Writes {@code name} to {@code destination} (atomically: a temporary file in its folder, renamed when
     * complete and checked). Missing from the archive: {@link WalNotArchivedException}, unless later
     * segments of its timeline are archived (a gap: recovery must not end here) — an integrity error.
     */
    public Fetched fetch(String jobName, String name, Path destination, DecryptionKeys keys) {
        WalFileName wal = parseName(name);
        JobConfig job = physicalJob(jobName);
        Store store = ws.store(job.store()).store();
        String folder = walFolder(job);
        List<StoredObject> copies = listing(store, folder + wal.folder() + wal.name());
        List<WalKey> found = archived(copies, folder, wal);
        if (found.isEmpty()) {
            List<String> unknown = copies.stream().map(StoredObject::key).filter(k -> !WalKey.hidden(k))
                    .filter(k -> WalKey.unknownFormOf(k, folder).filter(wal::equals).isPresent()).toList();
            if (!unknown.isEmpty()) {
                // not "not in the archive": PostgreSQL would take that for the end of the WAL and end recovery here
                throw DbBackupException.integrity(name + " is in the archive " + folder + " only in a form this dbbackup "
                        + "does not know: " + String.join(", ", unknown) + " (archived by a newer dbbackup, or not by "
                        + "dbbackup?): fetch it with the dbbackup that archived it; nothing was written to " + destination
                        + ", and recovery must not end here as if it were missing");
            }
            throw notArchived(store, folder, wal, destination);
        }
        if (found.stream().map(WalKey::sha256).distinct().count() > 1) {
            throw DbBackupException.integrity(name + " is archived twice with different content (" + found.get(0).key()
                    + ", " + found.get(1).key() + "): resolve this by hand before recovering past it");
        }
        WalKey key = found.get(0);
        Decryptor decryptor = key.encrypted() ? Encryption.required(key.key(), job, keys, ws,
                () -> ArtifactReader.headerOf(store, key.key())) : null;
        Path dir = destination.toAbsolutePath().getParent();
        removeAbandonedTemporaries(dir, destination.getFileName().toString(), ws.clock());
        Path temp = dir.resolve("." + destination.getFileName() + ".dbbackup-" + UUID.randomUUID());
        try {
            long bytes;
            try (OutputStream out = Files.newOutputStream(io.dbbackup.core.FilePermissions.OWNER_ONLY.createFile(temp))) {
                // a write that fails (a full pg_wal) is that disk's fault, never the archived file's damage (exit 3)
                bytes = WalTransfer.fetch(store, key, decryptor, io.dbbackup.core.FileFailure.naming(out, temp));
            }
            byte[] first = firstBytes(temp);
            Optional<String> wrong = WalSegmentHeader.mismatch(wal, first, bytes)
                    .or(() -> WalSegmentHeader.otherSystem(wal, first, pgControlBeside(destination)));
            if (wrong.isPresent()) {
                throw DbBackupException.integrity(key.key() + " is not WAL file " + name + " of this cluster: " + wrong.get()
                        + " (its content matches the SHA-256 in its name, so it was archived under the wrong name or from "
                        + "another cluster): not written to " + destination);
            }
            Files.move(temp, destination, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new Fetched(key, bytes);
        } catch (IOException e) {
            throw Failures.map("cannot fetch " + name + " from " + store.describe(), e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // best effort: a dot-file PostgreSQL never reads
            }
        }
    }

    /**
     * The temporary files of earlier fetches into {@code name} that were killed before they could remove them (SIGKILL,
     * or PostgreSQL shutting down during a fetch: the JVM exits without running the cleanup), 16 MiB each in pg_wal,
     * which PostgreSQL never removes. PostgreSQL runs one restore_command at a time; one an hour old by {@code clock} (the
     * workspace's) is nobody's.
     */
    static void removeAbandonedTemporaries(Path dir, String name, java.time.Clock clock) {
        String prefix = "." + name + ".dbbackup-";
        java.time.Instant cutoff = clock.instant().minus(java.time.Duration.ofHours(1));
        try (java.nio.file.DirectoryStream<Path> s = Files.newDirectoryStream(dir, p -> p.getFileName().toString().startsWith(prefix))) {
            for (Path p : s) {
                if (Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // best effort: the fetch itself does not depend on it
        }
    }

    /** The last archived WAL segment in WAL order, and when the store says the last of those before it was written. */
    public record Stored(WalFileName file, java.time.Instant at) {
    }

    /**
     * Among the archived segments of {@code timeline} from the log of {@code from} on, listed one log folder
     * ({@link WalFileName#folder()}) at a time until one is empty, and those of the timelines after it up to {@code last},
     * listed whole: the last one in WAL order, with the newest time the store gives any of them (a segment pushed ahead,
     * beside the one the archiver asked for, may be stored before it). Empty when there is none.
     */
    public Optional<Stored> newestSegment(JobConfig job, long timeline, io.dbbackup.core.Lsn from, long last) {
        Store store = ws.store(job.store()).store();
        String folder = walFolder(job);
        List<StoredObject> seen = new ArrayList<>();
        for (long log = from.value() >>> 32; log <= 0xFFFF_FFFFL; log++) {
            List<StoredObject> listed = listing(store, folder + String.format(java.util.Locale.ROOT, "%08X%08X/", timeline, log));
            if (listed.isEmpty()) {
                break;
            }
            seen.addAll(listed);
        }
        for (long t = timeline + 1; t <= last; t++) {
            seen.addAll(listing(store, folder + String.format(java.util.Locale.ROOT, "%08X", t)));
        }
        WalFileName end = null;
        java.time.Instant at = null;
        for (StoredObject o : seen) {
            Optional<WalKey> k = WalKey.parse(o.key(), folder).filter(w -> w.file().kind() == WalFileName.Kind.SEGMENT);
            if (k.isPresent() && o.lastModified() != null) {
                end = end == null || k.get().file().compareTo(end) > 0 ? k.get().file() : end;
                at = at == null || o.lastModified().isAfter(at) ? o.lastModified() : at;
            }
        }
        return end == null ? Optional.empty() : Optional.of(new Stored(end, at));
    }

    /** Whether WAL file {@code name} is in the job's archive. */
    public boolean isArchived(JobConfig job, String name) {
        return !archived(new Catalog(ws).store(job), walFolder(job), parseName(name)).isEmpty();
    }

    /** Every archived WAL file of the job (objects under its wal/ folder that parse as WAL keys), in WAL order. */
    public List<WalKey> list(JobConfig job) {
        return contents(job).archived();
    }

    /**
     * What lies under a job's wal/ folder: {@code archived}, the WAL files this build reads (in WAL order), and
     * {@code unknown}, every other object but hidden temporary uploads — WAL in a form this build does not know (a newer
     * dbbackup's), or objects that are not dbbackup's. Nothing reads or deletes the unknown ones; prune names them.
     * {@code sizes}: the stored size of each of {@code archived}, by its key (-1 when the listing gave none).
     */
    public record Contents(List<WalKey> archived, List<StoredObject> unknown, java.util.Map<String, Long> sizes) {
    }

    public Contents contents(JobConfig job) {
        Store store = ws.store(job.store()).store();
        String folder = walFolder(job);
        List<WalKey> out = new ArrayList<>();
        List<StoredObject> unknown = new ArrayList<>();
        java.util.Map<String, Long> sizes = new java.util.HashMap<>();
        for (StoredObject o : listing(store, folder)) {
            Optional<WalKey> k = WalKey.parse(o.key(), folder);
            if (k.isPresent()) {
                out.add(k.get());
                sizes.put(k.get().key(), o.size());
            } else if (!WalKey.hidden(o.key())) {
                unknown.add(o);
            }
        }
        out.sort(Comparator.comparing(WalKey::file).thenComparing(WalKey::key));
        return new Contents(out, unknown, sizes);
    }

    private DbBackupException notArchived(Store store, String folder, WalFileName wal, Path destination) {
        Path local = destination.toAbsolutePath().resolveSibling(wal.name());
        if (Files.isRegularFile(local)) {
            return new WalNotArchivedException(wal.name() + " is not in the archive " + folder
                    + " (PostgreSQL has its own copy in " + local.getParent() + ")");
        }
        if (wal.kind() == WalFileName.Kind.SEGMENT) {
            String timeline = wal.name().substring(0, 8);
            List<StoredObject> sameTimeline = listing(store, folder + timeline);
            Optional<WalKey> later = sameTimeline.stream()
                    .map(o -> WalKey.parse(o.key(), folder)).flatMap(Optional::stream)
                    .filter(k -> laterSegment(k.file(), wal))
                    .findFirst();
            if (later.isPresent()) {
                return DbBackupException.integrity(wal.name() + " is missing from the archive " + folder + " although "
                        + later.get().file().name() + " of the same timeline is there: the archive has a gap, recovery "
                        + "cannot continue past it");
            }
            // a later segment in a form this build does not know (a newer dbbackup's): the archive goes on past this one
            Optional<StoredObject> laterUnknown = sameTimeline.stream().filter(o -> !WalKey.hidden(o.key()))
                    .filter(o -> WalKey.unknownFormOf(o.key(), folder).filter(f -> laterSegment(f, wal)).isPresent())
                    .findFirst();
            if (laterUnknown.isPresent()) {
                return DbBackupException.integrity(wal.name() + " is missing from the archive " + folder + " although "
                        + laterUnknown.get().key() + " (a later segment of the same timeline, in a form this dbbackup does not "
                        + "know: archived by a newer dbbackup?) is there: recovery must not end here; fetch with the dbbackup "
                        + "that archived it");
            }
        }
        return new WalNotArchivedException(wal.name() + " is not in the archive " + folder);
    }

    private static boolean laterSegment(WalFileName f, WalFileName wal) {
        return f.kind() == WalFileName.Kind.SEGMENT && f.timeline() == wal.timeline()
                && Long.compareUnsigned(f.position(), wal.position()) > 0;
    }

    private static List<WalKey> archived(Store store, String folder, WalFileName wal) {
        return archived(listing(store, WalKey.prefixOf(folder, wal)), folder, wal);
    }

    private static List<WalKey> archived(List<StoredObject> listed, String folder, WalFileName wal) {
        List<WalKey> out = new ArrayList<>();
        for (StoredObject o : listed) {
            WalKey.parse(o.key(), folder).filter(k -> k.file().equals(wal)).ifPresent(out::add);
        }
        return out;
    }

    private static List<StoredObject> listing(Store store, String prefix) {
        try {
            return store.list(prefix);
        } catch (IOException e) {
            throw Failures.map("cannot list " + prefix + " in " + store.describe(), e);
        }
    }

    private static WalFileName parseName(String name) {
        return WalFileName.parse(name).orElseThrow(() -> DbBackupException.user("'" + name + "' is not a WAL file name "
                + "PostgreSQL archives (a 24-hex-digit segment, its .partial or .backup file, or a TTTTTTTT.history file)"));
    }

    /**
     * A WAL file and its SHA-256, read as a stream; the upload reads it again and re-checks the digest as it goes.
     * (Holding a 16 MiB segment in memory instead cost a fresh JVM ~0.15 s: the heap grown by a collection,
     * a 16 MiB temporary direct buffer and its page faults, against ~5 ms to read it again from the page cache.)
     */
    private record Content(Path file, String sha256) {
        static Content of(Path file) {
            try {
                try (InputStream in = Files.newInputStream(file)) {
                    HashingOutputStream h = new HashingOutputStream(OutputStream.nullOutputStream());
                    in.transferTo(h);
                    return new Content(file, h.hex());
                }
            } catch (NoSuchFileException e) {
                throw DbBackupException.user("cannot archive " + file + ": no such file");
            } catch (AccessDeniedException e) {
                throw DbBackupException.user("cannot archive " + file + ": permission denied");
            } catch (IOException e) {
                throw DbBackupException.system("cannot read " + file + ": " + e.getMessage(), e);
            }
        }

        InputStream open() throws IOException {
            return Files.newInputStream(file);
        }
    }

    /** The first bytes of {@code file}, as many as a WAL segment header takes (fewer when it is shorter). */
    private static byte[] firstBytes(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(WalSegmentHeader.LENGTH);
        } catch (IOException e) {
            throw DbBackupException.system("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The start of {@code global/pg_control} of the data directory whose {@code pg_wal} {@code destination} is in (where
     * PostgreSQL's restore_command writes), holding its system identifier; empty elsewhere.
     */
    private static byte[] pgControlBeside(Path destination) {
        Path walDir = destination.toAbsolutePath().normalize().getParent();
        if (walDir == null || walDir.getFileName() == null || !walDir.getFileName().toString().equals("pg_wal")
                || walDir.getParent() == null) {
            return new byte[0];
        }
        try (InputStream in = Files.newInputStream(walDir.getParent().resolve("global/pg_control"))) {
            return in.readNBytes(8);
        } catch (IOException e) {
            return new byte[0]; // not a data directory: nothing to compare with
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }
}
