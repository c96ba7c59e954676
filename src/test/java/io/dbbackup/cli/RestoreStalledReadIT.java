package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.DbbackupJar;
import io.dbbackup.testkit.FaultyStoreProvider;
import io.dbbackup.testkit.PostgresServer;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A restore whose read of the backup stalls (a store that stops sending mid-download, {@code stall_read_after}: the read
 * waits until its stream is closed or for the store's stall timeout of 60 s) ends within seconds when the run is stopped
 * (SIGTERM) or the engine's tool dies: the stalled read is cut off, not waited for by the close of the decoder (zstd's
 * close waits on its read). Both runs waited out the stall timeout before.
 */
class RestoreStalledReadIT {
    @TempDir
    Path dir;

    @Test
    void sigtermWhileASqliteRestoresReadStallsExitsWithinSeconds() throws Exception {
        SqliteFixture.create(dir.resolve("shop.db"), 20_000);
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  shop: {engine: sqlite, path: shop.db, compression: zstd}
                  scratch: {engine: sqlite, path: restored.db, database: shop}
                stores:
                  s: {type: faulty, path: store, stall_read_after: 20000, fail_read_from: 2}
                jobs:
                  nightly: {datasource: shop, store: s, verify: false}
                """);
        Cli.Result b = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "nightly", "--no-progress");
        assertThat(b.exit()).as(b.toString()).isZero();

        Process p = DbbackupJar.startWithTestEngine(dir, Map.of(), "restore", "nightly", "--to", "scratch", "--auto-confirm",
                "--no-progress");
        try {
            DbbackupJar.Stopped s = DbbackupJar.terminateWhen(p, dir, "the restore's read stalls",
                    () -> Files.exists(dir.resolve("store/.read-stalled")), 1000);
            assertThat(s.exit()).as(s.toString()).isEqualTo(143);
            assertThat(s.ms()).as("exits within seconds of SIGTERM, not after the stall: " + s).isLessThan(6_000);
            assertThat(dir.resolve("restored.db")).as("nothing restored").doesNotExist();
        } finally {
            p.destroyForcibly();
        }
    }

    /** The same for a physical restore into a data directory ({@code restore --pgdata}), whose read goes through a read-ahead. */
    @Test
    void sigtermWhileAPhysicalRestoresReadStallsExitsWithinSeconds() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  cluster: {engine: fake, physical: true, size: 400000, compression: zstd}
                stores:
                  s: {type: faulty, path: store, stall_read_after: 100000}
                jobs:
                  phys: {datasource: cluster, store: s, verify: false}
                """);
        Cli.Result b = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "phys", "--no-progress");
        assertThat(b.exit()).as(b.toString()).isZero();

        Process p = DbbackupJar.startWithTestEngine(dir, Map.of(), "restore", "phys", "--pgdata", dir.resolve("pgdata").toString(),
                "--no-progress");
        try {
            DbbackupJar.Stopped s = DbbackupJar.terminateWhen(p, dir, "the restore's read stalls",
                    () -> Files.exists(dir.resolve("store/.read-stalled")), 1000);
            assertThat(s.exit()).as(s.toString()).isEqualTo(143);
            assertThat(s.ms()).as("exits within seconds of SIGTERM, not after the stall: " + s).isLessThan(6_000);
            assertThat(s.err()).contains("(nothing was left in " + dir.resolve("pgdata") + ")");
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * The same for a physical restore's dry run ({@code --pgdata DIR --dry-run}), which reads the backup to its end: the
     * read is cut off on the signal and the run says it was interrupted. It ran with no operation, so nothing stopped
     * its read: the JVM just died on the signal, without a word.
     */
    @Test
    void sigtermWhileAPhysicalDryRunsReadStallsSaysInterrupted() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  cluster: {engine: fake, physical: true, size: 400000, compression: zstd}
                stores:
                  s: {type: faulty, path: store, stall_read_after: 100000}
                jobs:
                  phys: {datasource: cluster, store: s, verify: false}
                """);
        Cli.Result b = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "phys", "--no-progress");
        assertThat(b.exit()).as(b.toString()).isZero();

        Process p = DbbackupJar.startWithTestEngine(dir, Map.of(), "restore", "phys", "--pgdata", dir.resolve("pgdata").toString(),
                "--dry-run", "--no-progress");
        try {
            DbbackupJar.Stopped s = DbbackupJar.terminateWhen(p, dir, "the dry run's read stalls",
                    () -> Files.exists(dir.resolve("store/.read-stalled")), 1000);
            assertThat(s.exit()).as(s.toString()).isEqualTo(143);
            assertThat(s.ms()).as("exits within seconds of SIGTERM, not after the stall: " + s).isLessThan(6_000);
            assertThat(s.err()).contains("cannot read cluster/cluster-").contains("interrupted (cancelled: signal SIGTERM)")
                    .doesNotContain("SourceReadException", "is corrupt");
            assertThat(dir.resolve("pgdata")).as("nothing restored").doesNotExist();
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * SIGTERM while a PostgreSQL restore's read is stalled, plain (psql) and custom (pg_restore): the read is cut and the
     * tool killed by the same cancellation, and the error line says the signal and the rolled-back transaction, never
     * the cut read's failure (a closed stream), whichever of the two reached the tool's run first; the target as it was.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"plain", "custom"})
    void sigtermWhileAPostgresRestoresReadStallsSaysTheSignal(String format) throws Exception {
        try (PostgresServer pg = PostgresServer.start()) {
            pg.createDatabase("shop");
            pg.createDatabase("scratch");
            pg.execute("shop", "create table t as select g as id, md5(g::text) as v from generate_series(1, 100000) g");
            pg.execute("scratch", "create table kept (id int); insert into kept values (42)");
            pg.writePasswordFile(dir.resolve("pg.password"));
            Files.writeString(dir.resolve("config.yaml"), """
                    datasources:
                      shop: &pg
                        engine: postgres
                        host: 127.0.0.1
                        port: %d
                        user: postgres
                        password_file: pg.password
                        database: shop
                        format: %s
                        compression: zstd
                      scratch:
                        <<: *pg
                        database: scratch
                    stores:
                      s: {type: faulty, path: store, stall_read_after: 300000, fail_read_from: 2}
                    jobs:
                      shop: {datasource: shop, store: s, verify: false}
                    """.formatted(pg.port(), format));
            Cli.Result b = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "shop", "--no-progress");
            assertThat(b.exit()).as(b.toString()).isZero();
            long stored = Files.walk(dir.resolve("store")).filter(f -> f.toString().endsWith(".zst")).findFirst()
                    .orElseThrow().toFile().length();
            assertThat(stored).as("the backup is longer than where its read stalls").isGreaterThan(300_000);

            Process p = DbbackupJar.startWithTestEngine(dir, Map.of(), "restore", "shop", "--to", "scratch", "--auto-confirm",
                    "--no-progress");
            try {
                DbbackupJar.Stopped s = DbbackupJar.terminateWhen(p, dir, "the restore's read stalls",
                        () -> Files.exists(dir.resolve("store/.read-stalled")), 1000);
                assertThat(s.exit()).as(s.toString()).isEqualTo(143);
                assertThat(s.err()).contains("restore of shop/shop-").contains("ran as one transaction and was rolled back: "
                        + "nothing was applied").contains("cancelled: signal SIGTERM")
                        // the target named once, by the lead: not again inside "interrupted (…)"
                        .contains(":" + pg.port() + "/scratch failed: interrupted (ran as one transaction and was rolled back")
                        .doesNotContain("(restore into ")
                        .doesNotContain("SourceReadException", "Stream closed", "was closed", "is corrupt");
            } finally {
                p.destroyForcibly();
            }
            assertThat(pg.queryOne("scratch", "select string_agg(id::text, ',') from kept")).as("the target as it was")
                    .isEqualTo("42");
        }
    }

    /**
     * The same for a MariaDB restore (the {@code mariadb} client fed the dump): the error line says the signal and what the
     * target database holds, never the cut read's failure.
     */
    @Test
    void sigtermWhileAMariadbRestoresReadStallsSaysTheSignal() throws Exception {
        try (io.dbbackup.testkit.MariaDbServer db = io.dbbackup.testkit.MariaDbServer.start()) {
            db.createDatabase("shop");
            db.rootSql("shop", "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(64));"
                    + "INSERT INTO t SELECT seq, MD5(seq) FROM seq_1_to_200000;");
            db.createDatabase("kept");
            Files.writeString(dir.resolve("db.password"), db.password() + "\n");
            Files.setPosixFilePermissions(dir.resolve("db.password"),
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            Files.writeString(dir.resolve("config.yaml"), """
                    datasources:
                      shop: &db {engine: mariadb, host: 127.0.0.1, port: %d, user: %s, password_file: db.password, database: shop, compression: zstd}
                      kept: {<<: *db, database: kept}
                    stores:
                      s: {type: faulty, path: store, stall_read_after: 300000, fail_read_from: 2}
                    jobs:
                      shop: {datasource: shop, store: s, verify: false}
                    """.formatted(db.port(), db.user()));
            Cli.Result b = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "shop", "--no-progress");
            assertThat(b.exit()).as(b.toString()).isZero();

            Process p = DbbackupJar.startWithTestEngine(dir, Map.of(), "restore", "shop", "--to", "kept", "--auto-confirm",
                    "--no-progress");
            try {
                DbbackupJar.Stopped s = DbbackupJar.terminateWhen(p, dir, "the restore's read stalls",
                        () -> Files.exists(dir.resolve("store/.read-stalled")), 1000);
                assertThat(s.exit()).as(s.toString()).isEqualTo(143);
                assertThat(s.err()).contains("mariadb cancelled: signal SIGTERM; database `kept` keeps what loaded before")
                        .doesNotContain("SourceReadException", "Stream closed", "was closed", "is corrupt");
            } finally {
                p.destroyForcibly();
            }
        }
    }

    /**
     * psql dies (killed) while the restore's read is stalled: the failure is said within seconds (ChildProcess's wait for
     * its feeder after the exit, then the read cut off), the transaction rolled back.
     */
    @Test
    void aPsqlThatDiesWhileTheRestoresReadStallsFailsWithinSeconds() throws Exception {
        try (PostgresServer pg = PostgresServer.start()) {
            pg.createDatabase("shop");
            pg.createDatabase("scratch");
            pg.execute("shop", "create table t as select g as id, md5(g::text) as v from generate_series(1, 100000) g");
            pg.execute("scratch", "create table kept (id int); insert into kept values (42)");
            pg.writePasswordFile(dir.resolve("pg.password"));
            Files.writeString(dir.resolve("config.yaml"), """
                    datasources:
                      shop: &pg
                        engine: postgres
                        host: 127.0.0.1
                        port: %d
                        user: postgres
                        password_file: pg.password
                        database: shop
                        format: plain
                        compression: zstd
                      scratch:
                        <<: *pg
                        database: scratch
                    stores:
                      s: {type: faulty, path: store, stall_read_after: 300000, fail_read_from: 2}
                    jobs:
                      shop: {datasource: shop, store: s, verify: false}
                    """.formatted(pg.port()));
            Cli cli = new Cli().workingDir(dir);
            Cli.Result b = cli.run("-c", "config.yaml", "backup", "shop", "--no-progress");
            assertThat(b.exit()).as(b.toString()).isZero();

            CompletableFuture<Cli.Result> restore = CompletableFuture.supplyAsync(() -> cli.run("-c", "config.yaml",
                    "restore", "shop", "--to", "scratch", "--auto-confirm", "--no-progress"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(dir.resolve("store/.read-stalled"))) {
                assertThat(System.nanoTime()).as("the restore's read stalls").isLessThan(deadline);
                assertThat(restore).as("still running").isNotDone();
                Thread.sleep(20);
            }
            Thread.sleep(500);
            List<ProcessHandle> psql = ProcessHandle.current().descendants()
                    .filter(h -> h.info().command().orElse("").endsWith("/psql")).toList();
            assertThat(psql).as("the restore's psql").hasSize(1);
            long t0 = System.nanoTime();
            psql.get(0).destroyForcibly();
            Cli.Result r = restore.get(FaultyStoreProvider.STALL_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("---- psql killed in a stalled restore: " + ms + " ms\n" + r);
            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).contains("ran as one transaction and was rolled back: nothing was applied");
            // ChildProcess waits 5 s for its feeder after psql's exit (what the source says then is still said), no more
            assertThat(ms).as("fails within seconds of psql's death, not after the stall: " + r).isLessThan(12_000);
            assertThat(pg.queryOne("scratch", "select string_agg(id::text, ',') from kept")).as("the target as it was")
                    .isEqualTo("42");
        }
    }
}
