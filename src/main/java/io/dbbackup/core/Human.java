package io.dbbackup.core;

import java.time.Duration;
import java.util.Locale;

/** Sizes and durations as people read them in tables, logs and mails. */
public final class Human {
    private Human() {
    }

    /** {@code 512 B}, {@code 39.8 KiB}, {@code 1.2 GiB}. */
    public static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** {@code 1 backup}, {@code 2 backups}: a count and its noun, plural by an s unless the count is one. */
    public static String count(long n, String singular) {
        return n + " " + singular + (n == 1 ? "" : "s");
    }

    /** At most this many names are given in one line by {@link #names}; the rest are counted. */
    public static final int NAMED = 20;

    /**
     * {@code "a, b, c"}: the names in their order, at most {@link #NAMED} then {@code " and N more"} — a line about 200
     * jobs names 20 of them.
     */
    public static String names(java.util.List<String> names) {
        return names(names, NAMED);
    }

    /** {@link #names(java.util.List)} naming at most {@code max}. */
    public static String names(java.util.List<String> names, int max) {
        String named = String.join(", ", names.subList(0, Math.min(names.size(), max)));
        return names.size() > max ? named + " and " + (names.size() - max) + " more" : named;
    }

    /** {@code 219ms}, {@code 4.2s}, {@code 3m05s}. */
    public static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        return String.format(Locale.ROOT, "%dm%02ds", ms / 60_000, (ms / 1000) % 60);
    }

    /**
     * A configured duration (a timeout, an interval) as it was written: whole seconds as seconds ({@code 2s},
     * {@code 7200s}: the words DBAs grep for stay), under a second in milliseconds ({@code 500ms}), else seconds with
     * the fraction it has ({@code 1.5s}, {@code 2.25s}). Never {@code 0s} for a limit that is not zero.
     */
    public static String setting(Duration d) {
        return setting(d, "");
    }

    /** {@link #setting} with a space before the unit ({@code 60 s}, {@code 500 ms}), for messages written that way. */
    public static String settingSpaced(Duration d) {
        return setting(d, " ");
    }

    private static String setting(Duration d, String space) {
        long ms = d.toMillis();
        if (ms % 1000 == 0) {
            return ms / 1000 + space + "s";
        }
        if (Math.abs(ms) < 1000) {
            return ms + space + "ms";
        }
        return java.math.BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString() + space + "s";
    }

    /**
     * A rate in bytes per second as it was configured: {@code 20 MiB/s} (a whole number of KiB, MiB or GiB), a bit
     * rate ({@code 100Mbit}) as {@code 100 Mbit/s (11.9 MiB/s)}, any other count as {@code 100000 bytes/s (97.7 KiB/s)}.
     */
    public static String rate(long bytesPerSecond) {
        // GiB, MiB before bits, bits before KiB: 1000KiB is 8192 Kbit and 1024Mbit is 125000 KiB, either way exact
        String[] names = {"GiB", "MiB", "Gbit", "Mbit", "KiB", "Kbit"};
        long[] units = {1L << 30, 1L << 20, 1_000_000_000L, 1_000_000L, 1L << 10, 1_000L};
        for (int i = 0; i < names.length && bytesPerSecond > 0; i++) {
            boolean bits = names[i].endsWith("bit");
            long n = bits ? bytesPerSecond * 8 : bytesPerSecond;
            if (n % units[i] == 0) {
                return n / units[i] + " " + names[i] + "/s" + (bits ? " (" + size(bytesPerSecond) + "/s)" : "");
            }
        }
        return bytesPerSecond + " bytes/s (" + size(bytesPerSecond) + "/s)";
    }

    /**
     * How far apart two clocks or times are: {@link #age} from a minute on, seconds under it ({@code 42s}), where
     * {@code 0m} would say there is no gap at all.
     */
    public static String gap(Duration d) {
        Duration abs = d.abs();
        return abs.toMinutes() == 0 ? abs.toSeconds() + "s" : age(abs);
    }

    /** Under this an age, or the limit it is measured against, is said to the second by {@link #age(Duration, Duration)}. */
    public static final Duration FEW_MINUTES = Duration.ofMinutes(5);

    /**
     * An age as precisely as {@code limit} (the threshold it is compared with, e.g. {@code --max-age}) needs: to the second
     * under an hour when the age or the limit is under {@link #FEW_MINUTES} ({@code 45s}, {@code 3m 20s}), where
     * {@code 0m old, older than 20s} would say nothing; else {@link #age(Duration)}, to the minute.
     */
    public static String age(Duration d, Duration limit) {
        long s = Math.max(0, d.toSeconds());
        if (s >= 3600 || (d.compareTo(FEW_MINUTES) >= 0 && limit.compareTo(FEW_MINUTES) >= 0)) {
            return age(d);
        }
        return s < 60 ? s + "s" : String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
    }

    /**
     * How long ago a time in a backup's name was by this host's clock: {@code 1d 02h ago}; for one dated ahead of it
     * (another host's clock, a clock stepped back) {@code 2h 10m after this host's clock}, never {@code 0m ago}.
     * {@code sinceThen}: from that time to now.
     */
    public static String ago(Duration sinceThen) {
        return sinceThen.isNegative() ? gap(sinceThen) + " after this host's clock" : age(sinceThen) + " ago";
    }

    /** An age to the minute: {@code 2d 06h}, {@code 30h} is {@code 1d 06h}, {@code 5h 07m}, {@code 12m}. */
    public static String age(Duration d) {
        long m = Math.max(0, d.toMinutes());
        if (m >= 24 * 60) {
            return String.format(Locale.ROOT, "%dd %02dh", m / (24 * 60), (m / 60) % 24);
        }
        return m >= 60 ? String.format(Locale.ROOT, "%dh %02dm", m / 60, m % 60) : m + "m";
    }
}
