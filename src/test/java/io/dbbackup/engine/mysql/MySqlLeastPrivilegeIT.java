package io.dbbackup.engine.mysql;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backups by a least-privilege account, against a real MariaDB: {@code lp} has the grants mysqldump's manual lists
 * (SELECT, SHOW VIEW, TRIGGER, LOCK TABLES, EVENT on the database; no RELOAD, PROCESS, SUPER). The server shows such an
 * account no stored routine it may not run, so the dump tool wrote none, silently: the backup "succeeded" without the
 * database's procedures and functions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MySqlLeastPrivilegeIT extends MySqlCliFixture {
    private static final String SCHEMA = """
            CREATE TABLE t(id int primary key);
            INSERT INTO t VALUES (1);
            CREATE VIEW v AS SELECT * FROM t;
            CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW SET @x = 1;
            CREATE PROCEDURE p() SELECT COUNT(*) FROM t;
            CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO SELECT 1;
            """;
    private static final String LP = """
              lp:
                <<: *db
                user: lp
                password_env: LP_PW
            %s""";

    @BeforeEach
    void leastPrivilegeAccount() throws Exception {
        freshShop(SCHEMA);
        server.rootSql("DROP USER IF EXISTS lp@'127.0.0.1'; CREATE USER lp@'127.0.0.1' IDENTIFIED BY 'lp-pw';\n"
                + "GRANT SELECT, SHOW VIEW, TRIGGER, LOCK TABLES, EVENT ON shop.* TO lp@'127.0.0.1';");
    }

    private Cli lpConfig(String lpSettings) throws Exception {
        cli = configure("", LP.formatted(lpSettings), "  lp: {datasource: lp, store: local, prefix: lp}\n").env("LP_PW", "lp-pw");
        return cli;
    }

    @Test
    void anAccountThatCannotReadTheRoutinesFailsNamingTheGrantNotABackupWithoutThem() throws Exception {
        Cli.Result r = lpConfig("").run("-c", "config.yaml", "backup", "lp");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.out() + r.err()).contains("may not read the stored routines").contains("GRANT SELECT ON mysql.proc TO 'lp'@'127.0.0.1'")
                .contains("--skip-routines");
        assertThat(dir.resolve("store/lp")).satisfiesAnyOf(p -> assertThat(p).doesNotExist(),
                p -> assertThat(Files.walk(p).filter(Files::isRegularFile)).isEmpty());
    }

    @Test
    void withSelectOnMysqlProcTheDumpHoldsTheRoutines() throws Exception {
        server.rootSql("GRANT SELECT ON mysql.proc TO lp@'127.0.0.1'");

        Cli.Result r = lpConfig("").run("-c", "config.yaml", "backup", "lp");

        assertThat(r.exit()).as(r.toString()).isZero();
        Cli.Result restored = cli.run("-c", "config.yaml", "restore", "lp", "--to", "scratch", "--auto-confirm");
        assertThat(restored.exit()).as(restored.toString()).isZero();
        assertThat(rows("scratch", "SELECT ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = 'scratch'"))
                .isEqualTo("p");
        assertThat(rows("scratch", "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'scratch'"))
                .isEqualTo("tr");
    }

    @Test
    void skipRoutinesInExtraArgsBacksUpWithoutThemAsAsked() throws Exception {
        Cli.Result r = lpConfig("    extra_args: [--skip-routines]\n").run("-c", "config.yaml", "backup", "lp");

        assertThat(r.exit()).as(r.toString()).isZero();
    }

    @Test
    void anAccountWithoutTriggerFailsNamingTheGrantNotABackupWithoutTriggers() throws Exception {
        server.rootSql("GRANT SELECT ON mysql.proc TO lp@'127.0.0.1'; REVOKE TRIGGER ON shop.* FROM lp@'127.0.0.1'");

        Cli.Result r = lpConfig("").run("-c", "config.yaml", "backup", "lp");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.out() + r.err()).contains("may not read the triggers")
                .contains("GRANT TRIGGER ON `shop`.* TO 'lp'@'127.0.0.1'").contains("--skip-triggers");
        assertThat(dir.resolve("store/lp")).satisfiesAnyOf(p -> assertThat(p).doesNotExist(),
                p -> assertThat(Files.walk(p).filter(Files::isRegularFile)).isEmpty());
    }

    @Test
    void triggerGrantedThroughTheDefaultRoleIsEnough() throws Exception {
        server.rootSql("GRANT SELECT ON mysql.proc TO lp@'127.0.0.1'; REVOKE TRIGGER ON shop.* FROM lp@'127.0.0.1';\n"
                + "DROP ROLE IF EXISTS trigger_reader; CREATE ROLE trigger_reader; GRANT TRIGGER ON shop.* TO trigger_reader;\n"
                + "GRANT trigger_reader TO lp@'127.0.0.1'; SET DEFAULT ROLE trigger_reader FOR lp@'127.0.0.1';");

        Cli.Result r = lpConfig("").run("-c", "config.yaml", "backup", "lp");

        assertThat(r.exit()).as(r.toString()).isZero();
    }
}
