package io.dbbackup.job;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;

/**
 * An encrypted backup that must be decrypted, and no key here to do it (none given, the job's own not readable here):
 * its message names the key it needs. {@code verify --all-backups --deep} says it once per job, not once per backup.
 */
public class NoKeyGivenException extends DbBackupException {
    public NoKeyGivenException(ExitStatus status, String message, Throwable cause, boolean retryable) {
        super(status, message, cause, retryable);
    }

    public NoKeyGivenException(String message) {
        this(ExitStatus.USER_ERROR, message, null, false);
    }

    /** Whether {@code e} or one of its causes is one. */
    public static boolean in(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof NoKeyGivenException) {
                return true;
            }
        }
        return false;
    }
}
