package io.dbbackup.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Durations are written with lower-case units; a minus sign or an upper-case unit is said as such, not as "no duration". */
class DurationsTest {
    @Test
    void unitsAreLowerCaseOnly() {
        assertThat(Durations.parse("5m")).contains(Duration.ofMinutes(5));
        assertThat(Durations.parse("26h")).contains(Duration.ofHours(26));
        assertThat(Durations.parse("1h30m")).contains(Duration.ofMinutes(90));
        assertThat(Durations.parse("10ms")).contains(Duration.ofMillis(10));
        // 5M: a month? megabytes? Not read as 5 minutes, in the config or on the command line (--max-age 26H)
        for (String upper : new String[] {"5M", "26H", "1D", "30S", "10MS", "10Ms", "1h30M"}) {
            assertThat(Durations.parse(upper)).as(upper).isEmpty();
            assertThat(Durations.problem(upper)).as(upper).hasValueSatisfying(p -> assertThat(p)
                    .contains("'" + upper + "' has a unit in upper case").contains("ms, s, m, h, d"));
        }
    }

    @Test
    void aMinusSignIsSaidAsNegative() {
        assertThat(Durations.parse("-5m")).isEmpty();
        assertThat(Durations.problem("-5m")).contains("'-5m' is negative: a duration cannot be negative");
        assertThat(Durations.problem("-0")).contains("'-0' is negative: a duration cannot be negative (write 0)");
        assertThat(Durations.problem("5 m")).as("not a sign or a case: the caller's own words").isEmpty();
        assertThat(Durations.problem("-x")).isEmpty();
    }
}
