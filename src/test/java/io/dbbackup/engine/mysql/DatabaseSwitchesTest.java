package io.dbbackup.engine.mysql;

import io.dbbackup.core.DbBackupException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseSwitchesTest {
    private static String load(String target, String dump) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DatabaseSwitches f = new DatabaseSwitches(target, out)) {
            f.write(dump.getBytes(StandardCharsets.UTF_8));
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** What mariadb-dump -B / -A --add-drop-database write, and the client's own spellings. */
    @ParameterizedTest
    @ValueSource(strings = {"USE `shop`;", "use shop;", "CREATE DATABASE /*!32312 IF NOT EXISTS*/ `shop` /*!40100 DEFAULT "
            + "CHARACTER SET utf8mb4 */;", "/*!40000 DROP DATABASE IF EXISTS `shop`*/;", "CREATE SCHEMA shop;",
            "DROP DATABASE IF EXISTS `copy2`;", "USE `mysql`;", "  USE `shop`;"})
    void aSwitchToAnotherDatabaseStopsTheLoadBeforeItIsPassedOn(String line) {
        StringBuilder passed = new StringBuilder();
        assertThatThrownBy(() -> passed.append(load("copy", "SET NAMES utf8mb4;\n" + line + "\nINSERT INTO t VALUES (1);\n")))
                .isInstanceOf(DbBackupException.class).hasMessageContaining("switches to another database")
                .hasMessageContaining("loaded into copy");
        assertThat(passed).isEmpty();
    }

    @Test
    void theTargetItselfRoutineBodiesAndOrdinaryLinesPass() throws IOException {
        String dump = """
                CREATE DATABASE /*!32312 IF NOT EXISTS*/ `copy`;
                USE `copy`;
                CREATE TABLE `users` (`id` int);
                INSERT INTO `users` VALUES (1,'USE shop;');
                DELIMITER ;;
                CREATE PROCEDURE p() BEGIN
                use_count: LOOP LEAVE use_count; END LOOP;
                CREATE DATABASE x;
                END ;;
                DELIMITER ;
                """;
        assertThat(load("copy", dump)).isEqualTo(dump);
    }
}
