package io.dbbackup.engine.postgres;

import io.dbbackup.spi.Engine;
import io.dbbackup.spi.RestoreOptions;
import io.dbbackup.testkit.PostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.dbbackup.engine.postgres.PgTestEngines.context;
import static io.dbbackup.engine.postgres.PgTestEngines.engine;
import static org.assertj.core.api.Assertions.assertThat;

/** A backup taken while pgbench writes restores to one consistent snapshot. */
class PostgresPgbenchIT {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"plain", "custom"})
    void backupDuringWritesRestoresToAConsistentSnapshot(String format) throws Exception {
        try (PostgresServer pg = PostgresServer.start()) {
            pg.createDatabase("bench");
            pg.runTool("bench", "pgbench", "-i", "-s", "2", "-q", "bench");
            Process bench = pg.tool("bench", "pgbench", "-n", "-c", "4", "-T", "8", "bench")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("pgbench.log").toFile()).start();
            try {
                waitForHistory(pg, 200);
                Engine source = engine(pg, dir, "bench", "format: " + format);
                Path artifact = dir.resolve("bench." + source.format().extension());
                try (OutputStream out = Files.newOutputStream(artifact)) {
                    source.dump(out, context(dir));
                }
                assertThat(bench.isAlive()).as("pgbench was still writing when the dump ended").isTrue();
                assertThat(bench.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(bench.exitValue()).as(Files.readString(dir.resolve("pgbench.log"))).isZero();

                Engine target = engine(pg, dir, "bench_restored", "format: " + format);
                try (InputStream in = Files.newInputStream(artifact)) {
                    target.restore(in, source.format(), new RestoreOptions(false), context(dir));
                }
                long restoredHistory = Long.parseLong(pg.queryOne("bench_restored", "select count(*) from pgbench_history"));
                long finalHistory = Long.parseLong(pg.queryOne("bench", "select count(*) from pgbench_history"));
                assertThat(restoredHistory).isGreaterThanOrEqualTo(200).isLessThan(finalHistory);
                // every pgbench transaction adds its delta to one account, teller, branch and a history row
                String sums = pg.queryOne("bench_restored", """
                        select (select sum(abalance) from pgbench_accounts) || ',' || (select sum(tbalance) from pgbench_tellers)
                            || ',' || (select sum(bbalance) from pgbench_branches) || ',' || (select sum(delta) from pgbench_history)""");
                String[] s = sums.split(",");
                assertThat(s[0]).as("accounts = tellers = branches = history: " + sums).isEqualTo(s[1]).isEqualTo(s[2]).isEqualTo(s[3]);
                assertThat(pg.queryOne("bench_restored", "select count(*) from pgbench_accounts")).isEqualTo("200000");
            } finally {
                bench.destroyForcibly();
            }
        }
    }

    private static void waitForHistory(PostgresServer pg, int rows) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            if (Long.parseLong(pg.queryOne("bench", "select count(*) from pgbench_history")) >= rows) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("pgbench wrote nothing");
    }
}
