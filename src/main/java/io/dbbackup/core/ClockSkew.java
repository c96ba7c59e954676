package io.dbbackup.core;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This host's clock against a storage service's, as the {@code Date} header of its HTTP answers tells it. Backups are
 * named by this host's clock: dated ahead, they later stop prune and restore without a KEY; dated behind, retention
 * ranks them wrongly. A service that does not refuse a skewed request (S3 with the SDK's silent correction, Azure with a
 * SAS) lets such a host back up without a word, so it is said: once per service per process, however many stores of a
 * config (or of one run) use it.
 */
public final class ClockSkew {
    /** Off by more than this is said: a Date header has whole seconds, an answer takes some; NTP keeps far closer. */
    public static final Duration TOLERATED = Duration.ofMinutes(5);

    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private ClockSkew() {
    }

    /** How far the service's clock is after this host's ({@code now}), by a {@code Date} header; empty without one. */
    public static Optional<Duration> offset(Optional<String> dateHeader, Instant now) {
        return dateHeader.flatMap(date -> {
            try {
                return Optional.of(Duration.between(now, DateTimeFormatter.RFC_1123_DATE_TIME.parse(date, Instant::from)));
            } catch (RuntimeException e) { // a malformed Date says nothing about the clocks
                return Optional.empty();
            }
        });
    }

    public static boolean tooFar(Duration offset) {
        return offset.abs().compareTo(TOLERATED) > 0;
    }

    /** "this host's clock is 3h 00m behind the S3 service's" for {@code kind} "S3 service" 3 hours after this host. */
    public static String describe(Duration offset, String kind) {
        return "this host's clock is " + Human.age(rounded(offset)) + (offset.isNegative() ? " ahead of" : " behind")
                + " the " + kind + "'s";
    }

    /**
     * Warns that this host's clock is {@code offset} off the {@code kind} at {@code service} when that is too far,
     * the first time only for that service in this process. {@code service} is redacted (a URL may hold a password).
     */
    public static void check(String kind, String service, Optional<Duration> offset) {
        offset.filter(ClockSkew::tooFar).ifPresent(off -> {
            String where = Redactor.redact(service);
            if (WARNED.add(kind + " " + where)) {
                Log.get().warn(describe(off, kind) + " (its answers' Date header): backups are named by this host's clock, "
                        + "so they are dated " + Human.age(rounded(off)) + (off.isNegative() ? " ahead of" : " behind")
                        + " the real time; set it right (NTP: chrony, systemd-timesyncd)", "service", where);
            }
        });
    }

    private static Duration rounded(Duration d) {
        return Duration.ofMinutes((d.abs().getSeconds() + 30) / 60);
    }
}
