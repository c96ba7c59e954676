package io.dbbackup.engine.postgres;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.Descendants;
import io.dbbackup.testkit.PostgresServer;
import io.dbbackup.testkit.WriteWatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code dbbackup sync} between two PostgreSQL databases: the rich fixture arrives identical with no
 * file written on the way, and a pg_dump killed mid-stream leaves the target exactly as it was. Also a
 * {@code restore} interrupted by SIGTERM, which shares the hazard of a restore tool seeing its input end.
 */
class PostgresSyncIT {
    static PostgresServer pg;
    static String sourceSchema;
    static Map<String, String> sourceContent;

    @TempDir
    Path dir;
    Path scratch;
    Cli cli;

    @BeforeAll
    static void startServer() throws Exception {
        pg = PostgresServer.start();
        pg.execute("postgres", "create role dbb_reader login password 'reader-pw'");
        pg.createDatabase("src");
        Path fixture = Path.of(PostgresSyncIT.class.getResource("/postgres/rich-schema.sql").toURI());
        pg.runTool("src", "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", fixture.toString());
        // ~13 MB of COPY data more: the dump is still running long after the restore has begun
        pg.execute("src", "create table public.bulk as select g as id, repeat(md5(g::text), 4) as payload "
                + "from generate_series(1, 90000) g; alter table public.bulk add primary key (id)");
        sourceSchema = pg.schemaDump("src");
        sourceContent = pg.contentHashes("src");
    }

    @AfterAll
    static void stopServer() {
        if (pg != null) {
            pg.close();
        }
    }

    @BeforeEach
    void config() throws Exception {
        scratch = Files.createDirectories(dir.resolve("scratch"));
        pg.writePasswordFile(dir.resolve("pg.password"));
        StringBuilder ds = new StringBuilder();
        for (String name : List.of("src", "copy", "empty", "busy", "custom")) {
            ds.append("""
                      %s:
                        engine: postgres
                        host: 127.0.0.1
                        port: %d
                        user: postgres
                        password_file: pg.password
                        database: %s
                        format: %s
                    """.formatted(name, pg.port(), name.equals("src") || name.equals("custom") ? "src" : name + "_" + System.nanoTime(),
                    name.equals("custom") ? "custom" : "plain"));
        }
        Files.writeString(dir.resolve("config.yaml"), "datasources:\n" + ds + """
                stores:
                  local:
                    type: local
                    path: store
                jobs:
                  src:
                    datasource: src
                    store: local
                """);
        cli = new Cli().workingDir(dir).env("DBBACKUP_TMPDIR", scratch.toString());
    }

    private String database(String datasource) throws Exception {
        return Files.readString(dir.resolve("config.yaml")).lines()
                .dropWhile(l -> !l.strip().equals(datasource + ":")).filter(l -> l.strip().startsWith("database:"))
                .findFirst().orElseThrow().split(":", 2)[1].strip();
    }

    private String fingerprint(String db) {
        return pg.schemaDump(db) + pg.contentHashes(db);
    }

    @Test
    void syncIntoAnEmptyTargetGivesIdenticalFingerprintsWithoutWritingAFile() throws Exception {
        String copy = database("copy");
        assertThat(Files.readString(dir.resolve("config.yaml"))).contains("format: plain");
        Map<String, String> filesBefore = WriteWatch.snapshot(dir);
        Cli.Result r;
        WriteWatch watch = WriteWatch.startIgnoringServers(scratch);
        try (watch) {
            r = cli.run("-c", "config.yaml", "sync", "src", "copy");
        }
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).doesNotContain(pg.password());
        assertThat(pg.schemaDump(copy)).isEqualTo(sourceSchema);
        assertThat(pg.contentHashes(copy)).isEqualTo(sourceContent);

        assertThat(watch.programsSeen()).as("the watch saw the tools run").contains("pg_dump", "psql");
        assertThat(watch.newlyOpenedForWriting()).as("no file opened for writing by dbbackup or its tools").isEmpty();
        assertThat(watch.maxFolderBytes()).as("the scratch folder never held more than the 0600 pass file").isLessThan(4096);
        assertThat(WriteWatch.snapshot(dir)).as("working folder, scratch folder and store unchanged").isEqualTo(filesBefore);
        long synced = Long.parseLong(pg.queryOne("src", "select pg_database_size('src')"));
        System.out.printf("postgres sync: %s; %d polls of open files; source database %d MiB%n", r.out().strip(), watch.polls(),
                synced >> 20);
    }

    @Test
    void aCustomFormatSourceGoesThroughPgRestoreInOneTransactionToo() throws Exception {
        String target = database("copy");
        Cli.Result r = cli.run("-c", "config.yaml", "sync", "custom", "copy");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(pg.schemaDump(target)).isEqualTo(sourceSchema);
        assertThat(pg.contentHashes(target)).isEqualTo(sourceContent);
        // again without --clean: refused without a terminal, saying that --clean is what replaces what the target holds
        Cli.Result again = cli.run("-c", "config.yaml", "sync", "custom", "copy");
        assertThat(again.exit()).as(again.toString()).isEqualTo(1);
        assertThat(again.err()).contains("refusing to sync into postgres").contains("no terminal to ask; pass --auto-confirm "
                + "(without --clean the sync keeps what it holds, and an object the source holds too fails it with nothing "
                + "applied: add --clean to replace them)");
        pg.execute(target, "create table public.stray (i int)");
        Cli.Result clean = cli.run("-c", "config.yaml", "sync", "custom", "copy", "--clean", "--auto-confirm");
        assertThat(clean.exit()).as(clean.toString()).isZero();
        assertThat(pg.schemaDump(target)).isEqualTo(sourceSchema);
        assertThat(pg.contentHashes(target)).isEqualTo(sourceContent);
    }

    @Test
    void killingPgDumpMidwayLeavesAnEmptyTargetEmptyWithExit2() throws Exception {
        String empty = database("empty");
        pg.createDatabase(empty);
        String before = fingerprint(empty);
        Cli.Result r = syncKillingTheDumpMidway(empty, "empty");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("pg_dump failed (exit 137)").contains("rolled back: nothing was applied");
        assertThat(fingerprint(empty)).isEqualTo(before);
        assertThat(pg.query(empty, "select relname from pg_class where relname = 'bulk'")).isEmpty();
    }

    @Test
    void killingPgDumpMidwayLeavesANonEmptyTargetAsItWasEvenWithClean() throws Exception {
        String busy = database("busy");
        pg.createDatabase(busy);
        Path fixture = Path.of(PostgresSyncIT.class.getResource("/postgres/rich-schema.sql").toURI());
        pg.runTool(busy, "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", fixture.toString());
        pg.execute(busy, "create table public.kept_locally (i int); insert into public.kept_locally values (42);"
                + " delete from sales.customer where id = 1");
        String before = fingerprint(busy);
        Cli.Result r = syncKillingTheDumpMidway(busy, "busy", "--clean", "--auto-confirm");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("pg_dump failed (exit 137)").contains("rolled back: nothing was applied");
        assertThat(fingerprint(busy)).isEqualTo(before);
        assertThat(pg.queryOne(busy, "select i from public.kept_locally")).isEqualTo("42");

        // and the same sync, not killed, replaces everything
        Cli.Result ok = cli.run("-c", "config.yaml", "sync", "src", "busy", "--clean", "--auto-confirm");
        assertThat(ok.exit()).as(ok.toString()).isZero();
        assertThat(pg.schemaDump(busy)).isEqualTo(sourceSchema);
        assertThat(pg.contentHashes(busy)).isEqualTo(sourceContent);
    }

    /** The built jar as a process, SIGTERM mid-sync: the tools are killed, the target rolls back, exit 143. */
    @Test
    void sigtermMidSyncRollsBackAndExits143() throws Exception {
        String busy = database("busy");
        pg.createDatabase(busy);
        pg.execute(busy, "create table public.kept_locally (i int); insert into public.kept_locally values (42)");
        String before = fingerprint(busy);
        Path jar = Path.of(System.getProperty("dbbackup.jar", "target/dbbackup.jar")).toAbsolutePath();
        assertThat(jar).as("the shaded jar (mvn package)").exists();
        ProcessBuilder pb = new ProcessBuilder("env", "--default-signal=INT,TERM",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC", "-jar", jar.toString(),
                "-c", "config.yaml", "sync", "src", "busy", "--clean", "--auto-confirm").directory(dir.toFile())
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        pb.environment().put("DBBACKUP_TMPDIR", scratch.toString());
        Process p = pb.start();
        try {
            CompletableFuture<Void> running = p.onExit().thenApply(x -> null);
            ProcessHandle psql = Descendants.await(() -> Descendants.find("psql", a -> a.contains("--single-transaction"))
                    .filter(x -> Descendants.bytesRead(x) > 1 << 20), running, Duration.ofMinutes(1), "psql read 1 MiB");
            Descendants.signal(psql, true);
            ProcessHandle pgDump = Descendants.find("pg_dump", a -> !a.contains("--version")).orElseThrow();
            new ProcessBuilder("kill", "-TERM", String.valueOf(p.pid())).inheritIO().start().waitFor();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("exits").isTrue();
            String err = Files.readString(dir.resolve("err.txt"));
            System.out.println("postgres sync, SIGTERM mid-way: exit " + p.exitValue() + "\n" + err.lines()
                    .filter(l -> l.startsWith("error:")).reduce("", (a, b) -> a + b + "\n"));
            assertThat(p.exitValue()).as(err).isEqualTo(143);
            assertThat(pgDump.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
            assertThat(psql.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
            assertThat(fingerprint(busy)).isEqualTo(before);
            try (var files = Files.list(scratch)) {
                assertThat(files.toList()).as("scratch folder cleaned").isEmpty();
            }
        } finally {
            p.destroyForcibly();
            Descendants.find("psql", a -> true).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /**
     * The same hazard for {@code restore}: a SIGTERM while psql is being fed must kill psql, not leave it to
     * see its input end and commit half a dump. psql is stopped while dbbackup gets the signal and let go
     * once dbbackup has exited: if it were still alive it would read EOF and commit.
     */
    @Test
    void sigtermMidRestoreKillsPsqlAndLeavesTheTargetAsItWas() throws Exception {
        assertThat(cli.run("-c", "config.yaml", "backup", "src").exit()).isZero();
        String busy = database("busy");
        pg.createDatabase(busy);
        pg.execute(busy, "create table public.kept_locally (i int); insert into public.kept_locally values (42)");
        String before = fingerprint(busy);
        Path jar = Path.of(System.getProperty("dbbackup.jar", "target/dbbackup.jar")).toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder("env", "--default-signal=INT,TERM",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC", "-jar", jar.toString(),
                "-c", "config.yaml", "restore", "src", "--to", "busy", "--clean", "--auto-confirm").directory(dir.toFile())
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        pb.environment().put("DBBACKUP_TMPDIR", scratch.toString());
        Process p = pb.start();
        ProcessHandle psql = null;
        try {
            CompletableFuture<Void> running = p.onExit().thenApply(x -> null);
            psql = Descendants.await(() -> Descendants.find("psql", a -> a.contains("--single-transaction"))
                    .filter(x -> Descendants.bytesRead(x) > 1 << 20), running, Duration.ofMinutes(1), "psql read 1 MiB");
            Descendants.signal(psql, true);
            new ProcessBuilder("kill", "-TERM", String.valueOf(p.pid())).inheritIO().start().waitFor();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("exits").isTrue();
            // still stopped, psql can only be gone if dbbackup killed it; a survivor would read EOF once let go
            // and commit whatever its transaction holds at a statement boundary
            boolean gone = psql.onExit().completeOnTimeout(psql, 10, TimeUnit.SECONDS).get().isAlive() == false;
            if (!gone) {
                Descendants.signal(psql, false);
                psql.onExit().get(20, TimeUnit.SECONDS);
            }
            assertThat(gone).as("psql killed by dbbackup, not left behind").isTrue();
            String err = Files.readString(dir.resolve("err.txt"));
            System.out.println("postgres restore, SIGTERM mid-way: exit " + p.exitValue() + "\n" + err);
            assertThat(p.exitValue()).as(err).isEqualTo(143);
            assertThat(fingerprint(busy)).as("nothing of the half-fed restore was committed").isEqualTo(before);
        } finally {
            p.destroyForcibly();
            if (psql != null) {
                psql.destroyForcibly();
            }
        }
    }

    /**
     * Starts the sync, waits until psql has read 1 MiB of the dump inside its transaction, stops psql
     * (so the dump backs up behind it and pg_dump is provably still running), kills pg_dump, lets psql go.
     */
    private Cli.Result syncKillingTheDumpMidway(String database, String datasource, String... options) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("-c", "config.yaml", "sync", "src", datasource));
        args.addAll(List.of(options));
        CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(() -> cli.run(args.toArray(String[]::new)));
        Descendants.killProducerMidStream("psql", a -> a.contains("--single-transaction"), "pg_dump", run, () ->
                assertThat(pg.queryOne("postgres", "select count(*) from pg_stat_activity where datname = '" + database
                        + "' and xact_start is not null and application_name = 'dbbackup'")).as("a restore transaction is open")
                        .isEqualTo("1"));
        Cli.Result r = run.get(2, TimeUnit.MINUTES);
        System.out.println("postgres sync, pg_dump killed mid-way: exit " + r.exit() + "\n" + r.err().lines()
                .filter(l -> l.startsWith("error:")).reduce("", (a, b) -> a + b + "\n"));
        assertThat(Descendants.find("psql", a -> true)).as("psql is gone").isEmpty();
        try (var s = Files.list(scratch)) {
            assertThat(s.toList()).as("scratch folder cleaned").isEmpty();
        }
        return r;
    }
}
