package io.dbbackup.engine.mysql;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class PrivilegeHintsTest {
    private static final String DUMP = """
            CREATE TABLE `PROCEDURE` (
              `id` int
            );
            LOCK TABLES `PROCEDURE` WRITE;
            /*!50106 DROP EVENT IF EXISTS `e` */;
            CREATE DEFINER=`a b`@`%` PROCEDURE `p`()
            SELECT 1 ;;
            /*!50001 CREATE ALGORITHM=UNDEFINED */
            /*!50003 CREATE*/ /*!50017 DEFINER=CURRENT_USER*/ /*!50003 TRIGGER tr AFTER INSERT ON t FOR EACH ROW SET @x = 1
            """;

    private static StatementLines lines() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StatementLines lines = new StatementLines(out);
        lines.write(DUMP.getBytes(StandardCharsets.UTF_8));
        lines.close();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(DUMP);
        return lines;
    }

    @Test
    void eachObjectStatementIsKnownByTheLineItStartsOn() throws IOException {
        StatementLines lines = lines();

        assertThat(lines.at(1)).as("a table named PROCEDURE").isNull();
        assertThat(lines.at(4)).isEqualTo(StatementLines.Kind.LOCK);
        assertThat(lines.at(5)).isEqualTo(StatementLines.Kind.EVENT);
        assertThat(lines.at(6)).isEqualTo(StatementLines.Kind.ROUTINE);
        assertThat(lines.at(7)).isNull();
        assertThat(lines.at(8)).isEqualTo(StatementLines.Kind.VIEW);
        assertThat(lines.at(9)).isEqualTo(StatementLines.Kind.TRIGGER);
    }

    @Test
    void aBare1044IsExplainedByTheStatementAtItsLineOnly() throws IOException {
        String denied = "mariadb 127.0.0.1:3306: ERROR 1044 (42000) at line %d: Access denied for user 'r'@'%%' to database 'shop'";

        assertThat(PrivilegeHints.load(String.format(java.util.Locale.ROOT, denied, 6), lines(), null))
                .contains("GRANT CREATE ROUTINE, ALTER ROUTINE ON `shop`.* TO 'r'@'%'").contains("--table");
        assertThat(PrivilegeHints.load(String.format(java.util.Locale.ROOT, denied, 4), lines(), "copy")).contains("GRANT LOCK TABLES ON `copy`.* TO 'r'@'%'");
        assertThat(PrivilegeHints.load(String.format(java.util.Locale.ROOT, denied, 2), lines(), null)).isNull();
        assertThat(PrivilegeHints.load("mariadb x: ERROR 1064 (42000) at line 6: You have an error", lines(), null)).isNull();
    }

    @Test
    void a1142AtNoKnownStatementNamesItsOwnCommand() throws IOException {
        assertThat(PrivilegeHints.load("ERROR 1142 (42000) at line 2: INSERT command denied to user 'r'@'h' for table "
                + "`my``db`.`t`", lines(), null)).contains("GRANT INSERT ON `my``db`.* TO 'r'@'h'");
    }

    /** A server with lc_messages = de_DE or fr_FR words the error in its language; the account and database are read all the same. */
    @Test
    void theAccountAndDatabaseAreReadInTheServersLanguage() throws IOException {
        String german = "ERROR 1044 (42000) at line 6: Benutzer 'r'@'%' hat keine Zugriffsberechtigung für Datenbank 'shop'";
        assertThat(PrivilegeHints.load(german, lines(), null)).contains("GRANT CREATE ROUTINE, ALTER ROUTINE ON `shop`.* TO 'r'@'%'");
        assertThat(PrivilegeHints.missing("ERROR 1044 (42000) at line 1: Accès refusé pour l'utilisateur: 'r'@'h'. Base 'copy'",
                "copy")).contains("GRANT CREATE ON `copy`.* TO 'r'@'h'");
        assertThat(PrivilegeHints.load("ERROR 1142 (42000) at line 9: La commande 'TRIGGER' est interdite à l'utilisateur: "
                + "'r'@'h' sur la table `shop`.`t`", lines(), null)).contains("GRANT TRIGGER ON `shop`.* TO 'r'@'h'");
        assertThat(PrivilegeHints.load("ERROR 1370 (42000) at line 1: Befehl alter routine nicht zulässig für Benutzer 'r'@'h' "
                + "in Routine 'shop.p'", lines(), null)).as("a routine's name is no database").isNull();
    }
}
