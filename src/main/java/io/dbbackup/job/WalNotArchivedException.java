package io.dbbackup.job;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;

/**
 * {@code wal-fetch} of a file the archive does not hold (exit 1): to PostgreSQL's recovery the normal
 * "no more WAL here", unlike every other failure of a fetch.
 */
public final class WalNotArchivedException extends DbBackupException {
    public WalNotArchivedException(String message) {
        super(ExitStatus.USER_ERROR, message, null, false);
    }
}
