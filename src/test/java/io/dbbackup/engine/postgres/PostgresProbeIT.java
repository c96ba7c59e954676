package io.dbbackup.engine.postgres;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.DumpFormat;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.spi.RestoreOptions;
import io.dbbackup.spi.Engine;
import io.dbbackup.core.Log;
import io.dbbackup.testkit.OptionsRefusingPooler;
import io.dbbackup.testkit.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static io.dbbackup.engine.postgres.PgTestEngines.context;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A role that connects but whose queries fail or are cut short (a managed server's role with a 1ms
 * {@code statement_timeout}, a catalog it may not read): said as such, not as a failed connection, and no query of
 * ours stands between pg_dump and the backup.
 */
class PostgresProbeIT {
    static PostgresServer pg;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() {
        pg = PostgresServer.start();
        pg.execute("postgres", "create role prober login createdb password 'prober-pw'");
        pg.execute("postgres", "create database probe owner prober");
        pg.execute("postgres", "create database closed owner prober");
        pg.execute("probe", "set role prober; create table t as select g as id from generate_series(1, 100) g");
        // the probe query denied, the target check's catalog denied
        pg.execute("probe", "revoke execute on function pg_catalog.current_setting(text) from public");
        pg.execute("closed", "revoke select on pg_catalog.pg_largeobject_metadata from public");
    }

    @AfterAll
    static void stopServer() {
        if (pg != null) {
            pg.close();
        }
    }

    private Engine engine(String database, String... extra) throws Exception {
        return engine(pg.port(), database, extra);
    }

    private Engine engine(int port, String database, String... extra) throws Exception {
        Path pw = dir.resolve("prober.pw");
        Files.writeString(pw, "prober-pw\n");
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
        return PgTestEngines.fromYaml(dir, Map.of(), """
                datasources:
                  pg:
                    engine: postgres
                    host: 127.0.0.1
                    port: %d
                    user: prober
                    password_file: %s
                    database: %s
                %s""".formatted(port, pw, database, String.join("\n", extra).indent(4)));
    }

    @Test
    void aRoleThatMayNotReadTheServerSettingsStillBacksUp() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        var info = engine("probe").dump(out, context(dir));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("CREATE TABLE public.t");
        assertThat(info.facts().get("server_version")).startsWith("15.");
        assertThat(info.facts().get("server_version_num")).startsWith("150");
    }

    @Test
    void aRoleStatementTimeoutDoesNotBreakTheBackup() throws Exception {
        pg.execute("postgres", "alter role prober set statement_timeout = '1ms'");
        try {
            for (String format : List.of("plain", "custom")) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                engine("probe", "format: " + format).dump(out, context(dir));
                Engine copy = engine("copy_" + format, "format: " + format);
                assertThat(copy.inspectTarget(context(dir)).exists()).isFalse();
                copy.restore(new ByteArrayInputStream(out.toByteArray()), format.equals("plain") ? DumpFormat.SQL : DumpFormat.DUMP,
                        new RestoreOptions(false), context(dir));
                assertThat(copy.inspectTarget(context(dir)).objects()).isEqualTo(1);
                assertThat(pg.queryOne("copy_" + format, "select count(*) from t")).isEqualTo("100");
            }
        } finally {
            pg.execute("postgres", "alter role prober reset statement_timeout");
        }
    }

    @Test
    void aQueryThatFailsAfterConnectingIsNotCalledAFailedConnection() throws Exception {
        assertThatThrownBy(() -> engine("closed").inspectTarget(context(dir)))
                .isInstanceOfSatisfying(DbBackupException.class, e -> {
                    assertThat(e.status()).isEqualTo(ExitStatus.SYSTEM_ERROR);
                    assertThat(e.getMessage()).doesNotContain("cannot connect").doesNotContain("\n")
                            .contains("connected to PostgreSQL prober@127.0.0.1:" + pg.port() + "/closed")
                            .contains("permission denied for table pg_largeobject_metadata");
                    assertThat(e.retryable()).as("retryable").isFalse();
                });
    }

    /**
     * PgBouncer (before 1.20, or with a setting it does not track) refuses a session whose start-up carries
     * {@code options}, which the client programs are started with to set the role's timeouts aside: a backup and a
     * restore through such a pooler work as they did before those settings, with one warning that they are left out.
     */
    @Test
    void aPoolerThatRefusesTheSessionSettingsStillBacksUpAndRestores() throws Exception {
        StringWriter logged = new StringWriter();
        Log before = Log.get();
        Log.set(new Log(new PrintWriter(logged, true), Log.Format.TEXT, Log.Level.INFO, Clock.systemUTC()));
        try (OptionsRefusingPooler pooler = new OptionsRefusingPooler(pg.port())) {
            for (String format : List.of("plain", "custom")) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                engine(pooler.port(), "probe", "format: " + format).dump(out, context(dir));
                assertThat(out.toString(StandardCharsets.ISO_8859_1)).contains("public");
                Engine copy = engine(pooler.port(), "pooled_" + format, "format: " + format);
                copy.restore(new ByteArrayInputStream(out.toByteArray()), format.equals("plain") ? DumpFormat.SQL : DumpFormat.DUMP,
                        new RestoreOptions(false), context(dir));
                assertThat(pg.queryOne("pooled_" + format, "select count(*) from t")).isEqualTo("100");
            }
            assertThat(pooler.refused()).as("sessions refused for their options").isPositive();
            assertThat(pooler.relayed()).as("sessions relayed").isPositive();
        } finally {
            Log.set(before);
        }
        assertThat(logged.toString()).contains("unsupported startup parameter").contains("statement_timeout");
    }
}
