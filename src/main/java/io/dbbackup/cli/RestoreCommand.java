package io.dbbackup.cli;

import io.dbbackup.core.ArchiveMode;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Human;
import io.dbbackup.core.Log;
import io.dbbackup.job.DecryptionKeys;
import io.dbbackup.job.PhysicalRestorer;
import io.dbbackup.job.Restorer;
import io.dbbackup.core.RecoveryTarget;
import io.dbbackup.job.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "restore", mixinStandardHelpOptions = true, versionProvider = Root.VersionProvider.class, description = {
        "Restore a backup (the newest by default) after checking its SHA-256.",
        "Physical PostgreSQL backups: --pgdata DIR (empty or missing), optionally with a point-in-time target."})
final class RestoreCommand implements Callable<Integer> {
    @ParentCommand
    Root root;

    @Parameters(index = "0", paramLabel = "JOB")
    String job;

    @Parameters(index = "1", arity = "0..1", paramLabel = "KEY", description = "A key or file name from 'list' (default: newest).")
    String key;

    @Option(names = "--to", paramLabel = "DATASOURCE", description = "Restore into this datasource instead of the job's.")
    String to;

    @Option(names = "--auto-confirm", description = "Overwrite a non-empty target without asking.")
    boolean autoConfirm;

    @Option(names = "--clean", description = "Drop existing objects in the target first (where the engine supports it).")
    boolean clean;

    @Option(names = "--table", paramLabel = "NAME", description = "Restore only this table. PostgreSQL backups (custom "
            + "archives and plain scripts): as pg_restore --table (also a view, sequence), its definition and rows, not its "
            + "indexes, constraints or triggers. MySQL/MariaDB backups: its CREATE TABLE (no DROP: a table that exists stops "
            + "the restore), rows and triggers (database.table in a backup of several databases). SQLite backups: its CREATE "
            + "TABLE, rows, indexes and triggers, into the live file. Repeatable.")
    List<String> tables = new ArrayList<>();

    @Option(names = "--schema", paramLabel = "NAME", description = "PostgreSQL backups: restore only the objects of this "
            + "schema (with --table: only tables in it); MySQL/MariaDB backups of several databases: every table of this "
            + "database. Repeatable.")
    List<String> schemas = new ArrayList<>();

    @Option(names = "--data-only", description = "Restore rows only, into tables that exist, in one transaction (PostgreSQL, "
            + "MySQL/MariaDB and SQLite backups).")
    boolean dataOnly;

    @Option(names = "--no-progress", description = "No progress line (it is only drawn on a terminal anyway).")
    boolean noProgress;

    @Option(names = "--pgdata", paramLabel = "DIR", converter = FileNames.NonEmptyPath.class, description = "Physical backups: restore into this data directory (empty or missing).")
    Path pgdata;

    @Option(names = "--target-time", paramLabel = "TIME",
            description = "Point-in-time recovery to TIME (with a zone offset, e.g. 2026-03-10T14:30:00Z); needs --pgdata.")
    String targetTime;

    @Option(names = "--target-lsn", paramLabel = "LSN", description = "Point-in-time recovery to the WAL position LSN (e.g. 0/3000028); needs --pgdata.")
    String targetLsn;

    @Option(names = "--target", paramLabel = "latest", description = "latest: recover to the end of the archived WAL; needs --pgdata.")
    String target;

    @Option(names = "--target-timeline", paramLabel = "TIMELINE",
            description = "With a target: latest (default: the newest timeline in the archive, as PostgreSQL), current "
                    + "(the base backup's timeline: not one a restored copy created since) or a timeline number.")
    String targetTimeline;

    @Option(names = {"-T", "--tablespace-mapping"}, paramLabel = "OLDDIR=NEWDIR",
            description = "Physical backups: restore the tablespace the server kept at OLDDIR (or the one with OID "
                    + "OLDDIR) into NEWDIR (empty or missing) instead; repeatable. Without it each tablespace goes where "
                    + "the server had it.")
    List<String> tablespaceMappings = new ArrayList<>();

    @Option(names = "--dry-run", description = "Make every check a restore makes — the backup read to its end (SHA-256, "
            + "decoding, a script's end, a SQLite file's PRAGMA integrity_check on a copy in DBBACKUP_TMPDIR), the target inspected (for --pgdata: the folders and tablespace mappings) — "
            + "say what would be restored where, and change nothing.")
    boolean dryRun;

    @Option(names = "--archive-mode", paramLabel = "off|preserve",
            description = "Physical backups: off appends archive_mode = 'off' to the restored postgresql.auto.conf, so that "
                    + "a copy started beside the source never archives into the source's WAL archive; preserve (default) "
                    + "keeps the backup's settings, archive_command included.")
    String archiveMode;

    @Mixin
    LocalCopyOption localCopy = new LocalCopyOption();

    @Option(names = "--dbbackup-command", paramLabel = "CMD",
            description = "How PostgreSQL's restore_command runs dbbackup on the machine that starts the restored server "
                    + "(shell text; default: this Java and jar).")
    String dbbackupCommand;

    @Mixin
    DecryptionOptions decryption = new DecryptionOptions();

    @Override
    public Integer call() {
        RecoveryTarget recovery = RecoveryTargets.of(targetTime, targetLsn, target, targetTimeline);
        ArchiveMode archiving = ArchiveMode.parse(archiveMode);
        if (localCopy.given() && key != null) {
            throw DbBackupException.user("--from-file names the backup to restore: no KEY with it");
        }
        if (pgdata != null) {
            return restoreFiles(recovery, archiving);
        }
        if (recovery != null || dbbackupCommand != null || !tablespaceMappings.isEmpty() || archiveMode != null) {
            throw DbBackupException.user("--target-time, --target-lsn, --target, --target-timeline, --tablespace-mapping, "
                    + "--archive-mode and --dbbackup-command are for physical restores: add --pgdata DIR");
        }
        Workspace ws = workspace();
        DecryptionKeys keys = decryption.keys(root.main, ws); // warns of a shared --identity untagged: the command's file
        Restorer.Result r;
        // what its store, engine or a library says names it (and, from a local copy, the file)
        try (Log.Tagging file = localCopy.tagged(); Log.Tagging tag = Log.tag("job", job)) {
            r = new Restorer(ws, root.main.confirmer(), keys, localCopy.naming(ProgressLine.forCommand(root, noProgress))).restore(
                    new Restorer.Request(job, Optional.ofNullable(key), Optional.ofNullable(to), autoConfirm, clean, dryRun, tables,
                            schemas, dataOnly));
        } catch (DbBackupException e) {
            throw localCopy.naming(e); // --from-file: the file that was read, not a store key
        }
        if (r.dryRun()) {
            root.out.println("dry run: " + localCopy.naming(r.key().key()) + " checked (SHA-256 and decoding, " + Human.size(r.bytes())
                    + " decoded); it would be restored into " + r.target() + (r.selectionNote().isEmpty() ? "" : " " + r.selectionNote()));
            root.out.println("target: " + r.targetHolds() + (r.targetEmpty() || autoConfirm ? ""
                    : " (a restore asks for confirmation, or takes --auto-confirm)")
                    + (r.targetWithoutClean().isEmpty() ? "" : "; " + r.targetWithoutClean()));
            root.out.println("nothing was changed");
            return 0;
        }
        root.out.println("restored " + (r.selection().isEmpty() ? "" : r.selection() + " from ") + localCopy.naming(r.key().key()) + " into " + r.target()
                + " (" + Human.size(r.bytes()) + ")");
        return 0;
    }

    private int restoreFiles(RecoveryTarget recovery, ArchiveMode archiving) {
        if (to != null || clean || autoConfirm || !tables.isEmpty() || !schemas.isEmpty() || dataOnly) {
            throw DbBackupException.user("--to, --clean, --auto-confirm, --table, --schema and --data-only are for logical "
                    + "restores; --pgdata restores into an empty data directory");
        }
        Workspace ws = workspace();
        DecryptionKeys keys = decryption.keys(root.main, ws);
        Map<String, Path> mapping = tablespaceMapping();
        PhysicalRestorer.Result r;
        // what its store or a library says names it (and, from a local copy, the file)
        try (Log.Tagging file = localCopy.tagged(); Log.Tagging tag = Log.tag("job", job)) {
            r = new PhysicalRestorer(ws, keys, localCopy.naming(ProgressLine.forCommand(root, noProgress))).restore(
                    new PhysicalRestorer.Request(job, Optional.ofNullable(key), root.main.workingDir().resolve(pgdata), recovery,
                            dbbackupCommand != null ? dbbackupCommand : SelfCommand.current(), keys.args(),
                            mapping, dryRun, archiving));
        } catch (DbBackupException e) {
            throw localCopy.naming(e); // --from-file: the file that was read, not a store key
        }
        if (r.dryRun()) {
            root.out.println("dry run: " + localCopy.naming(r.key().key()) + " checked (SHA-256 and decoding, " + Human.size(r.bytes())
                    + " decoded); it would be restored into " + r.pgdata() + " (empty or missing)");
            r.tablespaces().forEach((oid, folder) -> root.out.println("tablespace " + oid + " would be restored into " + folder));
            root.out.println(r.restoreCommand() == null ? "plain restore: PostgreSQL would replay the WAL inside the backup"
                    : "recovery to " + r.target() + " would be set up; restore_command:\n  " + r.restoreCommand());
            if (archiving == ArchiveMode.OFF) {
                root.out.println("archive_mode = 'off' would be appended to postgresql.auto.conf");
            }
            if (r.pastArchive() != null) {
                root.out.println("warning: " + r.pastArchive());
            }
            root.out.println("nothing was changed");
            return 0;
        }
        root.out.println("restored " + localCopy.naming(r.key().key()) + " into " + r.pgdata() + " (" + Human.size(r.bytes()) + ")");
        r.tablespaces().forEach((oid, folder) -> root.out.println("tablespace " + oid + " restored into " + folder));
        if (r.restoreCommand() == null) {
            root.out.println("plain restore: PostgreSQL replays the WAL inside the backup up to its end (no recovery.signal)");
        } else {
            root.out.println("recovery to " + r.target() + " set up in postgresql.auto.conf and recovery.signal; restore_command:");
            root.out.println("  " + r.restoreCommand());
        }
        if (archiving == ArchiveMode.OFF) {
            root.out.println("archive_mode = 'off' appended to postgresql.auto.conf: the restored cluster archives no WAL");
        }
        if ("root".equals(System.getProperty("user.name"))) {
            StringBuilder folders = new StringBuilder(r.pgdata().toString());
            r.tablespaces().values().forEach(f -> folders.append(' ').append(f));
            root.out.println("the files belong to root: chown -R postgres:postgres " + folders + " before starting PostgreSQL");
        }
        if (r.pastArchive() != null) {
            root.out.println("warning: " + r.pastArchive());
        }
        root.out.println("start it with: pg_ctl -D " + r.pgdata() + " start");
        return 0;
    }

    /** The config's workspace; with --from-file, the job's store replaced by that file (and KEY set to it). */
    private Workspace workspace() {
        Workspace ws = root.workspace();
        if (localCopy.given()) {
            key = localCopy.use(ws, root.main, job);
        }
        return ws;
    }

    /** OLDDIR (or OID) to NEWDIR, NEWDIR against the working folder; pg_basebackup's form, '=' in a path written '\='. */
    private Map<String, Path> tablespaceMapping() {
        Map<String, Path> m = new LinkedHashMap<>();
        for (String arg : tablespaceMappings) {
            int eq = -1;
            for (int i = 0; i < arg.length(); i++) {
                if (arg.charAt(i) == '\\') {
                    i++;
                } else if (arg.charAt(i) == '=') {
                    if (eq >= 0) {
                        eq = -2;
                        break;
                    }
                    eq = i;
                }
            }
            String from = eq > 0 ? arg.substring(0, eq).replace("\\=", "=") : "";
            String to = eq > 0 ? arg.substring(eq + 1).replace("\\=", "=") : "";
            if (from.isEmpty() || to.isEmpty()) {
                throw DbBackupException.user("--tablespace-mapping '" + arg + "' is not OLDDIR=NEWDIR (write an '=' inside a path as '\\=')");
            }
            if (m.put(from, root.main.workingDir().resolve(to)) != null) {
                throw DbBackupException.user("--tablespace-mapping names " + from + " twice");
            }
        }
        return m;
    }

}
