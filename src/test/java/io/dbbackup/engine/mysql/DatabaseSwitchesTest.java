package io.dbbackup.engine.mysql;

import io.dbbackup.core.DbBackupException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

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

    /**
     * A name longer than the line's head ({@link io.dbbackup.spi.LineFilter#HEAD} bytes) is another database's all the
     * same: the load stops before it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"x", "``", "x``"})
    void aNameLongerThanTheHeadIsAnotherDatabase(String unit) {
        String name = "`" + unit.repeat((100 << 10) / unit.length()) + "`";
        for (String line : new String[] {"USE " + name + ";", "CREATE DATABASE /*!32312 IF NOT EXISTS*/ " + name + ";"}) {
            assertThatThrownBy(() -> load("copy", "SET NAMES utf8mb4;\n" + line + "\n"))
                    .isInstanceOf(DbBackupException.class).hasMessageContaining("switches to another database (")
                    .hasMessageContaining("): loaded into copy");
        }
    }

    /**
     * A name filling the head is read in a stack of a size that does not grow with it (the regex engine once recursed
     * per character, and 500 of them took more than 256 KiB): the filter runs in the thread that feeds the client.
     */
    @ParameterizedTest
    @ValueSource(strings = {"x", "``", "x``"})
    void aNameFillingTheHeadIsReadInASmallStack(String unit) throws Exception {
        String name = unit.repeat(480 / unit.length());
        String quoted = "`" + name + "`";
        String line = "USE " + quoted + ";\n";
        assertThat(line.length()).isLessThan(io.dbbackup.spi.LineFilter.HEAD);
        String target = name.replace("``", "`");
        assertThat(onASmallStack(() -> load(target, line))).isEqualTo(line);
        assertThat(onASmallStack(() -> {
            try {
                return load("copy", line);
            } catch (DbBackupException e) {
                return e.getMessage();
            }
        })).contains("switches to another database (USE " + quoted + "): loaded into copy");
    }

    private static <T> T onASmallStack(Callable<T> work) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                result.set(work.call());
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "small-stack", 128 << 10);
        t.start();
        t.join();
        assertThat(failure.get()).as("failure on a 128 KiB stack").isNull();
        return result.get();
    }
}
