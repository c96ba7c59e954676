package io.dbbackup.store.s3;

import io.dbbackup.core.Human;
import io.dbbackup.core.Log;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpResponse;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * This host's clock against the S3 service's, as the {@code Date} header of its answers tells it. The SDK silently
 * corrects a skew it measures (a RequestTimeTooSkewed answer is retried with the service's time), so a host whose clock
 * is hours off backs up without a word — and names its backups by that clock: dated ahead, they later stop prune and
 * restore without a KEY; dated behind, retention ranks them wrongly. One warning per store names how far off and the fix.
 */
final class ServiceClock implements ExecutionInterceptor {
    /** Off by more than this is said: a Date header has whole seconds, an answer takes some; NTP keeps far closer. */
    static final Duration TOLERATED = Duration.ofMinutes(5);

    private final String service;
    private final AtomicBoolean warned = new AtomicBoolean();

    ServiceClock(String service) {
        this.service = io.dbbackup.core.Redactor.redact(service); // an endpoint URL may hold a user and password
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        offset(context.httpResponse(), Instant.now()).filter(ServiceClock::tooFar).ifPresent(off -> {
            if (warned.compareAndSet(false, true)) {
                Log.get().warn(describe(off) + " (its answers' Date header): backups are named by this host's clock, so "
                        + "they are dated " + Human.age(rounded(off.abs())) + (off.isNegative() ? " ahead of" : " behind") + " the real time"
                        + "; set it right (NTP: chrony, systemd-timesyncd)", "service", service);
            }
        });
    }

    /** How far the service's clock is after this host's ({@code now}), by {@code response}'s Date header; empty without one. */
    static Optional<Duration> offset(SdkHttpResponse response, Instant now) {
        if (response == null) {
            return Optional.empty();
        }
        return response.firstMatchingHeader("Date").flatMap(date -> {
            try {
                return Optional.of(Duration.between(now, DateTimeFormatter.RFC_1123_DATE_TIME.parse(date, Instant::from)));
            } catch (RuntimeException e) { // a malformed Date says nothing about the clocks
                return Optional.empty();
            }
        });
    }

    static boolean tooFar(Duration offset) {
        return offset.abs().compareTo(TOLERATED) > 0;
    }

    /** "this host's clock is 3h 00m behind the S3 service's" for a service 3 hours after this host. */
    static String describe(Duration offset) {
        return "this host's clock is " + Human.age(rounded(offset.abs())) + (offset.isNegative() ? " ahead of" : " behind")
                + " the S3 service's";
    }

    private static Duration rounded(Duration d) {
        return Duration.ofMinutes((d.getSeconds() + 30) / 60);
    }
}
