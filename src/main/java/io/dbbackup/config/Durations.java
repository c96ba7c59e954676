package io.dbbackup.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code 30} (seconds), {@code 10ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}, {@code 1h30m}. Units are lower
 * case only: {@code 5M} could mean a month or megabytes as well as minutes, so it is no duration ({@link #problem} says why).
 */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");

    /** The longest duration a config or option takes (100 years): longer is out of range, not "forever". */
    public static final Duration MAX = Duration.ofDays(36_500);
    /** What {@link #parse} gives for a longer one (a number of 20 digits would otherwise overflow to a wrong value). */
    private static final Duration TOO_LONG = MAX.plusMillis(1);

    private Durations() {
    }

    /** Whether a parsed duration is over {@link #MAX}. */
    public static boolean tooLong(Duration d) {
        return d.compareTo(MAX) > 0;
    }

    public static Optional<Duration> parse(String text) {
        String t = text.strip();
        if (t.matches("\\d+(\\.\\d+)?")) {
            double millis = Double.parseDouble(t) * 1000;
            return Optional.of(millis > MAX.toMillis() ? TOO_LONG : Duration.ofMillis(Math.round(millis)));
        }
        Matcher m = PART.matcher(t);
        int pos = 0;
        Duration total = Duration.ZERO;
        while (m.find()) {
            if (m.start() != pos) {
                return Optional.empty();
            }
            double v = Double.parseDouble(m.group(1));
            double millis = v * switch (m.group(2)) {
                case "ms" -> 1;
                case "s" -> 1_000;
                case "m" -> 60_000;
                case "h" -> 3_600_000;
                default -> 86_400_000;
            };
            total = millis > MAX.toMillis() ? TOO_LONG : total.plusMillis(Math.round(millis));
            if (tooLong(total)) {
                total = TOO_LONG;
            }
            pos = m.end();
        }
        return pos == t.length() && pos > 0 ? Optional.of(total) : Optional.empty();
    }

    /** The units a duration is written with, as a message names them. */
    public static final String UNITS = "ms, s, m, h, d";

    /**
     * What a config key says of {@code text} that is no duration and not one {@link #problem} explains (a week's
     * {@code 1W}, {@code 2days}): the units it takes, in lower case, with examples — {@code d} among them.
     */
    public static String expected(String text) {
        return "expected a duration: seconds (30) or a number with a unit, in lower case: " + UNITS
                + " (10ms, 30s, 5m, 2h, 7d, 1h30m), got '" + text + "'";
    }

    /**
     * What a command-line option says of {@code text} that is no duration and not one {@link #problem} explains: its own
     * {@code examples} (e.g. {@code 26h or 2d}) and the units, in lower case.
     */
    public static String expected(String text, String examples) {
        return "expected a duration such as " + examples + " (units " + UNITS + ", in lower case), got '" + text + "'";
    }

    /**
     * Why {@code text}, which {@link #parse} refused, is no duration, when that is more than "not a duration": a minus sign
     * ({@code -5m}) or a unit in upper case ({@code 5M}, {@code 1H}), as the rest of a message after the key.
     */
    public static Optional<String> problem(String text) {
        String t = text.strip();
        if (t.startsWith("-") && parse(t.substring(1)).isPresent()) {
            return Optional.of("'" + t + "' is negative: a duration cannot be negative" + (parse(t.substring(1)).get().isZero()
                    ? " (write 0)" : ""));
        }
        String lower = t.toLowerCase(Locale.ROOT);
        if (!lower.equals(t) && parse(lower).isPresent()) {
            return Optional.of("'" + t + "' has a unit in upper case: units are " + UNITS + ", in lower case only (an "
                    + "upper-case M could mean months or megabytes): write " + lower);
        }
        return Optional.empty();
    }
}
