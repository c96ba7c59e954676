package io.dbbackup.engine.mysql;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.MariaDbServer;
import io.dbbackup.testkit.Shell;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MySQL/MariaDB point-in-time recovery as the README's section gives it, against a real MariaDB writing a binary log:
 * the backup records where the binary log stood at its snapshot, {@code show} prints it, and after a restore the real
 * {@code mariadb-binlog} from there to a time, piped into the real {@code mariadb} client, brings back what was written
 * after the backup and before a mistake. A server without a binary log backs up as before, with no position.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MySqlPointInTimeIT extends MySqlCliFixture {
    private static final Pattern BINLOG_LINE = Pattern.compile(
            "(?m)^binlog {6}(\\S+):(\\d+) \\(gtid (\\d+-\\d+-\\d+)\\): replay from here \\(mariadb-binlog --start-position=(\\d+)\\)$");

    @BeforeAll
    @Override
    void startMariaDb() {
        server = MariaDbServer.start("--log-bin=binlog");
    }

    @Test
    void rowsWrittenAfterTheBackupComeBackByReplayingTheBinaryLogFromThePositionShowPrints() throws Exception {
        freshShop("CREATE TABLE t(id int primary key, note varchar(20)); INSERT INTO t VALUES (1, 'backed up');");
        server.rootSql("DROP DATABASE IF EXISTS other; CREATE DATABASE other; CREATE TABLE other.o(id int primary key);");
        cli = configure("");
        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "shop");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        assertThat(backup.err()).doesNotContain("binary log position not recorded");

        Cli.Result show = cli.run("-c", "config.yaml", "show", "shop");
        assertThat(show.exit()).as(show.toString()).isZero();
        Matcher m = BINLOG_LINE.matcher(show.out());
        assertThat(m.find()).as(show.out()).isTrue();
        String file = m.group(1);
        String position = m.group(2);
        assertThat(file).isEqualTo("binlog.000001");
        assertThat(m.group(4)).isEqualTo(position);
        assertThat(show.out()).contains("binlog_position: " + position); // the facts block, as before
        Cli.Result json = cli.run("-c", "config.yaml", "show", "shop", "--json");
        assertThat(json.out()).contains("\"binlog_file\": \"binlog.000001\"", "\"binlog_position\": \"" + position + "\"",
                "\"binlog_gtid\": \"" + m.group(3) + "\"");

        server.rootSql("shop", "INSERT INTO t VALUES (2, 'after');\nINSERT INTO t VALUES (3, 'after');");
        server.rootSql("other", "INSERT INTO o VALUES (1);"); // another database, not lost: not to be replayed
        Thread.sleep(1100);
        String stop = server.rootSql("SELECT NOW()").strip(); // after the inserts' second, at or before the mistake's
        Thread.sleep(1100);
        server.rootSql("shop", "DROP TABLE t;");

        Cli.Result restore = cli.run("-c", "config.yaml", "restore", "shop", "--auto-confirm");
        assertThat(restore.exit()).as(restore.toString()).isZero();
        assertThat(rows("shop", "SELECT id FROM t ORDER BY id")).isEqualTo("1");
        // the README's step as it is written there: from the position show printed to the noted time, only the restored
        // database, into the client; its example values replaced by this test's
        Shell.sh(dir, readmeReplay().replace("4194", position).replace("2026-12-07 14:04:59", stop)
                .replace("binlog.000001 binlog.000002", server.socket().getParent().resolve("data").resolve(file).toString())
                .replace("mariadb -u root -p", "mariadb --no-defaults --socket=" + server.socket() + " -uroot"));

        assertThat(rows("shop", "SELECT id, note FROM t ORDER BY id")).isEqualTo("1\tbacked up\n2\tafter\n3\tafter");
        assertThat(rows("other", "SELECT COUNT(*) FROM o")).isEqualTo("1");
    }

    @Test
    void anAccountWithoutReloadOrBinlogMonitorStillGetsThePositionFromMariaDbsSnapshot() throws Exception {
        freshShop("CREATE TABLE t(id int primary key); INSERT INTO t VALUES (1);");
        server.rootSql("DROP USER IF EXISTS lp@'127.0.0.1'; CREATE USER lp@'127.0.0.1' IDENTIFIED BY 'lp-pw';\n"
                + "GRANT SELECT, SHOW VIEW, TRIGGER, LOCK TABLES, EVENT ON shop.* TO lp@'127.0.0.1';\n"
                + "GRANT SELECT ON mysql.proc TO lp@'127.0.0.1';");
        cli = configure("", "  lp:\n    <<: *db\n    user: lp\n    password_env: LP_PW\n",
                "  lpjob: {datasource: lp, store: local, prefix: lp}\n").env("LP_PW", "lp-pw");
        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "lpjob");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        assertThat(backup.err()).doesNotContain("binary log");

        Cli.Result show = cli.run("-c", "config.yaml", "show", "lpjob");
        assertThat(BINLOG_LINE.matcher(show.out()).find()).as(show.out()).isTrue();
    }

    /**
     * A sync dumps as a backup does, with {@code --master-data=2} from a server writing a binary log: it costs the source no
     * lock and no privilege (the account lacks RELOAD and BINLOG MONITOR), and its comment changes nothing on the target.
     */
    @Test
    void aSyncFromAServerWritingABinaryLogNeedsNoMorePrivilegeAndLoadsAsBefore() throws Exception {
        freshShop("CREATE TABLE t(id int primary key); INSERT INTO t VALUES (1), (2);");
        server.rootSql("DROP DATABASE IF EXISTS scratch; CREATE DATABASE scratch;\n"
                + "DROP USER IF EXISTS lp@'127.0.0.1'; CREATE USER lp@'127.0.0.1' IDENTIFIED BY 'lp-pw';\n"
                + "GRANT SELECT, SHOW VIEW, TRIGGER, LOCK TABLES, EVENT ON shop.* TO lp@'127.0.0.1';\n"
                + "GRANT SELECT ON mysql.proc TO lp@'127.0.0.1';");
        cli = configure("", "  lp:\n    <<: *db\n    user: lp\n    password_env: LP_PW\n", "").env("LP_PW", "lp-pw");
        Cli.Result sync = cli.run("-c", "config.yaml", "sync", "lp", "scratch", "--auto-confirm", "--clean");
        assertThat(sync.exit()).as(sync.toString()).isZero();
        assertThat(rows("scratch", "SELECT id FROM t ORDER BY id")).isEqualTo("1\n2");
        assertThat(rows(null, "SHOW SLAVE STATUS")).isEmpty(); // the CHANGE MASTER comment ran nowhere
    }

    @Test
    void aServerWithoutABinaryLogBacksUpAsBeforeWithNoPosition() throws Exception {
        MariaDbServer logged = server;
        try (MariaDbServer plain = MariaDbServer.start()) {
            server = plain;
            assertThat(rows(null, "SELECT @@log_bin")).isEqualTo("0");
            freshShop("CREATE TABLE t(id int primary key); INSERT INTO t VALUES (1);");
            cli = configure("");
            Cli.Result backup = cli.run("-c", "config.yaml", "backup", "shop");
            assertThat(backup.exit()).as(backup.toString()).isZero();
            assertThat(backup.err()).doesNotContain("binary log");

            Cli.Result show = cli.run("-c", "config.yaml", "show", "shop");
            assertThat(show.exit()).as(show.toString()).isZero();
            assertThat(show.out()).doesNotContain("binlog").contains("server_version: ");
        } finally {
            server = logged;
        }
    }

    @Test
    void checkSaysTheBackupWillRecordThePositionOrThatExtraArgsTurnItOff() throws Exception {
        freshShop("CREATE TABLE t(id int primary key);");
        cli = configure("");
        Cli.Result check = cli.run("-c", "config.yaml", "check", "shop");
        assertThat(check.exit()).as(check.toString()).isZero();
        assertThat(check.out()).contains("ok     shop binlog position: recorded: mariadb-dump reads it from its consistent "
                + "snapshot (--master-data=2: no lock, no privilege)");
        Cli.Result json = cli.run("-c", "config.yaml", "check", "shop", "--json");
        assertThat(json.out()).containsPattern("\"check\": \"binlog position\",\\s*\"ok\": true,\\s*\"exit_code\": 0,"
                + "\\s*\"detail\": \"recorded: mariadb-dump");

        cli = configure("    extra_args: [--master-data=0]\n", "", "");
        Cli.Result off = cli.run("-c", "config.yaml", "check", "shop");
        assertThat(off.exit()).as(off.toString()).isZero();
        assertThat(off.out()).contains("ok     shop binlog position: not recorded: extra_args turn it off (--master-data=0)");
    }

    @Test
    void checkOfAServerWithoutABinaryLogSaysThereIsNoPositionAndHowToHaveOne() throws Exception {
        MariaDbServer logged = server;
        try (MariaDbServer plain = MariaDbServer.start()) {
            server = plain;
            freshShop("CREATE TABLE t(id int primary key);");
            cli = configure("");
            Cli.Result check = cli.run("-c", "config.yaml", "check", "shop");
            assertThat(check.exit()).as(check.toString()).isZero(); // a note, not a failure
            assertThat(check.out()).contains("ok     shop binlog position: not recorded: the server writes no binary log "
                    + "(log_bin is OFF)").contains("start the server with log_bin");

            // asked for anyway, the position fails the backup, and so the check, before the night
            cli = configure("    extra_args: [--master-data=2]\n", "", "");
            Cli.Result backup = cli.run("-c", "config.yaml", "backup", "shop");
            assertThat(backup.exit()).as(backup.toString()).isEqualTo(2);
            assertThat(backup.out() + backup.err()).contains("You are not using binary logging");
            Cli.Result asked = cli.run("-c", "config.yaml", "check", "shop");
            assertThat(asked.exit()).as(asked.toString()).isEqualTo(2);
            assertThat(asked.out()).contains("FAILED shop binlog position: extra_args ask for it (--master-data=2) but the "
                    + "server writes no binary log (log_bin is OFF): mariadb-dump stops");
        } finally {
            server = logged;
        }
    }

    /** The replay command of the README's "MySQL/MariaDB point-in-time recovery" section, its lines joined. */
    private static String readmeReplay() throws java.io.IOException {
        String readme = Files.readString(Path.of(System.getProperty("project.basedir", ".")).resolve("README.md"));
        String section = readme.substring(readme.indexOf("### MySQL/MariaDB point-in-time recovery"));
        String block = section.substring(section.indexOf("```sh\n") + 6, section.indexOf("```", section.indexOf("```sh\n") + 6));
        String command = block.strip().replaceAll("\\\\\n\\s*", "");
        assertThat(command).startsWith("mariadb-binlog --start-position=4194 --stop-datetime='2026-12-07 14:04:59' --database=shop")
                .endsWith("binlog.000001 binlog.000002 | mariadb -u root -p");
        return command;
    }
}
