package io.dbbackup.engine.mysql;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.MariaDbServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backup of {@code shop} whose trigger, procedure and event name {@code shop} in their code ({@code INSERT INTO
 * shop.audit}, {@code `shop`.audit}, {@code shop . audit}), restored under another name ({@code --to scratch}) beside the
 * source, against a real MariaDB: the dump holds their bodies as written, so the copy's trigger writes into the source's
 * {@code shop.audit}, not the copy's. The backup lists them in its manifest ({@code objects_naming_own_database}), and a
 * restore under another name, and its dry run, name each of them and what it points at in one warning; a function that
 * names {@code myshop} and {@code shop2}, a trigger naming nothing, and the views (dumped without the name) are not
 * named; a drill names them too, {@code --table} only its tables' triggers; a backup made before they were listed (no
 * manifest entry) restores as before, and a restore under the source's own name warns of nothing. A {@code sync} into
 * {@code scratch} (no manifest: the objects its dump's preflight found) names the same three once; a sync into {@code shop}
 * on another server, where {@code shop.} is the copy's own database, says nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MySqlOwnDatabaseIT extends MySqlCliFixture {
    static final String SCHEMA = """
            CREATE TABLE orders(id int primary key, total int);
            CREATE TABLE audit(id int, note varchar(50));
            CREATE TRIGGER orders_ai AFTER INSERT ON orders FOR EACH ROW INSERT INTO shop.audit VALUES (NEW.id, 'trigger');
            CREATE TRIGGER orders_bi BEFORE INSERT ON orders FOR EACH ROW SET NEW.total = ABS(NEW.total);
            CREATE PROCEDURE archive() UPDATE `shop`.audit SET note = 'archived';
            CREATE FUNCTION elsewhere() RETURNS int RETURN (SELECT COUNT(*) FROM myshop.x) + (SELECT COUNT(*) FROM shop2.x);
            CREATE EVENT purge_old ON SCHEDULE EVERY 1 DAY DO DELETE FROM shop . audit;
            CREATE VIEW big AS SELECT o.id FROM shop.orders o WHERE total > 10;
            """;
    static final String WARNING = "name the source database `shop` in their code";
    MariaDbServer other;

    @BeforeAll
    void start() {
        server.rootSql("DROP DATABASE IF EXISTS myshop; DROP DATABASE IF EXISTS shop2; CREATE DATABASE myshop; "
                + "CREATE DATABASE shop2; CREATE TABLE myshop.x(id int); CREATE TABLE shop2.x(id int)");
    }

    @AfterAll
    void stopOther() {
        if (other != null) {
            other.close();
        }
    }

    @BeforeEach
    void backUp() throws Exception {
        freshShop(SCHEMA);
        cli = configure("");
        runBackup("shop");
    }

    private Path manifest() throws Exception {
        try (Stream<Path> files = Files.walk(dir.resolve("store"))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".manifest.json")).findFirst().orElseThrow();
        }
    }

    private static long count(String text, String part) {
        return (text.length() - text.replace(part, "").length()) / part.length();
    }

    private static void assertNamesTheThree(Cli.Result r) {
        assertThat(count(r.err(), WARNING)).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains(WARNING).contains("trigger `orders_ai` on `orders` (shop.audit)")
                .contains("procedure `archive` (`shop`.audit)").contains("event `purge_old` (shop.audit)")
                .contains("`scratch`").doesNotContain("orders_bi").doesNotContain("elsewhere");
    }

    @Test
    void restoredUnderAnotherNameTheCopysTriggerWritesIntoTheSourceAndTheRestoreSaysSo() throws Exception {
        Cli.Result r = cli.run("-c", "config.yaml", "restore", "shop", "--to", "scratch", "--auto-confirm");
        assertThat(r.exit()).as(r.toString()).isZero();

        // what it is about: a write into the copy lands in the source
        server.rootSql("scratch", "INSERT INTO orders VALUES (1, -5)");
        assertThat(rows("shop", "SELECT COUNT(*) FROM audit")).as("the copy's trigger wrote into the source").isEqualTo("1");
        assertThat(rows("scratch", "SELECT COUNT(*) FROM audit")).isEqualTo("0");
        assertThat(rows("scratch", "SELECT total FROM orders")).as("a trigger naming nothing works on the copy").isEqualTo("5");
        assertThat(rows("scratch", "SELECT STATUS FROM information_schema.EVENTS WHERE EVENT_SCHEMA = 'scratch'"))
                .isEqualTo("DISABLED");

        assertNamesTheThree(r);
        assertThat(Files.readString(manifest())).contains("\"objects_naming_own_database\"")
                .contains("trigger `orders_ai` on `orders` (shop.audit)");
        Cli.Result dry = cli.run("-c", "config.yaml", "restore", "shop", "--to", "scratch", "--dry-run");
        assertThat(dry.exit()).as(dry.toString()).isZero();
        assertNamesTheThree(dry);
    }

    @Test
    void aBackupMadeBeforeTheyWereListedRestoresAsBeforeAndSomeTablesNameOnlyTheirTriggers() throws Exception {
        Cli.Result part = cli.run("-c", "config.yaml", "restore", "shop", "--to", "scratch", "--table", "orders");
        assertThat(part.exit()).as(part.toString()).isZero();
        assertThat(count(part.err(), WARNING)).as(part.toString()).isEqualTo(1);
        assertThat(part.err()).contains("objects=trigger `orders_ai` on `orders` (shop.audit)\n");
        server.rootSql("DROP DATABASE scratch");

        Path manifest = manifest();
        String before = Files.readString(manifest).replaceAll(",\\s*\"objects_naming_own_database\"\\s*:\\s*\"[^\"]*\"", "");
        assertThat(before).doesNotContain("objects_naming_own_database").contains("\"databases\"");
        Files.writeString(manifest, before);

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "shop", "--to", "scratch");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).doesNotContain(WARNING);
        assertThat(rows("scratch", "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'scratch'"))
                .isEqualTo("2");
    }

    @Test
    void aDrillsScratchDatabaseNamesThemToo() {
        Cli.Result r = cli.run("-c", "config.yaml", "drill", "shop", "--to", "scratch");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertNamesTheThree(r);
    }

    @Test
    void restoredUnderItsOwnNameNothingIsSaid() {
        Cli.Result r = cli.run("-c", "config.yaml", "restore", "shop", "--clean", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).doesNotContain("under another name");
        server.rootSql("shop", "INSERT INTO orders VALUES (1, 5)");
        assertThat(rows("shop", "SELECT COUNT(*) FROM audit")).isEqualTo("1");
    }

    @Test
    void aSyncUnderAnotherNameNamesThemToo() {
        Cli.Result r = cli.run("-c", "config.yaml", "sync", "shop", "scratch", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isZero();
        server.rootSql("scratch", "INSERT INTO orders VALUES (1, -5)");
        assertThat(rows("shop", "SELECT COUNT(*) FROM audit")).as("the copy's trigger wrote into the source").isEqualTo("1");
        assertThat(rows("scratch", "SELECT COUNT(*) FROM audit")).isEqualTo("0");
        assertNamesTheThree(r);
        assertThat(r.err()).contains("synced under another name");
    }

    @Test
    void aSyncUnderItsOwnNameOnAnotherServerSaysNothing() throws Exception {
        if (other == null) {
            other = MariaDbServer.start();
        }
        other.rootSql("DROP DATABASE IF EXISTS shop;");
        addDatasources("""
                  other:
                    <<: *db
                    port: %d
                    password_env: OTHER_PW
                """.formatted(other.port()));
        cli = newCli().env("OTHER_PW", other.password());

        Cli.Result r = cli.run("-c", "config.yaml", "sync", "shop", "other", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).as(r.toString()).doesNotContain(WARNING).doesNotContain(" WARN ");
        other.rootSql("shop", "INSERT INTO orders VALUES (1, 5)");
        assertThat(other.rootSql("shop", "SELECT COUNT(*) FROM audit").strip()).as("shop. is the copy's own database here")
                .isEqualTo("1");
        assertThat(rows("shop", "SELECT COUNT(*) FROM audit")).isEqualTo("0");
    }
}
