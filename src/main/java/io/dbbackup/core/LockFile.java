package io.dbbackup.core;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A lock file that says whether the process which left something behind (a scratch folder, a restore's temporary
 * file) is still alive: that process holds a POSIX lock on it for as long as the thing lives, and the kernel drops
 * the lock when the process dies, however it dies. Another process that can take the lock knows its holder is gone.
 * POSIX locks belong to the process and closing any descriptor of the file drops them all, so a lock file this
 * process holds is never opened again here ({@link #whileUnheld} answers false for it at once).
 */
public final class LockFile implements AutoCloseable {
    /** How {@link #hold} takes its lock: a seam for a test to fail it as a file system without POSIX locks does. */
    public interface Locker {
        FileLock lock(FileChannel channel) throws IOException;
    }

    /** What runs while an abandoned lock file's lock is held. */
    public interface Action {
        void run() throws IOException;
    }

    /** The default: a shared lock on a read-only descriptor (enough to make any other process's tryLock fail). */
    public static final Locker SHARED = channel -> channel.lock(0, Long.MAX_VALUE, true);

    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path path;
    private final FileChannel channel;

    private LockFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** Locks the existing file {@code path} until {@link #close()}; throws (holding nothing) when it cannot. */
    public static LockFile hold(Path path, Locker locker) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            locker.lock(channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        HELD.add(path.toAbsolutePath());
        return new LockFile(path, channel);
    }

    /** Releases the lock (the file stays: its owner removes it first, while still holding it). */
    @Override
    public void close() throws IOException {
        HELD.remove(path.toAbsolutePath());
        channel.close();
    }

    /**
     * Runs {@code action} holding the lock of {@code path} when nobody holds it (its process is gone); whether it ran.
     * Links are not followed; {@code create} makes a missing lock file (a thing left by a version without one).
     */
    public static boolean whileUnheld(Path path, boolean create, Action action) throws IOException {
        if (HELD.contains(path.toAbsolutePath())) {
            return false; // this process holds it
        }
        OpenOption[] options = create
                ? new OpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS}
                : new OpenOption[] {StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS};
        try (FileChannel channel = FileChannel.open(path, options); FileLock held = channel.tryLock()) {
            if (held == null) {
                return false; // its process is alive
            }
            action.run();
            return true;
        } catch (OverlappingFileLockException e) {
            return false; // held in this process after all
        }
    }
}
