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
 * Scheduled events, against a real MariaDB with the event scheduler on: the source {@code shop} has an ENABLEd event
 * {@code tick} (every second, a row into {@code ticks}) and a DISABLEd one {@code paused}. A copy under another name (a
 * restore to another database, a drill's scratch database, a sync into another database) gets both DISABLED — an
 * ENABLEd copy would run the source's job a second time — and a warning per event the dump had ENABLEd, naming it and
 * how to enable it; under the source's own name (a restore, a sync to another server) each event keeps its status.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MySqlEventsIT extends MySqlCliFixture {
    MariaDbServer other;

    @BeforeAll
    void start() {
        other = MariaDbServer.start();
        server.rootSql("SET GLOBAL event_scheduler = ON");
        other.rootSql("SET GLOBAL event_scheduler = ON");
    }

    @AfterAll
    void stop() {
        if (other != null) {
            other.close();
        }
    }

    @BeforeEach
    void backUp() throws Exception {
        freshShop("""
                CREATE TABLE ticks(id int auto_increment primary key, at datetime);
                CREATE TABLE audit(id int);
                CREATE EVENT tick ON SCHEDULE EVERY 1 SECOND DO INSERT INTO ticks(at) VALUES (NOW());
                CREATE EVENT paused ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM audit;
                """);
        other.rootSql("DROP DATABASE IF EXISTS shop;");
        cli = configure("""
                  other:
                    <<: *db
                    port: %d
                    password_env: OTHER_PW
                """.formatted(other.port())).env("OTHER_PW", other.password());
        runBackup("shop");
    }

    private static String status(MariaDbServer on, String database) {
        return on.rootSql("SELECT GROUP_CONCAT(CONCAT(EVENT_NAME, ' ', STATUS) ORDER BY EVENT_NAME) FROM information_schema.EVENTS "
                + "WHERE EVENT_SCHEMA = '" + database + "'").strip();
    }

    private static String definers(MariaDbServer on, String database) {
        return on.rootSql("SELECT GROUP_CONCAT(DEFINER ORDER BY EVENT_NAME) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = '"
                + database + "'").strip();
    }

    private static long count(String text, String part) {
        return (text.length() - text.replace(part, "").length()) / part.length();
    }

    private static void assertWarnedOfTickOnly(Cli.Result r, String verb) {
        assertThat(count(r.err(), "event created DISABLED")).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("event created DISABLED: " + verb + " under another name than its source `shop`")
                .contains("to run it here: ALTER EVENT `scratch`.`tick` ENABLE").contains("event=scratch.tick")
                .doesNotContain("`paused`");
    }

    @Test
    void restoredUnderAnotherNameEveryEventIsDisabledAndTheEnabledOnesAreNamed() throws Exception {
        Cli.Result r = cli.run("-c", "config.yaml", "restore", "shop", "--to", "scratch", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(status(server, "scratch")).isEqualTo("paused DISABLED,tick DISABLED");
        assertThat(definers(server, "scratch")).isEqualTo(definers(server, "shop"));
        assertWarnedOfTickOnly(r, "restored");
        // what it is about: the source's job does not run on the copy
        String rows = server.rootSql("SELECT COUNT(*) FROM scratch.ticks").strip();
        Thread.sleep(2500);
        assertThat(server.rootSql("SELECT COUNT(*) FROM scratch.ticks").strip()).isEqualTo(rows);
        assertThat(status(server, "shop")).isEqualTo("paused DISABLED,tick ENABLED");
    }

    @Test
    void restoredUnderItsOwnNameEachEventKeepsItsStatus() {
        Cli.Result r = cli.run("-c", "config.yaml", "restore", "shop", "--clean", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(status(server, "shop")).isEqualTo("paused DISABLED,tick ENABLED");
        assertThat(r.err()).doesNotContain("event created DISABLED");
    }

    @Test
    void aDrillsScratchDatabaseGetsTheEventsDisabled() {
        Cli.Result r = cli.run("-c", "config.yaml", "drill", "shop", "--to", "scratch", "--keep");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(status(server, "scratch")).isEqualTo("paused DISABLED,tick DISABLED");
        assertWarnedOfTickOnly(r, "restored");
    }

    @Test
    void aSyncIntoAnotherNameGetsTheEventsDisabled() {
        Cli.Result r = cli.run("-c", "config.yaml", "sync", "shop", "scratch", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(status(server, "scratch")).isEqualTo("paused DISABLED,tick DISABLED");
        assertThat(definers(server, "scratch")).isEqualTo(definers(server, "shop"));
        assertWarnedOfTickOnly(r, "synced");
        assertThat(server.rootSql("SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_SCHEMA LIKE 'dbbackup%'").strip())
                .isEqualTo("0");
    }

    @Test
    void aSyncUnderTheSourcesNameKeepsEachEventsStatusAndDefiner() {
        Cli.Result r = cli.run("-c", "config.yaml", "sync", "shop", "other", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(status(other, "shop")).isEqualTo("paused DISABLED,tick ENABLED");
        assertThat(definers(other, "shop")).isEqualTo(definers(server, "shop"));
        assertThat(r.err()).doesNotContain("event created DISABLED");
    }

    @Test
    void aSyncUnderTheSourcesNameReEnablesAnEventWhoseNameIsNoAscii() throws Exception {
        // the swap's SQL is byte for byte: the stage's disabled names must be matched in that spelling too
        server.load("shop", "CREATE EVENT `zähler` ON SCHEDULE EVERY 1 DAY DO DELETE FROM audit;");
        Thread.sleep(1100); // a new key: keys are named to the second
        Cli.Result b = cli.run("-c", "config.yaml", "backup", "shop");
        assertThat(b.exit()).as(b.toString()).isZero();

        Cli.Result r = cli.run("-c", "config.yaml", "sync", "shop", "other", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(status(other, "shop")).isEqualTo("paused DISABLED,tick ENABLED,zähler ENABLED");
    }
}
