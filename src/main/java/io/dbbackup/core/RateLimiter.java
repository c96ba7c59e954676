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

    /** A rate in bits, as networks are sized: {@code 100Mbit}, decimal (1 Mbit = 1,000,000 bits). */
    private static final java.util.regex.Pattern BITS = java.util.regex.Pattern.compile("(\\d+)\\s*([kmg])bit",
            java.util.regex.Pattern.CASE_INSENSITIVE);
    /** A size unit ending in a lower-case b ({@code Mb}, {@code mb}, {@code Mib}, {@code b}): bits in network speak. */
    private static final java.util.regex.Pattern LOWER_B = java.util.regex.Pattern.compile("(\\d+)\\s*([kmgtKMGT]?)[iI]?b");

    /**
     * Bytes per second from {@code 20MiB} or {@code 20MiB/s} (binary units, as {@link ByteSize}), the unit's prefix and
     * the {@code /s} in any case ({@code 20miB/S}), or from {@code 100Mbit} / {@code 100Mbit/s} (decimal bits, as links are
     * sold); -1 when {@code text} is not a rate of at least {@link #MIN_RATE}, or when its unit ends in a lower-case
     * {@code b} ({@code 100Mb}: megabits to a network person, 8 times less than MiB; {@link #bitsHint} says so).
     */
    public static long parseRate(String text) {
        String t = withoutPerSecond(text);
        if (LOWER_B.matcher(t).matches()) {
            return -1;
        }
        java.util.regex.Matcher bits = BITS.matcher(t);
        long bytes;
        if (bits.matches()) {
            long n;
            try {
                n = Long.parseLong(bits.group(1));
            } catch (NumberFormatException e) {
                return -1;
            }
            long unit = switch (Character.toLowerCase(bits.group(2).charAt(0))) {
                case 'k' -> 1_000L;
                case 'm' -> 1_000_000L;
                default -> 1_000_000_000L;
            };
            bytes = n > Long.MAX_VALUE / unit ? -1 : n * unit / 8;
        } else {
            bytes = ByteSize.parse(t);
        }
        return bytes < MIN_RATE ? -1 : bytes;
    }

    /**
     * Why {@code text} is refused as a rate though it reads as a size, or null: its unit ends in a lower-case {@code b}
     * ({@code 100Mb}), bits in network speak but bytes to {@link ByteSize}; both spellings that say one of them.
     */
    public static String bitsHint(String text) {
        java.util.regex.Matcher m = LOWER_B.matcher(withoutPerSecond(text));
        if (!m.matches()) {
            return null;
        }
        String n = m.group(1);
        String prefix = m.group(2).toUpperCase(java.util.Locale.ROOT);
        if (prefix.isEmpty() || prefix.equals("T")) {
            return "a lower-case b is bits in network speak: write the rate in bytes, e.g. " + n + (prefix.isEmpty() ? "" : prefix + "B");
        }
        double bits = Double.parseDouble(n) * switch (prefix) {
            case "K" -> 1e3;
            case "M" -> 1e6;
            default -> 1e9;
        };
        return String.format(java.util.Locale.ROOT, "a lower-case b is bits in network speak: write %s%sbit for %s %sbit/s "
                + "(%.1f MiB/s), or %s%sB for %s %siB/s", n, prefix, n, prefix, bits / 8 / (1 << 20), n, prefix, n, prefix);
    }

    private static String withoutPerSecond(String text) {
        String t = text.strip();
        boolean perSecond = t.length() > 2 && t.regionMatches(true, t.length() - 2, "/s", 0, 2);
        return perSecond ? t.substring(0, t.length() - 2) : t;
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
