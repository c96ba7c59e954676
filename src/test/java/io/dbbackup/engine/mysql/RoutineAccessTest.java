package io.dbbackup.engine.mysql;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RoutineAccessTest {
    @Test
    void routinesAreDumpedUnlessExtraArgsTurnThemOffLast() {
        assertThat(RoutineAccess.dumped(List.of())).isTrue();
        assertThat(RoutineAccess.dumped(List.of("--skip-routines"))).isFalse();
        assertThat(RoutineAccess.dumped(List.of("--SKIP_ROUTINES"))).isFalse();
        assertThat(RoutineAccess.dumped(List.of("--disable-routines"))).isFalse();
        assertThat(RoutineAccess.dumped(List.of("--skip-routines", "--routines"))).isTrue();
        assertThat(RoutineAccess.dumped(List.of("--skip-triggers"))).isTrue();
    }

    @Test
    void showCreateRoutineCountsFromMariaDb113() {
        assertThat(RoutineAccess.hasShowCreateRoutine("10.11.19-MariaDB-0+deb12u1-log")).isFalse();
        assertThat(RoutineAccess.hasShowCreateRoutine("11.2.4-MariaDB")).isFalse();
        assertThat(RoutineAccess.hasShowCreateRoutine("11.3.2-MariaDB")).isTrue();
        assertThat(RoutineAccess.hasShowCreateRoutine("12.0.1-MariaDB")).isTrue();
        assertThat(RoutineAccess.grantsShowCreateRoutine(List.of("GRANT SELECT, SHOW CREATE ROUTINE ON `shop`.* TO `lp`@`%`")))
                .isTrue();
        assertThat(RoutineAccess.grantsShowCreateRoutine(List.of("GRANT SELECT, TRIGGER ON `shop`.* TO `lp`@`%`"))).isFalse();
    }

    @Test
    void theErrorNamesTheAccountTheGrantAndTheWayOut() {
        assertThat(RoutineAccess.denied("lp@127.0.0.1", List.of("shop")))
                .contains("GRANT SELECT ON mysql.proc TO 'lp'@'127.0.0.1'")
                .contains("GRANT SHOW CREATE ROUTINE ON `shop`.* TO 'lp'@'127.0.0.1'").contains("--skip-routines")
                .doesNotContain("\n");
    }
}
