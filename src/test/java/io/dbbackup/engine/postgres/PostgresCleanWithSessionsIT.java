package io.dbbackup.engine.postgres;

import io.dbbackup.cli.Main;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code restore --clean} into a database other sessions are connected to, as on the day it is needed: the application's
 * pool still holds its connections (idle, after reading the tables), one session keeps a temporary table, one a
 * temporary view on a table the clean step drops, one listens on a channel, one sits in a transaction that read no
 * table. None of them holds a lock on what the clean step drops, so the restore neither waits nor fails: it completes
 * in bounded time (exit 0, no lock-wait warning), the backup's rows in place, every session still connected (none is
 * ended for it). A session that does hold a lock (a transaction that read a table) is {@link PostgresLockWaitIT}'s case.
 */
class PostgresCleanWithSessionsIT {
    static PostgresServer pg;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() {
        pg = PostgresServer.start();
    }

    @AfterAll
    static void stopServer() {
        if (pg != null) {
            pg.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "custom"})
    void aCleanRestoreWithTheApplicationStillConnectedCompletesAndLeavesItsSessions(String format) throws Exception {
        String db = "sessions_" + format;
        pg.createDatabase(db);
        pg.execute(db, "create table t (id int primary key); insert into t values (1)");
        pg.writePasswordFile(dir.resolve("pg.password"));
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app:
                    engine: postgres
                    host: 127.0.0.1
                    port: %d
                    user: postgres
                    password_file: pg.password
                    database: %s
                    format: %s
                stores:
                  local: {type: local, path: store}
                jobs:
                  app: {datasource: app, store: local}
                """.formatted(pg.port(), db, format));
        Files.setPosixFilePermissions(dir.resolve("config.yaml"), PosixFilePermissions.fromString("rw-------"));
        Cli.Result b = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "app");
        assertThat(b.exit()).as(b.toString()).isZero();
        pg.execute(db, "insert into t values (2)");

        List<Connection> sessions = new ArrayList<>();
        try {
            for (String sql : List.of("select count(*) from t", "select count(*) from t", "select count(*) from t",
                    "create temp table scratch as select * from t", "create temp view recent as select * from t",
                    "listen orders_changed")) {
                Connection c = pg.connect(db);
                sessions.add(c);
                try (Statement st = c.createStatement()) {
                    st.execute("set application_name = 'shop-web'");
                    st.execute(sql);
                }
            }
            Connection inTransaction = pg.connect(db);
            sessions.add(inTransaction);
            try (Statement st = inTransaction.createStatement()) {
                st.execute("set application_name = 'shop-report'");
                inTransaction.setAutoCommit(false);
                st.execute("select 1"); // idle in transaction, no lock on any table
            }
            assertThat(pg.queryOne(db, "select count(*) from pg_stat_activity where datname = current_database()"
                    + " and pid <> pg_backend_pid() and application_name like 'shop-%'")).isEqualTo("7");

            StringWriter err = new StringWriter();
            CompletableFuture<Integer> restore = CompletableFuture.supplyAsync(() -> new Main(
                    new HashMap<>(System.getenv()), Clock.systemUTC(), Cli.noTerminal(), dir).run(
                    new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                    "-c", "config.yaml", "restore", "app", "--clean", "--auto-confirm", "--no-progress"));
            int exit = restore.get(120, TimeUnit.SECONDS); // bounded: it never waits on these sessions
            String log = err.toString();
            assertThat(exit).as(log).isZero();
            assertThat(log).doesNotContain("waits for a lock");
            assertThat(pg.queryOne(db, "select string_agg(id::text, ',') from t")).isEqualTo("1");
            for (Connection c : sessions) { // none was ended for the restore
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select 1")) {
                    assertThat(rs.next()).isTrue();
                }
            }
        } finally {
            for (Connection c : sessions) {
                c.close();
            }
        }
    }
}
