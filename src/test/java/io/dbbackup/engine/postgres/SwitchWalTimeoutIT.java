package io.dbbackup.engine.postgres;

import io.dbbackup.spi.Engine;
import io.dbbackup.testkit.PostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The queries of {@code switchWal} (the WAL check after a physical base backup) ran without {@code statement_timeout}: a
 * query the server did not finish was only given up by killing psql, the server's backend went on running it, and the
 * note said "no WAL record could be written" without a word of a time-out. A real PostgreSQL 15 whose role resolves
 * {@code txid_current()} to a function that sleeps an hour (its search_path puts a schema before pg_catalog).
 */
class SwitchWalTimeoutIT {
    @TempDir
    Path dir;

    @Test
    void aQueryTheServerDoesNotFinishIsCancelledThereAndNamed() throws Exception {
        try (PostgresServer pg = PostgresServer.start(PostgresServer.DEFAULT_VERSION,
                Map.of("archive_mode", "on", "archive_command", "/bin/true"), Map.of())) {
            pg.execute("postgres", "create schema hang; create function hang.txid_current() returns bigint language sql "
                    + "as $$ select pg_sleep(3600); select 1::bigint $$; alter role postgres set search_path = hang, pg_catalog");
            PgTestEngines.passwordFile(pg, dir);
            Engine engine = PgTestEngines.fromYaml(dir, Map.of(), "datasources:\n" + PhysicalCluster.datasource(pg)
                    .replace("pg.password", dir.resolve("pg.password").toString()));
            ((PhysicalEngine) engine).queryTimeout = Duration.ofSeconds(3);

            long start = System.nanoTime();
            Engine.WalSwitch sw = engine.switchWal(PgTestEngines.context(dir));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(sw.segment()).isEmpty();
            assertThat(sw.note()).startsWith("not checked: 'select txid_current()' on database postgres of ")
                    .contains("timed out after 3s");
            assertThat(took).as("bounded").isLessThan(Duration.ofSeconds(15));
            Thread.sleep(500);
            assertThat(pg.queryOne("postgres", "select count(*) from pg_stat_activity where query = 'select txid_current()'"))
                    .as("the server's backend no longer runs it").isEqualTo("0");
        }
    }
}
