package io.dbbackup.engine.mysql;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.MariaDbServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A MariaDB backup holding 4-byte characters (emoji in utf8mb4 columns) and a latin1 table with {@code é}, restored where
 * the defaults are latin1: {@code --to} a database created with {@code DEFAULT CHARACTER SET latin1}, with {@code --clean},
 * and {@code --to} a fresh server started with {@code --character-set-server=latin1} (its database still to be made). A
 * client or dump in the wrong character set turns an emoji into {@code ?} or a latin1 {@code é} into mojibake
 * ({@code Ã©}); the rows are compared as {@code HEX(col)}, byte for byte, with the source's, and so are the columns'
 * character sets. What keeps them is the dump's own character set ({@code mariadb-dump --default-character-set=utf8mb4},
 * {@link DumpArgs}): the dump starts with {@code SET NAMES utf8mb4}, so the loading client's own character set does not
 * decide (with {@link MySqlClient#UTF8MB4} forced to latin1 this still passes); with the dump's forced to latin1 an emoji
 * comes back as {@code 3F}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MariaDbCharsetRoundTripIT extends MySqlCliFixture {
    static final String SCHEMA = """
            CREATE TABLE emoji (id INT PRIMARY KEY, v VARCHAR(40), t TEXT) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci
              COMMENT 'smile 😀';
            INSERT INTO emoji VALUES (1, '😀', 'grinning 😀 face'), (2, 'é😀ü𝄞', '🇩🇪 flag, 中文, ∑'), (3, 'plain', NULL);
            CREATE TABLE legacy (id INT PRIMARY KEY, v VARCHAR(40), c CHAR(3)) DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci;
            INSERT INTO legacy VALUES (1, 'é', 'ñü£'), (2, 'café crème', 'Æ°©');
            """;
    /** Every row as hex, and each text column's character set: what must come back byte for byte. */
    static final String BYTES = "SELECT id, HEX(v), HEX(t) FROM emoji ORDER BY id; SELECT id, HEX(v), HEX(c) FROM legacy ORDER BY id;"
            + " SELECT TABLE_NAME, COLUMN_NAME, CHARACTER_SET_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()"
            + " AND CHARACTER_SET_NAME IS NOT NULL ORDER BY TABLE_NAME, COLUMN_NAME;"
            + " SELECT HEX(TABLE_COMMENT) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'emoji';";

    MariaDbServer latin1Server;

    @BeforeAll
    void startLatin1Server() {
        freshShop(SCHEMA);
        latin1Server = MariaDbServer.start("--character-set-server=latin1", "--collation-server=latin1_swedish_ci");
    }

    /** The config and one backup of {@code shop} (in {@link #dir}, which is there for a test, not before all). */
    @BeforeEach
    void backedUp() throws Exception {
        cli = configure("", """
                  latin1server:
                    engine: mariadb
                    host: 127.0.0.1
                    port: %d
                    user: %s
                    password_env: DB_PW2
                    database: shop
                """.formatted(latin1Server.port(), latin1Server.user()), "").env("DB_PW2", latin1Server.password());
        if (!java.nio.file.Files.isDirectory(dir.resolve("store"))) {
            runBackup("shop");
        }
    }

    @AfterAll
    void stopLatin1Server() {
        if (latin1Server != null) {
            latin1Server.close();
        }
    }

    @Test
    void theSourceHoldsWhatTheTestMeans() {
        assertThat(rows("shop", "SELECT HEX(v) FROM emoji WHERE id = 1; SELECT HEX(v) FROM legacy WHERE id = 1;"))
                .isEqualTo("F09F9880\nE9");
    }

    @Test
    void restoredWithCleanIntoADatabaseWhoseDefaultIsLatin1() {
        server.rootSql("DROP DATABASE IF EXISTS scratch; CREATE DATABASE scratch DEFAULT CHARACTER SET latin1 COLLATE latin1_swedish_ci;"
                + " CREATE TABLE scratch.emoji (id INT PRIMARY KEY, v VARCHAR(40)) DEFAULT CHARSET=latin1;"
                + " INSERT INTO scratch.emoji VALUES (9, 'old');");

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "shop", "--to", "scratch", "--clean", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(rows("scratch", BYTES)).isEqualTo(rows("shop", BYTES));
    }

    @Test
    void restoredIntoAFreshServerWhoseDefaultIsLatin1() {
        assertThat(latin1Server.rootSql("SELECT @@character_set_server, @@collation_server").strip())
                .isEqualTo("latin1\tlatin1_swedish_ci");

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "shop", "--to", "latin1server", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(latin1Server.rootSql("shop", BYTES).strip()).isEqualTo(rows("shop", BYTES));
    }
}
