package io.dbbackup.config;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses {@code 30} (seconds), {@code 10ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}, {@code 1h30m}. */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");

    private Durations() {
    }

    public static Optional<Duration> parse(String text) {
        String t = text.strip().toLowerCase();
        if (t.matches("\\d+(\\.\\d+)?")) {
            return Optional.of(Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000)));
        }
        Matcher m = PART.matcher(t);
        int pos = 0;
        Duration total = Duration.ZERO;
        while (m.find()) {
            if (m.start() != pos) {
                return Optional.empty();
            }
            double v = Double.parseDouble(m.group(1));
            long millis = switch (m.group(2)) {
                case "ms" -> Math.round(v);
                case "s" -> Math.round(v * 1_000);
                case "m" -> Math.round(v * 60_000);
                case "h" -> Math.round(v * 3_600_000);
                default -> Math.round(v * 86_400_000);
            };
            total = total.plusMillis(millis);
            pos = m.end();
        }
        return pos == t.length() && pos > 0 ? Optional.of(total) : Optional.empty();
    }
}
