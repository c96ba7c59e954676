package io.dbbackup.spi;

import io.dbbackup.core.ByteSize;
import io.dbbackup.core.RateLimiter;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;

/**
 * A store whose uploads together send at most {@code upload_rate_limit} bytes per second on average (one bucket for
 * every upload of a run: parallel jobs share it), so that a night's backups leave the link's bandwidth to the
 * services that need it. Bytes are counted as written to the store's upload stream; stores that send in parts (S3,
 * Azure) send each part at full speed and wait between them. A wait stops at once when the operation is cancelled.
 */
public final class RateLimitedStore extends ForwardingStore {
    private static final int SLICE = 64 << 10;
    private static final long MAX_NAP_NANOS = 100_000_000L;

    private final RateLimiter limiter;

    public RateLimitedStore(Store delegate, RateLimiter limiter) {
        super(delegate);
        this.limiter = limiter;
    }

    @Override
    public Upload upload(String key, OperationContext ctx) throws IOException {
        Upload up = delegate.upload(key, ctx);
        OutputStream limited = new FilterOutputStream(up.stream()) {
            @Override
            public void write(int b) throws IOException {
                pace(1, ctx);
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                for (int done = 0; done < len; ) {
                    int n = Math.min(SLICE, len - done);
                    pace(n, ctx);
                    out.write(b, off + done, n);
                    done += n;
                }
            }
        };
        return new ForwardingUpload(up) {
            @Override
            public OutputStream stream() {
                return limited;
            }
        };
    }

    private void pace(int bytes, OperationContext ctx) throws IOException {
        long wait = limiter.reserve(bytes);
        long end = System.nanoTime() + wait;
        while (wait > 0) {
            ctx.cancellation().throwIfCancelled();
            try {
                Thread.sleep(Math.min(wait, MAX_NAP_NANOS) / 1_000_000, (int) (Math.min(wait, MAX_NAP_NANOS) % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while pacing the upload");
            }
            wait = end - System.nanoTime();
        }
    }

    @Override
    public void put(String key, byte[] content, OperationContext ctx) throws IOException {
        pace(content.length, ctx);
        delegate.put(key, content, ctx);
    }

    @Override
    public String describe() {
        return delegate.describe() + " (uploads at most " + ByteSize.format(limiter.bytesPerSecond()) + "/s)";
    }
}
