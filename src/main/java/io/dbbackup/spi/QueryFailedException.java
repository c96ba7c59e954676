package io.dbbackup.spi;

import java.io.IOException;

/**
 * A query on a datasource failed ({@link Engine#queryValue}, a restore drill's check), and why: the connection was lost or
 * the query ran out of time ({@link #infrastructure()}: the server, the network, a limit — not what the query read), the
 * account running it lacks a privilege or was refused ({@link #privilege()}: how it is set up, not what the query read),
 * or the query itself failed (bad SQL, a table that is not there: what the restored copy holds). The message is one line.
 */
public class QueryFailedException extends IOException {
    private final boolean infrastructure;
    private final boolean privilege;

    public QueryFailedException(String message, boolean infrastructure, Throwable cause) {
        this(message, infrastructure, false, cause);
    }

    private QueryFailedException(String message, boolean infrastructure, boolean privilege, Throwable cause) {
        super(message, cause);
        this.infrastructure = infrastructure;
        this.privilege = privilege;
    }

    /** The server refused the account running the query: a privilege it lacks, or the account itself ({@code reason}). */
    public static QueryFailedException denied(String reason, Throwable cause) {
        return new QueryFailedException(reason, false, true, cause);
    }

    /** The server's or the client's {@code reason}: the query's own failure unless {@code infrastructure}. */
    public static QueryFailedException of(String reason, boolean infrastructure, Throwable cause) {
        return new QueryFailedException((infrastructure ? "" : "the query failed: ") + reason, infrastructure, cause);
    }

    /** The query was killed at the datasource's {@code timeout}: never the query's fault. */
    public static QueryFailedException timedOut(java.time.Duration timeout, Throwable cause) {
        return new QueryFailedException("the query ran past the datasource's timeout (" + io.dbbackup.core.Human.setting(timeout)
                + ") and was stopped", true, cause);
    }

    /**
     * True: the connection was lost, refused or killed, the query was cancelled or timed out, or the client failed by
     * itself; false: the server ran the query and it failed (bad SQL, a missing table).
     */
    public boolean infrastructure() {
        return infrastructure;
    }

    /**
     * True: the account running the query lacks a privilege on what it reads, or may not connect (MySQL 1142, 1143, 1044,
     * 1045; PostgreSQL 42501): a matter of how the datasource's account is set up, not of what the query read.
     */
    public boolean privilege() {
        return privilege;
    }
}
