package io.dbbackup.engine.mysql;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A dump is bytes, not UTF-8 text: a binary column default and a view's latin1 or binary literal are written by the dump
 * tool as their own bytes ({@code DEFAULT '<FF><00><E9>'}, {@code _latin1'<E9>'}), which are no valid UTF-8. Whatever
 * dbbackup reads or rewrites on the way (sequence defaults, view names, definers, a sync's captured objects) must pass
 * them on unchanged, against a real MariaDB.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MySqlRawBytesIT extends MySqlCliFixture {
    static final String SCHEMA = """
            CREATE TABLE t(id int primary key, b varbinary(16) DEFAULT 0xFF00E9, bl blob DEFAULT 0xE9FFC3);
            INSERT INTO t(id) VALUES (1);
            CREATE VIEW vl AS SELECT id, _latin1 X'E9' AS l, _binary X'FF00E9' AS lb FROM t;
            """;

    @BeforeEach
    void source() throws Exception {
        freshShop(SCHEMA);
        cli = configure("");
    }

    /** The defaults and the view's literals, as hex, of {@code db}: a new row takes the defaults. */
    private String bytesOf(String db) {
        return rows(db, "INSERT INTO t(id) VALUES (2); SELECT HEX(b), HEX(bl) FROM t WHERE id = 2;"
                + " SELECT HEX(l), HEX(lb), l = 'é' FROM vl WHERE id = 1; DELETE FROM t WHERE id = 2;");
    }

    @Test
    void aBinaryDefaultThatIsNoUtf8IsRestoredAsItWas() {
        Cli.Result b = cli.run("-c", "config.yaml", "backup", "shop");
        assertThat(b.exit()).as(b.toString()).isZero();

        Cli.Result same = cli.run("-c", "config.yaml", "restore", "shop", "--clean", "--auto-confirm");
        Cli.Result other = cli.run("-c", "config.yaml", "restore", "shop", "--to", "scratch", "--auto-confirm");

        assertThat(same.exit()).as(same.toString()).isZero();
        assertThat(other.exit()).as(other.toString()).isZero();
        assertThat(bytesOf("shop")).isEqualTo("FF00E9\tE9FFC3\nE9\tFF00E9\t1");
        assertThat(bytesOf("scratch")).isEqualTo("FF00E9\tE9FFC3\nE9\tFF00E9\t1");
    }

    @Test
    void aSyncKeepsAViewsLatin1LiteralAsItWas() {
        Cli.Result r = cli.run("-c", "config.yaml", "sync", "shop", "scratch", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(bytesOf("scratch")).isEqualTo("FF00E9\tE9FFC3\nE9\tFF00E9\t1");
    }
}
