package io.dbbackup.engine.postgres;

import io.dbbackup.core.ArchiveMode;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.DumpFormat;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.core.Human;
import io.dbbackup.spi.ChildProcess;
import io.dbbackup.spi.Deadline;
import io.dbbackup.spi.DirectoryRestore;
import io.dbbackup.spi.DumpInfo;
import io.dbbackup.spi.Engine;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.RestoreOptions;
import io.dbbackup.spi.TargetState;
import io.dbbackup.spi.ToolFailedException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code engine: postgres} with {@code method: physical}: a base backup of the whole cluster over the
 * replication protocol, {@code pg_basebackup -D - -Ft -X fetch}, as one tar stream (the WAL needed to
 * make it consistent and the backup manifest are inside it). Restores extract that stream into an
 * empty data directory, optionally set up for point-in-time recovery from the WAL archive.
 */
public final class PhysicalEngine implements Engine {
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(60);
    /** libpq's PGCONNECT_TIMEOUT as the tools get it. */
    private static final Duration CONNECT_TIMEOUT = PostgresSettings.CONNECT_TIMEOUT;
    private static final List<String> LISTED = List.of("timeline", "start_lsn", "end_lsn", "system_identifier", "server_version");

    private final PhysicalSettings settings;
    private final ClientLocator locator;
    /** How restored files reach the disk: fsync; a test injects a failing disk here. */
    FileSyncer.Flush flush = FileSyncer.FSYNC;
    /** How long each query of {@link #switchWal} may run: the server's statement_timeout; a test shortens it. */
    Duration queryTimeout = PROBE_TIMEOUT;

    PhysicalEngine(PhysicalSettings settings, ClientLocator locator) {
        this.settings = settings;
        this.locator = locator;
    }

    @Override
    public String database() {
        return settings.cluster();
    }

    @Override
    public DumpFormat format() {
        return DumpFormat.TAR;
    }

    @Override
    public boolean physical() {
        return true;
    }

    @Override
    public List<String> listedFacts() {
        return LISTED;
    }

    @Override
    public Map<String, String> tablespaces(Map<String, String> facts) {
        return Tablespaces.fromFacts(facts);
    }

    @Override
    public String describe() {
        return "postgres physical " + settings.describe();
    }

    /** What the server says about itself over a replication connection. */
    private record Probe(PgVersion version, String systemId, String timeline) {
    }

    @Override
    public DumpInfo dump(OutputStream out, OperationContext ctx) throws IOException {
        ReplicationConnection conn = settings.builtin() ? builtinConnection(ctx) : null;
        if (conn != null) {
            try (conn) {
                return builtinDump(conn, out, ctx);
            }
        }
        return toolDump(out, ctx);
    }

    /** A replication connection of our own, or null when pg_basebackup must take this backup (logged, with why). */
    private ReplicationConnection builtinConnection(OperationContext ctx) {
        try {
            return BuiltinBaseBackup.connect(settings.conn(), Optional.ofNullable(System.getenv("HOME")).map(Path::of).orElse(null),
                    CONNECT_TIMEOUT);
        } catch (LibpqOnly e) {
            ctx.log().debug("base backup left to pg_basebackup", "source", settings.describe(), "because", e.getMessage());
            return null;
        } catch (IOException e) {
            throw replicationRefused(e);
        }
    }

    private DbBackupException replicationRefused(IOException e) {
        boolean unknownHost = e instanceof java.net.UnknownHostException;
        String reason = unknownHost ? "could not translate host name \"" + settings.conn().host() + "\" to address"
                : e instanceof PgServerError ? PgErrors.passwordPlace(e.getMessage(), settings.conn().password()) : e.getMessage();
        if (unknownHost || e instanceof ReplicationConnection.AddressNotReached) {
            reason = PgErrors.unreachedAt(reason, settings.conn().addressPlace()); // as pg_basebackup's words get it
        }
        boolean permanent = e instanceof PgServerError p ? p.permanent() : unknownHost;
        return replicationRefused(reason, e instanceof PgServerError && namesHba(e.getMessage()), e, !permanent);
    }

    private static boolean namesHba(String serverText) {
        return serverText.contains("pg_hba.conf") || serverText.contains("replication role");
    }

    /** The one wording of a refused replication connection, whichever client met it, with the remedy when the server named it. */
    private DbBackupException replicationRefused(String reason, boolean namesHba, Exception cause, boolean retryable) {
        String msg = "cannot open a replication connection to PostgreSQL " + settings.describe() + ": " + reason;
        if (namesHba) {
            msg += " (the role needs the REPLICATION attribute and a 'replication' line in pg_hba.conf)";
        }
        return new DbBackupException(ExitStatus.SYSTEM_ERROR, msg, cause, retryable);
    }

    private DumpInfo builtinDump(ReplicationConnection conn, OutputStream out, OperationContext ctx) throws IOException {
        PostgresSettings c = settings.conn();
        TarWatcher watcher = new TarWatcher(out);
        ctx.cancellation().onCancel(conn::abort);
        Deadline timeout = Deadline.start(c.timeout(), conn::abort);
        List<String> ident;
        Map<String, String> tablespaces;
        try {
            ident = conn.queryRow("IDENTIFY_SYSTEM");
            String command = BuiltinBaseBackup.command("dbbackup " + settings.cluster(), settings.fastCheckpoint(),
                    settings.maxRate() == null ? null : BuiltinBaseBackup.maxRateKb(settings.maxRate()));
            ctx.log().info("base backup started", "source", settings.describe(), "client", "built-in replication client",
                    "checkpoint", settings.fastCheckpoint() ? "fast" : "spread");
            tablespaces = BuiltinBaseBackup.run(conn, command, watcher);
        } catch (PgServerError e) {
            throw new DbBackupException(ExitStatus.SYSTEM_ERROR, "the base backup of " + settings.describe() + " failed: "
                    + e.severity() + ": " + e.getMessage(), e, !e.permanent());
        } catch (IOException e) {
            if (timeout.expired()) {
                throw new DbBackupException(ExitStatus.SYSTEM_ERROR, "the base backup of " + settings.describe()
                        + " timed out after " + Human.setting(c.timeout()), e, true);
            }
            ctx.cancellation().throwIfCancelled();
            throw e;
        } finally {
            timeout.cancel();
        }
        for (String notice : conn.notices()) {
            if (notice.startsWith("WARNING")) {
                ctx.log().warn("the server warned during the base backup", "source", settings.describe(), "notice", notice);
            } else {
                ctx.log().info("the server noted during the base backup", "source", settings.describe(), "notice", notice);
            }
        }
        watcher.flush();
        return facts(watcher, ident.get(0), conn.serverVersion(), "built-in replication client", null, tablespaces);
    }

    /** The base backup's facts: from the stream itself (backup_label, manifest), the server and the client that took it. */
    private DumpInfo facts(TarWatcher watcher, String systemId, PgVersion version, String client, PgClient tool,
                           Map<String, String> tablespaces) throws IOException {
        if (!watcher.sawEnd()) {
            throw new IOException("the base backup did not end like a tar archive (" + watcher.entries() + " entries)");
        }
        String label = watcher.backupLabel().orElseThrow(() ->
                new IOException("the base backup's stream held no backup_label: not a base backup"));
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("method", "physical");
        facts.put("cluster", settings.cluster());
        facts.put("system_identifier", systemId);
        facts.putAll(BaseBackupFacts.read(label, watcher.manifestTail().orElse(null)));
        facts.put("wal_method", "fetch");
        facts.put("backup_manifest", "included");
        facts.put("server_version", version.text());
        facts.put("server_version_num", String.valueOf(version.num()));
        facts.put("client", client);
        if (tool != null) {
            facts.put("pg_basebackup_version", tool.version().text());
            facts.put("pg_basebackup", tool.executable().toString());
        }
        if (!tablespaces.isEmpty()) {
            facts.put(Tablespaces.COUNT_FACT, String.valueOf(tablespaces.size()));
            tablespaces.forEach((oid, location) -> facts.put(Tablespaces.FACT_PREFIX + oid, location));
        }
        facts.put("host", settings.conn().host());
        facts.put("port", String.valueOf(settings.conn().port()));
        return DumpInfo.of(facts);
    }

    private DumpInfo toolDump(OutputStream out, OperationContext ctx) throws IOException {
        PostgresSettings c = settings.conn();
        try (PassFile pass = PassFile.create(ctx.scratchDir(), c.password())) {
            ClientLocator.Choice<Probe> choice = locator.choose("pg_basebackup", () -> probe(pass, ctx), Probe::version);
            Path bb = choice.executable();
            List<String> cmd = new ArrayList<>(List.of(bb.toString(), "--pgdata=-", "--format=tar",
                    "--wal-method=fetch", "--checkpoint=" + (settings.fastCheckpoint() ? "fast" : "spread"), "--verbose",
                    "--no-password", "--label=dbbackup " + settings.cluster()));
            if (settings.maxRate() != null) {
                cmd.add("--max-rate=" + settings.maxRate());
            }
            ctx.log().info("pg_basebackup started", "source", settings.describe(), "pg_basebackup", bb,
                    "checkpoint", settings.fastCheckpoint() ? "fast" : "spread");
            TarWatcher watcher = new TarWatcher(out);
            Probe server;
            try {
                tool(cmd, pass).timeout(c.timeout()).run(null, watcher, ctx.cancellation());
            } catch (ToolFailedException e) {
                if (e.stderrTail().contains("can only write single tablespace")) {
                    throw new DbBackupException(ExitStatus.SYSTEM_ERROR, "pg_basebackup cannot stream a cluster with extra "
                            + "tablespaces (" + PgErrors.reason(e) + "); the built-in replication client can: it takes the "
                            + "backup with base_backup_client: auto on PostgreSQL 15 or later where it can connect as libpq "
                            + "would (README, physical backups)", e, false);
                }
                throw e;
            } finally {
                // a refused replication connection or a client older than the server is said as such first
                server = choice.settle();
            }
            PgClient used = choice.client();
            watcher.flush();
            return facts(watcher, server.systemId(), server.version(), "pg_basebackup", used, Map.of());
        }
    }

    /** IDENTIFY_SYSTEM and the version, over a replication connection: checks the role may replicate before pg_basebackup runs. */
    private Probe probe(PassFile pass, OperationContext ctx) throws IOException {
        List<String> cmd = List.of(locator.probeExecutable().toString(), "-X", "-A", "-t", "-q", "--no-password",
                "-v", "ON_ERROR_STOP=1", "-d", "replication=true",
                "-c", "IDENTIFY_SYSTEM", "-c", "SHOW server_version_num", "-c", "SHOW server_version");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            tool(cmd, pass).timeout(PROBE_TIMEOUT).run(null, out, ctx.cancellation());
        } catch (ToolFailedException e) {
            throw replicationRefused(PgErrors.reason(e), namesHba(e.stderrTail()), e, e.retryable());
        }
        String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
        if (lines.length < 3) {
            throw new IOException("unexpected answer to IDENTIFY_SYSTEM from " + settings.describe() + ": " + String.join(" / ", lines));
        }
        String[] ident = lines[0].strip().split("\\|");
        PgVersion version = PgVersion.ofServer(Integer.parseInt(lines[1].strip()), lines[2].strip().split("\\s")[0]);
        return new Probe(version, ident[0], ident.length > 1 ? ident[1] : "");
    }

    /** A replication connection as a base backup opens one: IDENTIFY_SYSTEM and the server's version. */
    @Override
    public String check(OperationContext ctx) throws IOException {
        try (PassFile pass = PassFile.create(ctx.scratchDir(), settings.conn().password())) {
            Probe p = probe(pass, ctx);
            return "replication connection to PostgreSQL " + settings.describe() + " accepted: PostgreSQL " + p.version().text()
                    + ", system identifier " + p.systemId() + ", timeline " + p.timeline() + "; base backups by "
                    + (settings.builtin() ? "the built-in client where it can connect, else pg_basebackup" : "pg_basebackup");
        }
    }

    /**
     * {@code pg_switch_wal()} over a normal connection (database postgres), after reading {@code archive_mode} and
     * writing a commit record ({@code txid_current()}, so that there is something to close): the segment just closed
     * is the one the server's archive_command must bring to the store.
     */
    @Override
    public WalSwitch switchWal(OperationContext ctx) throws IOException {
        try {
            return switchWalBounded(ctx);
        } catch (QueryTimedOut e) {
            return new WalSwitch(Optional.empty(), "not checked: " + e.getMessage());
        }
    }

    private WalSwitch switchWalBounded(OperationContext ctx) throws IOException {
        PostgresSettings c = settings.conn();
        try (PassFile pass = PassFile.create(ctx.scratchDir(), c.password())) {
            List<String> base = List.of(locator.probeExecutable().toString(), "-X", "-A", "-t", "-q", "--no-password",
                    "-v", "ON_ERROR_STOP=1", "-d", PgTools.MAINTENANCE_DB);
            String mode;
            try {
                mode = query(base, "show archive_mode", pass, ctx);
            } catch (ToolFailedException e) {
                return new WalSwitch(Optional.empty(), "not checked: no connection to database " + PgTools.MAINTENANCE_DB
                        + " as " + c.user() + " to switch WAL (" + PgErrors.reason(e) + ")");
            }
            try {
                // asked, not read from an error's text: the server's lc_messages translates "recovery is in progress"
                if (query(base, "select pg_is_in_recovery()", pass, ctx).equals("t")) {
                    return new WalSwitch(Optional.empty(), WalSwitchRefusal.STANDBY);
                }
            } catch (ToolFailedException e) {
                return new WalSwitch(Optional.empty(), "not checked: the server did not say whether it is a standby ("
                        + PgErrors.reason(e) + ")");
            }
            if (mode.equals("off")) {
                return new WalSwitch(Optional.empty(), "archive_mode is off on the server: base backups only, no point-in-time recovery");
            }
            try {
                // a commit record first: on a server idle since its last switch, pg_switch_wal() closes nothing and names
                // the segment closed before, already archived, and the check would pass whatever archive_command does now
                query(base, "select txid_current()", pass, ctx);
            } catch (ToolFailedException e) {
                return new WalSwitch(Optional.empty(), WalSwitchRefusal.note("no WAL record could be written to switch past",
                        PgErrors.reason(e), c.user()));
            }
            try {
                String segment = query(base, "select pg_walfile_name(pg_switch_wal())", pass, ctx);
                return new WalSwitch(Optional.of(segment), "archive_mode " + mode);
            } catch (ToolFailedException e) {
                return new WalSwitch(Optional.empty(), WalSwitchRefusal.note("the server refused pg_switch_wal()",
                        PgErrors.reason(e), c.user()));
            }
        }
    }

    /**
     * One query of {@link #switchWal}, bounded on the server ({@code statement_timeout}, in {@code PGOPTIONS} as
     * {@link PgTools#query} sets it for its own queries: a role's short one does not cancel it either) and in psql
     * (killed a little later, should the server not answer at all). A failure after the whole time, whatever the
     * server's language, is a {@link QueryTimedOut} naming the query; a pooler that refuses PGOPTIONS gets none.
     */
    private String query(List<String> base, String sql, PassFile pass, OperationContext ctx) throws IOException {
        List<String> cmd = new ArrayList<>(base);
        cmd.addAll(List.of("-c", sql));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long start = System.nanoTime();
        try {
            try {
                tool(cmd, pass).env("PGOPTIONS", "-c statement_timeout=" + queryTimeout.toMillis())
                        .timeout(queryTimeout.plus(CLIENT_MARGIN)).run(null, out, ctx.cancellation());
            } catch (ToolFailedException e) {
                if (!PgErrors.poolerRefusedOptions(e)) {
                    throw e;
                }
                out.reset();
                tool(cmd, pass).timeout(queryTimeout).run(null, out, ctx.cancellation());
            }
        } catch (ToolFailedException e) {
            if (e.timedOut() || System.nanoTime() - start >= queryTimeout.toNanos()) {
                throw new QueryTimedOut("'" + sql + "' on database " + PgTools.MAINTENANCE_DB + " of " + settings.describe()
                        + " timed out after " + Human.setting(queryTimeout) + " (" + PgErrors.reason(e) + ")", e);
            }
            throw e;
        }
        return out.toString(StandardCharsets.UTF_8).strip();
    }

    /** The margin psql gets past the server's statement_timeout: the server's cancel (its backend gone too) comes first. */
    private static final Duration CLIENT_MARGIN = Duration.ofSeconds(5);

    /** A query of {@link #switchWal} that did not end within {@link #queryTimeout}. */
    private static final class QueryTimedOut extends IOException {
        QueryTimedOut(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @Override
    public TargetState inspectTarget(OperationContext ctx) {
        throw notADatasourceRestore(ctx.commands());
    }

    @Override
    public void requireRestorable(DumpFormat format) {
        throw notADatasourceRestore(io.dbbackup.spi.Commands.PLAIN);
    }

    @Override
    public void requireRestorable(DumpFormat format, io.dbbackup.spi.Commands commands) {
        throw notADatasourceRestore(commands);
    }

    @Override
    public void restore(InputStream in, DumpFormat format, RestoreOptions options, OperationContext ctx) {
        throw notADatasourceRestore(ctx.commands());
    }

    private DbBackupException notADatasourceRestore(io.dbbackup.spi.Commands commands) {
        return DbBackupException.user("a physical base backup of " + settings.describe()
                + " is restored into a data directory: " + commands.command("restore", commands.job(), "--pgdata", "DIR"));
    }

    @Override
    public void restoreFiles(InputStream in, DumpFormat format, DirectoryRestore request, OperationContext ctx) throws IOException {
        requireTar(format);
        Path dir = request.directory();
        try (FileSyncer sync = new FileSyncer("fsync-" + settings.cluster(), flush)) {
            sync.folder(dir);
            if (dir.getParent() != null) {
                sync.folder(dir.getParent());
            }
            for (Path folder : request.tablespaces().values()) {
                sync.folder(folder);
                if (folder.getParent() != null) {
                    sync.folder(folder.getParent());
                }
            }
            TarExtractor.Result r = TarExtractor.extract(in, dir, sync, request.tablespaces());
            checkDataDirectory(dir);
            if (Tablespaces.repoint(dir, request.tablespaces())) {
                sync.file(dir.resolve(Tablespaces.MAP_FILE));
            }
            ctx.log().info("base backup extracted", "pgdata", dir, "files", r.files(), "bytes", r.bytes());
            request.tablespaces().forEach((oid, folder) ->
                    ctx.log().info("tablespace extracted", "oid", oid, "location", folder));
            boolean archiveOff = request.archiveMode() == ArchiveMode.OFF;
            if (!archiveOff) {
                warnIfArchiving(dir, request.target() != null, ctx);
            }
            RecoveryConfig.write(dir, request.target(), request.restoreCommand(), archiveOff, Instant.now());
            if (request.target() != null) {
                sync.file(dir.resolve(RecoveryConfig.SIGNAL));
                ctx.log().info("point-in-time recovery set up", "pgdata", dir, "target", request.target(),
                        "files", RecoveryConfig.AUTO_CONF + ", " + RecoveryConfig.SIGNAL);
            }
            if (request.target() != null || archiveOff) {
                sync.file(dir.resolve(RecoveryConfig.AUTO_CONF));
            }
            if (archiveOff) {
                ctx.log().info("WAL archiving of the restored cluster turned off", "pgdata", dir,
                        "file", RecoveryConfig.AUTO_CONF, "setting", "archive_mode = 'off'");
            }
            long synced = sync.finish();
            ctx.log().debug("restored files flushed to disk", "pgdata", dir, "paths", synced);
        }
    }

    /**
     * A plain restore continues the source's timeline with the source's archive_command: archiving, it collides with the
     * source's archive (its wal-push fails with exit 3 and pg_wal fills up, or the source's archiving stops). A
     * point-in-time restore promotes to a new timeline and archives it into the source's archive: right when it replaces
     * the source, but a test clone's timeline is then what a later {@code --target latest} restore of the source follows.
     */
    private static void warnIfArchiving(Path dir, boolean pointInTime, OperationContext ctx) {
        try {
            RestoredArchiving.of(dir).ifPresent(setting -> ctx.log().warn(pointInTime
                    ? "the restored cluster will archive WAL (" + setting + ") with the source's archive_command: it promotes "
                    + "to a new timeline and archives it into the source's archive, which a later --target latest restore "
                    + "of the source follows; for a clone or a test, restore with --archive-mode off (keep it when this "
                    + "server replaces the source)"
                    : "the restored cluster will archive WAL ("
                    + setting + ") with the source's archive_command on the source's timeline: beside the source its wal-push "
                    + "fails (exit 3) and pg_wal fills the disk, or the source's archiving stops; restore with --archive-mode off, or point archive_command at "
                    + "another job before starting it", "pgdata", dir));
        } catch (IOException e) {
            ctx.log().debug("the restored archive_mode was not read", "pgdata", dir, "error", String.valueOf(e.getMessage()));
        }
    }

    @Override
    public String verifyDeep(InputStream in, DumpFormat format, OperationContext ctx) throws IOException {
        requireTar(format);
        Path dir = ctx.scratchDir().resolve("verify-" + settings.cluster());
        Files.createDirectories(ctx.scratchDir());
        try {
            TarExtractor.Result r;
            try {
                r = TarExtractor.extract(in, dir);
            } catch (io.dbbackup.core.LocalFileException e) {
                throw io.dbbackup.core.ScratchFile.inScratch(e); // which folder, and what sets it
            }
            String major = checkDataDirectory(dir);
            if (!Files.isRegularFile(dir.resolve(TarWatcher.BACKUP_MANIFEST))) {
                throw DbBackupException.integrity("the base backup holds no backup_manifest: pg_verifybackup cannot check it");
            }
            PgClient tool = locator.forServer("pg_verifybackup", PgVersion.ofMajorName(major).orElseThrow(() ->
                    DbBackupException.integrity("the base backup's PG_VERSION is '" + major + "'")));
            ctx.log().info("pg_verifybackup started", "files", r.files(), "bytes", r.bytes(), "tool", tool.version().text());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                ChildProcess.of(List.of(tool.executable().toString(), dir.toString())).run(null, out, ctx.cancellation());
            } catch (ToolFailedException e) {
                throw DbBackupException.integrity("pg_verifybackup found the base backup damaged: "
                        + e.stderrTail().strip().replace(dir + "/", "").replace("\n", "; "));
            }
            return "pg_verifybackup: " + out.toString(StandardCharsets.UTF_8).strip() + " (" + Human.count(r.files(), "file") + ")";
        } finally {
            deleteTree(dir);
        }
    }

    private static void requireTar(DumpFormat format) {
        if (format != DumpFormat.TAR) {
            throw DbBackupException.user("a ." + format.extension() + " dump is not a physical base backup (expected .tar)");
        }
    }

    /** The major version in PG_VERSION; a tree without PG_VERSION, pg_control or backup_label is not a base backup. */
    private static String checkDataDirectory(Path dir) throws IOException {
        for (String f : List.of("PG_VERSION", "global/pg_control", TarWatcher.BACKUP_LABEL)) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw DbBackupException.integrity("the archive is not a PostgreSQL base backup: it holds no " + f);
            }
        }
        return Files.readString(dir.resolve("PG_VERSION"), StandardCharsets.UTF_8).strip();
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // the operation's scratch folder is removed afterwards anyway
        }
    }

    private ChildProcess tool(List<String> cmd, PassFile pass) {
        ChildProcess p = ChildProcess.of(cmd).permanentWhen(PgErrors::isPermanent)
                .explainedBy(stderr -> PgErrors.places(stderr, settings.conn()))
                .unquoted(line -> PgErrors.namesPassFile(line, pass.path()));
        settings.conn().libpqEnv("replication").forEach(p::env);
        if (pass.path() != null) {
            p.env("PGPASSFILE", pass.path().toString());
        }
        return p;
    }
}
