package io.dbbackup.engine.sqlite;

import io.dbbackup.spi.OperationContext;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Keeps an online backup from starting over for ever. SQLite's backup API copies a few pages per step and lets writers
 * in between; a write by another connection between two steps makes it start over from the first page, so a database
 * written more often than a whole copy takes (an application's heartbeat every second) is never backed up. This watches
 * the pages left after each step: once the copy has started over {@link #MAX_RESTARTS} times, it takes the database's
 * write lock on a connection of its own ({@code BEGIN IMMEDIATE}: readers, the copy among them, go on; writers wait)
 * until the copy is done, and says so. On a file this process may not write (SQLite opened it read-only: {@link
 * OpenedReadOnly} asks the hold's own connection) {@code BEGIN IMMEDIATE} still succeeds, as a read transaction: in
 * rollback-journal mode its shared lock keeps the writers' commits waiting (as {@code VACUUM INTO}'s does), so the hold
 * is taken as before; in WAL mode it holds nothing (readers never block WAL writers), so none is claimed: the copy goes
 * on without its pauses (they were for the writers, who need none in WAL mode, and only give them time to start it over)
 * and a warning says what to do. {@code VACUUM INTO} holds the writers too only in rollback-journal mode, which is the
 * only mode whose warning likens the hold to it.
 */
final class WriterHold implements AutoCloseable {
    static final int MAX_RESTARTS = 3;

    private final Path db;
    private final OperationContext ctx;
    private long last = Long.MAX_VALUE;
    private int restarts;
    private boolean tried;
    private Connection held;
    private boolean unholdable;

    private final java.time.Duration lockTimeout;

    WriterHold(Path db, java.time.Duration lockTimeout, OperationContext ctx) {
        this.lockTimeout = lockTimeout;
        this.db = db;
        this.ctx = ctx;
    }

    /** Called after each step with the pages left; more than after the step before means the copy started over. */
    void observe(long remaining) {
        if (remaining > last) {
            restarts++;
            if (restarts >= MAX_RESTARTS && !tried) {
                take();
            }
        }
        last = remaining;
    }

    /** Whether the copy should pause between steps for the writers: not while they are held, nor when they need none. */
    boolean pauses() {
        return held == null && !unholdable;
    }

    private void take() {
        tried = true;
        Connection c = null;
        try {
            c = SqliteEngine.open(db, false, lockTimeout, ctx.cancellation());
            try (Statement st = c.createStatement()) {
                st.execute("BEGIN IMMEDIATE");
            }
            boolean wal = wal(c);
            if (wal && OpenedReadOnly.in(c)) {
                unholdable = true;
                c.close(); // ends its read transaction
                ctx.log().warn("SQLite database " + db + " keeps being written during its online backup, which starts "
                        + "over after each write, and this process may not write it (SQLite opened it read-only), so its "
                        + "writers cannot be held off: the copy goes on without pauses between steps and may not finish "
                        + "before the job's timeout (use strategy: vacuum, or give the backup write access to the database "
                        + "file)", "restarts", restarts);
                return;
            }
            held = c;
            ctx.log().warn("SQLite database " + db + " was written " + restarts + " times during its online backup, which "
                    + "starts over after each write: writers wait for the rest of the copy " + (wal
                    ? "(strategy: vacuum would not hold them: in WAL mode it reads while they write)"
                    : "(as with strategy: vacuum)"), "restarts", restarts);
        } catch (SQLException e) {
            ctx.log().warn("SQLite database " + db + " keeps being written during its online backup, which starts over "
                    + "after each write, and its writers could not be held off (" + e.getMessage() + "): the copy goes on "
                    + "and may not finish before the job's timeout", "restarts", restarts);
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // nothing held
                }
            }
        }
    }

    private static boolean wal(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
            return rs.next() && "wal".equalsIgnoreCase(rs.getString(1));
        }
    }

    /** Lets the writers in again. */
    @Override
    public void close() {
        if (held == null) {
            return;
        }
        try (Connection c = held; Statement st = c.createStatement()) {
            st.execute("ROLLBACK");
        } catch (SQLException e) {
            ctx.log().warn("could not end the hold on SQLite database " + db + "'s writers; closing its connection ends it",
                    "error", e.getMessage());
        } finally {
            held = null;
        }
    }
}
