package io.dbbackup.core;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SubsetTest {
    private static final LocalDate DAY = LocalDate.of(2026, 12, 2); // epoch day 20789

    @Test
    void partOfTAndThePartOfTheDay() {
        assertThat(Subset.parse("2/5", DAY)).isEqualTo(new Subset(2, 5));
        assertThat(Subset.parse(" 1/1 ", DAY)).isEqualTo(new Subset(1, 1));
        assertThat(DAY.toEpochDay()).isEqualTo(20789);
        assertThat(Subset.parse("7", DAY)).isEqualTo(new Subset(20789 % 7 + 1, 7));
        assertThat(Subset.parse("7", DAY.plusDays(1)).part()).isEqualTo(20790 % 7 + 1);
        List<Integer> week = new ArrayList<>();
        for (int d = 0; d < 7; d++) {
            week.add(Subset.parse("7", DAY.plusDays(d)).part());
        }
        assertThat(week).as("seven days, seven parts").containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7);
    }

    @Test
    void whatIsNotASubsetIsRefusedSayingWhatIsExpected() {
        for (String bad : List.of("0/3", "4/3", "3/0", "0", "x", "1/x", "", "-1/3", "1/10001", "2/3/4")) {
            assertThatThrownBy(() -> Subset.parse(bad, DAY)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expected N/T").hasMessageEndingWith("got '" + bad + "'");
        }
    }

    /** The parts of a store's keys are disjoint and hold every key together; none is empty for a store of many. */
    @Test
    void thePartsOfAStoreAreDisjointAndCoverIt() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            keys.add(String.format("prod/app/app-2026%02d%02d-0%d0000.sql.gz", 1 + i % 12, 1 + i % 28, i % 10));
        }
        int parts = 4;
        Set<String> seen = new HashSet<>();
        for (int p = 1; p <= parts; p++) {
            Subset s = new Subset(p, parts);
            List<String> in = keys.stream().filter(s::contains).toList();
            assertThat(in).as("part " + p).isNotEmpty().hasSizeBetween(60, 140);
            for (String k : in) {
                assertThat(seen.add(k)).as(k + " in one part only").isTrue();
            }
        }
        assertThat(seen).hasSameSizeAs(new HashSet<>(keys));
        assertThat(new Subset(1, 1).contains(keys.get(0))).isTrue();
    }
}
