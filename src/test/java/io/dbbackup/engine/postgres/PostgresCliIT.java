package io.dbbackup.engine.postgres;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.DbbackupJar;
import io.dbbackup.testkit.PostgresServer;
import io.dbbackup.testkit.Reseal;
import io.dbbackup.testkit.Shell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 3 through the CLI as a user runs it: YAML config, local store, real pg_restore/psql/gzip/zstd. */
class PostgresCliIT {
    static PostgresServer pg;
    static Map<String, String> sourceContent;

    @TempDir
    Path dir;
    Path store;
    Cli cli;

    @BeforeAll
    static void startServer() throws Exception {
        // on the IPv6 loopback address too, for aServerOnIpv6LoopbackBacksUpAndRestoresWithItsAddressBareOrInBrackets
        pg = PostgresServer.start(PostgresServer.DEFAULT_VERSION, Map.of("listen_addresses", "127.0.0.1,::1"), Map.of());
        pg.execute("postgres", "create role dbb_reader login password 'reader-pw'");
        pg.createDatabase("app");
        Path fixture = Path.of(PostgresCliIT.class.getResource("/postgres/rich-schema.sql").toURI());
        pg.runTool("app", "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", fixture.toString());
        sourceContent = pg.contentHashes("app");
    }

    @AfterAll
    static void stopServer() {
        if (pg != null) {
            pg.close();
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        store = dir.resolve("store");
        pg.writePasswordFile(dir.resolve("pg.password"));
        cli = new Cli().workingDir(dir);
    }

    private void config(String format, String compression, String passwordFile) throws IOException {
        Path c = dir.resolve("config.yaml");
        Files.writeString(c, """
                datasources:
                  app:
                    engine: postgres
                    host: 127.0.0.1
                    port: %1$d
                    user: postgres
                    password_file: %3$s
                    database: app
                    format: %4$s
                    compression: %5$s
                  copy:
                    engine: postgres
                    host: 127.0.0.1
                    port: %1$d
                    user: postgres
                    password_file: pg.password
                    database: %2$s
                    format: %4$s
                stores:
                  local:
                    type: local
                    path: store
                jobs:
                  app:
                    datasource: app
                    store: local
                    prefix: prod
                    retention:
                      keep_last: 1
                """.formatted(pg.port(), "copy_" + format + "_" + compression, passwordFile, format, compression));
        Files.setPosixFilePermissions(c, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }

    private List<Path> storeFiles() throws IOException {
        if (!Files.exists(store)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(store)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private Path onlyArtifact() throws IOException {
        List<Path> artifacts = storeFiles().stream()
                .filter(p -> !p.toString().endsWith(".sha256") && !p.toString().endsWith(".manifest.json")).toList();
        assertThat(artifacts).hasSize(1);
        return artifacts.get(0);
    }

    @Test
    void inspectShowsServerVersionAndTables() throws Exception {
        config("custom", "gzip", "pg.password");
        Cli.Result r = cli.run("-c", "config.yaml", "inspect", "app", "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        Map<?, ?> info = (Map<?, ?>) io.dbbackup.core.Json.parse(r.out());
        assertThat(info.get("engine")).isEqualTo("postgres");
        assertThat((String) info.get("server_version")).startsWith("15");
        assertThat(((Number) info.get("table_count")).intValue()).isPositive();
        assertThat(((Number) info.get("size_bytes")).longValue()).isPositive();
        assertThat(r.out() + r.err()).doesNotContain(Files.readString(dir.resolve("pg.password")).strip());
    }

    @Test
    void customBackupDecompressesWithGzipRestoresWithPgRestoreAndWithRestoreTo() throws Exception {
        config("custom", "gzip", "pg.password");
        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "app");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        assertThat(backup.err() + backup.out()).doesNotContain(pg.password());
        Path artifact = onlyArtifact();
        assertThat(artifact.getFileName().toString()).matches("app-\\d{8}-\\d{6}\\.dump\\.gz");
        String manifest = Files.readString(artifact.resolveSibling(artifact.getFileName() + ".manifest.json"));
        assertThat(manifest).contains("\"server_version\"").contains("\"pg_dump_version\"");
        Shell.sh(artifact.getParent(), "sha256sum -c " + artifact.getFileName() + ".sha256");

        Shell.sh(dir, "gzip -dc " + artifact + " > app.dump");
        pg.createDatabase("by_hand");
        pg.runTool("by_hand", "pg_restore", "--exit-on-error", "-d", "by_hand", dir.resolve("app.dump").toString());
        assertThat(pg.contentHashes("by_hand")).isEqualTo(sourceContent);

        Cli.Result restore = cli.run("-c", "config.yaml", "restore", "app", "--to", "copy");
        assertThat(restore.exit()).as(restore.toString()).isZero();
        assertThat(pg.contentHashes("copy_custom_gzip")).isEqualTo(sourceContent);
    }

    /**
     * Host keys as users write an IPv6 address: the job's datasource {@code host: "[::1]"} (as in a URL), the restore
     * target {@code host: ::1} (bare, unquoted). Before, {@code "[::1]"} went to pg_dump as {@code -h [::1]} (exit 2,
     * "could not translate host name"), and the logs wrote {@code ::1:PORT}; now both reach the server, and the
     * logs write {@code [::1]:PORT}.
     */
    @Test
    void aServerOnIpv6LoopbackBacksUpAndRestoresWithItsAddressBareOrInBrackets() throws Exception {
        config("custom", "zstd", "pg.password");
        Path c = dir.resolve("config.yaml");
        Files.writeString(c, Files.readString(c).replaceFirst("host: 127\\.0\\.0\\.1", "host: \"[::1]\"")
                .replaceFirst("host: 127\\.0\\.0\\.1", "host: ::1"));
        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "app");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        assertThat(backup.out() + backup.err()).contains("postgres@[::1]:" + pg.port() + "/app").doesNotContain("::1:" + pg.port());
        Cli.Result restore = cli.run("-c", "config.yaml", "restore", "app", "--to", "copy");
        assertThat(restore.exit()).as(restore.toString()).isZero();
        assertThat(pg.contentHashes("copy_custom_zstd")).isEqualTo(sourceContent);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"custom, gzip, gzip -dc", "plain, zstd, zstd -dc"})
    void verifyDeepReadsTheWholeDumpAndCatchesOneCutShortThatItsChecksumVouchesFor(String format, String compression,
                                                                               String decompress) throws Exception {
        config(format, compression, "pg.password");
        assertThat(cli.run("-c", "config.yaml", "backup", "app").exit()).isZero();
        Path artifact = onlyArtifact();
        Cli.Result sound = cli.run("-c", "config.yaml", "verify", "app", "--deep");
        assertThat(sound.exit()).as(sound.toString()).isZero();
        if (format.equals("custom")) {
            assertThat(sound.out()).contains("pg_restore read the archive to its end");
        } else {
            // the counts are the script's section comments, as grep counts them
            String script = decompress + " " + artifact + " | ";
            long objects = Long.parseLong(Shell.sh(dir, script + " grep -c '^-- Name: '").strip());
            long data = Long.parseLong(Shell.sh(dir, script + " grep -c '^-- Data for Name: '").strip());
            assertThat(data).isPositive();
            assertThat(sound.out()).contains("SQL script complete ('-- PostgreSQL database dump complete'): " + objects
                    + (objects == 1 ? " object, " : " objects, ") + data + " with table data");
        }

        // the same dump cut at half, stored with a checksum that matches: only the deep check can tell
        Reseal.rewrite(artifact, Reseal.cutAt((int) (Long.parseLong(Shell.sh(dir, decompress + " " + artifact + " | wc -c").strip()) / 2)));
        Cli.Result plain = cli.run("-c", "config.yaml", "verify", "app");
        assertThat(plain.exit()).as("the bytes match their sidecar: " + plain).isZero();
        Cli.Result deep = cli.run("-c", "config.yaml", "verify", "app", "--deep");
        assertThat(deep.exit()).as(deep.toString()).isEqualTo(3);
        assertThat(deep.err()).contains(format.equals("custom") ? "pg_restore cannot read the archive to its end"
                : "the SQL script is cut short").doesNotContain("Exception");
        if (format.equals("custom")) { // the audit's failure report carries pg_restore's own last words
            try (io.dbbackup.testkit.WebhookServer hook = new io.dbbackup.testkit.WebhookServer()) {
                Files.writeString(dir.resolve("notify.yaml"), Files.readString(dir.resolve("config.yaml"))
                        .replace("stores:\n", "notifications:\n  hook: {type: webhook, url_env: HOOK_URL}\nstores:\n")
                        .replace("    prefix: prod\n", "    prefix: prod\n    notify:\n      - {notifier: hook, on: failure}\n"));
                Cli.Result audit = new Cli().workingDir(dir).env("HOOK_URL", hook.url() + "/audit")
                        .run("-c", "notify.yaml", "verify", "app", "--deep", "--notify");
                assertThat(audit.exit()).as(audit.toString()).isEqualTo(3);
                Map<?, ?> report = (Map<?, ?>) io.dbbackup.core.Json.parse(hook.take(java.time.Duration.ofSeconds(5)).body());
                assertThat(report.get("outcome")).isEqualTo("failure");
                assertThat((String) report.get("error")).contains("pg_restore cannot read the archive to its end");
                assertThat((String) report.get("detail")).as("pg_restore's stderr").startsWith("pg_restore: ");
            }
        }
    }

    /**
     * A stored byte changed in a custom archive whose header pg_restore then rejects at once: the checksum mismatch is the
     * diagnosis (the stored bytes changed), and pg_restore's own words follow it in the same line instead of only in a
     * suppressed exception. The archive (3 MB of random bytes) is larger than the pipe, so that pg_restore gives up before
     * the feeder reaches the end where the checksum is checked.
     */
    @Test
    void aDeepCheckThatFailsOnChangedBytesSaysTheMismatchAndThenWhatTheEngineSaid() throws Exception {
        pg.createDatabase("changed");
        pg.execute("changed", "create table blob as select g, decode(md5(random()::text) || md5(random()::text), 'hex') b"
                + " from generate_series(1, 100000) g");
        config("custom", "none", "pg.password");
        Path c = dir.resolve("config.yaml");
        Files.writeString(c, Files.readString(c).replaceFirst("database: app\n", "database: changed\n"));
        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "app");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        Path artifact = onlyArtifact();
        byte[] bytes = Files.readAllBytes(artifact);
        bytes[0] ^= 0x01; // 'PGDMP' no more: pg_restore stops at the header
        Files.write(artifact, bytes);

        Cli.Result deep = cli.run("-c", "config.yaml", "verify", "app", "--deep");
        assertThat(deep.exit()).as(deep.toString()).isEqualTo(3);
        assertThat(deep.err()).contains("checksum mismatch for prod/changed/" + artifact.getFileName() + ": expected ")
                .contains("(the stored bytes changed since the backup); the deep check failed: pg_restore cannot read the "
                        + "archive to its end: ")
                .doesNotContain("Exception");
        assertThat(deep.err().lines().filter(l -> l.startsWith("error: "))).as(deep.toString()).hasSize(1);
    }

    /**
     * The restore drill: the newest backup restored into an empty scratch database exactly as restore does it, the
     * result reported (webhook), the database dropped again; --keep leaves it, identical to the source; a scratch
     * database that holds anything is refused before anything is read.
     */
    @Test
    void aDrillRestoresIntoAnEmptyScratchDatabaseReportsAndDropsIt() throws Exception {
        config("custom", "lz4", "pg.password");
        assertThat(cli.run("-c", "config.yaml", "backup", "app").exit()).isZero();
        try (io.dbbackup.testkit.WebhookServer hook = new io.dbbackup.testkit.WebhookServer()) {
            Files.writeString(dir.resolve("drill.yaml"), Files.readString(dir.resolve("config.yaml"))
                    .replace("stores:\n", "notifications:\n  hook: {type: webhook, url_env: HOOK_URL}\nstores:\n")
                    .replace("    prefix: prod\n", "    prefix: prod\n    notify:\n      - {notifier: hook, on: always}\n"
                            + "    drill_checks: [\"select count(*) > 0 from pg_class where relkind = 'r' and relnamespace = "
                            + "'public'::regnamespace\"]\n"));
            Cli drill = new Cli().workingDir(dir).env("HOOK_URL", hook.url() + "/drill");
            Cli.Result r = drill.run("-c", "drill.yaml", "drill", "app", "--to", "copy", "--notify");
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.out()).containsPattern("ok drill of job app: restored prod/app/app-\\d{8}-\\d{6}\\.dump\\.lz4 \\(.+ decoded\\) "
                    + "into postgres \\S+/copy_custom_lz4 in ").contains("   then ", "   removed again")
                    .contains("   check ok: select count(*) > 0 from pg_class where relkind = 'r' and relnamespace = 'public'::regnamespace -> t");
            assertThat(pg.databaseExists("copy_custom_lz4")).as("dropped after the drill").isFalse();
            Map<?, ?> report = (Map<?, ?>) io.dbbackup.core.Json.parse(hook.take(java.time.Duration.ofSeconds(5)).body());
            assertThat(report.get("operation")).isEqualTo("drill");
            assertThat(report.get("outcome")).isEqualTo("success");
            assertThat((String) report.get("detail")).startsWith("restored prod/app/app-").contains("\nremoved again");
        }

        Cli.Result kept = cli.run("-c", "config.yaml", "drill", "app", "--to", "copy", "--keep");
        assertThat(kept.exit()).as(kept.toString()).isZero();
        assertThat(pg.contentHashes("copy_custom_lz4")).isEqualTo(sourceContent);
        Cli.Result again = cli.run("-c", "config.yaml", "drill", "app", "--to", "copy");
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("is not empty").doesNotContain("checking backup");
        assertThat(pg.contentHashes("copy_custom_lz4")).as("a refused drill touches nothing").isEqualTo(sourceContent);
        pg.dropDatabase("copy_custom_lz4");
    }

    /**
     * A scratch datasource naming the job's own database (same server and database, another datasource name) is refused
     * before anything is restored or dropped: were the job's database empty of tables, the drill would restore into it
     * and then drop it.
     */
    @Test
    void aScratchDatasourceThatIsTheJobsOwnDatabaseUnderAnotherNameIsRefused() throws Exception {
        config("custom", "gzip", "pg.password");
        pg.createDatabase("quiet_prod");
        Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml"))
                .replace("stores:\n", """
                          quiet: {engine: postgres, host: 127.0.0.1, port: %1$d, user: postgres, password_file: pg.password, database: quiet_prod}
                          also_app: {engine: postgres, host: 127.0.0.1, port: %1$d, user: postgres, password_file: pg.password, database: app}
                          also_quiet: {engine: postgres, host: 127.0.0.1, port: %1$d, user: postgres, password_file: pg.password, database: quiet_prod}
                          local_app: {engine: postgres, host: localhost, port: %1$d, user: postgres, password_file: pg.password, database: app}
                          local_quiet: {engine: postgres, host: LocalHost., port: %1$d, user: postgres, password_file: pg.password, database: quiet_prod}
                        stores:
                        """.formatted(pg.port()))
                + "  quiet: {datasource: quiet, store: local, prefix: quiet}\n");
        try {
            assertThat(cli.run("-c", "config.yaml", "backup", "app", "quiet").exit()).isZero();
            Cli.Result r = cli.run("-c", "config.yaml", "drill", "app", "--to", "also_app");
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).contains("error: drill: --to also_app is the database of job app (datasource app, postgresql://127.0.0.1:"
                    + pg.port() + "/app)").doesNotContain("checking backup");
            assertThat(pg.contentHashes("app")).isEqualTo(sourceContent);

            // the job's database holds no table: empty by the scratch rule, and still never restored into nor dropped
            Cli.Result empty = cli.run("-c", "config.yaml", "drill", "quiet", "--to", "also_quiet");
            assertThat(empty.exit()).as(empty.toString()).isEqualTo(1);
            assertThat(empty.err()).contains("is the database of job quiet").doesNotContain("checking backup");
            assertThat(pg.databaseExists("quiet_prod")).as("the job's own database").isTrue();
            Cli.Result all = cli.run("-c", "config.yaml", "drill", "--all", "--to", "also_quiet");
            assertThat(all.exit()).as(all.toString()).isEqualTo(1);
            assertThat(all.err()).contains("is the database of job quiet").doesNotContain("checking backup");
            assertThat(pg.databaseExists("quiet_prod")).as("the job's own database").isTrue();

            // the same server under another spelling of its host: the same database, refused before anything runs
            Cli.Result local = cli.run("-c", "config.yaml", "drill", "app", "--to", "local_app");
            assertThat(local.exit()).as(local.toString()).isEqualTo(1);
            assertThat(local.err()).contains("error: drill: --to local_app is the database of job app (datasource app, postgresql://127.0.0.1:"
                    + pg.port() + "/app").doesNotContain("checking backup");
            assertThat(pg.contentHashes("app")).isEqualTo(sourceContent);
            Cli.Result localEmpty = cli.run("-c", "config.yaml", "drill", "quiet", "--to", "local_quiet");
            assertThat(localEmpty.exit()).as(localEmpty.toString()).isEqualTo(1);
            assertThat(localEmpty.err()).contains("--to local_quiet is the database of job quiet").doesNotContain("checking backup");
            assertThat(pg.databaseExists("quiet_prod")).as("the job's own database").isTrue();
            Cli.Result localAll = cli.run("-c", "config.yaml", "drill", "--all", "--to", "local_quiet");
            assertThat(localAll.exit()).as(localAll.toString()).isEqualTo(1);
            assertThat(localAll.err()).contains("is the database of job quiet").doesNotContain("checking backup");
            assertThat(pg.databaseExists("quiet_prod")).as("the job's own database").isTrue();
        } finally {
            pg.execute("postgres", "drop database if exists quiet_prod");
        }
    }

    /** The drill config: job app with a check that sleeps (a slow query on the restored copy), scratch {@code copy}. */
    private void sleepingCheckConfig() throws IOException {
        config("custom", "gzip", "pg.password");
        Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml"))
                .replace("    prefix: prod\n", "    prefix: prod\n    drill_checks: [\"select pg_sleep(60) is not null\"]\n"));
    }

    /** Waits until a session on {@code database} runs {@code pg_sleep} (the drill's check). */
    private void awaitCheckRunning(Process p, String database) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (pg.query("postgres", "select 1 from pg_stat_activity where datname = '" + database
                + "' and query like '%pg_sleep%' and pid <> pg_backend_pid()").isEmpty()) {
            assertThat(p.isAlive()).as("the drill is running: " + Files.readString(dir.resolve("err.txt"))).isTrue();
            assertThat(System.nanoTime()).as("the drill's check starts").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private Process startJar(String... args) throws IOException {
        return startJar(Map.of(), args);
    }

    private Process startJar(Map<String, String> env, String... args) throws IOException {
        return DbbackupJar.start(dir, env, args);
    }

    private int terminate(Process p) throws Exception {
        new ProcessBuilder("kill", "-TERM", String.valueOf(p.pid())).inheritIO().start().waitFor();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("exits after SIGTERM").isTrue();
        System.out.println("---- exit " + p.exitValue() + "\n" + Files.readString(dir.resolve("out.txt"))
                + Files.readString(dir.resolve("err.txt")));
        return p.exitValue();
    }

    /** SIGTERM while a drill check runs on the restored copy: the check is stopped, the scratch database dropped, exit 143. */
    @Test
    void sigtermDuringADrillCheckDropsTheScratchDatabaseAndExits143() throws Exception {
        sleepingCheckConfig();
        assertThat(cli.run("-c", "config.yaml", "backup", "app").exit()).isZero();
        if (pg.databaseExists("copy_custom_gzip")) {
            pg.dropDatabase("copy_custom_gzip");
        }
        Process p = startJar("drill", "app", "--to", "copy");
        try {
            awaitCheckRunning(p, "copy_custom_gzip");
            long t0 = System.nanoTime();
            assertThat(terminate(p)).isEqualTo(143);
            assertThat((System.nanoTime() - t0) / 1_000_000).as("well before the check's 60 s").isLessThan(15_000);
            assertThat(pg.databaseExists("copy_custom_gzip")).as("the scratch database is dropped").isFalse();
            assertThat(Files.readString(dir.resolve("err.txt"))).doesNotContain("cannot remove what the failed drill left");
        } finally {
            p.destroyForcibly();
            pg.execute("postgres", "drop database if exists copy_custom_gzip with (force)");
        }
    }

    /**
     * SIGTERM while a drill --notify runs its check: the report says the drill was interrupted (as a backup stopped by a
     * signal is reported), not that it failed, which would send on-call looking for a bad backup.
     */
    @Test
    void aDrillStoppedBySigtermIsNotifiedAsInterrupted() throws Exception {
        sleepingCheckConfig();
        Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml"))
                .replace("stores:\n", "notifications:\n  hook: {type: webhook, url_env: HOOK_URL}\nstores:\n")
                .replace("    prefix: prod\n", "    prefix: prod\n    notify:\n      - {notifier: hook, on: failure}\n"));
        try (io.dbbackup.testkit.WebhookServer hook = new io.dbbackup.testkit.WebhookServer()) {
            Map<String, String> env = Map.of("HOOK_URL", hook.url() + "/drill");
            assertThat(cli.env("HOOK_URL", hook.url() + "/drill").run("-c", "config.yaml", "backup", "app").exit()).isZero();
            if (pg.databaseExists("copy_custom_gzip")) {
                pg.dropDatabase("copy_custom_gzip");
            }
            Process p = startJar(env, "drill", "app", "--to", "copy", "--notify");
            try {
                awaitCheckRunning(p, "copy_custom_gzip");
                assertThat(terminate(p)).isEqualTo(143);
                Map<?, ?> report = (Map<?, ?>) io.dbbackup.core.Json.parse(hook.take(java.time.Duration.ofSeconds(5)).body());
                assertThat(report.get("operation")).isEqualTo("drill");
                assertThat(report.get("outcome")).as(report.toString()).isEqualTo("interrupted");
                assertThat((String) report.get("error")).contains("interrupted during the check");
            } finally {
                p.destroyForcibly();
                pg.execute("postgres", "drop database if exists copy_custom_gzip with (force)");
            }
        }
    }

    /**
     * SIGTERM during the first job of drill --all: its scratch database is dropped and the next jobs are not drilled; as
     * with backup --all, each job not started is listed (text, JSON {@code "skipped": true}) and notified as interrupted.
     */
    @Test
    void sigtermDuringDrillAllStopsItBeforeTheNextJob() throws Exception {
        sleepingCheckConfig();
        Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml"))
                .replace("stores:\n", """
                          app2: {engine: postgres, host: 127.0.0.1, port: %1$d, user: postgres, password_file: pg.password, database: app}
                        notifications:
                          hook: {type: webhook, url_env: HOOK_URL}
                        stores:
                        """.formatted(pg.port()))
                + "  zz_later: {datasource: app2, store: local, prefix: later, notify: [{notifier: hook, on: failure}]}\n"
                + "  zz_more: {datasource: app2, store: local, prefix: more, notify: [{notifier: hook, on: failure}]}\n");
        try (io.dbbackup.testkit.WebhookServer hook = new io.dbbackup.testkit.WebhookServer()) {
            Map<String, String> env = Map.of("HOOK_URL", hook.url() + "/drill");
            // zz_later and zz_more back up the same database under another datasource name: fine for backups, never a scratch
            assertThat(cli.env("HOOK_URL", hook.url() + "/drill").run("-c", "config.yaml", "backup", "app", "zz_later", "zz_more")
                    .exit()).isZero();
            hook.drain();
            for (boolean json : new boolean[] {false, true}) {
                if (pg.databaseExists("copy_custom_gzip")) {
                    pg.dropDatabase("copy_custom_gzip");
                }
                Process p = json ? startJar(env, "drill", "--all", "--to", "copy", "--notify", "--json")
                        : startJar(env, "drill", "--all", "--to", "copy", "--notify");
                try {
                    awaitCheckRunning(p, "copy_custom_gzip");
                    assertThat(terminate(p)).isEqualTo(143);
                    String out = Files.readString(dir.resolve("out.txt"));
                    String err = Files.readString(dir.resolve("err.txt"));
                    assertThat(err).as("the next jobs are not drilled").doesNotContain(" later/app/app-", " more/app/app-");
                    if (json) {
                        List<?> rows = (List<?>) io.dbbackup.core.Json.parse(out);
                        assertThat(rows).hasSize(3);
                        for (int i = 1; i < 3; i++) {
                            Map<?, ?> row = (Map<?, ?>) rows.get(i);
                            assertThat(row.get("job")).isEqualTo(i == 1 ? "zz_later" : "zz_more");
                            assertThat(row.get("skipped")).isEqualTo(true);
                            assertThat(((Number) row.get("exit")).intValue()).isEqualTo(143);
                            assertThat((String) row.get("error")).isEqualTo("interrupted by SIGTERM before the drill of job "
                                    + row.get("job") + " began: nothing was restored");
                        }
                        assertThat(((Map<?, ?>) rows.get(0)).get("skipped")).as("the job it stopped ran").isNull();
                    } else {
                        assertThat(out).doesNotContain("ok drill of job zz_later").doesNotContain("FAILED drill of job zz_later")
                                .contains("INTERRUPTED drill of job app: drill of job app: interrupted during the check",
                                        "INTERRUPTED interrupted by SIGTERM before the drill of job zz_later began: nothing was restored",
                                        "INTERRUPTED interrupted by SIGTERM before the drill of job zz_more began: nothing was restored",
                                        "drill --all interrupted by SIGTERM: 0 of 3 jobs drilled, 1 interrupted; not started: zz_later, zz_more (exit 143)");
                    }
                    List<Map<?, ?>> reports = new java.util.ArrayList<>();
                    for (int i = 0; i < 2; i++) {
                        reports.add((Map<?, ?>) io.dbbackup.core.Json.parse(hook.take(java.time.Duration.ofSeconds(5)).body()));
                    }
                    assertThat(reports.stream().map(r -> String.valueOf(r.get("job"))).toList()).containsExactly("zz_later", "zz_more");
                    for (Map<?, ?> r : reports) {
                        assertThat(r.get("operation")).isEqualTo("drill");
                        assertThat(r.get("outcome")).as(r.toString()).isEqualTo("interrupted");
                        assertThat((String) r.get("error")).contains("before the drill of job " + r.get("job") + " began");
                        assertThat(r.get("attempts")).as("a job never started made no attempt").isEqualTo(0L);
                        assertThat((String) r.get("next")).startsWith("The drill of job " + r.get("job") + " never started")
                                .as("the drill again, into the same target").endsWith(" drill " + r.get("job") + " --to copy");
                    }
                    assertThat(pg.databaseExists("copy_custom_gzip")).as("the scratch database is dropped").isFalse();
                } finally {
                    p.destroyForcibly();
                    pg.execute("postgres", "drop database if exists copy_custom_gzip with (force)");
                }
            }
        }
    }

    /** drill.yaml: config.yaml with the scratch datasource on database {@code scratch} (plus {@code copyExtra}) and {@code checks}. */
    private void drillConfig(String scratch, String copyExtra, String checks) throws IOException {
        String c = Files.readString(dir.resolve("config.yaml"));
        String copyDb = c.lines().filter(l -> l.startsWith("    database: copy_")).findFirst().orElseThrow();
        Files.writeString(dir.resolve("drill.yaml"), c.replace(copyDb, "    database: " + scratch + "\n" + copyExtra.indent(4).stripTrailing())
                .replace("    prefix: prod\n", "    prefix: prod\n    drill_checks: " + checks + "\n"));
    }

    /**
     * A custom archive cut short whose checksum sidecar was rewritten to match: the checksum passes, pg_restore cannot
     * read it to its end. Not an infrastructure failure (exit 2, "retry"): the backup itself does not restore (exit 3).
     */
    @Test
    void aDrillOfACustomArchiveCutShortFailsAsAnIntegrityFailure() throws Exception {
        config("custom", "zstd", "pg.password");
        assertThat(cli.run("-c", "config.yaml", "backup", "app").exit()).isZero();
        Path artifact = onlyArtifact();
        Reseal.rewrite(artifact, Reseal.cutAt((int) (Long.parseLong(Shell.sh(dir, "zstd -dc " + artifact + " | wc -c").strip()) / 2)));
        String key = "prod/app/" + artifact.getFileName();
        assertThat(cli.run("-c", "config.yaml", "verify", "app").exit()).as("the bytes match their sidecar").isZero();
        drillConfig("drill_cut", "", "[\"select true\"]");

        Cli.Result drill = cli.run("-c", "drill.yaml", "drill", "app", "--to", "copy");
        assertThat(drill.exit()).as(drill.toString()).isEqualTo(3);
        assertThat(drill.err()).contains("the backup " + key + " does not restore: the archive is damaged or cut short (pg_restore")
                .doesNotContain("Exception");
        assertThat(drill.err().lines().filter(l -> l.startsWith("error: ")).toList()).as("one line").hasSize(1);
        assertThat(pg.databaseExists("drill_cut")).as("nothing left behind").isFalse();

        Cli.Result restore = cli.run("-c", "drill.yaml", "restore", "app", "--to", "copy", "--auto-confirm");
        assertThat(restore.exit()).as(restore.toString()).isEqualTo(3);
        assertThat(restore.err()).contains("the backup " + key + " does not restore: the archive is damaged or cut short");
        assertThat(pg.databaseExists("drill_cut")).as("the database created for the restore is dropped again").isFalse();
        // --clean: pg_restore turns the archive into a script for psql, and fails the same way
        Cli.Result clean = cli.run("-c", "drill.yaml", "restore", "app", "--to", "copy", "--auto-confirm", "--clean");
        assertThat(clean.exit()).as(clean.toString()).isEqualTo(3);
        assertThat(clean.err()).contains("the backup " + key + " does not restore: the archive is damaged or cut short");
        assertThat(pg.databaseExists("drill_cut")).isFalse();
    }

    /**
     * A drill check runs as long as the scratch datasource's {@code timeout} allows (not a fixed minute), and one that runs
     * past it is stopped as a failure of time, not of the backup (exit 2).
     */
    @Test
    void aDrillCheckRunsAsLongAsTheScratchDatasourceAllows() throws Exception {
        config("custom", "zstd", "pg.password");
        assertThat(cli.run("-c", "config.yaml", "backup", "app").exit()).isZero();
        drillConfig("drill_slow", "timeout: 2m", "[\"select 1 from pg_sleep(65)\"]");
        Cli.Result slow = cli.run("-c", "drill.yaml", "drill", "app", "--to", "copy");
        assertThat(slow.exit()).as(slow.toString()).isZero();
        assertThat(slow.out()).contains("   check ok: select 1 from pg_sleep(65) -> 1");

        drillConfig("drill_slow", "timeout: 2s", "[\"select 1 from pg_sleep(30)\"]");
        long t0 = System.nanoTime();
        Cli.Result stopped = cli.run("-c", "drill.yaml", "drill", "app", "--to", "copy");
        assertThat(stopped.exit()).as(stopped.toString()).isEqualTo(2);
        assertThat(stopped.err()).contains("the check 'select 1 from pg_sleep(30)' could not finish", "not the backup's fault",
                "ran past the datasource's timeout (2s)");
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).as("stopped at its timeout").isLessThan(25);
        assertThat(pg.databaseExists("drill_slow")).isFalse();
    }

    /**
     * A check whose connection is lost (the server ended its session) says nothing about the backup: exit 2, a retry may
     * pass; a check the server ran and refused (a table the restored copy lacks) or one returning false stays exit 3; one
     * the account may not run (42501) is the drill's set-up: exit 2.
     */
    @Test
    void aDrillCheckWhoseConnectionIsLostIsNotCountedAgainstTheBackup() throws Exception {
        config("custom", "zstd", "pg.password");
        assertThat(cli.run("-c", "config.yaml", "backup", "app").exit()).isZero();
        drillConfig("drill_lost", "", "[\"select 1 from pg_sleep(45)\"]");
        CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(() -> cli.run("-c", "drill.yaml", "drill", "app", "--to", "copy"));
        String terminated = "";
        for (int i = 0; i < 600 && terminated.isEmpty(); i++) {
            Thread.sleep(100);
            terminated = pg.queryOne("postgres", "select coalesce(string_agg(pg_terminate_backend(pid)::text, ','), '') from pg_stat_activity "
                    + "where datname = 'drill_lost' and query like 'select 1 from pg_sleep(45)%'");
            terminated = terminated == null ? "" : terminated.strip();
        }
        assertThat(terminated).as("the check's session was found and ended").isEqualTo("true");
        Cli.Result lost = run.get(60, TimeUnit.SECONDS);
        assertThat(lost.exit()).as(lost.toString()).isEqualTo(2);
        assertThat(lost.err()).contains("the check 'select 1 from pg_sleep(45)' could not finish", "not the backup's fault",
                "terminating connection due to administrator command");
        assertThat(pg.databaseExists("drill_lost")).isFalse();

        drillConfig("drill_lost", "", "[\"select count(*) from no_such_table\"]");
        Cli.Result missing = cli.run("-c", "drill.yaml", "drill", "app", "--to", "copy");
        assertThat(missing.exit()).as(missing.toString()).isEqualTo(3);
        assertThat(missing.err()).contains("the check 'select count(*) from no_such_table' failed on the restored copy",
                "relation \"no_such_table\" does not exist");
        drillConfig("drill_lost", "", "[\"select false\"]");
        Cli.Result wrong = cli.run("-c", "drill.yaml", "drill", "app", "--to", "copy");
        assertThat(wrong.exit()).as(wrong.toString()).isEqualTo(3);
        assertThat(pg.databaseExists("drill_lost")).isFalse();

        // a check the account may not run (42501 insufficient_privilege): the drill's set-up, not the backup (was exit 3)
        drillConfig("drill_lost", "", "[\"set role dbb_reader; select count(*) from sales.audit_log\"]");
        Cli.Result denied = cli.run("-c", "drill.yaml", "drill", "app", "--to", "copy");
        assertThat(denied.exit()).as(denied.toString()).isEqualTo(2);
        assertThat(denied.err()).contains("error: drill of job app: the check 'set role dbb_reader; select count(*) from "
                + "sales.audit_log' was refused for want of a privilege of the scratch datasource's account (the drill's set-up, "
                + "not the backup's fault): ERROR:  42501: permission denied for table audit_log");
        assertThat(pg.databaseExists("drill_lost")).isFalse();
    }

    /**
     * A restore the server stops with an SQL error (a statement of the backup naming a table that is not there, stored
     * with a matching checksum): one line led by the restore of the backup into its target, the target named once — as a
     * MySQL/MariaDB restore's line is too.
     */
    @Test
    void aRestoreStoppedByAnSqlErrorIsSaidAsTheRestoreOfTheBackupIntoItsTarget() throws Exception {
        config("plain", "zstd", "pg.password");
        assertThat(cli.run("-c", "config.yaml", "backup", "app").exit()).isZero();
        Path artifact = onlyArtifact();
        Reseal.rewrite(artifact, dump -> new String(dump, java.nio.charset.StandardCharsets.UTF_8)
                .replaceFirst("\nSET client_min_messages = warning;\n",
                        "\nSET client_min_messages = warning;\nINSERT INTO no_such_table VALUES (1);\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String key = "prod/app/" + artifact.getFileName();
        pg.execute("postgres", "drop database if exists copy_plain_zstd");

        Cli.Result r = cli.run("-q", "-c", "config.yaml", "restore", "app", "--to", "copy", "--auto-confirm", "--no-progress");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err().lines().findFirst().orElse("")).as(r.toString()).matches(java.util.regex.Pattern.quote(
                "error: restore of " + key + " into postgres postgres@127.0.0.1:" + pg.port() + "/copy_plain_zstd failed: ran "
                + "as one transaction and was rolled back: nothing was applied; the database copy_plain_zstd created for it "
                + "was dropped again: psql failed (exit 3): psql:<stdin>:") + "\\d+" + java.util.regex.Pattern.quote(
                ": ERROR:  relation \"no_such_table\" does not exist"));
        assertThat(pg.databaseExists("copy_plain_zstd")).isFalse();
    }

    @Test
    void restoreRefusesAScriptCutShortAtAStatementsEndThatPsqlWouldCommitAsAPartialRestore() throws Exception {
        config("plain", "zstd", "pg.password");
        assertThat(cli.run("-c", "config.yaml", "backup", "app").exit()).isZero();
        Path artifact = onlyArtifact();
        // cut just before the last table's data: every statement before it is whole
        Reseal.rewrite(artifact, dump -> {
            String text = new String(dump, java.nio.charset.StandardCharsets.UTF_8);
            int cut = text.lastIndexOf("\n--\n-- Data for Name: ");
            assertThat(cut).isPositive();
            return text.substring(0, cut + 1).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        });
        // what a plain psql restore of it does: loads the part, commits, exits 0
        pg.createDatabase("cut_by_hand");
        Shell.sh(dir, "zstd -dc " + artifact + " > cut.sql");
        pg.runTool("cut_by_hand", "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-f",
                dir.resolve("cut.sql").toString());
        // psql exited 0 (runTool throws otherwise): the tables are there, the last one's rows are not
        assertThat(Integer.parseInt(pg.queryOne("cut_by_hand",
                "select count(*) from pg_tables where schemaname not in ('pg_catalog', 'information_schema')").strip()))
                .as("a partial restore that looked like a success").isPositive();

        // the target (another test of this class may have filled it) is never touched
        boolean existed = pg.databaseExists("copy_plain_zstd");
        Map<String, String> before = existed ? pg.contentHashes("copy_plain_zstd") : null;
        Cli.Result restore = cli.run("-c", "config.yaml", "restore", "app", "--to", "copy", "--auto-confirm", "--clean");
        assertThat(restore.exit()).as(restore.toString()).isEqualTo(3);
        // named as verify --deep names it: which backup does not restore (before, the finding alone)
        assertThat(restore.err()).contains("the backup prod/app/" + artifact.getFileName() + " does not restore: the SQL "
                + "script is cut short").doesNotContain("restore started");
        assertThat(pg.databaseExists("copy_plain_zstd")).isEqualTo(existed);
        if (existed) {
            assertThat(pg.contentHashes("copy_plain_zstd")).isEqualTo(before);
        }
    }

    @Test
    void verifyDeepAfterUploadRemovesABackupWhoseDumpToolEndedEarlyWithSuccess() throws Exception {
        // fault injection: a pg_dump that loses the end of its archive and still exits 0 (the real one runs)
        Path pgDump = wrappedBinDir().resolve("pg_dump");
        script(pgDump, """
                [ "$1" = --version ] && exec %1$s/pg_dump "$@"
                %1$s/pg_dump "$@" > "%2$s/whole.dump" || exit $?
                head -c -300 "%2$s/whole.dump"
                """.formatted(pg.binDir(), dir));
        binDirConfig("zstd", """
                read_back:
                  datasource: app
                  store: local
                  prefix: read
                  verify: true
                deep:
                  datasource: app
                  store: local
                  prefix: deep
                  verify: deep
                """);

        // the archive's end is missing: no job stores it, whatever its verify
        for (String job : List.of("read_back", "deep")) {
            Cli.Result cut = cli.run("-c", "config.yaml", "backup", job);
            assertThat(cut.exit()).as(cut.toString()).isEqualTo(2);
            assertThat(cut.err()).contains("pg_dump exited 0, but its archive does not end as pg_dump ends one");
        }
        assertThat(storeFiles()).as("nothing stored").isEmpty();

        // a block lost in the middle, the end intact: only the deep check, which reads the archive as pg_restore does, sees it
        script(pgDump, """
                [ "$1" = --version ] && exec %1$s/pg_dump "$@"
                %1$s/pg_dump "$@" > "%2$s/whole.dump" || exit $?
                head -c 20000 "%2$s/whole.dump"; tail -c 2000 "%2$s/whole.dump"
                """.formatted(pg.binDir(), dir));
        Cli.Result readBack = cli.run("-c", "config.yaml", "backup", "read_back");
        assertThat(readBack.exit()).as("reading back cannot tell: " + readBack).isZero();
        Cli.Result deep = cli.run("-c", "config.yaml", "backup", "deep");
        assertThat(deep.exit()).as(deep.toString()).isEqualTo(3);
        assertThat(deep.err()).contains("pg_restore cannot read the archive to its end")
                .contains("removed the backup that failed verification");
        assertThat(storeFiles()).as("nothing of the deep job's backup is left")
                .allMatch(p -> store.relativize(p).startsWith("read"));

        // and the real pg_dump's archive passes the same job's check
        script(pgDump, "exec " + pg.binDir().resolve("pg_dump") + " \"$@\"");
        Cli.Result sound = cli.run("-c", "config.yaml", "backup", "deep");
        assertThat(sound.exit()).as(sound.toString()).isZero();
        assertThat(sound.err()).contains("backup verified deeply").contains("pg_restore read the archive to its end");
    }

    @Test
    void theAttemptsTimeoutStopsAJobsDeepCheckAndItsTool() throws Exception {
        // fault injection: a pg_restore that hangs (the backup itself is real)
        script(wrappedBinDir().resolve("pg_restore"), "[ \"$1\" = --version ] && exec " + pg.binDir().resolve("pg_restore")
                + " --version\necho $$ > " + dir.resolve("hung.pid") + "\nexec sleep 120");
        binDirConfig("gzip", """
                deep:
                  datasource: app
                  store: local
                  prefix: deep
                  verify: deep
                  timeout: 4s
                """);
        long start = System.nanoTime();
        Cli.Result r = cli.run("-c", "config.yaml", "backup", "deep");
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("timed out after 4s");
        assertThat(seconds).as("the hung pg_restore did not hold the job").isLessThan(60);
        long pid = Long.parseLong(Files.readString(dir.resolve("hung.pid")).strip());
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pg_restore was killed").isFalse();
        // a check stopped by the timeout is no finding: the backup stays, not read back, and the warning names verify
        assertThat(r.err()).contains("the read-back was stopped before it finished: the backup stays");
        assertThat(storeFiles()).as("the unverified backup stays").anyMatch(p -> p.toString().endsWith(".dump.gz"));
    }

    /** {@code dir/bin} holding psql, pg_restore and pg_dump as scripts that run the real ones: replace one to inject a fault. */
    private Path wrappedBinDir() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String tool : List.of("psql", "pg_restore", "pg_dump")) {
            script(bin.resolve(tool), "exec " + pg.binDir().resolve(tool) + " \"$@\"");
        }
        return bin;
    }

    /** Datasource {@code app} (custom format, {@code compression}) through {@code bin_dir: bin}, a local store, and {@code jobs}. */
    private void binDirConfig(String compression, String jobs) throws IOException {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app:
                    engine: postgres
                    host: 127.0.0.1
                    port: %d
                    user: postgres
                    password_file: pg.password
                    database: app
                    format: custom
                    compression: %s
                    bin_dir: bin
                stores:
                  local:
                    type: local
                    path: store
                jobs:
                %s""".formatted(pg.port(), compression, jobs.indent(2)));
    }

    private static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void plainBackupDecompressesWithZstdAndRestoresWithPsql() throws Exception {
        config("plain", "zstd", "pg.password");
        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "app");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        Path artifact = onlyArtifact();
        assertThat(artifact.getFileName().toString()).endsWith(".sql.zst");
        Shell.sh(dir, "zstd -dc " + artifact + " > app.sql");
        pg.createDatabase("by_psql");
        pg.runTool("by_psql", "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", dir.resolve("app.sql").toString());
        assertThat(pg.contentHashes("by_psql")).isEqualTo(sourceContent);

        // into a non-empty database without confirmation and without a terminal: exit 1, nothing changed
        Cli.Result first = cli.run("-c", "config.yaml", "restore", "app", "--to", "copy");
        assertThat(first.exit()).as(first.toString()).isZero();
        pg.execute("copy_plain_zstd", "insert into public.big values (-1, 'marker', now())");
        Map<String, String> before = pg.contentHashes("copy_plain_zstd");
        String schemaBefore = pg.schemaDump("copy_plain_zstd");
        Cli.Result refused = cli.run("-c", "config.yaml", "restore", "app", "--to", "copy");
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.err()).contains("--auto-confirm");
        assertThat(pg.contentHashes("copy_plain_zstd")).isEqualTo(before);
        assertThat(pg.schemaDump("copy_plain_zstd")).isEqualTo(schemaBefore);

        // confirmed but without --clean: the restore collides, rolls back and says so
        Cli.Result collides = cli.run("-c", "config.yaml", "restore", "app", "--to", "copy", "--auto-confirm");
        assertThat(collides.exit()).as(collides.toString()).isEqualTo(2);
        assertThat(collides.err()).contains("nothing was applied").contains("--clean");
        assertThat(pg.contentHashes("copy_plain_zstd")).isEqualTo(before);

        Cli.Result clean = cli.run("-c", "config.yaml", "restore", "app", "--to", "copy", "--auto-confirm", "--clean");
        assertThat(clean.exit()).as(clean.toString()).isZero();
        assertThat(pg.contentHashes("copy_plain_zstd")).isEqualTo(sourceContent);
    }

    /**
     * A password the server refuses: exit 2 (as the README's table says), one line naming the key that gives the password,
     * its place in the config and the file it was read from; it said only the server's words.
     */
    @Test
    void wrongPasswordExits2WithOneLineAndWritesNothing() throws Exception {
        Path wrong = dir.resolve("wrong.password");
        Files.writeString(wrong, "definitely-wrong\n");
        Files.setPosixFilePermissions(wrong, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        config("custom", "gzip", "wrong.password");
        Cli.Result r = cli.run("-c", "config.yaml", "backup", "app");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("password authentication failed for user \"postgres\"")
                .doesNotContain(pg.password()).doesNotContain("definitely-wrong").doesNotContain("Exception");
        // which setting to fix: the config key, its place and where the password was read from (never the password)
        assertThat(r.err()).contains("password authentication failed for user \"postgres\"; check "
                + "datasources.app.password_file at config.yaml:7:20, read from file " + wrong);
        assertThat(r.err().lines().filter(l -> l.contains("password authentication failed")).count()).as(r.toString()).isEqualTo(1);
        assertThat(storeFiles()).isEmpty();
    }

    @Test
    void killingPgDumpMidwayExits2LeavesNoObjectAndAppliesNoRetention() throws Exception {
        config("custom", "gzip", "pg.password");
        Cli.Result first = cli.run("-c", "config.yaml", "backup", "app");
        assertThat(first.exit()).as(first.toString()).isZero();
        List<Path> before = storeFiles();
        Thread.sleep(1100); // the next backup gets a later timestamp in its key

        // a writer holding an exclusive lock keeps pg_dump waiting, alive and connected, until it is killed
        try (Connection lock = pg.connect("app"); Statement st = lock.createStatement()) {
            lock.setAutoCommit(false);
            st.execute("lock table public.big in access exclusive mode");
            CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(
                    () -> cli.run("-c", "config.yaml", "backup", "app", "--prune"));
            ProcessHandle pgDump = waitForChild("pg_dump");
            assertThat(pgDump.destroyForcibly()).isTrue();
            Cli.Result r = run.get(60, TimeUnit.SECONDS);
            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).contains("pg_dump failed");
            lock.rollback();
        }
        assertThat(storeFiles()).as("no new object, and retention did not run").isEqualTo(before);
    }

    private static ProcessHandle waitForChild(String name) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            // the dump itself, not the short-lived `pg_dump --version` probe that precedes it
            Optional<ProcessHandle> p = ProcessHandle.current().descendants()
                    .filter(h -> h.info().command().map(c -> c.endsWith("/" + name)).orElse(false))
                    .filter(h -> h.info().arguments().map(a -> !java.util.Arrays.asList(a).contains("--version")).orElse(false))
                    .findFirst();
            if (p.isPresent()) {
                Thread.sleep(300); // let it connect and block on the lock
                if (p.get().isAlive()) {
                    return p.get();
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError(name + " never started");
    }

    /**
     * A custom archive cut inside its table of contents (a few hundred bytes in: pg_restore cannot even list it), its
     * checksum sidecar rewritten to match. Every command that reads it fails as the backup's own fault (exit 3, one line
     * naming the backup), also those that read only the table of contents: a restore in part checks its names there
     * first, and {@code show --contents} lists it. Before, those two exited 2 ("retry").
     */
    @Test
    void aCustomArchiveCutInsideItsTableOfContentsFailsAsAnIntegrityFailureForEveryCommandThatReadsIt() throws Exception {
        config("custom", "zstd", "pg.password");
        assertThat(cli.run("-c", "config.yaml", "backup", "app").exit()).isZero();
        Path artifact = onlyArtifact();
        Reseal.rewrite(artifact, Reseal.cutAt(300));
        String key = "prod/app/" + artifact.getFileName();
        Shell.sh(dir, "zstd -dc " + artifact + " > toc-cut.dump");
        Shell.Result list = Shell.run(dir, pg.binDir().resolve("pg_restore").toString(), "--list", "toc-cut.dump");
        assertThat(list.exit()).as("cut inside the table of contents: " + list.output()).isNotZero();
        assertThat(cli.run("-c", "config.yaml", "verify", "app").exit()).as("the bytes match their sidecar").isZero();
        drillConfig("toc_cut", "", "[\"select true\"]");
        String damaged = "the backup " + key + " does not restore: the archive is damaged or cut short (pg_restore";

        Cli.Result table = cli.run("-c", "drill.yaml", "restore", "app", "--to", "copy", "--auto-confirm", "--table", "customer");
        Cli.Result show = cli.run("-c", "config.yaml", "show", "app", "--contents");
        Cli.Result restore = cli.run("-c", "drill.yaml", "restore", "app", "--to", "copy", "--auto-confirm");
        Cli.Result drill = cli.run("-c", "drill.yaml", "drill", "app", "--to", "copy");
        for (Cli.Result r : List.of(table, show, restore, drill)) {
            assertThat(r.exit()).as(r.toString()).isEqualTo(3);
            assertThat(r.err()).as(r.toString()).contains(damaged).doesNotContain("Exception");
            assertThat(r.err().lines().filter(l -> l.startsWith("error: ")).toList()).as("one line: " + r).hasSize(1);
        }
        assertThat(table.err()).as("as the check before a restore does").contains("it is the oldest backup of job app");
        assertThat(pg.databaseExists("toc_cut")).as("nothing left behind").isFalse();
    }

    /**
     * The other side of the one above: pg_restore failing while it lists a sound archive for a reason of its own (out of
     * memory here) is no verdict on the backup: {@code restore --table} and {@code show --contents} stay at exit 2.
     */
    @Test
    void aPgRestoreThatFailsWhileListingASoundArchiveStaysASystemError() throws Exception {
        Path bin = wrappedBinDir();
        binDirConfig("zstd", """
                app:
                  datasource: app
                  store: local
                  prefix: prod
                """);
        assertThat(cli.run("-c", "config.yaml", "backup", "app").exit()).isZero();
        // fault injection: pg_restore says its version, then fails as a machine without memory makes it fail
        script(bin.resolve("pg_restore"), "[ \"$1\" = --version ] && exec " + pg.binDir().resolve("pg_restore")
                + " --version\necho 'pg_restore: error: out of memory' >&2\nexit 1");

        Cli.Result table = cli.run("-c", "config.yaml", "restore", "app", "--table", "customer", "--dry-run");
        Cli.Result show = cli.run("-c", "config.yaml", "show", "app", "--contents");
        for (Cli.Result r : List.of(table, show)) {
            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).as(r.toString()).contains("out of memory").doesNotContain("damaged or cut short")
                    .doesNotContain("Exception");
        }
    }
}
