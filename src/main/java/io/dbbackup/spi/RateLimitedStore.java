package io.dbbackup.spi;

import io.dbbackup.core.Human;
import io.dbbackup.core.RateLimiter;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A store whose uploads together send at most {@code upload_rate_limit} bytes per second on average, or whose reads
 * together receive at most {@code --limit-download} (one bucket for every transfer of its kind in a run: parallel jobs
 * share it), so that a night's backups or a scheduled audit leave the link's bandwidth to the services that need it.
 * Bytes are counted as written to the store's upload stream or read from its download stream; stores that send in parts
 * (S3, Azure) send each part at full speed and wait between them. A wait stops at once when the operation is cancelled
 * (an upload) or the thread interrupted (a read).
 */
public final class RateLimitedStore extends ForwardingStore {
    private static final int SLICE = 64 << 10;
    private static final long MAX_NAP_NANOS = 100_000_000L;

    /** Null: not limited. */
    private final RateLimiter uploads;
    private final RateLimiter downloads;

    private RateLimitedStore(Store delegate, RateLimiter uploads, RateLimiter downloads) {
        super(delegate);
        this.uploads = uploads;
        this.downloads = downloads;
    }

    /** {@code delegate} with its uploads paced by {@code limiter}. */
    public static Store uploads(Store delegate, RateLimiter limiter) {
        return new RateLimitedStore(delegate, limiter, null);
    }

    /** {@code delegate} with its reads paced by {@code limiter} (its uploads as they were). */
    public static Store downloads(Store delegate, RateLimiter limiter) {
        if (delegate instanceof RateLimitedStore r) {
            return new RateLimitedStore(r.delegate, r.uploads, limiter);
        }
        return new RateLimitedStore(delegate, null, limiter);
    }

    @Override
    public Upload upload(String key, OperationContext ctx) throws IOException {
        Upload up = delegate.upload(key, ctx);
        if (uploads == null) {
            return up;
        }
        OutputStream limited = new FilterOutputStream(up.stream()) {
            @Override
            public void write(int b) throws IOException {
                pace(uploads, 1, ctx);
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                for (int done = 0; done < len; ) {
                    int n = Math.min(SLICE, len - done);
                    pace(uploads, n, ctx);
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

    @Override
    public InputStream open(String key) throws IOException {
        InputStream in = delegate.open(key);
        if (downloads == null) {
            return in;
        }
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = in.read();
                if (b >= 0) {
                    pace(downloads, 1, null);
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, Math.min(len, SLICE));
                if (n > 0) {
                    pace(downloads, n, null);
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                long skipped = in.skip(Math.min(n, SLICE));
                if (skipped > 0) {
                    pace(downloads, skipped, null); // a remote store's skip still receives the bytes
                }
                return skipped;
            }
        };
    }

    /** Sleeps until {@code limiter} lets {@code bytes} through; {@code ctx}: whose cancellation ends the wait (null: an interrupt). */
    private static void pace(RateLimiter limiter, long bytes, OperationContext ctx) throws IOException {
        long wait = limiter.reserve(bytes);
        long end = System.nanoTime() + wait;
        while (wait > 0) {
            if (ctx != null) {
                ctx.cancellation().throwIfCancelled();
            }
            try {
                Thread.sleep(Math.min(wait, MAX_NAP_NANOS) / 1_000_000, (int) (Math.min(wait, MAX_NAP_NANOS) % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while pacing the transfer");
            }
            wait = end - System.nanoTime();
        }
    }

    @Override
    public void put(String key, byte[] content, OperationContext ctx) throws IOException {
        if (uploads != null) {
            pace(uploads, content.length, ctx);
        }
        delegate.put(key, content, ctx);
    }

    @Override
    public boolean putIfAbsent(String key, byte[] content, OperationContext ctx) throws IOException {
        if (uploads != null) {
            pace(uploads, content.length, ctx);
        }
        return delegate.putIfAbsent(key, content, ctx);
    }

    /** The limits on {@code store} as {@link #describe} says them ({@code (uploads at most 20 MiB/s)}), "" for none. */
    public static String limitsOf(Store store) {
        return store instanceof RateLimitedStore r ? r.limits() : "";
    }

    @Override
    public String describe() {
        return delegate.describe() + limits();
    }

    private String limits() {
        List<String> limits = new ArrayList<>();
        if (uploads != null) {
            limits.add("uploads at most " + Human.rate(uploads.bytesPerSecond()));
        }
        if (downloads != null) {
            limits.add("downloads at most " + Human.rate(downloads.bytesPerSecond()));
        }
        return limits.isEmpty() ? "" : " (" + String.join(", ", limits) + ")";
    }
}
