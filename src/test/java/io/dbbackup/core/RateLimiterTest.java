package io.dbbackup.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The token bucket's arithmetic, on a clock the test moves: no sleeping, no timing. */
class RateLimiterTest {
    private long now;

    @Test
    void aSecondsWorthGoesAtOnceThenEachByteWaitsForItsShare() {
        RateLimiter r = new RateLimiter(1000, () -> now);

        assertThat(r.reserve(1000)).as("the first second's worth: a burst").isZero();
        assertThat(r.reserve(500)).as("500 bytes over: half a second").isEqualTo(500_000_000L);
        now += 500_000_000L; // the caller slept as told
        assertThat(r.reserve(1000)).as("the debt is paid; 1000 more take a second").isEqualTo(1_000_000_000L);
    }

    @Test
    void idleTimeRefillsTheBucketButNeverBeyondASecondsWorth() {
        RateLimiter r = new RateLimiter(1000, () -> now);
        r.reserve(1000);
        now += 60_000_000_000L; // a minute idle

        assertThat(r.reserve(1000)).isZero();
        assertThat(r.reserve(1)).as("no minute's worth saved up").isPositive();
    }

    @Test
    void uploadsSharingTheBucketShareTheRate() {
        RateLimiter r = new RateLimiter(1 << 20, () -> now);
        r.reserve(1 << 20);

        // two uploads take 1 MiB each at the same moment: together they wait two seconds, not one each
        long a = r.reserve(1 << 20);
        long b = r.reserve(1 << 20);
        assertThat(a).isEqualTo(1_000_000_000L);
        assertThat(b).isEqualTo(2_000_000_000L);
    }

    /** What README promises for upload_rate_limit and --limit-download: 20MiB or 20MiB/s, at least 64KiB; units in any case. */
    @Test
    void aRateIsASizePerSecondWithTheUnitAndTheSuffixInAnyCase() {
        for (String rate : new String[] {"1MiB", "1MiB/s", "1MB/s", "1MB/S", "1mB/S", "1MIB/s", " 1MiB/S ", "1 MiB/s", "1048576/s"}) {
            assertThat(RateLimiter.parseRate(rate)).as(rate).isEqualTo(1 << 20);
        }
        assertThat(RateLimiter.parseRate("64KiB/S")).isEqualTo(RateLimiter.MIN_RATE);
        for (String notARate : new String[] {"63KiB/s", "/s", "/S", "1MiB/m", "1MiB/ss", "1MiB//s", "1MiB/sec", "fast", "",
                "1Mb", "1mb/S", "1mib/s", "1Kb", "1Gb/s", "1048576b"}) {
            assertThat(RateLimiter.parseRate(notARate)).as(notARate).isEqualTo(-1);
        }
    }

    /** Network speak: Kbit, Mbit, Gbit are decimal bits per second; a unit ending in a lower-case b says why it is refused. */
    @Test
    void bitsAreWrittenOutAndALowerCaseBIsRefusedWithBothReadings() {
        assertThat(RateLimiter.parseRate("100Mbit")).isEqualTo(12_500_000);
        assertThat(RateLimiter.parseRate("100mbit/s")).isEqualTo(12_500_000);
        assertThat(RateLimiter.parseRate("1Gbit/s")).isEqualTo(125_000_000);
        assertThat(RateLimiter.parseRate("800Kbit")).isEqualTo(100_000);
        assertThat(RateLimiter.parseRate("512Kbit")).as("below 64KiB").isEqualTo(-1);
        assertThat(RateLimiter.bitsHint("100Mb/s")).contains("100Mbit").contains("100MB").contains("11.9 MiB/s");
        assertThat(RateLimiter.bitsHint("100MB/s")).isNull();
        assertThat(RateLimiter.bitsHint("fast")).isNull();
    }
}
