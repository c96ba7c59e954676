package io.dbbackup.job;

import io.dbbackup.spi.Store;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** What {@code check} and a backup say about a store's credentials that expire ({@link Store#credentialsExpire()}). */
final class CredentialExpiry {
    /** Warned this long ahead: two weeks of nightly runs, enough to get a new SAS through a change process. */
    static final Duration AHEAD = Duration.ofDays(14);

    private CredentialExpiry() {
    }

    /** A warning when the store's credentials expire within {@link #AHEAD} (or did), else empty. */
    static Optional<String> warning(Store store, Instant now) {
        return store.credentialsExpire().filter(at -> at.isBefore(now.plus(AHEAD))).map(at -> at.isAfter(now)
                ? "the store's credentials expire on " + at + " (in " + days(now, at) + "): renew them before then"
                : "the store's credentials expired on " + at);
    }

    /** The detail {@code check} adds to a store that works: when its credentials stop working, if known. */
    static String note(Store store, Instant now) {
        return warning(store, now).map(w -> "; WARNING: " + w)
                .orElseGet(() -> store.credentialsExpire().map(at -> "; credentials valid until " + at).orElse(""));
    }

    private static String days(Instant now, Instant at) {
        long hours = Duration.between(now, at).toHours();
        return hours < 48 ? hours + " h" : hours / 24 + " days";
    }
}
