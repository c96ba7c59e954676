package io.dbbackup.store.azure;

import io.dbbackup.core.Human;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A blob's content with a read timeout, which the JDK's HTTP client lacks once the answer's headers are in: a read
 * that waits longer than {@code timeout} for bytes closes the stream and fails (a retryable network error), instead of
 * a restore or a verify hanging on a connection the network silently dropped.
 */
final class StallGuard extends FilterInputStream {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(io.dbbackup.core.Log.untagged(r), "azure-read-timeout");
        t.setDaemon(true);
        return t;
    });

    private final Duration timeout;
    private final String location;
    private final ScheduledFuture<?> watch;
    private volatile long readingSince;
    private volatile boolean stalled;

    StallGuard(InputStream in, Duration timeout, String location) {
        super(in);
        this.timeout = timeout;
        this.location = location;
        long period = Math.max(10, Math.min(timeout.toMillis() / 4, 5000));
        this.watch = TIMER.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    private void check() {
        long since = readingSince;
        if (since != 0 && System.nanoTime() - since > timeout.toNanos()) {
            stalled = true;
            watch.cancel(false);
            try {
                in.close();
            } catch (IOException | RuntimeException ignored) {
                // the blocked read fails or ends either way
            }
        }
    }

    @Override
    public int read() throws IOException {
        return io.dbbackup.core.SingleByte.read(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        readingSince = System.nanoTime();
        try {
            int n = in.read(b, off, len);
            if (stalled) {
                throw stalledError(null);
            }
            return n;
        } catch (IOException e) {
            throw stalled ? stalledError(e) : e;
        } finally {
            readingSince = 0;
        }
    }

    private IOException stalledError(IOException cause) {
        return new IOException("azure get " + location + " failed: no data for " + Human.settingSpaced(timeout)
                + " (the connection stalled)", cause);
    }

    @Override
    public void close() throws IOException {
        watch.cancel(false);
        super.close();
    }
}
