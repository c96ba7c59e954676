package io.dbbackup.engine.postgres;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.Engine;
import io.dbbackup.spi.RestoreOptions;
import io.dbbackup.spi.ToolFailedException;
import io.dbbackup.testkit.Descendants;
import io.dbbackup.testkit.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.dbbackup.engine.postgres.PgTestEngines.context;
import static io.dbbackup.engine.postgres.PgTestEngines.engine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Secrets, connection failures, killed and cancelled dumps, client version mismatch. */
class PostgresFailureIT {
    static PostgresServer pg;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() {
        pg = PostgresServer.start();
        pg.createDatabase("app");
        // ~6 MB of dump: far more than pipe buffers, so pg_dump is still running while the sink blocks
        pg.execute("app", "create table big as select g as id, repeat(md5(g::text), 8) as payload "
                + "from generate_series(1, 25000) g");
    }

    @AfterAll
    static void stopServer() {
        if (pg != null) {
            pg.close();
        }
    }

    /** A sink that blocks its first write until released: the dump is provably in flight meanwhile. */
    static final class HeldSink extends OutputStream {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        long bytes;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            started.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new InterruptedIOException();
            }
            bytes += len;
        }
    }

    private CompletableFuture<Void> dumpAsync(Engine engine, OutputStream sink, Cancellation cancellation) {
        return CompletableFuture.runAsync(() -> {
            try {
                engine.dump(sink, context(dir, cancellation));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private static Optional<ProcessHandle> child(String name) {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("/" + name)).orElse(false))
                .filter(p -> p.info().arguments().map(a -> !java.util.Arrays.asList(a).contains("--version")).orElse(true))
                .findFirst();
    }

    private static Throwable failureOf(CompletableFuture<Void> f) throws InterruptedException {
        try {
            f.get(60, TimeUnit.SECONDS);
            throw new AssertionError("the dump succeeded");
        } catch (ExecutionException e) {
            return e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause() : e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the dump did not stop", e);
        }
    }

    @Test
    void thePasswordIsOnNoCommandLineAndInNoChildEnvironment() throws Exception {
        HeldSink sink = new HeldSink();
        CompletableFuture<Void> dump = dumpAsync(engine(pg, dir, "app", "format: custom"), sink, new Cancellation());
        assertThat(sink.started.await(30, TimeUnit.SECONDS)).isTrue();
        ProcessHandle pgDump = child("pg_dump").orElseThrow();
        List<String> offenders = new ArrayList<>();
        // only what this JVM started: another run on the machine would show its own processes here
        for (Descendants.Running p : Descendants.running()) {
            String cmdline = p.cmdline().replace('\0', ' ');
            if (cmdline.contains(pg.password()) || cmdline.contains(pg.password().substring(3, 20))
                    || cmdline.toLowerCase().contains("password=")) {
                offenders.add(p.pid() + ": " + cmdline);
            }
        }
        assertThat(offenders).isEmpty();
        String cmd = new String(Files.readAllBytes(Path.of("/proc", String.valueOf(pgDump.pid()), "cmdline")), StandardCharsets.UTF_8);
        assertThat(cmd).contains("--format=custom").contains("--compress=0");
        String environ = new String(Files.readAllBytes(Path.of("/proc", String.valueOf(pgDump.pid()), "environ")), StandardCharsets.UTF_8);
        assertThat(environ).doesNotContain(pg.password()).doesNotContain("PGPASSWORD").contains("PGPASSFILE=");
        String passfile = environ.split("PGPASSFILE=")[1].split("\0")[0];
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(passfile)))).isEqualTo("rw-------");
        assertThat(environ.split("\0")).as("a minimal environment").hasSizeLessThan(16);
        sink.release.countDown();
        dump.get(60, TimeUnit.SECONDS);
        assertThat(sink.bytes).isGreaterThan(1_000_000);
        assertThat(Files.exists(Path.of(passfile))).as("pass file deleted after the run").isFalse();
    }

    @Test
    void killingPgDumpMidwayFailsTheDump() throws Exception {
        HeldSink sink = new HeldSink();
        CompletableFuture<Void> dump = dumpAsync(engine(pg, dir, "app"), sink, new Cancellation());
        assertThat(sink.started.await(30, TimeUnit.SECONDS)).isTrue();
        ProcessHandle pgDump = child("pg_dump").orElseThrow();
        assertThat(pgDump.destroyForcibly()).isTrue();
        pgDump.onExit().get(10, TimeUnit.SECONDS);
        sink.release.countDown();
        Throwable t = failureOf(dump);
        assertThat(t).isInstanceOf(ToolFailedException.class).hasMessageContaining("pg_dump failed (exit 137): killed by SIGKILL (signal 9): most often the kernel's out-of-memory killer");
        assertThat(Files.list(dir.resolve("scratch"))).as("pass file deleted").isEmpty();
    }

    @Test
    void cancellingStopsPgDump() throws Exception {
        HeldSink sink = new HeldSink();
        Cancellation cancellation = new Cancellation();
        CompletableFuture<Void> dump = dumpAsync(engine(pg, dir, "app"), sink, cancellation);
        assertThat(sink.started.await(30, TimeUnit.SECONDS)).isTrue();
        ProcessHandle pgDump = child("pg_dump").orElseThrow();
        cancellation.cancel("test says stop");
        sink.release.countDown();
        assertThat(failureOf(dump)).isInstanceOf(InterruptedIOException.class).hasMessageContaining("test says stop");
        assertThat(pgDump.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
    }

    @Test
    void aDumpPastItsTimeoutIsKilled() throws Exception {
        HeldSink sink = new HeldSink();
        CompletableFuture<Void> dump = dumpAsync(engine(pg, dir, "app", "timeout: 1s"), sink, new Cancellation());
        assertThat(sink.started.await(30, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(2500);
        sink.release.countDown();
        assertThat(failureOf(dump)).isInstanceOf(ToolFailedException.class).hasMessageContaining("timed out after 1s");
    }

    private void assertPermanentConnectionFailure(Engine engine, String expected) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThatThrownBy(() -> engine.dump(out, context(dir)))
                .isInstanceOfSatisfying(DbBackupException.class, e -> {
                    assertThat(e.status()).isEqualTo(ExitStatus.SYSTEM_ERROR);
                    assertThat(e.retryable()).as("retryable").isFalse();
                    assertThat(e.getMessage()).contains(expected).doesNotContain("\n").doesNotContain(pg.password())
                            .startsWith("cannot connect to PostgreSQL ");
                });
        assertThat(out.size()).as("nothing written").isZero();
        assertThatThrownBy(() -> engine.restore(new ByteArrayInputStream("select 1;".getBytes()),
                io.dbbackup.core.DumpFormat.SQL, new RestoreOptions(false), context(dir)))
                .isInstanceOf(DbBackupException.class).hasMessageContaining(expected);
    }

    @Test
    void wrongPasswordIsAPermanentOneLineError() throws Exception {
        Path wrong = dir.resolve("wrong.pw");
        Files.writeString(wrong, "not-the-password\n");
        Files.setPosixFilePermissions(wrong, PosixFilePermissions.fromString("rw-------"));
        Engine engine = PgTestEngines.fromYaml(dir, java.util.Map.of(), """
                datasources:
                  pg:
                    engine: postgres
                    host: 127.0.0.1
                    port: %d
                    user: postgres
                    password_file: %s
                    database: app
                """.formatted(pg.port(), wrong));
        assertPermanentConnectionFailure(engine, "password authentication failed for user \"postgres\"");
        assertThatThrownBy(() -> engine.inspectTarget(context(dir))).isInstanceOf(DbBackupException.class)
                .hasMessageContaining("password authentication failed");
    }

    @Test
    void passwordFromTheEnvironmentWorks() throws Exception {
        Engine engine = PgTestEngines.fromYaml(dir, java.util.Map.of("APP_PG_PW", pg.password()), """
                datasources:
                  pg:
                    engine: postgres
                    host: 127.0.0.1
                    port: %d
                    user: postgres
                    password_env: APP_PG_PW
                    database: app
                """.formatted(pg.port()));
        assertThat(engine.inspectTarget(context(dir)).objects()).isEqualTo(1);
    }

    @Test
    void missingDatabaseIsPermanentForDumpAndAbsentForInspect() throws Exception {
        Engine engine = engine(pg, dir, "no_such_db");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThatThrownBy(() -> engine.dump(out, context(dir)))
                .isInstanceOfSatisfying(DbBackupException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("database \"no_such_db\" does not exist").doesNotContain("\n");
                });
        assertThat(out.size()).isZero();
        assertThat(engine.inspectTarget(context(dir)).exists()).isFalse();
    }

    @Test
    void unknownHostIsPermanent() throws Exception {
        Engine engine = engine(pg, dir, "app", "host: no-such-host.invalid");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThatThrownBy(() -> engine.dump(out, context(dir)))
                .isInstanceOfSatisfying(DbBackupException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("could not translate host name \"no-such-host.invalid\"")
                            .doesNotContain("\n");
                });
        assertThat(out.size()).isZero();
    }

    /**
     * A server whose connection slots are taken (by the applications: here held sessions): the backup fails in one line
     * that names max_connections and superuser_reserved_connections, retryable (the job's retry), and backs up once a
     * slot is free. Before, only the server's words.
     */
    @Test
    void aServerWithNoFreeConnectionSlotIsRetriedAndSaysWhichSettings() throws Exception {
        try (PostgresServer full = PostgresServer.start(PostgresServer.DEFAULT_VERSION,
                java.util.Map.of("max_connections", "4", "superuser_reserved_connections", "2"), java.util.Map.of())) {
            full.execute("postgres", "create role bk login password 'bk-pw'; grant pg_read_all_data to bk; "
                    + "create table t(i int); insert into t values (1)");
            Path pw = dir.resolve("bk.pw");
            Files.writeString(pw, "bk-pw\n");
            Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
            Engine engine = engine(full, dir, "postgres", "user: bk", "password_file: " + pw);
            List<java.sql.Connection> held = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) { // the two slots that are not kept for superusers
                    held.add(full.connect("postgres"));
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                assertThatThrownBy(() -> engine.dump(out, context(dir))).isInstanceOfSatisfying(DbBackupException.class, e -> {
                    assertThat(e.retryable()).as("retried").isTrue();
                    assertThat(e.getMessage()).contains("remaining connection slots are reserved")
                            .contains("max_connections").contains("superuser_reserved_connections").doesNotContain("\n");
                });
                assertThat(out.size()).isZero();
            } finally {
                for (java.sql.Connection c : held) {
                    c.close();
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            engine.dump(out, context(dir));
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("CREATE TABLE public.t");
        }
    }

    @Test
    void aClosedPortIsAOneLineErrorThatMayBeRetried() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Engine engine = engine(pg, dir, "app", "port: " + closed);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThatThrownBy(() -> engine.dump(out, context(dir)))
                .isInstanceOfSatisfying(DbBackupException.class, e -> {
                    assertThat(e.status()).isEqualTo(ExitStatus.SYSTEM_ERROR);
                    assertThat(e.retryable()).as("a server that is down may come back").isTrue();
                    assertThat(e.getMessage()).contains("Connection refused").doesNotContain("\n");
                });
        assertThat(out.size()).isZero();
    }

    @Test
    void anOlderPgDumpIsRefusedNamingBothVersionsEvenWhenItExitsZero() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("old-client"));
        Files.createSymbolicLink(bin.resolve("psql"), pg.binDir().resolve("psql"));
        Path fake = bin.resolve("pg_dump");
        // stands in for an old client we cannot install here: prints its version line whatever it is asked
        // and exits 0, so only the version check can fail this dump (the sole client starts while the
        // server is asked its version; a real old pg_dump refuses a newer server by itself)
        Files.writeString(fake, "#!/bin/sh\necho 'pg_dump (PostgreSQL) 14.9 (Debian 14.9-1)'\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        Engine engine = engine(pg, dir, "app", "bin_dir: " + bin);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThatThrownBy(() -> engine.dump(out, context(dir)))
                .isInstanceOfSatisfying(DbBackupException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("server is version 15").contains("14.9")
                            .contains("apt-get install postgresql-client-15").contains(fake.toString());
                });

        Engine missing = engine(pg, dir, "app", "pg_version: 99");
        assertThatThrownBy(() -> missing.dump(out, context(dir))).isInstanceOf(DbBackupException.class)
                .hasMessageContaining("apt-get install postgresql-client-99");
    }

    /** bin_dir holding the real psql and a pg_dump wrapper that runs the real one, then does {@code body}. */
    private Path wrapped(String name, String body) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin-" + name));
        Files.createSymbolicLink(bin.resolve("psql"), pg.binDir().resolve("psql"));
        Path real = pg.binDir().resolve("pg_dump");
        Path tool = bin.resolve("pg_dump");
        Files.writeString(tool, "#!/bin/sh\nfor a in \"$@\"; do case \"$a\" in --version|-V) exec " + real + " \"$@\";; esac; done\n"
                + body.replace("REAL", real.toString()) + "\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    /**
     * A pg_dump (or a wrapper around one: docker exec, ssh) that exits 0 with its dump cut short must not become a
     * backup, in either format: retention would count it and delete good ones. An "error:" line fails it too.
     */
    @Test
    void aPgDumpThatExitsZeroWithoutItsEndFailsTheDump() throws Exception {
        Path whole = wrapped("whole", "REAL \"$@\"; exit 0");
        for (String format : List.of("custom", "plain")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            engine(pg, dir, "app", "bin_dir: " + whole, "format: " + format).dump(out, context(dir));
            assertThat(out.size()).as(format).isGreaterThan(1_000_000);
        }
        Path cut = wrapped("cut", "REAL \"$@\" | head -c 200000; exit 0");
        for (String format : List.of("custom", "plain")) {
            assertThatThrownBy(() -> engine(pg, dir, "app", "bin_dir: " + cut, "format: " + format)
                    .dump(new ByteArrayOutputStream(), context(dir)))
                    .as(format).isInstanceOfSatisfying(DbBackupException.class,
                            e -> assertThat(e.status()).isEqualTo(ExitStatus.SYSTEM_ERROR))
                    .hasMessageContaining("pg_dump exited 0, but its " + (format.equals("custom") ? "archive" : "script")
                            + " does not end as pg_dump ends one");
        }
        Path said = wrapped("said", "REAL \"$@\"; echo 'pg_dump: error: query failed: server closed the connection' >&2; exit 0");
        assertThatThrownBy(() -> engine(pg, dir, "app", "bin_dir: " + said).dump(new ByteArrayOutputStream(), context(dir)))
                .isInstanceOf(ToolFailedException.class)
                .hasMessage("pg_dump failed (exit 0): pg_dump: error: query failed: server closed the connection");
    }

    /**
     * A psql that exits 0 before the end of its input (a wrapper in bin_dir that passes on only part of it) committed
     * its one transaction: the restore fails, and says that the part it read is applied. It said "rolled back: nothing
     * was applied" while the target held the backup's tables, empty.
     */
    @Test
    void aPsqlThatExitsZeroBeforeTheEndOfItsInputIsSaidToHaveCommittedWhatItRead() throws Exception {
        ByteArrayOutputStream dump = new ByteArrayOutputStream();
        engine(pg, dir, "app", "format: plain").dump(dump, context(dir));
        byte[] script = dump.toByteArray();
        List<String> lines = new String(script, StandardCharsets.UTF_8).lines().toList();
        int beforeData = lines.indexOf(lines.stream().filter(l -> l.startsWith("COPY ")).findFirst().orElseThrow());
        Path bin = Files.createDirectories(dir.resolve("bin-head"));
        for (String t : List.of("pg_dump", "pg_restore")) {
            Files.createSymbolicLink(bin.resolve(t), pg.binDir().resolve(t));
        }
        Path real = pg.binDir().resolve("psql");
        Path psql = bin.resolve("psql");
        Files.writeString(psql, "#!/bin/sh\nfor a in \"$@\"; do case \"$a\" in --single-transaction) head -n " + beforeData
                + " | " + real + " \"$@\"; exit $?;; esac; done\nexec " + real + " \"$@\"\n");
        Files.setPosixFilePermissions(psql, PosixFilePermissions.fromString("rwxr-xr-x"));
        pg.createDatabase("partly");
        Engine target = engine(pg, dir, "partly", "bin_dir: " + bin);
        assertThatThrownBy(() -> target.restore(new ByteArrayInputStream(script), io.dbbackup.core.DumpFormat.SQL,
                new RestoreOptions(false), context(dir)))
                .isInstanceOfSatisfying(DbBackupException.class, e -> assertThat(e.status()).isEqualTo(ExitStatus.SYSTEM_ERROR))
                .hasMessageContaining("ran as one transaction and was committed (psql exited 0): the part of the backup it "
                        + "read is applied, the rest is not (restore again with --clean once the cause is fixed): ")
                .hasMessageContaining("it exited 0 before reading all of its input")
                .hasMessageNotContaining("rolled back");
        assertThat(pg.queryOne("partly", "select count(*) from big")).as("its table made, its rows not").isEqualTo("0");
    }

    /** A restore cancelled by a signal into a database it created drops that database again, as a failed one does. */
    @Test
    void aCancelledRestoreDropsTheDatabaseItCreated() throws Exception {
        ByteArrayOutputStream dump = new ByteArrayOutputStream();
        engine(pg, dir, "app").dump(dump, context(dir));
        byte[] script = dump.toByteArray();
        CountDownLatch halfway = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        java.io.InputStream stalling = new java.io.InputStream() { // half the script, then waits as a slow store would
            int pos;

            @Override
            public int read() throws IOException {
                byte[] b = new byte[1];
                return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (pos >= script.length / 2) {
                    halfway.countDown();
                    try {
                        never.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        throw new InterruptedIOException();
                    }
                    throw new InterruptedIOException("stopped");
                }
                int n = Math.min(len, script.length / 2 - pos);
                System.arraycopy(script, pos, b, off, n);
                pos += n;
                return n;
            }
        };
        Cancellation cancellation = new Cancellation();
        Engine fresh = engine(pg, dir, "restored_then_cancelled");
        CompletableFuture<Void> restore = CompletableFuture.runAsync(() -> {
            try {
                fresh.restore(stalling, io.dbbackup.core.DumpFormat.SQL, new RestoreOptions(false), context(dir, cancellation));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThat(halfway.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(pg.databaseExists("restored_then_cancelled")).as("created for the restore").isTrue();
        cancellation.cancel("SIGTERM");
        never.countDown();
        Throwable t = failureOf(restore);
        assertThat(t).isInstanceOf(InterruptedIOException.class);
        assertThat(pg.databaseExists("restored_then_cancelled")).as("dropped again").isFalse();
        assertThat(io.dbbackup.pipeline.Failures.map("restore of app failed", t).getMessage()).as("as the user reads it")
                .startsWith("restore of app failed: interrupted (restore into ").contains("was rolled back: nothing was applied")
                .contains("the database restored_then_cancelled created for it was dropped again");
    }
}
