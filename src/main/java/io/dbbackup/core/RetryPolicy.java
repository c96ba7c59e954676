package io.dbbackup.core;

import java.time.Duration;

/** How often and how patiently a job is retried after a transient failure. */
public record RetryPolicy(int maxAttempts, Duration delay, double backoffMultiplier, Duration maxDelay) {

    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ofSeconds(30), 2.0, Duration.ofMinutes(10));

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max_attempts must be at least 1");
        }
    }

    /** The pause before attempt {@code attempt + 1} (attempt counts from 1), without jitter. */
    public Duration delayAfter(int attempt) {
        double millis = delay.toMillis() * Math.pow(backoffMultiplier, Math.max(0, attempt - 1));
        long capped = (long) Math.min(millis, (double) maxDelay.toMillis());
        return Duration.ofMillis(Math.max(0, capped));
    }
}
