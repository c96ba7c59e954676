package io.dbbackup.engine.sqlite;

import io.dbbackup.core.Log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The temporary file a SQLite restore writes beside its target ({@code .dbbackup-restore-NAME.UUID}), with a
 * lock file ({@code ….lock}) held for as long as the restore runs. The lock is on a file of its own because
 * SQLite's close of the temporary file (the integrity check) would drop a POSIX lock taken on that file.
 * A restore killed half way leaves both behind, unlocked: the next restore into the same target removes
 * them and says so. A temporary file whose lock is held belongs to a restore still running and is left alone.
 */
final class RestoreTemp implements AutoCloseable {
    private static final String PREFIX = ".dbbackup-restore-";
    private static final String LOCK = ".lock";
    /**
     * The lock files this process holds: never opened by the sweep, because closing any channel on a file drops
     * every POSIX lock the process holds on it.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final Path lockFile;
    private final FileChannel lockChannel;

    private RestoreTemp(Path file, Path lockFile, FileChannel lockChannel) {
        this.file = file;
        this.lockFile = lockFile;
        this.lockChannel = lockChannel;
    }

    /** Removes what killed restores into {@code target} left, then claims a new temporary file (not yet created). */
    static RestoreTemp claim(Path target, Log log) throws IOException {
        Path dir = target.getParent();
        sweep(dir, target.getFileName().toString(), log);
        Path file = dir.resolve(PREFIX + target.getFileName() + "." + UUID.randomUUID());
        Path lockFile = file.resolveSibling(file.getFileName() + LOCK);
        FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            ch.lock(); // released when ch closes; the temporary file exists only after this
            HELD.add(lockFile.toAbsolutePath());
            return new RestoreTemp(file, lockFile, ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            Files.deleteIfExists(lockFile);
            throw e;
        }
    }

    Path file() {
        return file;
    }

    /** Deletes the temporary file (if not renamed over the target), then the lock file, then releases the lock. */
    @Override
    public void close() throws IOException {
        try {
            Files.deleteIfExists(file);
            Files.deleteIfExists(lockFile);
        } finally {
            HELD.remove(lockFile.toAbsolutePath());
            lockChannel.close();
        }
    }

    private static void sweep(Path dir, String name, Log log) throws IOException {
        Pattern temp = Pattern.compile(Pattern.quote(PREFIX + name + ".")
                + "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, PREFIX + "*")) {
            for (Path p : entries) {
                if (temp.matcher(p.getFileName().toString()).matches()) {
                    removeIfAbandoned(p, log);
                }
            }
        }
    }

    private static void removeIfAbandoned(Path file, Log log) {
        Path lockFile = file.resolveSibling(file.getFileName() + LOCK);
        if (HELD.contains(lockFile.toAbsolutePath())) {
            return; // a restore of this process
        }
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                return; // a restore of this process holds it (HELD is the first guard)
            }
            if (lock == null) {
                return; // a restore still running holds it
            }
            long size = Files.exists(file) ? Files.size(file) : 0;
            Files.deleteIfExists(file);
            Files.deleteIfExists(lockFile);
            log.warn("removed the temporary file of a restore that did not finish (the process was killed)",
                    "path", file, "bytes", size);
        } catch (IOException e) {
            log.warn("cannot remove the temporary file of a restore that did not finish", "path", file,
                    "error", e.getMessage());
        }
    }
}
