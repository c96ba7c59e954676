package io.dbbackup.store.s3;

import io.dbbackup.core.ClockSkew;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * This host's clock against the S3 service's ({@link ClockSkew}). The SDK silently corrects a skew it measures (a
 * RequestTimeTooSkewed answer is retried with the service's time), so a host whose clock is hours off backs up without
 * a word; one warning per service and process names how far off and the fix.
 */
final class ServiceClock implements ExecutionInterceptor {
    static final String KIND = "S3 service";

    private final String service;

    ServiceClock(String service) {
        this.service = service;
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        ClockSkew.check(KIND, service, offset(context.httpResponse(), Instant.now()));
    }

    /** How far the service's clock is after this host's ({@code now}), by {@code response}'s Date header; empty without one. */
    static Optional<Duration> offset(SdkHttpResponse response, Instant now) {
        return response == null ? Optional.empty() : ClockSkew.offset(response.firstMatchingHeader("Date"), now);
    }
}
