package io.dbbackup.engine.mysql;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backup and restore under another name keep every value, against a real MariaDB (the restore's stream filters —
 * sequence defaults, view names, definers — see every line): utf8mb4 emoji, a latin1 table with bytes 0x80–0xFF, a
 * BLOB of every byte value, binary and PAD SPACE keys that differ only in zero bytes or trailing spaces, zero dates,
 * generated and invisible columns, float/decimal/bit/enum/set/JSON, a MyISAM table and a sequence. CHECKSUM TABLE …
 * EXTENDED of each table is equal in both databases.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MySqlRoundTripIT extends MySqlCliFixture {
    static final String SCHEMA = """
            SET sql_mode = '';
            CREATE TABLE emo(id int primary key, s varchar(50)) CHARSET utf8mb4;
            INSERT INTO emo VALUES (1, '😀 héllo 中文 𝄞'), (2, 'tab\\there\\nnl\\r\\0end'), (3, 'back\\\\slash ''q'' "d" `b`');
            CREATE TABLE lat(id int primary key, s varchar(50)) CHARSET latin1;
            INSERT INTO lat VALUES (1, 'café ÿ ñ ß'), (2, CONVERT(0xE9E8FF80A0 USING latin1));
            CREATE TABLE bl(id int primary key, b longblob, vb varbinary(300));
            INSERT INTO bl SELECT 1, (SELECT GROUP_CONCAT(CHAR(seq USING binary) ORDER BY seq SEPARATOR '') FROM seq_0_to_255), NULL;
            INSERT INTO bl VALUES (2, UNHEX(REPEAT('00FF0A0D275C', 1000)), UNHEX('00010203FF')), (3, '', '');
            CREATE TABLE bk(k varbinary(20) primary key, c varchar(10) COLLATE utf8mb4_bin, u varchar(10) COLLATE utf8mb4_unicode_ci);
            INSERT INTO bk VALUES (0x00, 'A', 'a'), (0x0000, 'a', 'b'), (0x20, 'a ', 'c'), (0xFF, 'A ', 'd');
            CREATE TABLE zd(id int primary key, d date, dt datetime(6), ts timestamp NULL, t time(1), y year);
            INSERT INTO zd VALUES (1, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', '-838:59:59', 0),
                                  (2, '2020-00-15', '2020-02-00 10:00:00.123456', NULL, '12:00:00.5', 1999);
            CREATE TABLE gen(id int primary key, a int, b int AS (a * 2) VIRTUAL, c int AS (a + 1) PERSISTENT,
                             inv int INVISIBLE DEFAULT 7);
            INSERT INTO gen(id, a, inv) VALUES (1, 10, 99), (2, 20, NULL);
            CREATE TABLE fl(id int primary key, f float, d double, dec1 decimal(30,10), bitc bit(7), e enum('x','y'),
                            st set('a','b'), j json);
            INSERT INTO fl VALUES (1, 1.1, 0.1 + 0.2, 12345678901234567890.0123456789, b'1010101', 'y', 'a,b', '{"a": "😀"}');
            CREATE TABLE my(id int primary key, s varchar(20)) ENGINE=MyISAM CHARSET=latin1;
            INSERT INTO my VALUES (1, 'x\\'y');
            CREATE SEQUENCE sq START WITH 100 INCREMENT BY 5;
            SELECT NEXTVAL(sq);
            """;
    static final List<String> TABLES = List.of("emo", "lat", "bl", "bk", "zd", "gen", "fl", "my");

    @BeforeAll
    void source() {
        freshShop(SCHEMA);
    }

    @Test
    void everyValueComesBackUnderAnotherName() throws Exception {
        cli = configure("""
                  copy:
                    <<: *db
                    database: shop_copy
                """);
        runBackup("shop");

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "shop", "--to", "copy", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isZero();
        for (String t : TABLES) {
            assertThat(checksum("shop_copy", t)).as(t).isEqualTo(checksum("shop", t)).isNotEqualTo("0");
        }
        assertThat(server.rootSql("shop_copy", "SELECT LENGTH(b), MD5(b) FROM bl WHERE id = 1").strip())
                .isEqualTo(server.rootSql("shop", "SELECT 256, MD5(b) FROM bl WHERE id = 1").strip());
        assertThat(server.rootSql("shop_copy", "SELECT GROUP_CONCAT(inv ORDER BY id) FROM gen").strip()).isEqualTo("99");
        assertThat(server.rootSql("shop_copy", "SELECT HEX(s) FROM lat WHERE id = 2").strip()).isEqualTo("E9E8FF80A0");
        assertThat(Long.parseLong(server.rootSql("shop_copy", "SELECT NEXTVAL(sq)").strip())).as("never hands out 100 again")
                .isGreaterThan(100);
    }

    /**
     * The server prints a FLOAT column without decimals (FLOAT, FLOAT(p)) with 6 significant digits, and the dump holds
     * what it prints: 1234567 is backed up as 1234570, and every restore (and sync, and drill) brings back 1234570. No
     * dump option keeps the digits, so the backup names each such column in a warning and in the manifest
     * ({@code float_columns}); FLOAT(M,D), DOUBLE and generated columns (not dumped) are not named.
     */
    @Test
    void floatColumnsWhoseValuesTheDumpRoundsToSixDigitsAreNamedByTheBackup() throws Exception {
        server.rootSql("DROP DATABASE IF EXISTS sensor; DROP DATABASE IF EXISTS sensor_copy; CREATE DATABASE sensor");
        server.rootSql("sensor", "CREATE TABLE m(id int primary key, `temp c` float, f2 float(7,2), d double,"
                + " g float AS (`temp c`) VIRTUAL); CREATE VIEW vm AS SELECT `temp c` FROM m;"
                + " INSERT INTO m(id, `temp c`, f2, d) VALUES (1, 1234567, 12345.67, 1234567.891)");
        cli = configure("", """
                  sensor:
                    <<: *db
                    database: sensor
                  sensor_copy:
                    <<: *db
                    database: sensor_copy
                """, """
                  sensor: {datasource: sensor, store: local}
                """);

        Cli.Result b = cli.run("-c", "config.yaml", "backup", "sensor");

        assertThat(b.exit()).as(b.toString()).isZero();
        assertThat(b.err()).contains("FLOAT columns", "6 significant digits", "columns=sensor.m.temp c")
                .doesNotContain("sensor.m.f2", "sensor.m.d", "sensor.m.g", "sensor.vm");
        try (var manifests = java.nio.file.Files.list(dir.resolve("store/sensor"))) {
            java.nio.file.Path manifest = manifests.filter(f -> f.toString().endsWith(".manifest.json")).findFirst().orElseThrow();
            assertThat(java.nio.file.Files.readString(manifest)).contains("\"float_columns\"", "sensor.m.temp c");
        }
        Cli.Result r = cli.run("-c", "config.yaml", "restore", "sensor", "--to", "sensor_copy", "--auto-confirm");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(server.rootSql("sensor_copy", "SELECT `temp c` * 1e0, f2, d FROM m").strip())
                .as("the limit the warning names").isEqualTo("1234570\t12345.67\t1234567.891");
    }

    /**
     * With the server (and so every session, dbbackup's included) in Europe/Berlin, TIMESTAMPs on both sides of the DST
     * changes — the hour that does not exist and the one that happens twice — come back as the same instants (the dump is
     * written and loaded in UTC, its own SET TIME_ZONE), and so do the types and names the schema above lacks:
     * DECIMAL(65,30), BIT(64), POINT/GEOMETRY, a utf8mb3 table beside utf8mb4 ones, table and column comments with
     * quotes and a backslash, 3-byte characters in table and column names, an AUTO_INCREMENT above the last row; every
     * SHOW CREATE, CHECKSUM TABLE and row alike ({@link Fingerprint}).
     */
    @Test
    void timestampsAcrossDstAndOddTypesComeBackWithTheServerInAnotherTimeZone() throws Exception {
        Process tzinfo = new ProcessBuilder("mariadb-tzinfo-to-sql", "/usr/share/zoneinfo/Europe/Berlin", "Europe/Berlin")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        server.load("mysql", new String(tzinfo.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        assertThat(tzinfo.waitFor()).isZero();
        server.rootSql("SET GLOBAL time_zone = 'Europe/Berlin'");
        try {
            server.rootSql("DROP DATABASE IF EXISTS tz; DROP DATABASE IF EXISTS tz_copy; CREATE DATABASE tz");
            server.load("tz", """
                    SET time_zone = '+00:00';
                    CREATE TABLE ts(id int AUTO_INCREMENT PRIMARY KEY, t timestamp(6) NULL, dt datetime(6)) AUTO_INCREMENT = 10;
                    INSERT INTO ts(t, dt) VALUES ('2026-03-29 00:59:59.999999', '2026-03-29 02:30:00'),
                        ('2026-03-29 01:00:00', NULL), ('2026-10-25 00:30:00', '2026-10-25 02:30:00'),
                        ('2026-10-25 01:30:00', NULL), ('2038-01-19 03:14:07.999999', '9999-12-31 23:59:59.999999');
                    INSERT INTO ts(t) VALUES (NULL); DELETE FROM ts WHERE t IS NULL;
                    CREATE TABLE odd(id int PRIMARY KEY, d decimal(65,30), b bit(64), p point, g geometry)
                        COMMENT 'it''s "odd" `x` \\\\ done';
                    INSERT INTO odd VALUES (1, '12345678901234567890123456789012345.123456789012345678901234567890',
                        b'1111111111111111111111111111111111111111111111111111111111111111', ST_PointFromText('POINT(1.5 -2.25)'),
                        ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))', 4326)),
                        (2, -0.000000000000000000000000000001, b'0', NULL, NULL);
                    CREATE TABLE u3(id int PRIMARY KEY, s varchar(20) COMMENT 'col ''q'' "dq"') CHARSET utf8mb3;
                    INSERT INTO u3 VALUES (1, 'ä€中');
                    CREATE TABLE `na€me ü`(`c中l` int PRIMARY KEY); INSERT INTO `na€me ü` VALUES (7);
                    """);
            cli = configure("", """
                      tz:
                        <<: *db
                        database: tz
                      tz_copy:
                        <<: *db
                        database: tz_copy
                    """, """
                      tz: {datasource: tz, store: local}
                    """);
            Cli.Result b = cli.run("-c", "config.yaml", "backup", "tz");
            assertThat(b.exit()).as(b.toString()).isZero();

            Cli.Result r = cli.run("-c", "config.yaml", "restore", "tz", "--to", "tz_copy", "--auto-confirm");

            assertThat(r.exit()).as(r.toString()).isZero();
            String instants = "SELECT id, UNIX_TIMESTAMP(t), dt FROM ts ORDER BY id";
            assertThat(server.rootSql("tz_copy", instants)).isEqualTo(server.rootSql("tz", instants)).contains("1792888200.000000");
            assertThat(Fingerprint.of(server, "tz_copy")).isEqualTo(Fingerprint.of(server, "tz"));
            assertThat(server.rootSql("tz_copy", "SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'tz_copy'"
                    + " AND TABLE_NAME = 'ts'").strip()).isEqualTo("16");
        } finally {
            server.rootSql("SET GLOBAL time_zone = 'SYSTEM'");
        }
    }

    /**
     * The dump is written in utf8mb4: a value of a column whose character set holds characters the server cannot convert
     * to Unicode (cp1251's byte 0x98, a user-defined sjis character) is backed up and restored with '?' in their place,
     * without an error. No dump option keeps them (binary output would mangle the DDL instead), so the backup names each
     * such column in a warning and in the manifest ({@code lossy_charset_columns}); latin1 and utf8mb4 columns, whose
     * values all come back, are not named. Before, nothing said so.
     */
    @Test
    void columnsOfACharacterSetUnicodeCannotHoldAreNamedByTheBackup() throws Exception {
        server.rootSql("DROP DATABASE IF EXISTS legacy; DROP DATABASE IF EXISTS legacy_copy; CREATE DATABASE legacy");
        server.load("legacy", "SET sql_mode = ''; CREATE TABLE t(id int primary key, c1251 varchar(10) CHARSET cp1251,"
                + " sj varchar(10) CHARSET sjis, l1 varchar(10) CHARSET latin1, u varchar(10) CHARSET utf8mb4);"
                + " INSERT INTO t VALUES (1, UNHEX('C098E0'), UNHEX('F040'), UNHEX('80FF'), 'ok');");
        cli = configure("", """
                  legacy:
                    <<: *db
                    database: legacy
                  legacy_copy:
                    <<: *db
                    database: legacy_copy
                """, """
                  legacy: {datasource: legacy, store: local}
                """);

        Cli.Result b = cli.run("-c", "config.yaml", "backup", "legacy");

        assertThat(b.exit()).as(b.toString()).isZero();
        assertThat(b.err()).contains("character set with characters Unicode lacks", "legacy.t.c1251 (cp1251)",
                "legacy.t.sj (sjis)").doesNotContain("legacy.t.l1", "legacy.t.u ");
        try (var manifests = java.nio.file.Files.list(dir.resolve("store/legacy"))) {
            java.nio.file.Path manifest = manifests.filter(f -> f.toString().endsWith(".manifest.json")).findFirst().orElseThrow();
            assertThat(java.nio.file.Files.readString(manifest)).contains("\"lossy_charset_columns\"", "legacy.t.sj (sjis)");
        }
        Cli.Result r = cli.run("-c", "config.yaml", "restore", "legacy", "--to", "legacy_copy", "--auto-confirm");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(server.rootSql("legacy_copy", "SELECT HEX(c1251), HEX(sj), HEX(l1), u FROM t").strip())
                .as("the limit the warning names").isEqualTo("C03FE0\t3F\t80FF\tok");
    }

    /**
     * An ENUM/SET label holding a 4-byte character (emoji) is written by the server's SHOW CREATE TABLE, and so into the
     * dump, as '?': a row holding that value is restored as '' (the dump's session is not strict) without an error. The
     * backup names each such column whose rows hold such a value; a label that is a real '?' is not named.
     */
    @Test
    void enumAndSetColumnsWhoseEmojiLabelsTheDumpLosesAreNamedByTheBackup() throws Exception {
        server.rootSql("DROP DATABASE IF EXISTS moods; DROP DATABASE IF EXISTS moods_copy; CREATE DATABASE moods");
        server.load("moods", "CREATE TABLE t(id int primary key, e enum('a','\uD83D\uDE00'), st set('x','\uD83C\uDF89'),"
                + " q enum('?','b'), unused enum('a','\uD83D\uDE00'), u varchar(10)) CHARSET utf8mb4;"
                + " INSERT INTO t VALUES (1, '\uD83D\uDE00', 'x,\uD83C\uDF89', '?', 'a', '\uD83D\uDE00'), (2, 'a', 'x', 'b', 'a', 'ok');");
        cli = configure("", """
                  moods:
                    <<: *db
                    database: moods
                  moods_copy:
                    <<: *db
                    database: moods_copy
                """, """
                  moods: {datasource: moods, store: local}
                """);

        Cli.Result b = cli.run("-c", "config.yaml", "backup", "moods");

        assertThat(b.exit()).as(b.toString()).isZero();
        assertThat(b.err()).contains("ENUM/SET", "4-byte character", "moods.t.e", "moods.t.st")
                .doesNotContain("moods.t.q", "moods.t.unused", "moods.t.u ", "moods.t.u,");
        try (var manifests = java.nio.file.Files.list(dir.resolve("store/moods"))) {
            java.nio.file.Path manifest = manifests.filter(f -> f.toString().endsWith(".manifest.json")).findFirst().orElseThrow();
            assertThat(java.nio.file.Files.readString(manifest)).contains("\"lossy_enum_set_columns\"", "moods.t.e,moods.t.st");
        }
        Cli.Result r = cli.run("-c", "config.yaml", "restore", "moods", "--to", "moods_copy", "--auto-confirm");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(server.rootSql("moods_copy", "SELECT id, e, st, q, u FROM t ORDER BY id").strip())
                .as("the limit the warning names").isEqualTo("1\t\tx\t?\t\uD83D\uDE00\n2\ta\tx\tb\tok");
    }

    private String checksum(String database, String table) {
        String row = server.rootSql(database, "CHECKSUM TABLE `" + table + "` EXTENDED").strip();
        return row.substring(row.indexOf('\t') + 1);
    }
}
