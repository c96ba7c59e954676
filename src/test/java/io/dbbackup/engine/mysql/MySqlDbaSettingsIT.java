package io.dbbackup.engine.mysql;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Against a real MariaDB set up as a careful DBA sets one up, not as it installs: server messages in German
 * ({@code lc_messages = de_DE}), latin1 as the server's character set, and the client's asked-for character set
 * ignored ({@code skip-character-set-client-handshake}). What dbbackup decides from a failure must not depend on the
 * server's language (the error numbers decide, not the English words), nor a name on the server's character set.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MySqlDbaSettingsIT extends MySqlCliFixture {
    private static final String LP = """
              lp:
                <<: *db
                user: lp
                password_env: LP_PW
            """;

    @Override
    String[] serverOptions() {
        return new String[] {"--lc-messages=de_DE", "--character-set-server=latin1", "--collation-server=latin1_swedish_ci",
                "--skip-character-set-client-handshake"};
    }

    /**
     * An account without SHOW VIEW: mariadb-dump stops at the view with {@code SHOW VIEW Befehl nicht erlaubt … (1142)}.
     * Before, only the English "command denied" counted as permanent, so a German server's refusal was retried (every
     * attempt dumping again to be refused again, the alert late by every retry delay); now it fails at once, as in English.
     */
    @Test
    void aPrivilegeTheDumpLacksIsNotRetriedWhateverTheServersLanguage() throws Exception {
        freshShop("CREATE TABLE t(id int primary key); INSERT INTO t VALUES (1); CREATE VIEW v AS SELECT id FROM t;");
        server.rootSql("DROP USER IF EXISTS lp@'127.0.0.1'; CREATE USER lp@'127.0.0.1' IDENTIFIED BY 'lp-pw';\n"
                + "GRANT SELECT, TRIGGER, LOCK TABLES, EVENT ON shop.* TO lp@'127.0.0.1'; GRANT SELECT ON mysql.proc TO lp@'127.0.0.1';");
        cli = configure("", LP, "  lp: {datasource: lp, store: local, prefix: lp, retry: {max_attempts: 3, delay: 1s}}\n")
                .env("LP_PW", "lp-pw");

        Cli.Result r = cli.run("-c", "config.yaml", "backup", "lp");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.out() + r.err()).as(r.toString()).contains("SHOW VIEW Befehl nicht erlaubt").contains("(1142)")
                .contains("attempt=1/3 retry=false").doesNotContain("attempt=2/3");
    }

    /**
     * A restore into a database the account may not create: the least-privilege hint (which GRANT, or create it as whom)
     * was read from the English words ("Access denied for user 'lp'@'…' to database …"), so a German server's
     * "Benutzer 'lp'@'…' hat keine Zugriffsberechtigung für Datenbank 'scratch'" came without it.
     */
    @Test
    void aRestoreTheAccountMayNotCreateItsDatabaseForSaysWhichGrantInAnyLanguage() throws Exception {
        freshShop("CREATE TABLE t(id int primary key); INSERT INTO t VALUES (1);");
        server.rootSql("DROP USER IF EXISTS lp@'127.0.0.1'; CREATE USER lp@'127.0.0.1' IDENTIFIED BY 'lp-pw';");
        cli = configure("", LP + "    database: scratch\n", "").env("LP_PW", "lp-pw");
        runBackup("shop");

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "shop", "--to", "lp", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).as(r.toString()).contains("hat keine Zugriffsberechtigung")
                .contains("GRANT CREATE ON `scratch`.* TO 'lp'@'127.0.0.1'");
        assertThat(rows(null, "SHOW DATABASES LIKE 'scratch'")).isEmpty();
    }

    /**
     * A server that ignores the client's character set read dbbackup's {@code CREATE DATABASE `café`} in latin1: the
     * restore created and filled {@code cafÃ©}, said "restored … into mariadb café", and {@code café} stayed missing. Now
     * dbbackup's statements say {@code SET NAMES utf8mb4} once connected; the load, whose database the client names at
     * connect (read in latin1 all the same), then fails loudly, and the database it created is dropped again.
     */
    @Test
    void aRestoreIntoANonAsciiNameIsNotMadeUnderAGarbledOneWhenTheServerIgnoresTheClientsCharacterSet() throws Exception {
        freshShop("CREATE TABLE t(id int primary key); INSERT INTO t VALUES (1);");
        server.rootSql("SET NAMES utf8mb4; DROP DATABASE IF EXISTS `café`; DROP DATABASE IF EXISTS `cafÃ©`;");
        cli = configure("", "  cafe:\n    <<: *db\n    database: café\n", "");
        runBackup("shop");

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "shop", "--to", "cafe", "--auto-confirm");

        assertThat(rows(null, "SET NAMES utf8mb4; SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'caf%'"))
                .as("no database under a garbled name, nothing left: " + r).isEmpty();
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).as(r.toString()).contains("ERROR 1049");
    }

    /**
     * A server whose {@code init_connect} fails for the backup account (it writes an audit table the account may not):
     * every login is refused with {@code ERROR 1184 … Aborted connection … (init_connect command failed)}. Before, it was
     * retried (each attempt refused alike, the alert late by every delay) and said nothing of init_connect's part; now it
     * fails at once and names the setting.
     */
    @Test
    void anInitConnectThatFailsForTheAccountIsNotRetriedAndNamesTheSetting() throws Exception {
        freshShop("CREATE TABLE t(id int primary key); INSERT INTO t VALUES (1);");
        server.rootSql("DROP USER IF EXISTS lp@'127.0.0.1'; CREATE USER lp@'127.0.0.1' IDENTIFIED BY 'lp-pw';\n"
                + "GRANT SELECT, SHOW VIEW, TRIGGER, LOCK TABLES, EVENT ON shop.* TO lp@'127.0.0.1'; "
                + "GRANT SELECT ON mysql.proc TO lp@'127.0.0.1';");
        cli = configure("", LP, "  lp: {datasource: lp, store: local, prefix: lp, retry: {max_attempts: 3, delay: 1s}}\n")
                .env("LP_PW", "lp-pw");
        Cli.Result r = runWhileSet("SET GLOBAL init_connect = 'INSERT INTO audit.logins VALUES (CURRENT_USER())'",
                "SET GLOBAL init_connect = ''", "-c", "config.yaml", "backup", "lp");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.out() + r.err()).as(r.toString()).contains("1184").contains("init_connect command failed")
                .contains("fix init_connect, or grant the account what it needs")
                .contains("attempt=1/3 retry=false").doesNotContain("attempt=2/3");
    }

    /**
     * An account with {@code MAX_QUERIES_PER_HOUR} that a backup uses up: {@code ERROR 1226 … exceeded the
     * 'max_queries_per_hour' resource}. Before, it was retried (each attempt refused again before the hour is over, using
     * more of the limit) and said nothing of how to lift it; now it fails at once with the ALTER USER that does.
     */
    @Test
    void anHourlyQueryLimitUsedUpIsNotRetriedAndSaysHowToLiftIt() throws Exception {
        freshShop("CREATE TABLE t(id int primary key); INSERT INTO t VALUES (1);");
        server.rootSql("DROP USER IF EXISTS lp@'127.0.0.1'; CREATE USER lp@'127.0.0.1' IDENTIFIED BY 'lp-pw' "
                + "WITH MAX_QUERIES_PER_HOUR 3;\nGRANT SELECT, SHOW VIEW, TRIGGER, LOCK TABLES, EVENT ON shop.* TO lp@'127.0.0.1'; "
                + "GRANT SELECT ON mysql.proc TO lp@'127.0.0.1';");
        cli = configure("", LP, "  lp: {datasource: lp, store: local, prefix: lp, retry: {max_attempts: 3, delay: 1s}}\n")
                .env("LP_PW", "lp-pw");

        Cli.Result r = cli.run("-c", "config.yaml", "backup", "lp");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.out() + r.err()).as(r.toString()).contains("1226").contains("'max_queries_per_hour'")
                .contains("WITH MAX_QUERIES_PER_HOUR 0").contains("attempt=1/3 retry=false").doesNotContain("attempt=2/3");
    }

    /**
     * A restore whose target is read-only (a replica picked by mistake): the server's {@code ERROR 1290 … --read-only}
     * came alone; now it says what that means and the ways out. It said too that {@code scratch} "keeps what loaded before
     * the error", though nothing loaded (the first write was refused): now it says that the database is unchanged.
     */
    @Test
    void aRestoreIntoAReadOnlyServerSaysItIsReadOnlyAndTheWaysOut() throws Exception {
        freshShop("CREATE TABLE t(id int primary key); INSERT INTO t VALUES (1);");
        server.rootSql("CREATE DATABASE scratch; DROP USER IF EXISTS lp@'127.0.0.1'; "
                + "CREATE USER lp@'127.0.0.1' IDENTIFIED BY 'lp-pw'; GRANT ALL ON scratch.* TO lp@'127.0.0.1';");
        cli = configure("", LP + "    database: scratch\n", "").env("LP_PW", "lp-pw");
        runBackup("shop");
        Cli.Result r = runWhileSet("SET GLOBAL read_only = ON", "SET GLOBAL read_only = OFF",
                "-c", "config.yaml", "restore", "shop", "--to", "lp", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).as(r.toString()).contains("1290").contains("--read-only")
                .contains("the server is read-only (read_only or super_read_only is ON: a replica?)")
                .contains("restore into the primary")
                .contains("database `scratch` is unchanged (the read-only server refused the restore's first write)")
                .doesNotContain("keeps what loaded");
        assertThat(rows("scratch", "SHOW TABLES")).isEmpty();
    }

    /**
     * A target server that refuses tables without a primary key ({@code innodb_force_primary_key}) and a backup that holds
     * one: {@code ERROR 1173 This table type requires a primary key} (German: "Dieser Tabellentyp benötigt einen
     * Primärschlüssel") named no setting; now it names it and the ways out, and the database the restore created is gone.
     */
    @Test
    void aRestoreOfATableWithoutPrimaryKeyIntoAServerThatForbidsThemNamesTheSetting() throws Exception {
        freshShop("CREATE TABLE t(id int primary key); CREATE TABLE log(line varchar(20)); INSERT INTO log VALUES ('x');");
        cli = configure("");
        runBackup("shop");
        Cli.Result r = runWhileSet("SET GLOBAL innodb_force_primary_key = ON", "SET GLOBAL innodb_force_primary_key = OFF",
                "-c", "config.yaml", "restore", "shop", "--to", "scratch", "--auto-confirm");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).as(r.toString()).contains("1173").contains("innodb_force_primary_key")
                .contains("a table without a primary key");
        assertThat(rows(null, "SHOW DATABASES LIKE 'scratch'")).isEmpty();
    }

    /** {@code cli.run(args)} while the server runs with {@code set} (a {@code SET GLOBAL}), undone by {@code reset} after. */
    private Cli.Result runWhileSet(String set, String reset, String... args) throws Exception {
        server.rootSql(set);
        try {
            return cli.run(args);
        } finally {
            server.rootSql(reset);
        }
    }
}
