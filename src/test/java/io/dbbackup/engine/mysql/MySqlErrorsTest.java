package io.dbbackup.engine.mysql;

import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.ChildProcess;
import io.dbbackup.spi.ToolFailedException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Whether a failed mariadb/mysql client query failed by what it read (the clients' own words). */
class MySqlErrorsTest {
    private static boolean notTheQuery(String stderr) {
        return MySqlErrors.notTheQuery(new ToolFailedException("mariadb", 1, stderr, true));
    }

    /** A wrapper script in bin_dir whose program is gone: the reason names it and what to do, not the shell's bare line. */
    @Test
    void aWrapperWhoseProgramIsMissingIsNamedAsSuch() {
        ToolFailedException e = new ToolFailedException("mariadb", 127,
                "/etc/dbbackup/bin/mariadb: line 2: /opt/gone/mariadb: No such file or directory", false);
        assertThat(MySqlErrors.reason(e)).startsWith("mariadb failed (exit 127): command not found: /opt/gone/mariadb (")
                .contains("install it or fix the path");
    }

    @Test
    void aLostOrKilledConnectionOrAStatementTimeoutIsNotTheQuerys() {
        assertThat(notTheQuery("ERROR 2013 (HY000) at line 1: Lost connection to server during query")).isTrue();
        assertThat(notTheQuery("ERROR 2006 (HY000) at line 1: Server has gone away")).isTrue();
        assertThat(notTheQuery("ERROR 1927 (70100) at line 1: Connection was killed")).isTrue();
        assertThat(notTheQuery("ERROR 1317 (70100) at line 1: Query execution was interrupted")).isTrue();
        assertThat(notTheQuery("ERROR 3024 (HY000) at line 1: Query execution was interrupted, maximum statement execution time exceeded"))
                .isTrue();
        assertThat(notTheQuery("ERROR 1969 (70100) at line 1: Query execution was interrupted (max_statement_time exceeded)")).isTrue();
        assertThat(notTheQuery("ERROR 2002 (HY000): Can't connect to local server through socket '/tmp/x.sock' (2)")).isTrue();
    }

    @Test
    void aQueryTheServerRanAndRefusedIsTheQuerys() {
        assertThat(notTheQuery("ERROR 1146 (42S02) at line 1: Table 'drill_1.no_such_table' doesn't exist")).isFalse();
        assertThat(notTheQuery("ERROR 1064 (42000) at line 1: You have an error in your SQL syntax; check the manual that "
                + "corresponds to your MariaDB server version for the right syntax to use near 'SELEC 1' at line 1")).isFalse();
        assertThat(notTheQuery("ERROR 1365 (22012) at line 1: Division by 0")).isFalse();
        assertThat(notTheQuery("ERROR 1054 (42S22) at line 1: Unknown column 'ERROR 2013 (' in 'field list'")).isFalse();
    }

    @Test
    void aClientKilledAtItsTimeoutIsNotTheQuerys() {
        ChildProcess sleep = ChildProcess.of(List.of("sleep", "10")).name("mariadb").timeout(Duration.ofMillis(300));
        assertThatThrownBy(() -> sleep.run(null, null, new Cancellation())).isInstanceOfSatisfying(ToolFailedException.class,
                e -> assertThat(MySqlErrors.notTheQuery(e)).isTrue());
    }

    private static boolean denied(String stderr) {
        return MySqlErrors.privilegeDenied(new ToolFailedException("mariadb", 1, stderr, true));
    }

    /** The checking account lacks a privilege or is refused: the drill's set-up, not what the restored copy holds. */
    @Test
    void aMissingPrivilegeOrARefusedAccountIsTheSetUps() {
        assertThat(denied("ERROR 1142 (42000) at line 1: SELECT command denied to user 'chk'@'localhost' for table `shop`.`bulk`"))
                .isTrue();
        assertThat(denied("ERROR 1143 (42000) at line 1: SELECT command denied to user 'chk'@'localhost' for column 'pw' in "
                + "table 'users'")).isTrue();
        assertThat(denied("ERROR 1044 (42000): Access denied for user 'chk'@'%' to database 'drill_1'")).isTrue();
        assertThat(denied("ERROR 1045 (28000): Access denied for user 'chk'@'127.0.0.1' (using password: YES)")).isTrue();
        assertThat(denied("ERROR 1370 (42000) at line 1: execute command denied to user 'chk'@'%' for routine 'd.f'")).isTrue();
        assertThat(denied("ERROR 1146 (42S02) at line 1: Table 'drill_1.no_such_table' doesn't exist")).isFalse();
        assertThat(denied("ERROR 1054 (42S22) at line 1: Unknown column 'ERROR 1142 (' in 'field list'")).as("only the error's own number")
                .isFalse();
        assertThat(denied("ERROR 2013 (HY000) at line 1: Lost connection to server during query")).isFalse();
    }

    /** A server with lc_messages = de_DE or fr_FR words its errors in its language: the number decides, not the words. */
    @Test
    void aServerErrorNoRetryFixesIsPermanentInAnyLanguage() {
        assertThat(MySqlErrors.isPermanent("mariadb-dump: Couldn't execute 'show create table `v`': SHOW VIEW Befehl nicht "
                + "erlaubt für Benutzer 'ro'@'127.0.0.1' auf Tabelle `shop`.`v` (1142)\n")).isTrue();
        assertThat(MySqlErrors.isPermanent("mariadb-dump: Got error: 1049: \"Base 'nope' inconnue\" when selecting the database"))
                .isTrue();
        assertThat(MySqlErrors.isPermanent("ERROR 1146 (42S02) at line 3: Tabelle 'shop.x' existiert nicht")).isTrue();
        assertThat(MySqlErrors.isPermanent("mysqldump: Error 1412: Tabellendefinition wurde geändert when dumping table `t`"))
                .isFalse();
        assertThat(MySqlErrors.isPermanent("ERROR 2013 (HY000) at line 1: Lost connection to server during query")).isFalse();
        assertThat(MySqlErrors.isPermanent("mariadb-dump: Couldn't execute 'SELECT 1': Verbindung abgebrochen (2013)")).isFalse();
    }

    /** MySQL 8's words (its documentation) for a refusal by a server setting: no retry helps, and the hint names the setting. */
    @Test
    void aServerThatRequiresTlsRefusesForGoodAndSaysWhichSetting() {
        String e = "ERROR 3159 (HY000): Connections using insecure transport are prohibited while --require_secure_transport=ON.";
        assertThat(MySqlErrors.isPermanent(e)).isTrue();
        assertThat(SettingHints.of(e)).contains("require_secure_transport").contains("ssl_mode: required");
    }

    @Test
    void anHourlyLimitIsPermanentAConcurrentSessionLimitIsNot() {
        String hourly = "ERROR 1226 (42000): User 'bk' has exceeded the 'max_questions' resource (current value: 10)";
        assertThat(MySqlErrors.isPermanent(hourly)).isTrue();
        assertThat(SettingHints.of(hourly)).contains("WITH MAX_QUERIES_PER_HOUR 0");
        assertThat(MySqlErrors.isPermanent("mysqldump: Got error: 1226: \"User 'bk' has exceeded the 'max_updates' resource "
                + "(current value: 5)\" when trying to connect")).isTrue();
        String sessions = "ERROR 1226 (42000): User 'bk' has exceeded the 'max_user_connections' resource (current value: 1)";
        assertThat(MySqlErrors.isPermanent(sessions)).as("another session of the account may end: a retry can help").isFalse();
        assertThat(SettingHints.of(sessions)).doesNotContain("hourly");
    }

    /**
     * An account holding as many sessions as it may (seen on MariaDB 10.11): over the server's max_user_connections
     * {@code ERROR 1203 … already has more than 'max_user_connections' active connections}, over its own
     * MAX_USER_CONNECTIONS {@code ERROR 1226 … exceeded the 'max_user_connections' resource}. Before, the line said nothing of
     * which limit nor what to do; a retry stays possible (another session may end), as for 1040.
     */
    @Test
    void anAccountOutOfConnectionsNamesWhichLimitAndStaysRetryable() {
        String global = "mariadb-dump: Got error: 1203: \"User u2 already has more than 'max_user_connections' active "
                + "connections\" when trying to connect\n";
        assertThat(SettingHints.of(global)).contains("the server's max_user_connections").contains("SHOW PROCESSLIST")
                .contains("WITH MAX_USER_CONNECTIONS").contains("SET GLOBAL max_user_connections");
        assertThat(MySqlErrors.isPermanent(global)).isFalse();
        assertThat(SettingHints.of("ERROR 1203 (42000): Benutzer u2 hat mehr als 'max_user_connections' aktive Verbindungen"))
                .as("by the number, in any language").contains("max_user_connections");
        assertThat(MySqlErrors.notTheQuery(new io.dbbackup.spi.ToolFailedException("mariadb", 1,
                "ERROR 1203 (42000): User u2 already has more than 'max_user_connections' active connections", true))).isTrue();
        String own = "ERROR 1226 (42000): User 'u1' has exceeded the 'max_user_connections' resource (current value: 1)";
        assertThat(SettingHints.of(own)).contains("the account's own MAX_USER_CONNECTIONS").contains("SHOW PROCESSLIST")
                .contains("WITH MAX_USER_CONNECTIONS n");
        assertThat(MySqlErrors.isPermanent(own)).isFalse();
    }

    @Test
    void aServerThatRequiresPrimaryKeysIsPermanentAndNamed() {
        String e = "ERROR 3750 (HY000) at line 40: Unable to create or change a table without a primary key, when the system "
                + "variable 'sql_require_primary_key' is set. Add a primary key to the table or unset this variable to avoid "
                + "this message. Note that tables without a primary key can cause performance problems in row-based "
                + "replication, so please consult your DBA before changing this setting.";
        assertThat(MySqlErrors.isPermanent(e)).isTrue();
        assertThat(SettingHints.of(e)).contains("sql_require_primary_key");
        assertThat(MySqlErrors.isPermanent("ERROR 1173 (42000) at line 29: This table type requires a primary key")).isTrue();
    }

    @Test
    void aSuperReadOnlyTargetIsNamed() {
        assertThat(SettingHints.of("ERROR 1290 (HY000) at line 12: The MySQL server is running with the --super-read-only "
                + "option so it cannot execute this statement")).contains("read-only").contains("restore into the primary");
        assertThat(SettingHints.of("ERROR 1290 (HY000): The MySQL server is running with the --secure-file-priv option so "
                + "it cannot execute this statement")).isEmpty();
    }

    /**
     * mariadb-dump's words (seen: net_write_timeout = 3, a store limited to 64 KiB/s) when the server gave up writing rows
     * to a dump held up by its store: the hint names net_write_timeout; a retry stays possible (it may have been a blip).
     * The same words come when the server was stopped or the connection killed (seen: KILL, kill -9 of mariadbd), so the
     * hint names those first instead of sending the on-call to net_write_timeout alone.
     */
    @Test
    void aConnectionLostWhileDumpingRowsNamesNetWriteTimeout() {
        String e = "mariadb-dump: Error 2013: Lost connection to server during query when dumping table `big` at row: 14151\n";
        assertThat(SettingHints.of(e)).contains("net_write_timeout").contains("SET GLOBAL net_write_timeout = 600")
                .contains("it was stopped or restarted").contains("the connection was killed (KILL)");
        assertThat(MySqlErrors.isPermanent(e)).isFalse();
        assertThat(SettingHints.of("ERROR 2013 (HY000): Lost connection to server at 'handshake: reading initial "
                + "communication packet', system error: 104")).isEmpty();
    }

    /**
     * A server whose max_connections are all taken (seen: max_connections = 10 held by another account): the client's
     * line said nothing of the setting nor of what to do; a retry stays possible (a connection may be freed).
     */
    @Test
    void aServerOutOfConnectionsNamesMaxConnectionsAndStaysRetryable() {
        String e = "ERROR 1040 (08004): Too many connections\n";
        assertThat(SettingHints.of(e)).contains("max_connections").contains("SHOW PROCESSLIST")
                .contains("SET GLOBAL max_connections");
        assertThat(MySqlErrors.isPermanent(e)).isFalse();
        assertThat(SettingHints.of("mariadb-dump: Got error: 1040: \"Too many connections\" when trying to connect\n"))
                .contains("max_connections");
    }

    /**
     * A restore into a MariaDB whose datadir filled up (a real MariaDB on an 80 MiB tmpfs, its redo log elsewhere): the
     * client said "The table 't' is full" alone, which reads as a limit of the table, not the server's disk.
     */
    @Test
    void aTableThatIsFullIsSaidAsTheServersDiskMostLikely() {
        String e = "ERROR 1114 (HY000) at line 3987: The table 't' is full\n";
        assertThat(SettingHints.of(e)).startsWith(" — the server's disk is most likely full:").contains("datadir")
                .contains("max_heap_table_size").contains("then run it again");
        assertThat(SettingHints.of("ERROR 3 (HY000) at line 12: Error writing file './shop/t.frm' (Errcode: 28 \"No space "
                + "left on device\")\n")).startsWith(" — the server's disk is full:");
        assertThat(SettingHints.of("ERROR 1146 (42S02) at line 1: Table 'shop.t' doesn't exist\n")).isEmpty();
    }
}
