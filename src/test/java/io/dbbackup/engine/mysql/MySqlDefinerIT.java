package io.dbbackup.engine.mysql;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Restore day with DEFINERs, against a real MariaDB: the source's view, trigger, procedure, function and event are
 * defined by {@code app@'%'}, an account the restore target does not have (dropped after the backup). Restored by an
 * account with every privilege, the load succeeds and every object fails at first use (ERROR 1449, the trigger on every
 * INSERT), so the restore warns naming the definer and its objects; restored by an account without SET USER, the load
 * stops at ERROR 1227 and the error says why and what to do; with {@code restore_definer: current_user} that account
 * restores everything, usable, defined by itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MySqlDefinerIT extends MySqlCliFixture {
    static final String SCHEMA = """
            CREATE TABLE t(id int primary key, v varchar(10));
            CREATE TABLE audit(id int);
            INSERT INTO t VALUES (1, 'a'), (2, 'b');
            CREATE DEFINER=app@'%' VIEW v AS SELECT * FROM t;
            CREATE DEFINER=app@'%' SQL SECURITY INVOKER VIEW vi AS SELECT * FROM t;
            CREATE DEFINER=app@'%' TRIGGER tr AFTER INSERT ON t FOR EACH ROW INSERT INTO audit VALUES (NEW.id);
            CREATE DEFINER=app@'%' PROCEDURE p() SELECT COUNT(*) FROM t;
            CREATE DEFINER=app@'%' FUNCTION f() RETURNS int DETERMINISTIC RETURN 42;
            CREATE DEFINER=app@'%' EVENT e ON SCHEDULE EVERY 1 DAY DO DELETE FROM audit;
            """;

    /** A datasource for the account {@code restorer} (no SET USER) that restores with {@code restore_definer: current_user}. */
    static final String RESTORER_AS_DEFINER = """
              restorer_as_definer:
                <<: *db
                user: restorer
                password_env: R_PW
                database: scratch
                restore_definer: current_user
            """;

    @BeforeAll
    void start() {
        server.rootSql("CREATE USER restorer@'127.0.0.1' IDENTIFIED BY 'restorer-pw';\n"
                + "GRANT ALL ON `scratch`.* TO restorer@'127.0.0.1';");
    }

    @BeforeEach
    void backUpThenLoseTheDefiner() throws Exception {
        server.rootSql("DROP USER IF EXISTS app@'%'; CREATE USER app@'%' IDENTIFIED BY 'x'; GRANT ALL ON shop.* TO app@'%';");
        freshShop(SCHEMA);
        cli = configure("""
                  restorer:
                    <<: *db
                    user: restorer
                    password_env: R_PW
                    database: scratch
                """).env("R_PW", "restorer-pw");
        runBackup("shop");
        server.rootSql("DROP USER app@'%'"); // the restore target has no such account
    }

    private String sql(String query) {
        return rows("scratch", query);
    }

    @Test
    void objectsWhoseDefinerTheTargetLacksAreNamedInAWarning() {
        Cli.Result r = cli.run("-c", "config.yaml", "restore", "shop", "--to", "scratch", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(sql("SELECT COUNT(*) FROM t")).isEqualTo("2");
        // what the warning is about: the objects are there and fail at first use
        assertThatThrownBy(() -> server.rootSql("INSERT INTO scratch.t VALUES (3, 'c')")).hasMessageContaining("ERROR 1449");
        assertThat(r.err()).contains("restored objects are defined by an account this server does not have")
                .contains("definer=app@%")
                .contains("event scratch.e, function scratch.f, procedure scratch.p, trigger scratch.tr, view scratch.v")
                .contains("restore_definer: current_user")
                .doesNotContain("view scratch.vi"); // SQL SECURITY INVOKER: runs as its caller, works
        assertThat(sql("SELECT COUNT(*) FROM vi")).isEqualTo("2");
    }

    @Test
    void aViewWhoseDefinerIsGoneAtTheSourceRestoresUnderAnotherNameReadingTheCopy() throws Exception {
        // the server prints such a view as stored: its columns name `shop` (`shop`.`t`.`id`); an alias `shop` is not the database
        server.rootSql("CREATE USER gone@'%'; GRANT ALL ON shop.* TO gone@'%';");
        server.load("shop", "CREATE DEFINER=gone@'%' VIEW w AS SELECT t.id, shop.v, 'shop.t.id' AS lit FROM t JOIN t AS shop "
                + "ON shop.id = t.id;");
        server.rootSql("DROP USER gone@'%'");
        Cli.Result b = cli.clock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(1))).run("-c", "config.yaml", "backup", "shop");
        assertThat(b.exit()).as(b.toString()).isZero();
        server.rootSql("shop", "DELETE FROM t WHERE id = 1");

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "shop", "--to", "scratch", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(server.rootSql("SHOW CREATE VIEW scratch.w")).contains("`scratch`.`t`.`id`").contains("`shop`.`v`")
                .contains("'shop.t.id'");
        assertThat(r.err()).contains("definer=gone@%").contains("view scratch.w");
        server.rootSql("CREATE USER gone@'%'; GRANT ALL ON scratch.* TO gone@'%';");
        try {
            assertThat(sql("SELECT GROUP_CONCAT(CONCAT(id, v, lit) ORDER BY id) FROM w")).isEqualTo("1ashop.t.id,2bshop.t.id");
        } finally {
            server.rootSql("DROP USER gone@'%'");
        }
    }

    @Test
    void aViewWhoseDefinerIsGoneThatAlsoReadsAnotherDatabaseRestoresUnderAnotherNameReadingTheCopy() throws Exception {
        // a view that reads another database is printed with every table named with its database: `shop`.`t` after FROM
        server.rootSql("DROP DATABASE IF EXISTS other; CREATE DATABASE other; CREATE TABLE other.o(id int, n varchar(5));"
                + " INSERT INTO other.o VALUES (1, 'x'), (2, 'y'); CREATE USER gone@'%'; GRANT ALL ON *.* TO gone@'%';");
        try {
            server.load("shop", "CREATE DEFINER=gone@'%' VIEW wo AS SELECT t.id, t.v, o.n FROM t JOIN other.o o ON o.id = t.id;");
            server.rootSql("DROP USER gone@'%'");
            Cli.Result b = cli.clock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(1))).run("-c", "config.yaml", "backup", "shop");
            assertThat(b.exit()).as(b.toString()).isZero();
            server.rootSql("shop", "DELETE FROM t WHERE id = 1");

            Cli.Result r = cli.run("-c", "config.yaml", "restore", "shop", "--to", "scratch", "--auto-confirm");

            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(server.rootSql("SHOW CREATE VIEW scratch.wo")).contains("from (`scratch`.`t` join `other`.`o`")
                    .doesNotContain("`shop`.");
            server.rootSql("CREATE USER gone@'%'; GRANT ALL ON *.* TO gone@'%';");
            assertThat(sql("SELECT GROUP_CONCAT(CONCAT(id, v, n) ORDER BY id) FROM wo")).isEqualTo("1ax,2by");
        } finally {
            server.rootSql("DROP USER IF EXISTS gone@'%'; DROP DATABASE other;");
        }
    }

    @Test
    void aViewsLatin1AndBinaryLiteralsSurviveARestoreUnderAnotherName() throws Exception {
        // the dump holds the literals' own bytes (_latin1'<E9>', _binary'<FF><00>'): no UTF-8 in them
        server.load("shop", "CREATE VIEW vl AS SELECT id, _latin1 X'E9' AS l, _binary X'FF00E9' AS b, 'é' AS u FROM t;");
        Cli.Result b = cli.clock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(1))).run("-c", "config.yaml", "backup", "shop");
        assertThat(b.exit()).as(b.toString()).isZero();

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "shop", "--to", "scratch", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(sql("SELECT HEX(l), HEX(b), HEX(u) FROM vl WHERE id = 1")).isEqualTo("E9\tFF00E9\tC3A9");
        assertThat(sql("SELECT l = 'é' FROM vl WHERE id = 1")).isEqualTo("1");
    }

    @Test
    void currentUserAlsoTakesOverAViewDefinedByARole() throws Exception {
        // MariaDB prints a view defined by a role on one line: /*!50001 CREATE ALGORITHM=UNDEFINED DEFINER=`r` SQL SECURITY …
        server.rootSql("DROP ROLE IF EXISTS viewers; CREATE ROLE viewers; GRANT SELECT ON shop.* TO viewers;");
        try {
            server.load("shop", "CREATE DEFINER=viewers VIEW vr AS SELECT id FROM t;");
            Cli.Result b = cli.clock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(1))).run("-c", "config.yaml", "backup", "shop");
            assertThat(b.exit()).as(b.toString()).isZero();
            addDatasources(RESTORER_AS_DEFINER);

            Cli.Result r = cli.run("-c", "config.yaml", "restore", "shop", "--to", "restorer_as_definer", "--auto-confirm");

            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(sql("SELECT DEFINER FROM information_schema.VIEWS WHERE TABLE_SCHEMA = 'scratch' AND TABLE_NAME = 'vr'"))
                    .isEqualTo("restorer@127.0.0.1");
            assertThat(sql("SELECT GROUP_CONCAT(id ORDER BY id) FROM vr")).isEqualTo("1,2");
        } finally {
            server.rootSql("DROP ROLE IF EXISTS viewers;");
        }
    }

    @Test
    void aSyncNamesObjectsWhoseDefinerTheTargetLacksToo() throws Exception {
        server.rootSql("DROP DATABASE IF EXISTS crm; CREATE DATABASE crm; CREATE USER gone@'%'; GRANT ALL ON crm.* TO gone@'%';");
        server.load("crm", "CREATE TABLE c(id int); CREATE TABLE log(id int);\n"
                + "CREATE DEFINER=gone@'%' TRIGGER ct AFTER INSERT ON c FOR EACH ROW INSERT INTO log VALUES (NEW.id);\n"
                + "CREATE DEFINER=gone@'%' PROCEDURE cp() SELECT 1;");
        server.rootSql("DROP USER gone@'%'");
        addDatasources("""
                  crm:
                    <<: *db
                    database: crm
                """);

        Cli.Result r = cli.run("-c", "config.yaml", "sync", "crm", "scratch", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("restored objects are defined by an account this server does not have")
                .contains("definer=gone@%").contains("objects=procedure scratch.cp, trigger scratch.ct");
    }

    @Test
    void anAccountWithoutSetUserIsToldWhyAndWhatToDo() {
        Cli.Result r = cli.run("-c", "config.yaml", "restore", "shop", "--to", "restorer", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("ERROR 1227").contains("defined by `app`@`%`")
                .contains("restore as such an account, or set restore_definer: current_user on the target datasource")
                .contains("database `scratch`, which this restore created, was dropped again");
        assertThat(server.rootSql("SHOW DATABASES LIKE 'scratch'").strip()).isEmpty();
    }

    @Test
    void aCleanRestoreThatStopsMidwaySaysWhatTheDatabaseHeldIsGone() {
        server.rootSql("CREATE DATABASE scratch; CREATE TABLE scratch.precious(id int); INSERT INTO scratch.precious VALUES (1);");

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "shop", "--to", "restorer", "--clean", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(sql("SHOW TABLES LIKE 'precious'")).isEmpty();
        assertThat(r.err()).contains("ERROR 1227")
                .contains("database `scratch`, emptied by --clean, holds only what loaded before the error (what it held "
                        + "before is gone)")
                .doesNotContain("keeps what loaded");
    }

    @Test
    void currentUserMakesTheRestoringAccountTheDefinerOfEveryObject() throws Exception {
        addDatasources(RESTORER_AS_DEFINER);
        Cli.Result r = cli.run("-c", "config.yaml", "restore", "shop", "--to", "restorer_as_definer", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isZero();
        // the one warning: the event, restored under another name than shop's, is created DISABLED
        assertThat(r.err().lines().filter(l -> l.contains("WARN")).toList()).singleElement().asString()
                .contains("event created DISABLED").contains("ALTER EVENT `scratch`.`e` ENABLE");
        assertThat(sql("SELECT COUNT(*) FROM v")).isEqualTo("2");
        assertThat(sql("INSERT INTO t VALUES (3, 'c'); SELECT id FROM audit")).isEqualTo("3");
        assertThat(sql("CALL p()")).isEqualTo("3");
        assertThat(sql("SELECT f()")).isEqualTo("42");
        assertThat(sql("SELECT GROUP_CONCAT(DISTINCT d) FROM (SELECT DEFINER d FROM information_schema.VIEWS WHERE "
                + "TABLE_SCHEMA = 'scratch' UNION SELECT DEFINER FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = "
                + "'scratch' UNION SELECT DEFINER FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'scratch' UNION "
                + "SELECT DEFINER FROM information_schema.EVENTS WHERE EVENT_SCHEMA = 'scratch') x")).isEqualTo("restorer@127.0.0.1");
    }
}
