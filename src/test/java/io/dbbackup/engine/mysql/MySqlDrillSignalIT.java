package io.dbbackup.engine.mysql;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Log;
import io.dbbackup.core.Secret;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.DbbackupJar;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A MySQL/MariaDB drill whose check is stopped (SIGTERM, the scratch datasource's timeout): the killed client's server
 * session may still run the check's query and hold the metadata locks of the copy's tables, which {@code DROP DATABASE}
 * has no FORCE to break. The drill ends those sessions and drops the scratch database anyway, on time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MySqlDrillSignalIT extends MySqlCliFixture {
    @BeforeAll
    void start() {
        server.createDatabase("sig_src");
        server.load("sig_src", "CREATE TABLE t (id INT PRIMARY KEY) ENGINE=InnoDB;\nINSERT INTO t VALUES (1);\n");
        // an account that may do all in the scratch databases, and nothing more (no PROCESS, no CONNECTION ADMIN)
        for (String host : List.of("127.0.0.1", "localhost")) {
            server.rootSql("CREATE USER 'driller'@'" + host + "' IDENTIFIED BY " + Sql.literal(server.password()) + ";\n"
                    + "GRANT ALL ON `sig\\_%`.* TO 'driller'@'" + host + "';");
        }
    }

    @BeforeEach
    void backup() throws Exception {
        config("sig_copy", "", "SELECT SLEEP(60) IS NOT NULL FROM t");
        Cli.Result backup = newCli().run("-c", "config.yaml", "backup", "shop");
        assertThat(backup.exit()).as(backup.toString()).isZero();
    }

    /** A scratch datasource {@code copy} on database {@code scratch} ({@code copyExtra} added to it), the job with {@code check}. */
    void config(String scratch, String copyExtra, String check) throws IOException {
        configureSocketCopy("mariadb", "database: sig_src", "copy", "database: " + scratch + "\n" + copyExtra, "shop",
                "prefix: prod\ndrill_checks: [\"" + check + "\"]");
    }

    boolean exists(String database) {
        return !server.rootSql("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '" + database + "'").isBlank();
    }

    /**
     * SIGTERM while the check runs: its session is ended, the scratch database dropped within the grace, exit 143. The
     * check is a long computation over a table of the copy (holding its metadata lock); unlike SLEEP, which sees its
     * client gone within 5 s, it would run on for hours after its client was killed.
     */
    @Test
    void sigtermDuringADrillCheckDropsTheScratchDatabaseAndExits143() throws Exception {
        config("sig_copy", "", "SELECT BENCHMARK(10000000000, MD5(id)) = 0 FROM t");
        Process p = startJar("drill", "shop", "--to", "copy");
        try {
            awaitCheckRunning(p, "sig_copy");
            long t0 = System.nanoTime();
            new ProcessBuilder("kill", "-TERM", String.valueOf(p.pid())).inheritIO().start().waitFor();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("exits after SIGTERM").isTrue();
            String err = Files.readString(dir.resolve("err.txt"));
            System.out.println("---- exit " + p.exitValue() + "\n" + Files.readString(dir.resolve("out.txt")) + err);
            assertThat(p.exitValue()).isEqualTo(143);
            assertThat((System.nanoTime() - t0) / 1_000_000).as("well within the 15 s grace").isLessThan(12_000);
            assertThat(exists("sig_copy")).as("the scratch database is dropped").isFalse();
            assertThat(err).doesNotContain("cannot remove what the failed drill left");
            config("sig_copy", "", "SELECT COUNT(*) FROM t");
            Cli.Result next = newCli().run("-c", "config.yaml", "drill", "shop", "--to", "copy");
            assertThat(next.exit()).as("the next drill finds the scratch empty: " + next).isZero();
        } finally {
            p.destroyForcibly();
            killChecks();
            server.rootSql("DROP DATABASE IF EXISTS sig_copy");
        }
    }

    /** A check past the scratch datasource's timeout: exit 2 (not the backup's fault), and no scratch is left. */
    @Test
    void aDrillCheckPastItsTimeoutLeavesNoScratchAndExits2() throws Exception {
        config("sig_timed", "timeout: 2s", "SELECT SLEEP(60) IS NOT NULL FROM t");
        try {
            long t0 = System.nanoTime();
            Cli.Result r = newCli().run("-c", "config.yaml", "drill", "shop", "--to", "copy");
            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat((System.nanoTime() - t0) / 1_000_000).as("not the check's 60 s").isLessThan(30_000);
            assertThat(r.err()).contains("ran past the datasource's timeout", "not the backup's fault")
                    .doesNotContain("cannot remove what the failed drill left");
            assertThat(exists("sig_timed")).as("the scratch database is dropped").isFalse();
        } finally {
            killChecks();
            server.rootSql("DROP DATABASE IF EXISTS sig_timed");
        }
    }

    /**
     * An account that may not end other accounts' sessions (no PROCESS, no CONNECTION ADMIN): a session of another
     * account holding a table of the scratch keeps it, and the drop gives up in bounded time with one line naming why,
     * instead of waiting for the lock (lock_wait_timeout: a year by default).
     */
    @Test
    void aScratchHeldByAnotherAccountsSessionFailsTheDropInBoundedTimeWithAClearLine() throws Exception {
        server.rootSql("CREATE DATABASE sig_held;\nCREATE TABLE sig_held.t (id INT PRIMARY KEY) ENGINE=InnoDB;");
        MySqlEngine engine = new MySqlEngine(new MySqlSettings(MySqlFlavor.MARIADB, "127.0.0.1", server.port(), null, "driller",
                new Secret(server.password(), "test"), Scope.one("sig_held"), "sig_held", Duration.ofSeconds(20), null, Tls.none(),
                List.of(), List.of()));
        StringWriter log = new StringWriter();
        OperationContext ctx = new OperationContext(new Cancellation(), new Log(new PrintWriter(log, true), Log.Format.TEXT,
                Log.Level.DEBUG, Clock.systemUTC()), Files.createDirectories(dir.resolve("scratch")));
        try (Connection other = server.connect("sig_held"); Statement st = other.createStatement()) {
            other.setAutoCommit(false);
            st.executeQuery("SELECT * FROM t").close(); // holds t's metadata lock until the transaction ends
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> engine.dropTarget(ctx)).isInstanceOf(DbBackupException.class)
                    .hasMessageContaining("cannot drop database sig_held on 127.0.0.1:" + server.port())
                    .hasMessageContaining("still in use by a session this account cannot end");
            assertThat((System.nanoTime() - t0) / 1_000_000).as("bounded, not the server's lock_wait_timeout").isLessThan(15_000);
            assertThat(exists("sig_held")).isTrue();
            other.rollback();
        }
        engine.dropTarget(ctx);
        assertThat(exists("sig_held")).as("free again: dropped").isFalse();
    }

    /** Waits until the drill's check runs {@code BENCHMARK} in {@code database}. */
    private void awaitCheckRunning(Process p, String database) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (server.rootSql("SELECT ID FROM information_schema.PROCESSLIST WHERE DB = '" + database
                + "' AND INFO LIKE 'SELECT BENCHMARK%'").isBlank()) {
            assertThat(p.isAlive()).as("the drill is running: " + Files.readString(dir.resolve("err.txt"))).isTrue();
            assertThat(System.nanoTime()).as("the drill's check starts").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** Ends whatever check session a failed test left running (so the next test's drop is not held up). */
    private void killChecks() {
        for (String id : server.rootSql("SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP%' OR INFO LIKE 'SELECT BENCHMARK%'")
                .lines().filter(l -> !l.isBlank()).toList()) {
            try {
                server.rootSql("KILL " + id.strip());
            } catch (IllegalStateException gone) {
                // ended meanwhile
            }
        }
    }

    private Process startJar(String... args) throws IOException {
        return DbbackupJar.start(dir, Map.of("DB_PW", server.password()), args);
    }
}
