package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.FakeWal;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The commands of one job tag what is said for it with {@code job=NAME}, as {@code backup JOB} and {@code verify JOB} do:
 * {@code restore}, {@code show}, {@code download}, {@code wal-push} and {@code wal-fetch}; in JSON a {@code job} field.
 * {@code sync} names datasources, not a job: its lines name no job.
 */
class SingleJobLogTaggingCliTest {
    @TempDir
    Path dir;
    Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 20);
        Files.createDirectories(dir.resolve("pgdata/pg_wal/archive_status"));
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                  scratch: {engine: sqlite, path: scratch.db}
                  pg: {engine: postgres, method: physical, cluster: main}
                stores:
                  local: {type: local, path: store}
                jobs:
                  app: {datasource: app, store: local}
                  phys: {datasource: pg, store: local, prefix: p}
                """);
        cli = new Cli().workingDir(dir);
        Cli.Result b = run("backup", "app");
        assertThat(b.exit()).as(b.toString()).isZero();
    }

    private Cli.Result run(String... args) {
        String[] full = new String[args.length + 2];
        full[0] = "-c";
        full[1] = dir.resolve("config.yaml").toString();
        System.arraycopy(args, 0, full, 2, args.length);
        return cli.run(full);
    }

    private static String line(Cli.Result r, String message) {
        return r.err().lines().filter(l -> l.contains(message)).findFirst()
                .orElseThrow(() -> new AssertionError("no line with '" + message + "' in\n" + r));
    }

    @Test
    void restoreTagsItsLinesWithTheJob() {
        Cli.Result r = run("restore", "app", "--to", "scratch", "--auto-confirm");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(line(r, "restore started")).contains("restore started job=app key=");
        assertThat(line(r, "restore finished")).contains("restore finished job=app key=");
    }

    @Test
    void showTagsItsWarningsWithTheJob() throws Exception {
        Path sidecar;
        try (Stream<Path> s = Files.walk(dir.resolve("store/app"))) {
            sidecar = s.filter(p -> p.toString().endsWith(".sha256")).findFirst().orElseThrow();
        }
        Files.writeString(sidecar, "0".repeat(64) + Files.readString(sidecar).substring(64));
        Cli.Result r = run("show", "app");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(line(r, "the manifest records sha256")).contains(" job=app key=");
    }

    @Test
    void downloadTagsItsLinesWithTheJob() {
        Cli.Result r = run("download", "app", "-o", dir.toString() + "/");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(line(r, "download finished")).contains("download finished job=app key=");
    }

    @Test
    void walPushAndWalFetchTagTheirLinesWithTheJob() throws Exception {
        String name = "000000010000000000000001";
        Path pgWal = dir.resolve("pgdata/pg_wal");
        Files.write(pgWal.resolve(name), FakeWal.segment(name, 1 << 20, 1));
        Files.writeString(pgWal.resolve("archive_status/" + name + ".ready"), "");
        Cli.Result push = run("wal-push", "--job", "phys", dir.resolve("pgdata/pg_wal/" + name).toString(), name);
        assertThat(push.exit()).as(push.toString()).isZero();
        assertThat(line(push, "wal archived")).contains("wal archived job=phys file=" + name);

        Cli.Result fetch = run("wal-fetch", "--job", "phys", name, dir.resolve("pgdata/RECOVERYXLOG").toString());
        assertThat(fetch.exit()).as(fetch.toString()).isZero();
        assertThat(line(fetch, "wal fetched")).contains("wal fetched job=phys file=" + name);
    }

    /** The archiver's later call for a file archived ahead is acknowledged without loading the config: its line names the job too. */
    @Test
    void walPushsShortcutNamesTheJob() throws Exception {
        Path pgWal = dir.resolve("pgdata/pg_wal");
        for (String name : List.of("000000010000000000000001", "000000010000000000000002")) {
            Files.write(pgWal.resolve(name), FakeWal.segment(name, 1 << 20, name.charAt(23)));
            Files.writeString(pgWal.resolve("archive_status/" + name + ".ready"), "");
        }
        Cli.Result push = new Cli().workingDir(dir.resolve("pgdata")).run("-c", dir.resolve("config.yaml").toString(),
                "wal-push", "--job", "phys", "--ahead", "1", "pg_wal/000000010000000000000001", "000000010000000000000001");
        assertThat(push.exit()).as(push.toString()).isZero();
        java.io.StringWriter err = new java.io.StringWriter();
        assertThat(WalPushShortcut.acknowledged(new String[]{"-c", dir.resolve("config.yaml").toString(), "wal-push", "--job",
                "phys", "pg_wal/000000010000000000000002", "000000010000000000000002"}, dir.resolve("pgdata"),
                new java.io.PrintWriter(err))).isTrue();
        assertThat(err.toString()).contains("wal archived ahead job=phys file=000000010000000000000002");
    }

    @Test
    void jsonLinesCarryTheJobField() {
        Cli.Result r = cli.run("--log-format", "json", "-c", dir.resolve("config.yaml").toString(),
                "restore", "app", "--to", "scratch", "--auto-confirm");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(line(r, "\"restore finished\"")).contains("\"job\":\"app\"");
    }

    @Test
    void syncNamesNoJob() {
        Cli.Result r = run("sync", "app", "scratch", "--auto-confirm");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(line(r, "sync finished")).doesNotContain("job=");
        assertThat(List.of(r.err().split("\n"))).noneMatch(l -> l.contains("job="));
    }
}
