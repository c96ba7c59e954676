package io.dbbackup.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HumanTest {
    @Test
    void aConfiguredDurationIsSaidAsWrittenNeverZeroSeconds() {
        assertThat(Human.setting(Duration.ofMillis(500))).isEqualTo("500ms");
        assertThat(Human.setting(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(Human.setting(Duration.ofMillis(2250))).isEqualTo("2.25s");
        assertThat(Human.setting(Duration.ofSeconds(2))).isEqualTo("2s");
        assertThat(Human.setting(Duration.ofHours(2))).isEqualTo("7200s");
        assertThat(Human.settingSpaced(Duration.ofSeconds(60))).isEqualTo("60 s");
        assertThat(Human.settingSpaced(Duration.ofMillis(300))).isEqualTo("300 ms");
    }

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

    @Test
    void anAgeIsSaidToTheSecondWhenItOrItsLimitIsUnderAFewMinutes() {
        assertThat(Human.age(Duration.ofSeconds(45), Duration.ofSeconds(20))).isEqualTo("45s");
        assertThat(Human.age(Duration.ofSeconds(200), Duration.ofMinutes(3))).isEqualTo("3m 20s");
        assertThat(Human.age(Duration.ofSeconds(727), Duration.ofSeconds(90))).isEqualTo("12m 07s");
        assertThat(Human.age(Duration.ofSeconds(42), Duration.ofHours(26))).isEqualTo("42s");
        // guard: an age of an hour or more, or a limit and an age of minutes and more, is said to the minute
        assertThat(Human.age(Duration.ofSeconds(727), Duration.ofMinutes(10))).isEqualTo("12m");
        assertThat(Human.age(Duration.ofHours(30).plusSeconds(42), Duration.ofSeconds(20))).isEqualTo("1d 06h");
        assertThat(Human.age(Duration.ofMinutes(65).plusSeconds(3), Duration.ofSeconds(20))).isEqualTo("1h 05m");
    }
}
