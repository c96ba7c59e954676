package io.dbbackup.core;

/**
 * A backup that was listed (or looked up) and is gone when read: deleted meanwhile, by a prune on another host (exit 2).
 * An audit of every backup ({@code verify --all-backups}) skips it rather than report a failure; whoever asked for that
 * one backup still gets the failure.
 */
public final class DeletedSinceListedException extends DbBackupException {
    public DeletedSinceListedException(String message) {
        super(ExitStatus.SYSTEM_ERROR, message);
    }

    /** {@code cause}: how the read found it gone (the store's missing object, mid-read). */
    public DeletedSinceListedException(String message, Throwable cause) {
        super(ExitStatus.SYSTEM_ERROR, message, cause);
    }
}
