package io.dbbackup.core;

/**
 * The one exception type that carries an exit status. Messages are shown to users as they are:
 * write them as one clear line and never put a secret in them.
 */
public class DbBackupException extends RuntimeException {
    private final ExitStatus status;
    private final boolean retryable;

    public DbBackupException(ExitStatus status, String message) {
        this(status, message, null, status == ExitStatus.SYSTEM_ERROR);
    }

    public DbBackupException(ExitStatus status, String message, Throwable cause) {
        this(status, message, cause, status == ExitStatus.SYSTEM_ERROR);
    }

    public DbBackupException(ExitStatus status, String message, Throwable cause, boolean retryable) {
        super(OpenFiles.explain(message), cause); // "Too many open files" names the limit to raise
        this.status = status;
        this.retryable = retryable;
    }

    public static DbBackupException user(String message) {
        return new DbBackupException(ExitStatus.USER_ERROR, message);
    }

    public static DbBackupException system(String message, Throwable cause) {
        return new DbBackupException(ExitStatus.SYSTEM_ERROR, message, cause);
    }

    public static DbBackupException system(String message) {
        return new DbBackupException(ExitStatus.SYSTEM_ERROR, message);
    }

    public static DbBackupException integrity(String message) {
        return new DbBackupException(ExitStatus.INTEGRITY, message, null, false);
    }

    /** A system error that retrying cannot fix (bad password, missing binary, wrong version). */
    public static DbBackupException permanent(String message, Throwable cause) {
        return new DbBackupException(ExitStatus.SYSTEM_ERROR, message, cause, false);
    }

    public ExitStatus status() {
        return status;
    }

    /** Whether a job retry may succeed where this attempt failed. */
    public boolean retryable() {
        return retryable;
    }
}
