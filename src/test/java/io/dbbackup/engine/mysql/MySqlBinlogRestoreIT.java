package io.dbbackup.engine.mysql;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.MariaDbServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Restore into a MariaDB with binary logging on and {@code log_bin_trust_function_creators} off (its default), by an
 * account without SUPER: the server refuses the dump's triggers and stored functions (ERROR 1419). The error says
 * which setting is in the way and both ways out, and is not retried.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MySqlBinlogRestoreIT extends MySqlCliFixture {
    @BeforeAll
    @Override
    void startMariaDb() {
        server = MariaDbServer.start("--log-bin=binlog");
    }

    @Test
    void aRestoreRefusedForWantOfSuperUnderBinaryLoggingSaysWhatToDo() throws Exception {
        freshShop("""
                CREATE TABLE t(id int primary key);
                CREATE FUNCTION f() RETURNS int DETERMINISTIC RETURN 42;
                """);
        server.rootSql("DROP USER IF EXISTS restorer@'127.0.0.1'; CREATE USER restorer@'127.0.0.1' IDENTIFIED BY 'restorer-pw';\n"
                + "GRANT ALL ON `scratch`.* TO restorer@'127.0.0.1';");
        cli = configure("""
                  restorer:
                    <<: *db
                    user: restorer
                    password_env: R_PW
                    database: scratch
                    restore_definer: current_user
                """).env("R_PW", "restorer-pw");
        runBackup("shop");

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "shop", "--to", "restorer", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("ERROR 1419").contains("log_bin_trust_function_creators = 1")
                .contains("restore as an account with SUPER").doesNotContain("against 127.0.0.1") // not the retryable wording
                .containsPattern("error: restore of \\S+ into mariadb scratch on 127\\.0\\.0\\.1:\\d+ failed: ERROR 1419 ");
    }
}
