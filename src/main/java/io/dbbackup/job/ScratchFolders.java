package io.dbbackup.job;

import io.dbbackup.core.LockFile;
import io.dbbackup.core.Log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The scratch folders of operations ({@code dbbackup-<pid>-<label>-<n>} in {@code DBBACKUP_TMPDIR}). They can hold
 * an option file with a password, a SQLite snapshot, a whole extracted cluster, and an operation removes its own
 * when it ends; a process killed outright (SIGKILL, the out-of-memory killer) cannot. So each folder is claimed with
 * a lock on its {@link #LOCK} file, held (shared, on a read-only descriptor) until the operation closes: the kernel
 * drops the lock when the process dies, however it dies. A folder whose lock another process can take belongs to a
 * process that is gone, and the next operation opened in the same place removes it.
 */
final class ScratchFolders {
    static final String PREFIX = "dbbackup-";
    static final String LOCK = ".lock";
    /** A lock file younger than this may be one whose process has not locked it yet. */
    static final Duration GRACE = Duration.ofMinutes(1);

    private ScratchFolders() {
    }

    /** A claimed folder: {@link #close()} releases the claim, once the operation removed the folder. */
    static final class Claim implements AutoCloseable {
        private final LockFile lock;

        private Claim(LockFile lock) {
            this.lock = lock;
        }

        @Override
        public void close() {
            try {
                lock.close();
            } catch (IOException ignored) {
                // the descriptor is gone either way
            }
        }
    }

    /**
     * Creates {@code folder} (mode 0700) and claims it; null when it cannot (a read-only temporary folder, a file
     * system without POSIX modes): an engine that needs scratch space then creates it, or fails saying so.
     */
    static Claim claim(Path folder) {
        return claim(folder, LockFile.SHARED);
    }

    static Claim claim(Path folder, LockFile.Locker locker) {
        Path lock = folder.resolve(LOCK);
        boolean created = false;
        try {
            if (!Files.isDirectory(folder.getParent())) {
                Files.createDirectories(folder.getParent());
            }
            // 0700: what it will hold (an option file with a password, a database snapshot) is the owner's alone
            Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.createFile(lock);
            created = true;
            return new Claim(LockFile.hold(lock, locker));
        } catch (IOException | RuntimeException e) {
            if (created) {
                // an unlocked lock file would tell a later sweep that this live folder's process is gone
                try {
                    Files.deleteIfExists(lock);
                } catch (IOException ignored) {
                    // nothing more can be done: it stays, and so does the grace period
                }
            }
            return null;
        }
    }

    /**
     * Removes, from {@code root}, the scratch folders of processes that are gone: those with a lock file older than
     * {@link #GRACE} whose lock can be taken. Folders of live processes, of other users (no access) and without a
     * lock file (not claimed this way) are left. Returns the folders removed; never fails.
     */
    static List<Path> sweep(Path root, Instant now, Log log) {
        List<Path> removed = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, PREFIX + "*")) {
            for (Path folder : entries) {
                if (abandoned(folder, now)) {
                    removed.add(folder);
                    log.info("removed the scratch folder of a dbbackup process that ended without removing it", "path", folder);
                }
            }
        } catch (IOException | RuntimeException e) {
            log.debug("could not look for abandoned scratch folders", "path", root, "reason", String.valueOf(e.getMessage()));
        }
        return removed;
    }

    /** Removes {@code folder} while holding its lock, when its lock can be taken; whether it did. */
    private static boolean abandoned(Path folder, Instant now) {
        Path lock = folder.resolve(LOCK);
        try {
            if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS) || !Files.isRegularFile(lock, LinkOption.NOFOLLOW_LINKS)
                    || Files.getLastModifiedTime(lock, LinkOption.NOFOLLOW_LINKS).toInstant().isAfter(now.minus(GRACE))) {
                return false;
            }
            return LockFile.whileUnheld(lock, false, () -> deleteTree(folder)); // false: its process is alive
        } catch (IOException | UncheckedIOException e) {
            return false; // another user's, another sweep's, or gone meanwhile
        }
    }

    /** Deletes {@code folder} and everything in it, deepest first; links are removed, never followed. */
    static void deleteTree(Path folder) throws IOException {
        try (Stream<Path> s = Files.walk(folder)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.deleteIfExists(p);
                } catch (NoSuchFileException ignored) {
                    // gone meanwhile
                }
            }
        }
    }
}
