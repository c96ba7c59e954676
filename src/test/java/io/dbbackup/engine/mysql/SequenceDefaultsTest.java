package io.dbbackup.engine.mysql;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The source database's name in sequence defaults of a one-database dump becomes the target's, and nothing else. */
class SequenceDefaultsTest {
    private static final String HEADER = "-- dbbackup: mariadb dump of shop from server 10.11.6-MariaDB\n"
            + MySqlEngine.ONE_DATABASE_MARK + ": it loads into any database (mariadb <database> < file.sql)\n";

    private static String body(String db) {
        String q = Sql.ident(db) + ".";
        return """
                -- MariaDB dump 10.19
                --
                -- Table structure for table `t`
                --

                DROP TABLE IF EXISTS `t`;
                CREATE TABLE `t` (
                  `id` int(11) NOT NULL DEFAULT nextval(Q`s`),
                  `n` int(11) DEFAULT (NEXTVAL( Q`s`) + 1),
                  `l` int(11) DEFAULT lastval(`ids`.`s`),
                  `note` varchar(80) DEFAULT 'nextval(Q`s`) it''s \\' nextval(Q`s`)',
                  `nextval(``shop``.``s``)` int(11) DEFAULT nextval(Q`s`) COMMENT "nextval(Q`s`)",
                  PRIMARY KEY (`id`)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='a; nextval(Q`s`)';

                --
                -- Dumping data for table `t`
                --

                INSERT INTO `t` VALUES (1,2,3,'nextval(Q`s`)',4);
                CREATE TABLE `u` (`id` int DEFAULT nextval(Q`s`));
                """.replace("Q", q);
    }

    private static String filter(String target, String dump) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = new io.dbbackup.spi.FilteredInputStream(
                new java.io.ByteArrayInputStream(dump.getBytes(StandardCharsets.UTF_8)), kept -> new SequenceDefaults(target, kept))) {
            in.transferTo(out);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theSourcesNameInASequenceDefaultBecomesTheTargetsAndNothingElseChanges() throws IOException {
        String restored = filter("copy`1", HEADER + body("shop"));
        String expected = HEADER + body("shop")
                .replace("DEFAULT nextval(`shop`.`s`),", "DEFAULT nextval(`copy``1`.`s`),")
                .replace("(NEXTVAL( `shop`.`s`) + 1)", "(NEXTVAL( `copy``1`.`s`) + 1)")
                .replace("int(11) DEFAULT nextval(`shop`.`s`) COMMENT", "int(11) DEFAULT nextval(`copy``1`.`s`) COMMENT");
        assertThat(restored).isEqualTo(expected);
        // the literals, quoted names, the other database's sequence, the rows and a statement outside a table's section stay
        assertThat(restored).contains("'nextval(`shop`.`s`) it''s \\' nextval(`shop`.`s`)'", "`nextval(``shop``.``s``)` int",
                "\"nextval(`shop`.`s`)\"", "lastval(`ids`.`s`)", "COMMENT='a; nextval(`shop`.`s`)'",
                "VALUES (1,2,3,'nextval(`shop`.`s`)',4)");
    }

    @Test
    void aDumpRestoredUnderItsOwnNameOrWithoutDbbackupsHeaderPassesUnchanged() throws IOException {
        assertThat(filter("shop", HEADER + body("shop"))).isEqualTo(HEADER + body("shop"));
        assertThat(filter("copy", body("shop"))).isEqualTo(body("shop"));
    }

    @Test
    void aNameWithBackticksAndALongLineOfRows() throws IOException {
        String header = "-- dbbackup: mariadb dump of sh`op from server 10.11.6-MariaDB\n";
        String rows = "INSERT INTO `t` VALUES " + "(1,'nextval(`sh``op`.`s`)'),".repeat(10_000) + "(2,'x');\n";
        String restored = filter("copy", header + body("sh`op") + rows);
        assertThat(restored).contains("DEFAULT nextval(`copy`.`s`),").endsWith(rows);
        assertThat(SequenceDefaults.sourceName("-- dbbackup: mariadb dump of a from server b from server 10.11"))
                .isEqualTo("a from server b");
    }

    /** MariaDB refuses rows under LOCK TABLES for a table whose default takes a sequence: those lines go, for it alone. */
    @Test
    void theRowsOfATableWithASequenceDefaultLoadWithoutLockTablesAndTheOthersKeepThem() throws IOException {
        String dump = HEADER + """
                --
                -- Table structure for table `a`
                --

                CREATE TABLE `a` (
                  `id` int(11) NOT NULL DEFAULT nextval(`shop`.`s`)
                ) ENGINE=InnoDB;

                --
                -- Dumping data for table `a`
                --

                LOCK TABLES `a` WRITE;
                /*!40000 ALTER TABLE `a` DISABLE KEYS */;
                INSERT INTO `a` VALUES
                (1);
                /*!40000 ALTER TABLE `a` ENABLE KEYS */;
                UNLOCK TABLES;

                --
                -- Table structure for table `b`
                --

                CREATE TABLE `b` (
                  `id` int(11) NOT NULL DEFAULT 0 COMMENT 'nextval(`shop`.`s`)'
                ) ENGINE=InnoDB;

                --
                -- Dumping data for table `b`
                --

                LOCK TABLES `b` WRITE;
                INSERT INTO `b` VALUES (1);
                UNLOCK TABLES;
                """;
        String kept = filter(null, dump);
        assertThat(kept).isEqualTo(dump.replace("LOCK TABLES `a` WRITE;\n", "").replaceFirst("UNLOCK TABLES;\n", ""));
        assertThat(kept).contains("LOCK TABLES `b` WRITE;\nINSERT INTO `b` VALUES (1);\nUNLOCK TABLES;");
        assertThat(filter("copy", dump)).contains("DEFAULT nextval(`copy`.`s`)").doesNotContain("LOCK TABLES `a`");
    }

    /** mariadb-dump 10.11's own dump of a_t (DEFAULT nextval(`seq_demo`.`b_seq`)) and m_t, read in pieces of every size. */
    @Test
    void aRealDumpRestoredUnderAnotherName() throws IOException {
        String dump = "-- dbbackup: mariadb dump of seq_demo from server 10.11.6-MariaDB\n"
                + new String(DumpSectionsTest.SEQUENCES, StandardCharsets.UTF_8);
        String expected = dump.replace("DEFAULT nextval(`seq_demo`.`b_seq`)", "DEFAULT nextval(`copy`.`b_seq`)")
                .replace("LOCK TABLES `a_t` WRITE;\n", "").replaceFirst("UNLOCK TABLES;\n", "");
        for (int chunk : new int[] {1, 3, 64, 1 << 16}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (InputStream in = new io.dbbackup.spi.FilteredInputStream(new io.dbbackup.testkit.Trickle(
                    new java.io.ByteArrayInputStream(dump.getBytes(StandardCharsets.UTF_8)), chunk), kept -> new SequenceDefaults("copy", kept))) {
                in.transferTo(out);
            }
            assertThat(out.toString(StandardCharsets.UTF_8)).as("chunk " + chunk).isEqualTo(expected)
                    .contains("LOCK TABLES `m_t` WRITE;");
        }
    }

    @Test
    void aBinaryDefaultThatIsNoUtf8PassesWithItsBytes() throws IOException {
        // the dump tool writes a binary default as its raw bytes: FF 00 E9 is no UTF-8
        String table = """
                --
                -- Table structure for table `t`
                --

                CREATE TABLE `t` (
                  `b` varbinary(16) DEFAULT '\u00ff\u0000\u00e9',
                  `n` int(11) DEFAULT nextval(`shop`.`s`)
                ) ENGINE=InnoDB;
                """;
        byte[] dump = (HEADER + table).getBytes(StandardCharsets.ISO_8859_1);
        for (String target : new String[] {null, "shop", "k\u00f6pie"}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (InputStream in = new io.dbbackup.spi.FilteredInputStream(new java.io.ByteArrayInputStream(dump),
                    kept -> new SequenceDefaults(target, kept))) {
                in.transferTo(out);
            }
            String expected = target == null || target.equals("shop") ? HEADER + table
                    : HEADER + table.replace("`shop`.", Sql.bytewise(Sql.ident(target) + "."));
            assertThat(out.toByteArray()).as(target).isEqualTo(expected.getBytes(StandardCharsets.ISO_8859_1));
        }
    }
}
