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

    @Test
    void aViewThatAlsoReadsAnotherDatabaseHasItsTablesOfTheSourceRetargetedAndTheOtherDatabaseKept() throws IOException {
        // such a view is printed with every table named with its database, also after FROM and JOIN: `shop`.`t`
        String view = "/*!50001 VIEW `vo` AS select `shop`.`t`.`id` AS `id`,`other`.`o`.`n` AS `n`,`shop`.`f`(`shop`.`id`)"
                + " AS `fx` from ((`shop`.`t` join `other`.`o` on(`other`.`o`.`id` = `shop`.`t`.`id`)) left join `shop`.`u`"
                + " `shop` on(`shop`.`id` = `shop`.`t`.`id`)) where `shop`.`t`.`id` in (select `shop`.`w`.`id` from `shop`.`w`"
                + " STRAIGHT_JOIN `other`.`shop`) and 'from `shop`.`t`' <> `shop`.`id` */;\n";
        String expected = "/*!50001 VIEW `vo` AS select `copy`.`t`.`id` AS `id`,`other`.`o`.`n` AS `n`,`copy`.`f`(`shop`.`id`)"
                + " AS `fx` from ((`copy`.`t` join `other`.`o` on(`other`.`o`.`id` = `copy`.`t`.`id`)) left join `copy`.`u`"
                + " `shop` on(`shop`.`id` = `copy`.`t`.`id`)) where `copy`.`t`.`id` in (select `copy`.`w`.`id` from `copy`.`w`"
                + " STRAIGHT_JOIN `other`.`shop`) and 'from `shop`.`t`' <> `shop`.`id` */;\n";
        for (int chunk : new int[] {1, 9, 1 << 16}) {
            assertThat(filter(HEADER + view, "copy", chunk)).isEqualTo(HEADER + expected);
        }
    }

    @Test
    void aViewOfADroppedRoleIsOneLineAndIsRetargetedToo() throws IOException {
        // mariadb-dump prints a view whose definer is a role (no @host) on one line, as SHOW CREATE VIEW has it
        String view = "/*!50001 CREATE ALGORITHM=UNDEFINED DEFINER=`shop` SQL SECURITY DEFINER VIEW `vr` AS select "
                + "`shop`.`t`.`id` AS `id` from `t` */;\n";
        for (int chunk : new int[] {1, 9, 1 << 16}) {
            assertThat(filter(HEADER + view, "copy", chunk)).isEqualTo(HEADER + view.replace("select `shop`.", "select `copy`."));
        }
    }

    @Test
    void aViewsLatin1AndBinaryLiteralsKeepTheirBytes() throws IOException {
        // _latin1'<E9>' and _binary'<FF><00>' are the literals' own bytes, no UTF-8; a target name may be UTF-8
        byte[] view = ("/*!50001 VIEW `vl` AS select `shop`.`t`.`id` AS `id`,_latin1'\u00e9' AS `l`,_binary'\u00ff\u0000\u00e9'"
                + " AS `b` from `shop`.`t` */;\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ViewNames v = new ViewNames("kopie_\u00fc", out)) {
            v.write(HEADER.getBytes(StandardCharsets.UTF_8));
            v.write(view);
        }
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(HEADER.getBytes(StandardCharsets.UTF_8));
        expected.write(new String(view, StandardCharsets.ISO_8859_1).replace("`shop`.", "`kopie_\u00c3\u00bc`.")
                .getBytes(StandardCharsets.ISO_8859_1));
        assertThat(out.toByteArray()).isEqualTo(expected.toByteArray());
    }
}
