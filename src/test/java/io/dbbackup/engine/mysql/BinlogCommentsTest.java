package io.dbbackup.engine.mysql;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class BinlogCommentsTest {
    /** What mariadb-dump 10.11 --single-transaction --master-data=2 wrote (MariaDB 10.11.19, binary logging on). */
    static final String MARIADB_DUMP = """
            -- MariaDB dump 10.19  Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)
            --
            -- Host: localhost    Database: shop
            /*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;

            --
            -- Alternately, following is the position of the binary logging from SHOW MASTER STATUS at point of backup.
            --

            -- CHANGE MASTER TO MASTER_LOG_FILE='binlog.000001', MASTER_LOG_POS=1116;

            -- A corresponding to the above master-data CHANGE-MASTER settings to the slave gtid state is printed as comments later in the file.

            --
            -- Table structure for table `t`
            --
            INSERT INTO `t` VALUES
            (1,'-- CHANGE MASTER TO MASTER_LOG_FILE=\\'evil.000009\\', MASTER_LOG_POS=1;');
            -- CHANGE MASTER TO MASTER_LOG_FILE='routine.000009', MASTER_LOG_POS=9;
            -- SET GLOBAL gtid_slave_pos='9-9-9';
            UNLOCK TABLES;

            -- The deferred gtid setting for slave corresponding to the master-data CHANGE-MASTER follows

            -- Preferably use GTID to start replication from GTID position:

            -- SET GLOBAL gtid_slave_pos='0-1-5';
            /*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;

            -- Dump completed on 2026-12-07  5:57:44
            """;

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 7, 64, 100_000})
    void theDumpsOwnPositionAndItsLastGtidAreReadInAnyChunkingAndTheDumpPassesUnchanged(int chunk) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Optional<BinlogPosition> p = read(MARIADB_DUMP, chunk, out);

        assertThat(p).contains(new BinlogPosition("binlog.000001", 1116, "0-1-5"));
        assertThat(p.get().facts()).containsExactly(Map.entry("binlog_file", "binlog.000001"),
                Map.entry("binlog_position", "1116"), Map.entry("binlog_gtid", "0-1-5"));
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(MARIADB_DUMP);
    }

    @Test
    void mysqlsNewWordingAndNoGtidAreRead() throws IOException {
        String dump = "-- MySQL dump 10.13  Distrib 8.0.36\r\n-- CHANGE REPLICATION SOURCE TO SOURCE_LOG_FILE='mysql-bin.000003', "
                + "SOURCE_LOG_POS=157;\r\n-- Dump completed\r\n";

        Optional<BinlogPosition> p = read(dump, 5, new ByteArrayOutputStream());

        assertThat(p).contains(new BinlogPosition("mysql-bin.000003", 157, null));
        assertThat(p.get().facts()).doesNotContainKey("binlog_gtid");
    }

    @Test
    void aDumpWithoutThePositionCommentHasNone() throws IOException {
        String dump = MARIADB_DUMP.lines().filter(l -> !l.startsWith("-- CHANGE MASTER")).toList().stream()
                .reduce("", (a, l) -> a + l + "\n");

        assertThat(read(dump, 10, new ByteArrayOutputStream())).isEmpty();
        assertThat(read("-- MariaDB dump\n" + "x".repeat(10_000) + "\n-- Dump completed\n", 4096, new ByteArrayOutputStream()))
                .isEmpty();
    }

    @Test
    void theOptionIsNamedAsTheToolVersionNamesIt() {
        assertThat(BinlogOption.of(ClientFamily.parse("mariadb-dump  Ver 10.19 Distrib 10.11.19-MariaDB, for debian-linux-gnu")))
                .isEqualTo("--master-data=2");
        assertThat(BinlogOption.of(ClientFamily.parse("mysqldump  Ver 10.13 Distrib 5.7.44, for Linux (x86_64)")))
                .isEqualTo("--master-data=2");
        assertThat(BinlogOption.of(ClientFamily.parse("mysqldump  Ver 8.0.25 for Linux on x86_64"))).isEqualTo("--master-data=2");
        assertThat(BinlogOption.of(ClientFamily.parse("mysqldump  Ver 8.0.26 for Linux on x86_64"))).isEqualTo("--source-data=2");
        assertThat(BinlogOption.of(ClientFamily.parse("mysqldump  Ver 8.4.3 for Linux on x86_64 (MySQL Community Server - GPL)")))
                .isEqualTo("--source-data=2");
    }

    @Test
    void onlyMariadbDumpAgainstMariadbIsGivenThePositionUnaskedForItTakesNoLock() {
        ClientFamily.Probe maria = ClientFamily.parse("mariadb-dump  Ver 10.19 Distrib 10.11.19-MariaDB, for debian-linux-gnu");
        ClientFamily.Probe mysql = ClientFamily.parse("mysqldump  Ver 8.0.36 for Linux on x86_64");

        assertThat(BinlogOption.lockFree(maria, true)).isTrue();
        assertThat(BinlogOption.lockFree(maria, false)).isFalse(); // a MySQL server: FLUSH TABLES WITH READ LOCK
        assertThat(BinlogOption.lockFree(mysql, true)).isFalse(); // mysqldump against MariaDB: the same
        assertThat(BinlogOption.lockFree(mysql, false)).isFalse();
    }

    @Test
    void aDumpOfTheReplicatedServersPositionIsToldFromOneOfItsOwn() {
        for (String on : List.of("--dump-slave=2", "--dump-replica=2", "--DUMP_SLAVE=2", "--dump-s=2", "--loose-dump-replica=2",
                "--dump-slave")) {
            assertThat(BinlogOption.replicaPositionAsked(List.of("--skip-extended-insert", on))).as(on).isTrue();
        }
        for (String off : List.of("--dump-slave=0", "--skip-dump-slave", "--dump-history", "--dump-date", "--dump-",
                "--master-data=2")) {
            assertThat(BinlogOption.replicaPositionAsked(List.of(off))).as(off).isFalse();
        }
        assertThat(BinlogOption.replicaPositionAsked(List.of("--dump-slave=2", "--dump-slave=0"))).isFalse();
    }

    private static Optional<BinlogPosition> read(String dump, int chunk, ByteArrayOutputStream out) throws IOException {
        byte[] b = dump.getBytes(StandardCharsets.UTF_8);
        BinlogComments c = new BinlogComments(out);
        for (int at = 0; at < b.length; at += chunk) {
            c.write(b, at, Math.min(chunk, b.length - at));
        }
        c.flush();
        return c.position();
    }
}
