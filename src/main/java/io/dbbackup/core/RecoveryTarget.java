package io.dbbackup.core;


import java.time.Instant;

/**
 * Where a point-in-time recovery stops: at a moment ({@code time}), at a WAL position ({@code lsn}), or at
 * the end of the archived WAL ({@link #latest()}: both null).
 */
public record RecoveryTarget(Instant time, Lsn lsn) {
    public RecoveryTarget {
        if (time != null && lsn != null) {
            throw new IllegalArgumentException("a recovery target is a time or an LSN, not both");
        }
    }

    public static RecoveryTarget latest() {
        return new RecoveryTarget(null, null);
    }

    public static RecoveryTarget at(Instant time) {
        return new RecoveryTarget(time, null);
    }

    public static RecoveryTarget at(Lsn lsn) {
        return new RecoveryTarget(null, lsn);
    }

    public boolean isLatest() {
        return time == null && lsn == null;
    }

    @Override
    public String toString() {
        return time != null ? "time " + time : lsn != null ? "lsn " + lsn : "latest";
    }
}
