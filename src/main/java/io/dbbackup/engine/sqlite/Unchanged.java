package io.dbbackup.engine.sqlite;

import io.dbbackup.codec.IntegrityException;
import io.dbbackup.codec.WrongKeyException;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;

/**
 * The failure of a whole SQLite restore before its rename (the backup's bytes cut short or not matching its checksum, a
 * full disk, a signal, a copy that fails its integrity check): the restore wrote only its temporary file, so the target
 * is as it was, and the error says so — the first question of whoever restores into a live database. Each failure keeps
 * its kind (exit status, a checksum mismatch, an interruption). A failed rename is one too, once {@link Swap} has put
 * the target's journals back.
 */
final class Unchanged {
    private Unchanged() {
    }

    /** {@code e}, thrown, with {@code target}'s state said: an IOException, or unchecked. */
    static IOException because(Exception e, Path target) throws IOException {
        String said = "; nothing was restored: SQLite database " + target + " is unchanged (the restore wrote a temporary "
                + "copy beside it, removed)";
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof DbBackupException d) {
            throw new DbBackupException(d.status(), message + said, d, d.retryable());
        }
        if (e instanceof WrongKeyException) {
            throw new DbBackupException(ExitStatus.USER_ERROR, message + said, e, false);
        }
        if (e instanceof IntegrityException) { // a checksum mismatch stays one: the cause is kept
            throw new DbBackupException(ExitStatus.INTEGRITY, message + said, e, false);
        }
        IOException wrapped = e instanceof InterruptedIOException ? new InterruptedIOException(message + said)
                : new IOException(message + said);
        wrapped.initCause(e);
        return wrapped;
    }
}
