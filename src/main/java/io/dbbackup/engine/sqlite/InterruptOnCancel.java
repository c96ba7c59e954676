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
 *
 * <p>SQLite forgets an interrupt that comes while none of the connection's statements runs yet (its next statement
 * clears it): a cancellation between the caller's last check and the start of its {@code VACUUM INTO} (while the
 * statement is prepared) was lost, and the copy ran to its end. So, once cancelled, the connection is interrupted again
 * every {@link #AGAIN_MS} until this is closed.
 */
final class InterruptOnCancel implements AutoCloseable {
    /** How often a cancelled connection is interrupted again while this is open. */
    static final long AGAIN_MS = 20;

    private final SQLiteConnection connection;
    private final CancelSignal.Registration registration;
    private boolean open = true;

    private InterruptOnCancel(SQLiteConnection connection, Cancellation cancellation) {
        this.connection = connection;
        this.registration = cancellation.onCancel(this::interruptUntilClosed);
    }

    static InterruptOnCancel of(Connection c, Cancellation cancellation) throws SQLException {
        return new InterruptOnCancel(c.unwrap(SQLiteConnection.class), cancellation);
    }

    private void interruptUntilClosed() {
        if (!interrupt()) {
            return;
        }
        Thread again = new Thread(() -> {
            try {
                do {
                    Thread.sleep(AGAIN_MS);
                } while (interrupt());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sqlite-interrupt");
        again.setDaemon(true);
        again.start();
    }

    /** Interrupts the connection's statement; false once this is closed. */
    private synchronized boolean interrupt() {
        if (!open) {
            return false;
        }
        try {
            connection.getDatabase().interrupt();
        } catch (SQLException | RuntimeException closed) {
            // nothing runs on it any more
        }
        return true;
    }

    @Override
    public void close() {
        synchronized (this) {
            open = false;
        }
        registration.close();
    }
}
