package io.dbbackup.engine.mysql;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class DefinersTest {
    static final String DUMP = """
            /*!50003 CREATE*/ /*!50017 DEFINER=`app`@`%`*/ /*!50003 TRIGGER tr AFTER INSERT ON t FOR EACH ROW INSERT INTO audit VALUES (NEW.id) */;;
            /*!50106 CREATE*/ /*!50117 DEFINER=`ops`@`10.0.0.%`*/ /*!50106 EVENT `e` ON SCHEDULE EVERY 1 DAY DO DELETE FROM audit */ ;;
            CREATE DEFINER=`a``b`@`localhost` PROCEDURE `p`()
            SELECT 'CREATE DEFINER=`x`@`y` FUNCTION' FROM t
            ;;
            /*!50001 CREATE ALGORITHM=UNDEFINED */
            /*!50013 DEFINER=`app`@`%` SQL SECURITY DEFINER */
            /*!50001 VIEW `v` AS select `t`.`id` AS `id` from `t` */;
            INSERT INTO `t` VALUES (1,'/*!50013 DEFINER=`app`@`%` x');
            """;

    private static String filter(String in, boolean toCurrentUser, int chunk, Definers[] holder) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Definers d = new Definers(toCurrentUser, out);
        holder[0] = d;
        byte[] bytes = in.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i += chunk) {
            d.write(bytes, i, Math.min(chunk, bytes.length - i));
        }
        d.close();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void keepPassesEverythingAndNotesEachDefinerOnce() throws IOException {
        Definers[] d = new Definers[1];
        for (int chunk : new int[] {1, 7, 1 << 16}) {
            assertThat(filter(DUMP, false, chunk, d)).isEqualTo(DUMP);
            assertThat(d[0].seen()).containsExactly("`app`@`%`", "`ops`@`10.0.0.%`", "`a``b`@`localhost`");
            assertThat(d[0].rewritten()).isZero();
        }
    }

    @Test
    void currentUserReplacesTheClausesOnlyNotRowsOrBodies() throws IOException {
        Definers[] d = new Definers[1];
        for (int chunk : new int[] {1, 5, 1 << 16}) {
            String out = filter(DUMP, true, chunk, d);
            assertThat(out).isEqualTo(DUMP.replace("/*!50017 DEFINER=`app`@`%`*/", "/*!50017 DEFINER=CURRENT_USER*/")
                    .replace("DEFINER=`ops`@`10.0.0.%`", "DEFINER=CURRENT_USER")
                    .replace("CREATE DEFINER=`a``b`@`localhost` PROCEDURE", "CREATE DEFINER=CURRENT_USER PROCEDURE")
                    .replace("/*!50013 DEFINER=`app`@`%` SQL", "/*!50013 DEFINER=CURRENT_USER SQL"));
            assertThat(out).contains("SELECT 'CREATE DEFINER=`x`@`y` FUNCTION' FROM t")
                    .contains("INSERT INTO `t` VALUES (1,'/*!50013 DEFINER=`app`@`%` x');");
            assertThat(d[0].rewritten()).isEqualTo(4);
        }
    }

    @Test
    void aLineLongerThanTheHeadPassesWholeAndAfterItLinesAreReadAgain() throws IOException {
        String body = "x".repeat(3 * Definers.HEAD);
        String in = "/*!50003 CREATE*/ /*!50017 DEFINER=`app`@`%`*/ /*!50003 TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET @a = '"
                + body + "' */;;\nINSERT INTO t VALUES ('" + body + "');\nCREATE DEFINER=`b`@`%` FUNCTION f() RETURNS int RETURN 1\n";
        Definers[] d = new Definers[1];
        for (int chunk : new int[] {3, 1000, 1 << 16}) {
            assertThat(filter(in, true, chunk, d)).isEqualTo(in.replace("DEFINER=`app`@`%`", "DEFINER=CURRENT_USER")
                    .replace("DEFINER=`b`@`%`", "DEFINER=CURRENT_USER"));
        }
    }

    /**
     * The longest definer a server can have: an 80-character user of 4-byte characters (320 bytes) and a 255-character
     * host of 3-byte ones (MariaDB keeps the host as utf8mb3: 765 bytes), behind the longest prefix; its host ends past
     * byte 1024 of the line.
     */
    @Test
    void theLongestDefinerIsReadWhole() throws IOException {
        String definer = "`" + "\uD83D\uDE00".repeat(79) + "``" + "`@`" + "\u20AC".repeat(255) + "`";
        String in = "/*!50106 CREATE*/ /*!50117 DEFINER=" + definer + "*/ /*!50106 EVENT `e` ON SCHEDULE EVERY 1 DAY DO "
                + "DELETE FROM audit */ ;;\n";
        assertThat(in.substring(0, in.indexOf("*/ /*!50106 EVENT")).getBytes(StandardCharsets.UTF_8).length).isGreaterThan(1024);
        Definers[] d = new Definers[1];
        for (int chunk : new int[] {1, 100, 1 << 16}) {
            assertThat(filter(in, false, chunk, d)).isEqualTo(in);
            assertThat(d[0].seen()).containsExactly(definer);
            assertThat(filter(in, true, chunk, d)).isEqualTo(in.replace("DEFINER=" + definer, "DEFINER=CURRENT_USER"));
        }
    }

    @Test
    void aViewDefinedByARoleIsOneLineWithItsClause() throws IOException {
        // mariadb-dump prints a view whose definer is a role (no @host) on one line, as SHOW CREATE VIEW has it
        String in = """
                /*M!999999\\- enable the sandbox mode */\s
                /*!50001 CREATE ALGORITHM=UNDEFINED DEFINER=`viewers` SQL SECURITY DEFINER VIEW `vr` AS select `t`.`id` AS `id` from `t` */;
                /*!50001 CREATE ALGORITHM=MERGE */
                /*!50013 DEFINER=`app`@`%` SQL SECURITY DEFINER */
                /*!50001 VIEW `v` AS select 'DEFINER=`x`' AS `d` */;
                """;
        Definers[] d = new Definers[1];
        for (int chunk : new int[] {1, 7, 1 << 16}) {
            assertThat(filter(in, false, chunk, d)).isEqualTo(in);
            assertThat(d[0].seen()).containsExactly("`viewers`", "`app`@`%`");
            assertThat(filter(in, true, chunk, d)).isEqualTo(in.replace("DEFINER=`viewers`", "DEFINER=CURRENT_USER")
                    .replace("DEFINER=`app`@`%`", "DEFINER=CURRENT_USER"));
            assertThat(d[0].rewritten()).isEqualTo(2);
        }
    }

    @Test
    void aClauseInsideAMultiLineBodyIsNoClause() throws IOException {
        // as mariadb-dump writes them: a body's lines (here in a string literal) may start as a clause does
        String in = """
                DELIMITER ;;
                CREATE DEFINER=`app`@`%` PROCEDURE `p`()
                BEGIN
                  SELECT 1;

                  SELECT 'a
                /*!50013 DEFINER=`x`@`y` SQL SECURITY DEFINER */
                CREATE DEFINER=`x`@`y` PROCEDURE' AS s;
                END
                ;;
                /*!50003 CREATE*/ /*!50017 DEFINER=`app`@`%`*/ /*!50003 TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.note = 'x
                /*!50003 CREATE*/ /*!50017 DEFINER=`z`@`%`*/ /*!50003 TRIGGER
                /*!50106 CREATE*/ /*!50117 DEFINER=`z`@`%`*/ y' */;;
                DELIMITER ;
                INSERT INTO `t` VALUES ('a;;\\nCREATE DEFINER=`w`@`%` PROCEDURE');
                -- a comment
                CREATE DEFINER=`ops`@`%` FUNCTION `f`() RETURNS int(11)
                RETURN 1;
                """;
        Definers[] d = new Definers[1];
        for (int chunk : new int[] {1, 7, 1 << 16}) {
            assertThat(filter(in, false, chunk, d)).isEqualTo(in);
            assertThat(d[0].seen()).containsExactly("`app`@`%`", "`ops`@`%`");
            assertThat(filter(in, true, chunk, d)).isEqualTo(in
                    .replace("CREATE DEFINER=`app`@`%` PROCEDURE", "CREATE DEFINER=CURRENT_USER PROCEDURE")
                    .replace("/*!50017 DEFINER=`app`@`%`*/", "/*!50017 DEFINER=CURRENT_USER*/")
                    .replace("DEFINER=`ops`@`%`", "DEFINER=CURRENT_USER"));
            assertThat(d[0].rewritten()).isEqualTo(3);
        }
    }
}
