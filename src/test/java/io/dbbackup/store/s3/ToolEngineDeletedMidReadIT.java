package io.dbbackup.store.s3;

import io.dbbackup.spi.Store;
import io.dbbackup.store.RemoteStoreCliScenario;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.Descendants;
import io.dbbackup.testkit.MariaDbServer;
import io.dbbackup.testkit.PostgresServer;
import io.dbbackup.testkit.S3ProxyServer;
import io.dbbackup.testkit.SteppingClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code verify --deep} with a tool engine (PostgreSQL: pg_restore --list of a custom dump, the check of a plain script;
 * MariaDB: the check of its SQL script) of a backup on real s3proxy that a prune on another host deletes while it is
 * read ({@link RemoteStoreCliScenario#deletedMidRead}): alone, exit 2 naming the deletion and the byte reached, no tool
 * left running; with {@code --all-backups}, SKIPPED and exit 0, as for SQLite.
 */
class ToolEngineDeletedMidReadIT {
    static S3ProxyServer s3;
    static PostgresServer pg;
    static MariaDbServer maria;

    @TempDir
    Path dir;
    Cli cli;
    String bucket;

    @BeforeAll
    static void start() throws Exception {
        s3 = new S3ProxyServer();
        pg = PostgresServer.start();
        pg.createDatabase("app");
        pg.execute("app", "create table t(id int primary key, v text); "
                + "insert into t select g, md5(g::text) || md5((g * 7)::text) from generate_series(1, 20000) g");
        maria = MariaDbServer.start();
        maria.createDatabase("shop");
        maria.rootSql("shop", "create table t(id int primary key, v text); "
                + "insert into t select seq, concat(md5(seq), md5(seq * 7)) from seq_1_to_20000");
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {maria, pg, s3}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        bucket = "tool-" + UUID.randomUUID().toString().substring(0, 8);
        try (var admin = S3Fixture.admin(s3)) {
            admin.createBucket(b -> b.bucket(bucket));
        }
        pg.writePasswordFile(dir.resolve("pg.password"));
        cli = new Cli().workingDir(dir)
                .clock(new SteppingClock(java.time.Instant.parse("2026-11-20T02:00:00Z"), java.time.Duration.ofHours(7)))
                .env("S3_ACCESS", s3.accessKey()).env("S3_SECRET", s3.secretKey())
                .env("DB_PW", maria.password());
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  pgcustom: {engine: postgres, host: 127.0.0.1, port: %1$d, user: postgres, password_file: pg.password,
                             database: app, format: custom, compression: zstd}
                  pgplain: {engine: postgres, host: 127.0.0.1, port: %1$d, user: postgres, password_file: pg.password,
                            database: app, format: plain, compression: zstd}
                  maria: {engine: mariadb, host: 127.0.0.1, port: %2$d, user: %3$s, password_env: DB_PW, database: shop,
                          compression: zstd}
                stores:
                  remote:
                    type: s3
                    endpoint: %4$s
                    bucket: %5$s
                    prefix: team/db
                    path_style: true
                    access_key_env: S3_ACCESS
                    secret_key_env: S3_SECRET
                jobs:
                  pgcustom: {datasource: pgcustom, store: remote, prefix: pgcustom, retention: {keep_last: 10}}
                  pgplain: {datasource: pgplain, store: remote, prefix: pgplain, retention: {keep_last: 10}}
                  maria: {datasource: maria, store: remote, prefix: maria, retention: {keep_last: 10}}
                """.formatted(pg.port(), maria.port(), MariaDbServer.USER, s3.endpoint(), bucket));
    }

    @ParameterizedTest
    @CsvSource({"pgcustom,true", "pgplain,false", "maria,false"})
    void verifyDeepOfABackupDeletedMidReadSaysSoAndLeavesNoTool(String job, boolean pgRestore) throws Exception {
        for (int i = 0; i < 4; i++) {
            Cli.Result backup = cli.run("-c", "config.yaml", "backup", job);
            assertThat(backup.exit()).as(backup.toString()).isZero();
        }
        try (Store raw = S3Fixture.store(s3, bucket, "team/db/", 5L << 20, 2)) {
            List<String> backups = raw.list(job + "/").stream().map(o -> o.key())
                    .filter(k -> !k.endsWith(".sha256") && !k.endsWith(".manifest.json")).sorted().toList();
            assertThat(backups).hasSize(4);

            Cli.Result alone = RemoteStoreCliScenario.deletedMidRead(cli, dir, raw, s3.endpoint(), backups.get(3), 1,
                    List.of("verify", job, "--deep"));
            assertThat(alone.exit()).as(alone.toString()).isEqualTo(2);
            Matcher m = Pattern.compile("backup " + Pattern.quote(backups.get(3))
                    + " is no longer in .*: it was deleted since it was listed \\(a prune\\?\\): .*; going on from byte "
                    + "(\\d+) of (\\d+) over a new connection failed: no such object: .*\\(deleted since the read began\\)")
                    .matcher(alone.err());
            assertThat(m.find()).as("deleted since listed, with the byte reached, in: %s", alone.err()).isTrue();
            assertThat(Long.parseLong(m.group(1))).as("the byte reached").isPositive().isLessThan(Long.parseLong(m.group(2)));
            assertThat(alone.err()).doesNotContain("is corrupt", "SourceReadException", "failed (exit");
            assertThat(alone.err().contains("INFO  pg_restore started job=" + job)).as("pg_restore ran: %s", alone).isEqualTo(pgRestore);
            assertNoTool();

            Cli.Result all = RemoteStoreCliScenario.deletedMidRead(cli, dir, raw, s3.endpoint(), backups.get(0), 1,
                    List.of("verify", job, "--deep", "--all-backups"));
            assertThat(all.exit()).as(all.toString()).isZero();
            assertThat(all.out()).contains("SKIPPED " + backups.get(0) + ": deleted since it was listed (a prune?)",
                    "2 of 2 backups verified, 1 deleted since it was listed (exit 0)").doesNotContain("FAILED");
            assertNoTool();
            assertThat(raw.list(job + "/")).hasSize(6);
        }
    }

    private static void assertNoTool() {
        for (String program : List.of("pg_restore", "psql", "mariadb", "mysql")) {
            assertThat(Descendants.find(program, a -> true)).as("no %s left running", program).isEmpty();
        }
    }
}
