package io.dbbackup.engine.mysql;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Human;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.regex.Pattern;

/**
 * The SQL fed to the client, measured on its way: the longest line read (mysqldump and mariadb-dump write each
 * statement on one line, and a row is never split, so a row with a large blob is one line twice its size with
 * {@code --hex-blob}). When the load fails as a server does when a statement exceeds its {@code max_allowed_packet}
 * (ERROR 1153, or it closes the connection: 2006 "gone away", 2013 "lost connection"), {@link #explain} says so and how
 * to fix it instead of leaving a bare "Server has gone away". The client itself is given a 1 GiB limit
 * ({@link #CLIENT_ARG}, the most it takes), so only the server's can be the one.
 */
final class PacketLimit extends FilterInputStream {
    /** The client's own limit: its most, so that only the server's matters. */
    static final String CLIENT_ARG = "--max-allowed-packet=1G";
    private static final Pattern CLOSED = Pattern.compile("ERROR (2006|2013) ");
    private static final Pattern TOO_LARGE = Pattern.compile("ERROR 1153 |max_allowed_packet");

    private long line;
    private long longest;

    PacketLimit(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            count(b);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        for (int i = off; i < off + n; i++) {
            count(b[i]);
        }
        return n;
    }

    private void count(int b) {
        if (b == '\n') {
            longest = Math.max(longest, line);
            line = 0;
        } else {
            line++;
        }
    }

    /** Bytes of the longest line read so far (a line not ended yet included). */
    long longest() {
        return Math.max(longest, line);
    }

    /** Whether the failure reads as a server's packet limit (then asking the server its limit is worth it). */
    static boolean mayBe(String message) {
        return message != null && (CLOSED.matcher(message).find() || TOO_LARGE.matcher(message).find());
    }

    /**
     * {@code failure} with the reason and the fix added when it is the server's packet limit: the server said so
     * (1153), or it closed the connection while the dump held a statement at least as long as {@code serverLimit}
     * (bytes; 0 when the server could not be asked). Otherwise null: the failure is something else.
     */
    DbBackupException explain(Exception failure, long serverLimit) {
        String message = failure.getMessage();
        if (!mayBe(message)) {
            return null;
        }
        long statement = longest();
        boolean said = TOO_LARGE.matcher(message).find();
        if (!said && (serverLimit <= 0 || statement < serverLimit)) {
            return null;
        }
        long raise = Math.min(raiseTo(statement), 1L << 30);
        return DbBackupException.permanent(message + " — a statement of the dump (its longest is " + Human.size(statement)
                + ") is larger than the target server's max_allowed_packet"
                + (serverLimit > 0 ? " (" + Human.size(serverLimit) + ")" : "") + ": raise it on the target server, "
                + "SET GLOBAL max_allowed_packet = " + raise + " (and max_allowed_packet under [mysqld] in its config to keep it), "
                + "then restore again", failure);
    }

    /** A limit that fits {@code statement} with room: the next power of two at least twice as large, at least 64 MiB. */
    private static long raiseTo(long statement) {
        long v = 64L << 20;
        while (v < statement * 2) {
            v <<= 1;
        }
        return v;
    }
}
