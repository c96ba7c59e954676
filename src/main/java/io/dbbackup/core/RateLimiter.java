package io.dbbackup.core;

/**
 * A token bucket of bytes: at most {@code bytesPerSecond} on average, with up to one second's worth in a burst, shared by
 * every thread that takes from it (all uploads to one store in one run). {@link #reserve} says how long the caller must
 * wait before it may send; the caller sleeps (and can stop sleeping when cancelled). Time comes from a nanosecond source,
 * so that the arithmetic is tested without sleeping.
 */
public final class RateLimiter {
    /** Nanoseconds since some fixed point ({@link System#nanoTime} in production). */
    public interface Ticker {
        long nanos();
    }

    private final long bytesPerSecond;
    private final Ticker ticker;
    private long available;
    private long refilledAt;

    public RateLimiter(long bytesPerSecond, Ticker ticker) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("rate must be positive: " + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
        this.ticker = ticker;
        this.refilledAt = ticker.nanos();
        this.available = bytesPerSecond; // a second's worth from the start
    }

    public RateLimiter(long bytesPerSecond) {
        this(bytesPerSecond, System::nanoTime);
    }

    /** The smallest rate a limit may be set to: below it, pacing 64 KiB slices would stall a transfer for seconds. */
    public static final long MIN_RATE = 64 << 10;

    /**
     * Bytes per second from {@code 20MiB} or {@code 20MiB/s} (binary units, as {@link ByteSize}); the unit and the
     * {@code /s} in any case ({@code 20mib/S}), as the size's unit always was; -1 when {@code text} is not a rate of at
     * least {@link #MIN_RATE}.
     */
    public static long parseRate(String text) {
        String t = text.strip();
        boolean perSecond = t.length() > 2 && t.regionMatches(true, t.length() - 2, "/s", 0, 2);
        long bytes = ByteSize.parse(perSecond ? t.substring(0, t.length() - 2) : t);
        return bytes < MIN_RATE ? -1 : bytes;
    }

    public long bytesPerSecond() {
        return bytesPerSecond;
    }

    /**
     * Takes {@code bytes} from the bucket (which may go into debt) and returns how many nanoseconds the caller must wait
     * before sending them: 0 while the bucket holds them, else the time the debt takes to refill.
     */
    public synchronized long reserve(long bytes) {
        long now = ticker.nanos();
        long refill = (long) ((now - refilledAt) / 1e9 * bytesPerSecond);
        if (refill > 0) {
            available = Math.min(bytesPerSecond, available + refill);
            refilledAt = now;
        }
        available -= bytes;
        return available >= 0 ? 0 : (long) (-available * 1e9 / bytesPerSecond);
    }
}
