package io.dbbackup.engine.mysql;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DumpPrivilegesTest {
    @Test
    void routinesAreDumpedUnlessExtraArgsTurnThemOffLast() {
        assertThat(DumpPrivileges.dumped(List.of())).isTrue();
        assertThat(DumpPrivileges.dumped(List.of("--skip-routines"))).isFalse();
        assertThat(DumpPrivileges.dumped(List.of("--SKIP_ROUTINES"))).isFalse();
        assertThat(DumpPrivileges.dumped(List.of("--disable-routines"))).isFalse();
        assertThat(DumpPrivileges.dumped(List.of("--skip-routines", "--routines"))).isTrue();
        assertThat(DumpPrivileges.dumped(List.of("--skip-triggers"))).isTrue();
    }

    @Test
    void showCreateRoutineCountsFromMariaDb113() {
        assertThat(DumpPrivileges.hasShowCreateRoutine("10.11.19-MariaDB-0+deb12u1-log")).isFalse();
        assertThat(DumpPrivileges.hasShowCreateRoutine("11.2.4-MariaDB")).isFalse();
        assertThat(DumpPrivileges.hasShowCreateRoutine("11.3.2-MariaDB")).isTrue();
        assertThat(DumpPrivileges.hasShowCreateRoutine("12.0.1-MariaDB")).isTrue();
        assertThat(DumpPrivileges.grantsShowCreateRoutine(List.of("GRANT SELECT, SHOW CREATE ROUTINE ON `shop`.* TO `lp`@`%`")))
                .isTrue();
        assertThat(DumpPrivileges.grantsShowCreateRoutine(List.of("GRANT SELECT, TRIGGER ON `shop`.* TO `lp`@`%`"))).isFalse();
    }

    @Test
    void theErrorNamesTheAccountTheGrantAndTheWayOut() {
        assertThat(DumpPrivileges.denied("lp@127.0.0.1", List.of("shop")))
                .contains("GRANT SELECT ON mysql.proc TO 'lp'@'127.0.0.1'")
                .contains("GRANT SHOW CREATE ROUTINE ON `shop`.* TO 'lp'@'127.0.0.1'").contains("--skip-routines")
                .doesNotContain("\n");
    }

    @Test
    void triggerIsReadFromThePrivilegesOfAGrantLine() {
        assertThat(DumpPrivileges.grantsTrigger(List.of("GRANT EVENT, TRIGGER ON `shop`.* TO `rtrig`"))).isTrue();
        assertThat(DumpPrivileges.grantsTrigger(List.of("GRANT ALL PRIVILEGES ON *.* TO `backup`@`localhost`"))).isTrue();
        assertThat(DumpPrivileges.grantsTrigger(List.of("GRANT SELECT ON `trigger`.* TO `lp`@`%`",
                "GRANT `trigger_role` TO `lp`@`%`"))).isFalse();
        assertThat(DumpPrivileges.dumped("triggers", List.of("--skip-triggers"))).isFalse();
        assertThat(DumpPrivileges.triggerDenied("lp@%", List.of("shop")))
                .contains("GRANT TRIGGER ON `shop`.* TO 'lp'@'%'").contains("--skip-triggers");
    }

    @Test
    void aDatabaseNamedLikeAPrivilegeGivesNoPrivilege() {
        assertThat(DumpPrivileges.grantsShowCreateRoutine(List.of("GRANT SELECT ON `show create routine`.* TO `lp`@`%`")))
                .isFalse();
        assertThat(DumpPrivileges.grantsShowCreateRoutine(List.of("GRANT SELECT ON `all privileges`.* TO `lp`@`%`")))
                .isFalse();
        assertThat(DumpPrivileges.grantsTrigger(List.of("GRANT SELECT (`a, TRIGGER`) ON `shop`.`t` TO `lp`@`%`"))).isFalse();
        assertThat(DumpPrivileges.grantsShowCreateRoutine(List.of("GRANT ALL PRIVILEGES ON `shop`.* TO `lp`@`%`"))).isTrue();
        assertThat(DumpPrivileges.grantsTrigger(List.of("GRANT SELECT (`a`, `b`), TRIGGER ON `shop`.`t` TO `lp`@`%`")))
                .isTrue();
    }
}
