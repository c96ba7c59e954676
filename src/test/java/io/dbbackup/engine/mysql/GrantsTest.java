package io.dbbackup.engine.mysql;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class GrantsTest {
    /**
     * A grant on a table of a long name (or one of many doubled backticks) follows the database as a short one does:
     * the name is read in a stack that does not grow with it (the regex engine once recursed per character).
     */
    @ParameterizedTest
    @ValueSource(strings = {"x", "``", "x``"})
    void aGrantOnALongTableNameFollowsTheDatabase(String unit) {
        String table = "`" + unit.repeat((100 << 10) / unit.length()) + "`";
        assertThat(Grants.toDefaultDatabase("GRANT SELECT, INSERT ON `shop`." + table + " TO `r`@`%`", "shop"))
                .isEqualTo("GRANT SELECT, INSERT ON " + table + " TO `r`@`%`");
        assertThat(Grants.toDefaultDatabase("GRANT SELECT ON `shopping`." + table + " TO `r`@`%`", "shop"))
                .isEqualTo("GRANT SELECT ON `shopping`." + table + " TO `r`@`%`");
    }

    @ParameterizedTest
    @ValueSource(strings = {"x", "``"})
    void aGrantOnADatabaseOfALongNameFollowsIt(String unit) {
        String database = unit.repeat((100 << 10) / unit.length()).replace("``", "`");
        assertThat(Grants.toDefaultDatabase("GRANT ALL PRIVILEGES ON " + Sql.ident(database) + ".* TO `r`@`%`", database))
                .isEqualTo("GRANT ALL PRIVILEGES ON * TO `r`@`%`");
    }
}
