package io.dbbackup.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HumanTest {
    @Test
    void aRateIsSaidInTheUnitItWasConfiguredIn() {
        assertThat(Human.rate(RateLimiter.parseRate("100Mbit"))).isEqualTo("100 Mbit/s (11.9 MiB/s)");
        assertThat(Human.rate(RateLimiter.parseRate("1Gbit/s"))).isEqualTo("1 Gbit/s (119.2 MiB/s)");
        assertThat(Human.rate(RateLimiter.parseRate("10MiB"))).isEqualTo("10 MiB/s");
        assertThat(Human.rate(RateLimiter.parseRate("2GiB/s"))).isEqualTo("2 GiB/s");
        assertThat(Human.rate(RateLimiter.parseRate("512KiB"))).isEqualTo("512 KiB/s");
        assertThat(Human.rate(RateLimiter.parseRate("800Kbit"))).isEqualTo("800 Kbit/s (97.7 KiB/s)");
        assertThat(Human.rate(100_001)).isEqualTo("100001 bytes/s (97.7 KiB/s)");
    }
}
