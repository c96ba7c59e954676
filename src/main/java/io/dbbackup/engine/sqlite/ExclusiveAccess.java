package io.dbbackup.engine.sqlite;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * SQLite's own locks on a database file (the pending and reserved bytes and the shared range at 1 GiB, POSIX record
 * locks as {@link FileChannel#tryLock} takes them on Linux), all taken from outside SQLite: held, no other process
 * reads or writes the file, and taking them fails while another process has it open in WAL mode (each of its
 * connections holds a shared lock for as long as it is open) or is inside a transaction on it. A restore holds them
 * while it replaces the file and its journals, so that no other process is left writing into the replaced file — and,
 * at its close, deleting the new database's {@code -wal} and {@code -shm} by name.
 */
final class ExclusiveAccess implements AutoCloseable {
    /** SQLite's PENDING_BYTE; RESERVED_BYTE follows it, then the 510 bytes of the shared range. */
    private static final long PENDING_BYTE = 0x40000000L;
    private static final long LOCKED_BYTES = 512;

    private final FileChannel channel;

    private ExclusiveAccess(FileChannel channel) {
        this.channel = channel;
    }

    /**
     * Takes the locks of {@code db} (nothing to take when it does not exist, or this user may not write it: then its
     * replacement goes on unchecked, as before). Fails, taking nothing, when another process holds the file.
     */
    static ExclusiveAccess take(Path db) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(db, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (NoSuchFileException | AccessDeniedException notOurs) {
            return new ExclusiveAccess(null);
        }
        FileLock lock;
        try {
            lock = channel.tryLock(PENDING_BYTE, LOCKED_BYTES, false);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new InUse("SQLite database " + db + " is open in another process (the application, or a "
                    + "sqlite3 shell): stop it before restoring over the database, which it would go on using as the "
                    + "replaced file; nothing was changed");
        }
        return new ExclusiveAccess(channel);
    }

    /** Whether {@code db} can be replaced now: its locks are taken and let go again. */
    static void check(Path db) throws IOException {
        take(db).close();
    }

    /** Whether another process holds {@code db} now (false when that cannot be told: see {@link #take}). */
    static boolean heldElsewhere(Path db) {
        try {
            check(db);
            return false;
        } catch (InUse e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** {@link #take} found the file held by another process. */
    static final class InUse extends IOException {
        InUse(String message) {
            super(message);
        }
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close(); // releases the locks
        }
    }
}
