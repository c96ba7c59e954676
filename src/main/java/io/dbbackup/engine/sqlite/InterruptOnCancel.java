package io.dbbackup.engine.sqlite;

import io.dbbackup.core.CancelSignal;
import io.dbbackup.spi.Cancellation;
import org.sqlite.SQLiteConnection;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Interrupts the statement a connection runs ({@code sqlite3_interrupt}: {@code VACUUM INTO}, {@code PRAGMA
 * integrity_check}) when the operation is cancelled, while this is open; never once it is closed (the connection may be
 * gone by then, and interrupting a closed one is undefined). Close it before the connection.
 */
final class InterruptOnCancel implements AutoCloseable {
    private final SQLiteConnection connection;
    private final CancelSignal.Registration registration;
    private boolean open = true;

    private InterruptOnCancel(SQLiteConnection connection, Cancellation cancellation) {
        this.connection = connection;
        this.registration = cancellation.onCancel(this::interrupt);
    }

    static InterruptOnCancel of(Connection c, Cancellation cancellation) throws SQLException {
        return new InterruptOnCancel(c.unwrap(SQLiteConnection.class), cancellation);
    }

    private synchronized void interrupt() {
        if (!open) {
            return;
        }
        try {
            connection.getDatabase().interrupt();
        } catch (SQLException | RuntimeException closed) {
            // nothing runs on it any more
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            open = false;
        }
        registration.close();
    }
}
