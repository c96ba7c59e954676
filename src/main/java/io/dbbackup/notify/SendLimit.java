package io.dbbackup.notify;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The bound on a whole notification send: twice the notifier's {@code timeout}. A client's own timeouts bound a
 * connection or a single read, and a server that answers a byte at a time, or stalls after its headers, never trips
 * them: it would hold the run's summary, its exit and an interruption's notice for as long as it liked.
 */
public final class SendLimit {
    private SendLimit() {
    }

    /**
     * Waits for {@code send} at most twice {@code timeout}; given up or interrupted, it is cancelled and the failure says
     * so ({@code failed}: "cannot send mail via …", {@code whole}: what did not complete, e.g. "exchange";
     * {@code interrupted}: the message of the InterruptedIOException). Returns null when the send completed, else what it
     * failed with (an unchecked one is thrown as it is).
     */
    public static Throwable await(Future<?> send, Duration timeout, String failed, String whole, String interrupted)
            throws IOException {
        long limit = timeout.multipliedBy(2).toMillis();
        try {
            send.get(limit, TimeUnit.MILLISECONDS);
            return null;
        } catch (TimeoutException e) {
            send.cancel(true);
            throw new IOException(failed + ": no complete " + whole + " within "
                    + (limit % 1000 == 0 ? limit / 1000 + "s" : limit + "ms") + " (twice the timeout: the server answers too slowly)");
        } catch (InterruptedException e) {
            send.cancel(true);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(interrupted);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            return e.getCause();
        }
    }
}
