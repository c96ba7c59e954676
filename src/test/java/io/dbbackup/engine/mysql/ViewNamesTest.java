package io.dbbackup.engine.mysql;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ViewNamesTest {
    static final String HEADER = "-- dbbackup: mariadb dump of shop from server 10.11.19-MariaDB\n";
    static final String BODY = """
            -- one database without its name: it loads into any database (mariadb <database> < file.sql)
            INSERT INTO `t` VALUES (1,'`shop`.`t`.`id`');
            /*!50001 CREATE ALGORITHM=UNDEFINED */
            /*!50013 DEFINER=`gone`@`%` SQL SECURITY DEFINER */
            /*!50001 VIEW `w` AS select `shop`.`t`.`id` AS `id`,`shop`.`v` AS `v`,'`shop`.`t`.`id`' AS `lit`,`billing`.`x`.`y` AS `y`,`shop`.`shop`.`id` AS `z` from (`t` join `t` `shop` on(`shop`.`id` = `shop`.`t`.`id`)) */;
            """;

    private static String filter(String in, String target, int chunk) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ViewNames v = new ViewNames(target, out);
        byte[] bytes = in.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i += chunk) {
            v.write(bytes, i, Math.min(chunk, bytes.length - i));
        }
        v.close();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void underAnotherNameAViewsColumnsOfTheSourceDatabaseNameTheTarget() throws IOException {
        for (int chunk : new int[] {1, 9, 1 << 16}) {
            assertThat(filter(HEADER + BODY, "copy", chunk)).isEqualTo(HEADER + BODY.replace(
                    "select `shop`.`t`.`id` AS `id`", "select `copy`.`t`.`id` AS `id`")
                    .replace("`shop`.`shop`.`id` AS `z`", "`copy`.`shop`.`id` AS `z`")
                    .replace("on(`shop`.`id` = `shop`.`t`.`id`)", "on(`shop`.`id` = `copy`.`t`.`id`)"));
        }
    }

    @Test
    void theSameNameNoTargetOrNoHeaderKeepTheDump() throws IOException {
        assertThat(filter(HEADER + BODY, "shop", 7)).isEqualTo(HEADER + BODY);
        assertThat(filter(HEADER + BODY, null, 7)).isEqualTo(HEADER + BODY);
        assertThat(filter(BODY, "copy", 7)).isEqualTo(BODY);
    }
}
