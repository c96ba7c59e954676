package io.dbbackup.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A clock that moves by itself every time it is read: forward by {@code step} (each backup gets its own key), or as a
 * script says (a clock NTP steps back in the middle of a run).
 */
public final class SteppingClock extends Clock {
    private final AtomicInteger readings = new AtomicInteger();
    private final IntFunction<Instant> nthReading;

    public SteppingClock(Instant start, Duration step) {
        this(n -> start.plus(step.multipliedBy(n - 1L)));
    }

    /** The {@code n}-th reading (from 1) is {@code nthReading.apply(n)}. */
    public SteppingClock(IntFunction<Instant> nthReading) {
        this.nthReading = nthReading;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return nthReading.apply(readings.incrementAndGet());
    }
}
