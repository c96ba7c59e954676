package io.dbbackup.core;

import java.io.IOException;

/**
 * A file on a local disk that dbbackup writes (its scratch folder, a restore's target, a download's destination, a local
 * store) could not be written or made, said with the file ({@link FileFailure}). A fault of that disk, never a finding
 * about a backup: a check that meets it could not run, and removes nothing.
 */
public final class LocalFileException extends IOException {
    public LocalFileException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether {@code t} or one of its causes is one. */
    public static boolean in(Throwable t) {
        for (Throwable e = t; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof LocalFileException) {
                return true;
            }
        }
        return false;
    }
}
