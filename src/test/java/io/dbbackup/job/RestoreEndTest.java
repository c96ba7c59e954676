package io.dbbackup.job;

import io.dbbackup.config.Config;
import io.dbbackup.config.DatasourceConfig;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.DumpFormat;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.core.Log;
import io.dbbackup.spi.DirectoryRestore;
import io.dbbackup.spi.DumpInfo;
import io.dbbackup.spi.Engine;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.RestoreOptions;
import io.dbbackup.spi.TargetState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * How a restore ends when its engine does not read the backup as it should: a failure that follows a signal (a tool's
 * feeder reporting its read cut off, "Stream closed", before the tool's kill says "cancelled") is said as the signal,
 * whichever came first; a physical restore whose engine returns before the backup's end (its checksum, checked at the
 * end, never checked) fails as an integrity failure instead of finishing. The engine is a fake that injects the fault.
 */
class RestoreEndTest {
    private static final int SIZE = 300_000;

    @TempDir
    Path dir;

    private final StringWriter logged = new StringWriter();

    /** No one to ask: the restores here are confirmed by --auto-confirm. */
    private static final Confirmer NOBODY = new Confirmer() {
        @Override
        public boolean interactive() {
            return false;
        }

        @Override
        public boolean confirm(String question) {
            return false;
        }
    };

    /** What the fake engine does with the backup's stream in a restore; {@code ws}: to send the run a signal. */
    @FunctionalInterface
    interface Load {
        void read(InputStream in, Workspace ws) throws IOException;
    }

    /** Reads a little, then the run gets SIGTERM, then the read's own failure is what the engine reports. */
    private static final Load SIGNAL_THEN_THE_READS_FAILURE = (in, ws) -> {
        in.readNBytes(1000);
        ws.cancelAll("signal SIGTERM");
        throw new IOException("Stream closed"); // the feeder's failure, thrown before the tool's kill said "cancelled"
    };

    @Test
    void aLogicalRestoresReadFailureAfterASignalIsSaidAsTheSignal() throws IOException {
        Workspace ws = workspace(false, SIGNAL_THEN_THE_READS_FAILURE);
        DbBackupException e = catchThrowableOfType(() -> new Restorer(ws, NOBODY).restore(
                new Restorer.Request("app", Optional.empty(), Optional.empty(), true, false)), DbBackupException.class);
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("restore of app/app-").contains("failed: interrupted (cancelled: signal SIGTERM)")
                .doesNotContain("Stream closed");
        assertThat(e.getCause().getSuppressed()).as("what failed, kept").singleElement()
                .satisfies(s -> assertThat(s).hasMessage("Stream closed"));
        assertThat(logged.toString()).doesNotContain("restore finished");
    }

    /** An engine's words around the cancellation (what became of the target) are kept: they say it already. */
    @Test
    void anEnginesOwnWordsOfTheSignalAreKept() throws IOException {
        Workspace ws = workspace(false, (in, w) -> {
            in.readNBytes(1000);
            w.cancelAll("signal SIGTERM");
            throw new DbBackupException(ExitStatus.SYSTEM_ERROR, "mysql cancelled: signal SIGTERM; shop keeps what loaded "
                    + "before the error", new java.io.InterruptedIOException("mysql cancelled: signal SIGTERM"), false);
        });
        DbBackupException e = catchThrowableOfType(() -> new Restorer(ws, NOBODY).restore(
                new Restorer.Request("app", Optional.empty(), Optional.empty(), true, false)), DbBackupException.class);
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("mysql cancelled: signal SIGTERM; shop keeps what loaded before the error");
    }

    /**
     * An engine's own failure of the load (a {@link DbBackupException}, which {@code Failures.map} passes unchanged) is
     * led by the restore of the backup into its target, once: not again when its words are led so already; an engine's
     * refusal (a user error) and an integrity failure as they are.
     */
    @Test
    void anEnginesFailureIsLedByTheRestoreOfTheBackupIntoItsTargetOnce() throws IOException {
        Workspace ws = workspace(false, (in, w) -> {
            in.readNBytes(1000);
            throw DbBackupException.permanent("ERROR 1146 at line 45: Table 'app.gone' doesn't exist", null);
        });
        DbBackupException e = catchThrowableOfType(() -> new Restorer(ws, NOBODY).restore(
                new Restorer.Request("app", Optional.empty(), Optional.empty(), true, false)), DbBackupException.class);
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).matches("restore of app/app-\\d{8}-\\d{6}\\.sqlite\\S* into fake app failed: ERROR 1146 "
                + "at line 45: Table 'app.gone' doesn't exist");
        String key = e.getMessage().substring("restore of ".length(), e.getMessage().indexOf(" into "));
        io.dbbackup.core.BackupKey parsed = io.dbbackup.core.BackupKey.parse(key, "", "app").orElseThrow();
        Engine engine = new LoadingEngine(false, (in, w) -> { });
        assertThat(Restorer.ledByTheRestore(e, parsed, engine).getMessage()).as("led once").isEqualTo(e.getMessage());
        DbBackupException refused = DbBackupException.user("--clean is not supported for fake app");
        assertThat(Restorer.ledByTheRestore(refused, parsed, engine)).isSameAs(refused);
        DbBackupException damaged = DbBackupException.integrity("the archive is damaged");
        assertThat(Restorer.ledByTheRestore(damaged, parsed, engine)).isSameAs(damaged);
    }

    /**
     * An interrupted restore is led by the restore of the backup into its target once, as every failed restore is: the
     * engine's words about what became of the target (PostgreSQL's "restore into U@H:P/DB ran as one transaction and
     * was rolled back …", kept inside "interrupted (…)") lose their naming of the target, which the lead says. It was
     * "… into postgres app@db.example:5432/shop failed: interrupted (restore into app@db.example:5432/shop ran …)".
     */
    @Test
    void anInterruptedRestoreNamesItsTargetOnce() throws IOException {
        Path file = dir.resolve("pg.yaml");
        Files.writeString(file, """
                datasources:
                  shop: {engine: postgres, host: db.example, port: 5432, user: app, database: shop}
                stores:
                  local: {type: local, path: %s}
                jobs:
                  shop: {datasource: shop, store: local}
                """.formatted(dir.resolve("store")));
        Log log = new Log(new PrintWriter(logged, true), Log.Format.TEXT, Log.Level.DEBUG, Clock.systemUTC());
        Engine pg = Workspace.load(file, "pg.yaml", Map.of(), Clock.systemUTC(), log).config().datasources().get("shop").engine();
        io.dbbackup.core.BackupKey key = io.dbbackup.core.BackupKey.parse("shop/shop-20261130-025421.dump.zst", "", "shop")
                .orElseThrow();
        String context = "restore of " + key.key() + " into " + pg.describe() + " failed";
        DbBackupException interrupted = io.dbbackup.pipeline.Failures.map(context, new java.io.InterruptedIOException(
                "restore into app@db.example:5432/shop ran as one transaction and was rolled back: nothing was applied; the "
                        + "database shop created for it was dropped again (cancelled: signal SIGTERM)"));

        DbBackupException e = Restorer.ledByTheRestore(interrupted, key, pg);

        assertThat(e.getMessage()).isEqualTo("restore of shop/shop-20261130-025421.dump.zst into postgres "
                + "app@db.example:5432/shop failed: interrupted (ran as one transaction and was rolled back: nothing was "
                + "applied; the database shop created for it was dropped again (cancelled: signal SIGTERM))");
        assertThat(e.status()).isEqualTo(ExitStatus.SYSTEM_ERROR);
        assertThat(e).hasRootCauseInstanceOf(java.io.InterruptedIOException.class);
        assertThat(Restorer.ledByTheRestore(e, key, pg)).as("led once").isSameAs(e);
        DbBackupException plain = io.dbbackup.pipeline.Failures.map(context, new java.io.InterruptedIOException(
                "cancelled: signal SIGTERM"));
        assertThat(Restorer.ledByTheRestore(plain, key, pg).getMessage()).as("nothing named: as it is")
                .isEqualTo(context + ": interrupted (cancelled: signal SIGTERM)");
    }

    @Test
    void aPhysicalRestoresReadFailureAfterASignalIsSaidAsTheSignal() throws IOException {
        Workspace ws = workspace(true, SIGNAL_THEN_THE_READS_FAILURE);
        DbBackupException e = catchThrowableOfType(() -> new PhysicalRestorer(ws, DecryptionKeys.NONE).restore(request()),
                DbBackupException.class);
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("failed: interrupted (cancelled: signal SIGTERM)")
                .contains("(nothing was left in " + dir.resolve("pgdata") + ")").doesNotContain("Stream closed");
        assertThat(dir.resolve("pgdata")).doesNotExist();
    }

    @Test
    void aPhysicalRestoreWhoseEngineStopsBeforeTheEndFailsAsIntegrity() throws IOException {
        Workspace ws = workspace(true, (in, w) -> in.readNBytes(SIZE / 2)); // an end-of-archive marker halfway, say
        DbBackupException e = catchThrowableOfType(() -> new PhysicalRestorer(ws, DecryptionKeys.NONE).restore(request()),
                DbBackupException.class);
        assertThat(e).as("reported as restored").isNotNull();
        assertThat(e.status()).isEqualTo(ExitStatus.INTEGRITY);
        assertThat(e.getMessage()).contains("stopped reading app/app-").contains("after " + SIZE / 2 + " bytes, before its end")
                .contains("(nothing was left in " + dir.resolve("pgdata") + ")");
        assertThat(dir.resolve("pgdata")).doesNotExist();
        assertThat(logged.toString()).doesNotContain("restore finished");
    }

    @Test
    void aPhysicalRestoreWhoseEngineReadsToTheEndFinishes() throws IOException {
        Workspace ws = workspace(true, (in, w) -> in.transferTo(OutputStream.nullOutputStream()));
        PhysicalRestorer.Result r = new PhysicalRestorer(ws, DecryptionKeys.NONE).restore(request());
        assertThat(r.bytes()).isEqualTo(SIZE);
        assertThat(logged.toString()).contains("restore finished");
    }

    private PhysicalRestorer.Request request() {
        return new PhysicalRestorer.Request("app", Optional.empty(), dir.resolve("pgdata"), null, "dbbackup", List.of());
    }

    /** A workspace whose job {@code app} has one backup of the fake engine, which restores by {@code load}. */
    private Workspace workspace(boolean physical, Load load) throws IOException {
        Files.createFile(dir.resolve("app.db"));
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, """
                datasources:
                  app: {engine: sqlite, path: %s, compression: zstd}
                stores:
                  local: {type: local, path: %s}
                jobs:
                  app: {datasource: app, store: local, verify: false}
                """.formatted(dir.resolve("app.db"), dir.resolve("store")));
        Clock clock = Clock.systemUTC();
        Log log = new Log(new PrintWriter(logged, true), Log.Format.TEXT, Log.Level.DEBUG, clock);
        Config loaded = Workspace.load(file, "config.yaml", Map.of(), clock, log).config();
        Map<String, DatasourceConfig> datasources = new LinkedHashMap<>(loaded.datasources());
        DatasourceConfig app = loaded.datasources().get("app");
        Workspace[] self = new Workspace[1];
        datasources.put("app", new DatasourceConfig("app", "sqlite", new LoadingEngine(physical, (in, w) -> load.read(in, self[0])),
                app.compression(), app.compressionLevel()));
        Config config = new Config(loaded.file(), datasources, loaded.stores(), loaded.notifiers(), loaded.jobs(),
                loaded.warnings(), loaded.unresolvedSecrets(), loaded.secretsRead());
        Workspace ws = new Workspace(config, clock, log, dir.resolve("scratch"));
        self[0] = ws;
        try (Workspace.Operation op = ws.operation("backup-app")) {
            new BackupJob(ws).run(ws.job("app"), op.context());
        }
        return ws;
    }

    /** Dumps {@link #SIZE} random bytes; restores (into a database or a directory) by {@code load}. */
    private record LoadingEngine(boolean physical, Load load) implements Engine {
        @Override
        public String database() {
            return "app";
        }

        @Override
        public DumpFormat format() {
            return physical ? DumpFormat.TAR : DumpFormat.SQLITE;
        }

        @Override
        public boolean physical() {
            return physical;
        }

        @Override
        public DumpInfo dump(OutputStream out, OperationContext ctx) throws IOException {
            byte[] bytes = new byte[SIZE];
            new Random(7).nextBytes(bytes);
            out.write(bytes);
            return DumpInfo.of(Map.of("fake", "bytes"));
        }

        @Override
        public TargetState inspectTarget(OperationContext ctx) {
            return new TargetState(false, 0, "nothing");
        }

        @Override
        public void restore(InputStream in, DumpFormat format, RestoreOptions options, OperationContext ctx) throws IOException {
            load.read(in, null);
        }

        @Override
        public void restoreFiles(InputStream in, DumpFormat format, DirectoryRestore request, OperationContext ctx)
                throws IOException {
            Files.writeString(request.directory().resolve("PG_VERSION"), "17\n"); // something written, to be removed
            load.read(in, null);
        }

        @Override
        public String describe() {
            return "fake app";
        }
    }
}
