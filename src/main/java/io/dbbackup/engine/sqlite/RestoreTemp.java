package io.dbbackup.engine.sqlite;

import io.dbbackup.core.LockFile;
import io.dbbackup.core.Log;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The temporary file a SQLite restore writes beside its target ({@code .dbbackup-restore-NAME.UUID}), with a
 * lock file ({@code ….lock}) held for as long as the restore runs. The lock is on a file of its own because
 * SQLite's close of the temporary file (the integrity check) would drop a POSIX lock taken on that file.
 * A restore killed half way leaves both behind, unlocked: the next restore into the same target removes
 * them and says so; a lock file alone (killed during its final cleanup), with no journal of its restore aside, too.
 * A temporary file whose lock is held belongs to a restore still running and is left alone.
 */
final class RestoreTemp implements AutoCloseable {
    static final String PREFIX = ".dbbackup-restore-";
    static final String LOCK = ".lock";

    private final Path target;
    private final Path file;
    private final Path lockFile;
    private final LockFile lock;

    private RestoreTemp(Path target, Path file, Path lockFile, LockFile lock) {
        this.target = target;
        this.file = file;
        this.lockFile = lockFile;
        this.lock = lock;
    }

    /** Removes what killed restores into {@code target} left, then claims a new temporary file (not yet created). */
    static RestoreTemp claim(Path target, Log log) throws IOException {
        Path dir = target.getParent();
        sweep(dir, target.getFileName().toString(), log);
        for (int attempt = 1; ; attempt++) {
            Path file = dir.resolve(PREFIX + target.getFileName() + "." + UUID.randomUUID());
            Path lockFile = file.resolveSibling(file.getFileName() + LOCK);
            try {
                Files.createFile(lockFile);
            } catch (IOException e) {
                // before any byte is written (a folder out of inodes, or not writable): the target is as it was
                IOException said = io.dbbackup.core.FileFailure.of("", "create the restore's lock file", lockFile, e);
                throw said instanceof io.dbbackup.core.LocalFileException ? new io.dbbackup.core.LocalFileException(
                        said.getMessage() + "; nothing was restored: SQLite database " + target + " is unchanged", e) : said;
            }
            LockFile held;
            try {
                // held before the temporary file exists: a sweep never sees that file unlocked while this restore lives
                held = LockFile.hold(lockFile, LockFile.SHARED);
            } catch (java.nio.file.NoSuchFileException swept) {
                held = null; // another restore's sweep took it for a killed one's before it was locked
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(lockFile);
                throw e;
            }
            if (held != null && Files.exists(lockFile, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return new RestoreTemp(target, file, lockFile, held);
            }
            if (held != null) {
                held.close(); // locked after that sweep unlinked it: a lock nobody else can see
            }
            if (attempt == 3) {
                throw new IOException("cannot claim a temporary file beside " + target + ": its lock file " + lockFile
                        + " was removed by another restore into it, 3 times");
            }
        }
    }

    Path file() {
        return file;
    }

    /**
     * Deletes the temporary file (if not renamed over the target) and the journal files its integrity check left (a
     * WAL-mode file opened read-only keeps its {@code -wal} and {@code -shm}), then the lock file, then releases the lock.
     * All are kept (the lock only released) while the target's journals lie aside under this restore's id ({@link Swap}
     * could not move them back after a failed rename, or delete them after its rename): the copy present, or gone with
     * its lock file there, is what tells the next restore ({@link KilledRestore}) whether the rename happened.
     */
    @Override
    public void close() throws IOException {
        try {
            if (journalsAside()) {
                return;
            }
            SqliteEngine.deleteWithJournals(file);
            Files.deleteIfExists(lockFile);
        } finally {
            lock.close();
        }
    }

    private boolean journalsAside() {
        return journalsAside(target, file);
    }

    /** Whether a journal of {@code target} lies aside under the ID of restore copy {@code file}. */
    private static boolean journalsAside(Path target, Path file) {
        String id = file.getFileName().toString().substring(file.getFileName().toString().lastIndexOf('.') + 1);
        for (Path journal : SqliteEngine.journals(target)) {
            if (Files.exists(journal.resolveSibling(journal.getFileName() + Swap.ASIDE + id),
                    java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return true;
            }
        }
        return false;
    }

    private static void sweep(Path dir, String name, Log log) throws IOException {
        Pattern temp = Pattern.compile(Pattern.quote(PREFIX + name + ".")
                + "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, PREFIX + "*")) {
            for (Path p : entries) {
                String entry = p.getFileName().toString();
                if (temp.matcher(entry).matches()) {
                    removeIfAbandoned(p, log);
                } else if (entry.endsWith(LOCK)
                        && temp.matcher(entry.substring(0, entry.length() - LOCK.length())).matches()) {
                    removeLockIfAlone(dir.resolve(name), p, log);
                }
            }
        }
    }

    /**
     * Removes {@code lockFile} when nobody holds it and nothing else of its restore is left: no copy (its restore was
     * killed in its final cleanup, or after its rename once a DBA removed its asides). {@link KilledRestore} has read it
     * by then: with journals of its restore aside, that restore was refused before this sweep, and they are checked again
     * here under the lock.
     */
    private static void removeLockIfAlone(Path target, Path lockFile, Log log) {
        String copyName = lockFile.getFileName().toString();
        Path copy = lockFile.resolveSibling(copyName.substring(0, copyName.length() - LOCK.length()));
        try {
            boolean[] removed = {false};
            LockFile.whileUnheld(lockFile, false, () -> {
                if (!Files.exists(copy, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !journalsAside(target, copy)) {
                    removed[0] = Files.deleteIfExists(lockFile);
                }
            });
            if (removed[0]) {
                log.warn("removed the lock file of a restore killed during its final cleanup (nothing else of it was "
                        + "left)", "path", lockFile);
            }
        } catch (java.nio.file.NoSuchFileException gone) {
            // its restore finished meanwhile, or another sweep removed it
        } catch (IOException e) {
            log.warn("cannot remove the lock file of a restore that did not finish", "path", lockFile,
                    "error", e.getMessage());
        }
    }

    /** Removes {@code file} and its lock file when nobody holds the lock (an older dbbackup's restore made none). */
    private static void removeIfAbandoned(Path file, Log log) {
        Path lockFile = file.resolveSibling(file.getFileName() + LOCK);
        try {
            long size;
            try {
                size = Files.size(file);
            } catch (java.nio.file.NoSuchFileException gone) {
                return; // its restore finished meanwhile
            }
            if (LockFile.whileUnheld(lockFile, true, () -> {
                SqliteEngine.deleteWithJournals(file);
                Files.deleteIfExists(lockFile);
            })) {
                log.warn("removed the temporary file of a restore that did not finish (the process was killed)",
                        "path", file, "bytes", size);
            }
        } catch (IOException e) {
            log.warn("cannot remove the temporary file of a restore that did not finish", "path", file,
                    "error", e.getMessage());
        }
    }
}
