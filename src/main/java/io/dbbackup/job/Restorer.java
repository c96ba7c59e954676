package io.dbbackup.job;

import io.dbbackup.codec.Decryptor;
import io.dbbackup.config.DatasourceConfig;
import io.dbbackup.config.JobConfig;
import io.dbbackup.core.BackupKey;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.DumpFormat;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.pipeline.ArtifactReader;
import io.dbbackup.pipeline.Failures;
import io.dbbackup.pipeline.TeeInputStream;
import io.dbbackup.spi.Commands;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.Engine;
import io.dbbackup.spi.RestoreOptions;
import io.dbbackup.spi.TargetState;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Restores a backup into the job's datasource or another one ({@code --to}). Order: resolve the
 * key; inspect the target (the first connection to it: a wrong password fails here, before any long read); read the
 * whole artifact once to check its SHA-256 and that it decodes; inspect the target again (what it holds now, after a
 * read that may have taken an hour) and get confirmation if it holds anything; only
 * then stream the artifact (checked again while it flows) into the engine. A dry run stops before the confirmation: every check made, nothing changed (a SQLite file is
 * also checked as its restore checks it: {@link #checkDatabaseFile}).
 */
public final class Restorer {
    /**
     * What a restore should do; {@code dryRun}: check the backup and the target, then stop; {@code tables}, {@code schemas},
     * {@code dataOnly}: restore part of the backup ({@link RestoreOptions#partial}).
     */
    public record Request(String job, Optional<String> key, Optional<String> toDatasource, boolean autoConfirm,
                          boolean clean, boolean dryRun, List<String> tables, List<String> schemas, boolean dataOnly) {
        public Request {
            tables = List.copyOf(tables);
            schemas = List.copyOf(schemas);
        }

        public Request(String job, Optional<String> key, Optional<String> toDatasource, boolean autoConfirm, boolean clean,
                       boolean dryRun) {
            this(job, key, toDatasource, autoConfirm, clean, dryRun, List.of(), List.of(), false);
        }

        public Request(String job, Optional<String> key, Optional<String> toDatasource, boolean autoConfirm, boolean clean) {
            this(job, key, toDatasource, autoConfirm, clean, false);
        }

        RestoreOptions options() {
            return new RestoreOptions(clean, false, tables, schemas, dataOnly);
        }

        /**
         * The options after JOB KEY that make another backup's restore this one: where ({@code --to}), what
         * ({@code --clean}, {@code --table}, {@code --schema}, {@code --data-only}) and whether ({@code --dry-run}).
         * Not {@code --auto-confirm}: a suggested restore of another backup asks again.
         */
        List<String> sameRestoreArgs() {
            List<String> args = new java.util.ArrayList<>();
            toDatasource.ifPresent(t -> args.addAll(List.of("--to", t)));
            if (clean) {
                args.add("--clean");
            }
            tables.forEach(t -> args.addAll(List.of("--table", t)));
            schemas.forEach(s -> args.addAll(List.of("--schema", s)));
            if (dataOnly) {
                args.add("--data-only");
            }
            if (dryRun) {
                args.add("--dry-run");
            }
            return args;
        }
    }

    /**
     * What was restored where ({@code bytes} decoded); for a dry run, what would have been, {@code bytes} the
     * decoded size the check read. {@code targetEmpty} and {@code targetHolds}: the target as inspected before;
     * {@code targetWithoutClean}: what a restore without {@code --clean} does with what it holds
     * ({@link TargetState#withoutClean}), else empty; {@code selection}: what of the backup, for a restore in part
     * ({@code "table orders"}, {@link RestoreOptions#describeSelection}), else empty; {@code selectionNote}: the same as a
     * note ({@code "(only table orders)"}, {@link RestoreOptions#selectionNote}), else empty.
     */
    public record Result(BackupKey key, String target, long bytes, boolean dryRun, boolean targetEmpty, String targetHolds,
                         String targetWithoutClean, String selection, String selectionNote) {
        Result(BackupKey key, String target, long bytes, boolean dryRun, TargetState state, RestoreOptions options) {
            this(key, target, bytes, dryRun, state.isEmpty(), state.description(), state.withoutClean(),
                    options.partial() ? options.describeSelection() : "", options.selectionNote());
        }
    }

    private final Workspace ws;
    private final Confirmer confirmer;
    private final DecryptionKeys keys;
    private final Progress progress;

    public Restorer(Workspace ws, Confirmer confirmer) {
        this(ws, confirmer, DecryptionKeys.NONE);
    }

    /** {@code keys}: identities or a passphrase given for this restore, tried before the job's own. */
    public Restorer(Workspace ws, Confirmer confirmer, DecryptionKeys keys) {
        this(ws, confirmer, keys, Progress.NONE);
    }

    /** {@code progress} hears about both reads: the check ("checking FILE"), then the restore ("restoring FILE"). */
    public Restorer(Workspace ws, Confirmer confirmer, DecryptionKeys keys, Progress progress) {
        this.ws = ws;
        this.confirmer = confirmer;
        this.keys = keys;
        this.progress = progress;
    }

    /**
     * The run's way of writing a command, naming the job that backs up {@code target} when exactly one (not a copy)
     * does: a physical cluster's hint for a dump sent {@code --to} it names that job's base backups, not {@code JOB}, with
     * the key its newest needs ({@link KeyedRestoreCommands}).
     */
    private Commands commandsAbout(DatasourceConfig target) {
        List<String> jobs = ws.config().jobs().values().stream().filter(j -> !j.isCopy() && j.datasource().equals(target.name()))
                .map(JobConfig::name).toList();
        return jobs.size() == 1 ? new KeyedRestoreCommands(ws, ws.job(jobs.get(0)), keys) : ws.invocation();
    }

    public Result restore(Request r) {
        JobConfig job = ws.job(r.job());
        if (ws.datasource(job.datasource()).engine().physical()) {
            throw DbBackupException.user("job '" + job.name() + "' makes physical base backups: restore one into a data "
                    + "directory with --pgdata DIR (plus --target-time/--target-lsn/--target latest for point-in-time recovery)");
        }
        DatasourceConfig target = ws.datasource(r.toDatasource().orElse(job.datasource()));
        requireTheDumpGoesWhereTheTargetSays(job, target);
        ws.requireSecrets(job, "datasources." + target.name());
        Catalog catalog = new Catalog(ws);
        BackupKey key = catalog.resolve(job, r.key());
        // a wrong --to is one line before a long read, dry run or not
        target.engine().requireRestorable(key.format(), commandsAbout(target));
        Map<String, Object> manifest = manifestIfReadable(catalog, job, key);
        requireTheEngineItWasMadeBy(manifest, key, target, job);
        // what the backup's datasource leaves out (PostgreSQL no_owner: a custom archive holds the owners), also --to another
        RestoreOptions options = r.options().omitting(ws.datasource(job.datasource()).engine().omittedFromItsBackups());
        requireRestorableInPart(options, key, target);
        if (!r.dryRun()) { // its dry run says it on the target's line
            target.engine().requireWritableTarget(options);
        }
        ArtifactReader reader = ArtifactReader.forRecovery(catalog.store(job));
        Decryptor decryptor = Encryption.decryptorFor(key, job, keys, ws);
        List<String> restoreArgs = r.sameRestoreArgs(); // of an older backup's restore, when this one is bad
        try (Workspace.Operation op = ws.operation("restore-" + job.name())) {
            OperationContext ctx = op.context();
            // the target reached first, dry run or not: a refused login, an unreachable host or a missing privilege is
            // said before the backup is read to its end (an hour for 100 GB); it is looked at again after that read
            TargetState state = inspect(target, options, ctx);
            // its restore checks a SQLite file (PRAGMA integrity_check): its dry run checks it too, a restore in part on the
            // one copy its part check writes (two at once were twice the scratch disk the restore needs)
            boolean checksFile = key.format() == DumpFormat.SQLITE && r.dryRun();
            java.io.OutputStream partChecker;
            java.io.OutputStream fileChecker = null;
            try {
                if (options.partial() && checksFile) {
                    fileChecker = target.engine().checkingPartChecker(key.format(), options, ctx);
                }
                partChecker = fileChecker != null ? fileChecker
                        : options.partial() ? target.engine().partChecker(key.format(), options, ctx) : null;
            } catch (IOException e) {
                throw Failures.map("cannot check the contents of " + key.key(), e);
            }
            if (options.partial() && partChecker == null) { // a name that is not there fails before a long read, not after it
                try (StoppableRead read = StoppableRead.open(reader, key, decryptor, ctx.cancellation())) {
                    target.engine().requireInBackup(read.stream(), key.format(), options, ctx); // its contents list only
                    read.finished();
                } catch (IOException | RuntimeException e) {
                    // an archive whose contents list does not read (cut inside it) fails as the restore of it would
                    throw catalog.pointingToOlder(job, key, namingTheBackup(key, Failures.map("cannot read the contents of "
                            + key.key(), StoppableRead.cancellationFirst(e, ctx.cancellation(), ws.log()))),
                            "restore", restoreArgs, keys);
                }
            }
            ws.log().info("checking backup before restore", "key", key.key());
            long total = progress == Progress.NONE ? -1 : catalog.storedSize(job, key);
            long decodedBytes;
            try (StoppableRead read = StoppableRead.open(reader, key, decryptor, ctx.cancellation())) {
                progress.started("checking " + key.fileName(), total); // after open's own warnings
                InputStream in = progress.watch(read.decoded());
                if (partChecker != null) { // the script's contents, learnt in the pass that checks it
                    in = new TeeInputStream(in, partChecker);
                }
                TeeInputStream counted = TeeInputStream.counting(in); // a script's check reads it to its end itself
                if (key.format() == DumpFormat.SQL) {
                    checkScriptEnd(job, key, counted, ctx);
                } else if (checksFile && fileChecker == null) {
                    checkDatabaseFile(job, key, counted, ctx);
                }
                ArtifactReader.drain(counted, ctx.cancellation());
                decodedBytes = counted.count();
                read.finished();
                if (fileChecker != null) { // its checksum held: the file's finding is the backup's, as checkDatabaseFile's
                    partChecker = null;
                    fileChecker.close();
                }
            } catch (IOException | RuntimeException e) {
                // the engine's finding (a SQL script cut short, its checksum holding) names the backup as the restore's does
                throw catalog.pointingToOlder(job, key, namingTheBackup(key, Failures.map("cannot read " + key.key(),
                        StoppableRead.cancellationFirst(e, ctx.cancellation(), ws.log()))),
                        "restore", restoreArgs, keys);
            } finally {
                progress.finished();
            }
            if (partChecker != null) {
                try {
                    partChecker.close(); // fails when the backup holds no such table
                } catch (IOException e) {
                    throw Failures.map("cannot read the contents of " + key.key(), e);
                }
            }
            if (!r.dryRun() || options.partial()) {
                // the target again, as it is now: the check read may have taken an hour, and what the confirmation is
                // asked about (or, with --auto-confirm and --clean, what is dropped) must not be what it held before; a
                // restore in part's dry run too: which of the target's tables are in its way depends on the schemas the
                // backup has the named ones in, learnt by that read
                state = inspect(target, options, ctx);
            }
            target.engine().warnBeforeRestore(Catalog.factsIn(manifest), options, ctx);
            if (r.dryRun()) {
                ws.log().info("dry run: nothing restored", "key", key.key(), "target", target.engine().describe());
                return new Result(key, target.engine().describe(), decodedBytes, true, state, options);
            }
            Overwrite.confirm(confirmer, r.autoConfirm(), state, target.engine().describe(), "restore", "backup",
                    "Restore " + (options.partial() ? options.describeSelection() + " from " : "") + key.fileName() + " into "
                            + target.engine().describe() + "?");
            ws.log().info("restore started", "key", key.key(), "target", target.engine().describe(), "restores",
                    options.describeSelection());
            long bytes;
            try (StoppableRead read = StoppableRead.open(reader, key, decryptor, ctx.cancellation())) {
                progress.started("restoring " + key.fileName(), total);
                TeeInputStream counting = TeeInputStream.counting(progress.watch(read.decoded()));
                target.engine().restore(counting, key.format(), options, ctx);
                bytes = counting.count();
                read.finished();
            } catch (IOException | RuntimeException e) {
                // its checksum held: the backup itself is bad, not the target — unless this read got other bytes; a
                // signal's cut read and the tool's kill race: the cancellation is said, whichever failed first. A backup
                // that does not restore (nothing applied: one transaction, a SQLite temporary copy) points to the next
                // older one, as the check before does
                Throwable said = StoppableRead.cancellationFirst(e, ctx.cancellation(), ws.log());
                DbBackupException failed = ledByTheRestore(Failures.map("restore of " + key.key() + " into "
                        + target.engine().describe() + " failed", said), key, target.engine());
                throw io.dbbackup.codec.ChecksumMismatchException.in(said) ? changedSinceVerified(key, failed)
                        : catalog.pointingToOlder(job, key, namingTheBackup(key, failed), "restore", restoreArgs, keys);
            } finally {
                progress.finished();
            }
            ws.log().info("restore finished", "key", key.key(), "target", target.engine().describe(), "bytes", bytes);
            return new Result(key, target.engine().describe(), bytes, false, state, options);
        }
    }


    /**
     * {@code key}'s manifest, read once for the checks and warnings before a restore ({@link #requireTheEngineItWasMadeBy},
     * {@link Engine#warnBeforeRestore}); empty for a backup without one, or one that does not read: the read of the backup
     * reports a damaged manifest as it always has, and the restore goes on as it always has.
     */
    private static Map<String, Object> manifestIfReadable(Catalog catalog, JobConfig job, BackupKey key) {
        try {
            return catalog.manifest(job, key).orElse(Map.of());
        } catch (RuntimeException e) {
            return Map.of();
        }
    }

    /**
     * A failure of the restore of {@code key} into {@code engine}'s target led by {@code restore of KEY into TARGET failed: },
     * once, the engine's own naming of the target at the start of its words left out
     * ({@link Engine#withoutTheTargetNamed}): an engine's {@link DbBackupException} (a MySQL/MariaDB load the server
     * stopped, PostgreSQL's rolled-back transaction) passes {@link Failures#map} unchanged, and its line named neither the
     * backup nor, as the others, the target. An interrupted one ({@code failed: interrupted (WORDS)}, the engine's words
     * about what became of the target kept inside) loses that naming inside too: {@code … into postgres U@H:P/DB failed:
     * interrupted (ran as one transaction and was rolled back: …)}, not {@code interrupted (restore into U@H:P/DB ran …)}.
     * A user error (the engine's refusal, which names what to do) and an integrity failure ({@link #doesNotRestore} leads
     * it with the backup) as they are.
     */
    static DbBackupException ledByTheRestore(DbBackupException failed, BackupKey key, Engine engine) {
        if (failed.status() == ExitStatus.USER_ERROR || failed.status() == ExitStatus.INTEGRITY) {
            return failed;
        }
        String context = "restore of " + key.key() + " into " + engine.describe() + " failed: ";
        String said = failed.getMessage();
        String words = said.startsWith(context) ? said.substring(context.length()) : said;
        String interrupted = "interrupted (";
        String once = context + (words.startsWith(interrupted) && words.endsWith(")") // Failures.map's form: the step's words inside
                ? interrupted + engine.withoutTheTargetNamed(words.substring(interrupted.length(), words.length() - 1)) + ")"
                : engine.withoutTheTargetNamed(words));
        return once.equals(said) ? failed : new DbBackupException(failed.status(), once, failed, failed.retryable());
    }

    /**
     * An integrity failure of {@code key}'s engine reading it (an archive cut short, its checksum holding) as one line
     * naming the backup: "the backup KEY does not restore: …" (exit 3); any other failure as it is.
     */
    private static DbBackupException doesNotRestore(BackupKey key, DbBackupException failed) {
        if (failed.status() != ExitStatus.INTEGRITY) {
            return failed;
        }
        return new DbBackupException(ExitStatus.INTEGRITY, "the backup " + key.key() + " does not restore: "
                + failed.getMessage(), failed, false);
    }

    /**
     * An integrity failure whose words do not name the backup (the engine's finding about the archive: a tar cut short,
     * data after its end, no PG_VERSION) led by it as {@link #doesNotRestore} does: "the backup KEY does not restore: …"
     * (exit 3), which the next older backup follows; one that names it (a checksum mismatch) and any other failure as it
     * is. A logical restore's (the check before it: a SQL script cut short; the restore: an archive pg_restore cannot
     * read, a SQLite file failing its integrity check), a physical restore's, a {@code verify --deep}'s and a {@code show --contents}' say it alike.
     */
    static DbBackupException namingTheBackup(BackupKey key, DbBackupException failed) {
        return failed.getMessage().contains(key.key()) ? failed : doesNotRestore(key, failed);
    }

    /**
     * The restore's read of {@code key} did not match the checksum that the check's read of it confirmed: the object was
     * replaced in the store, or damaged on its way, in between. Not "does not restore" (which sends the user to an older
     * backup): its bytes held when checked, and a restore again reads it again.
     */
    static DbBackupException changedSinceVerified(BackupKey key, DbBackupException failed) {
        return new DbBackupException(ExitStatus.INTEGRITY, "the backup " + key.key() + " changed since it was verified: "
                + "its checksum held in the check before the restore, and the restore's read of it does not match (the "
                + "object replaced in the store, or damaged on its way): " + failed.getMessage() + "; run the restore "
                + "again (it checks the backup again first)", failed, false);
    }

    /**
     * A restore in part needs a backup its target's engine can take apart ({@link Engine#restoresInPart}), and is never
     * combined with {@code --clean}: pg_restore's {@code --table} brings back a table without its indexes, constraints
     * and triggers, so a clean replace would leave production with a bare table (MySQL's and SQLite's refusal gives only
     * the reason that holds for them: a table that exists stops the restore). It adds, in one transaction: into a
     * scratch database, or rows into tables that exist ({@code --data-only}). Refused before anything is read, naming the
     * ways that do replace what is there without it: the rows into the emptied table, the table dropped first (not for
     * rows only, which need it), a scratch datasource.
     */
    private static void requireRestorableInPart(RestoreOptions options, BackupKey key, DatasourceConfig target) {
        if (!options.partial()) {
            return;
        }
        if (options.clean()) {
            // pg_restore's reason is PostgreSQL's own: MySQL's and SQLite's table comes back with its indexes and triggers
            String why = "postgres".equals(target.engineType())
                    ? "pg_restore --table restores a table without its indexes, constraints and triggers: a clean replace "
                    + "would leave it bare; a table that exists stops the restore instead of being replaced"
                    : "a table that exists stops the restore instead of being replaced";
            throw DbBackupException.user("--table, --schema and --data-only add to the target and cannot be combined with --clean "
                    + "(" + why + "); without --clean: "
                    + (options.dataOnly() ? "empty the table to load the backup's rows into it"
                    : "empty the table and add --data-only to load the backup's rows into it, drop the table first "
                    + "to bring back the backup's own") + ", or restore into a scratch datasource (--to) and copy back what "
                    + "you need");
        }
        if (!target.engine().restoresInPart(key.format())) {
            throw DbBackupException.user("--table, --schema and --data-only need a PostgreSQL backup, a MySQL/MariaDB "
                    + "backup of named databases (database: or databases:, not all_databases:) or a SQLite backup; " + key.fileName() + " into "
                    + target.engine().describe() + " is restored whole: restore it into a scratch datasource (--to) and copy "
                    + "back what you need");
        }
    }

    /**
     * A backup whose manifest says which engine made it goes only into a datasource of that engine ({@code mysql} and
     * {@code mariadb} are one): a MySQL script {@code --to} a PostgreSQL datasource has a format PostgreSQL takes
     * ({@code .sql}) and would only fail in psql, after the whole backup was read, while its dry run passed. Refused
     * before anything is read. A backup whose manifest does not say (lost, unreadable, written before the field) is
     * taken to be of the engine of the job's datasource, which made its backups: {@code --to} a datasource of another
     * engine is refused as well (it was read whole, then failed at the target).
     */
    private void requireTheEngineItWasMadeBy(Map<String, Object> manifest, BackupKey key, DatasourceConfig target,
                                             JobConfig job) {
        Object made = manifest.get("engine");
        if (!(made instanceof String)) {
            DatasourceConfig own = ws.datasource(job.datasource());
            String engine = own.engineType();
            if (!family(engine).equals(family(target.engineType()))) {
                throw DbBackupException.user("cannot restore " + key.fileName() + " into " + target.engine().describe()
                        + ": no manifest beside it says which engine made it, and job " + job.name() + " backs up a " + engine
                        + " datasource (" + own.name() + "); restore it --to a "
                        + (family(engine).equals("mariadb") ? "mariadb or mysql" : engine) + " datasource");
            }
            return;
        }
        String engine = (String) made;
        if (family(engine).equals(family(target.engineType()))) {
            return;
        }
        throw DbBackupException.user("cannot restore " + key.fileName() + " into " + target.engine().describe() + ": it is a "
                + engine + " backup (its manifest says so); restore it --to a "
                + (family(engine).equals("mariadb") ? "mariadb or mysql" : engine) + " datasource");
    }

    private static String family(String engine) {
        return engine.equals("mysql") ? "mariadb" : engine;
    }

    /**
     * A dump that names where it goes (a MySQL dump of several databases {@code USE}s them) restored into another
     * datasource that names other databases (one, or other names) would write into the databases it names on that
     * server — on a shared server, into the originals — while the confirmation looked at the target's (empty) ones.
     * Refused before anything is read; a target naming the same databases is the intent. A roles script goes into a
     * roles datasource alone, and a dump of one database into a datasource of one ({@link #requireATargetOfOneDatabase}).
     */
    private void requireTheDumpGoesWhereTheTargetSays(JobConfig job, DatasourceConfig target) {
        Engine source = ws.datasource(job.datasource()).engine();
        if (target.name().equals(job.datasource())) {
            return;
        }
        if (source.restoresIntoTargetOnly()) {
            requireATargetOfOneDatabase(job, source, target);
            return;
        }
        String names = source.namesItRestoresInto();
        if (names == null && !target.engine().restoresIntoTargetOnly()) {
            return; // a roles script into another roles datasource: the cluster's roles, as it names them
        }
        if (names == null) { // a roles script: what it names is the cluster's, no database's
            throw DbBackupException.user("cannot restore the backups of job " + job.name() + " (" + source.describe() + ") into "
                    + target.name() + " (" + target.engine().describe() + "): they restore into what they name themselves, not "
                    + "into a database a datasource names (a roles backup (method: roles) goes into a roles datasource alone); "
                    + "restore them into a datasource of their kind, or into the job's own");
        }
        boolean differ = target.engine().restoresIntoTargetOnly() || !names.equals(target.engine().namesItRestoresInto());
        if (differ) {
            throw DbBackupException.user("the backups of job " + job.name() + " (" + source.describe() + ") name the "
                    + "databases they restore into and switch to them by name, so restored into " + target.name() + " ("
                    + target.engine().describe() + ") they would write into " + names
                    + " on its server, not into what " + target.name() + " names; restore into a datasource naming the "
                    + "same databases, or into the job's own");
        }
    }

    /**
     * A dump of one database names none (no {@code CREATE DATABASE}, no {@code USE}) and goes into the database its target
     * names; a target that names none to go into — a MySQL/MariaDB datasource of several databases or all of them, a
     * PostgreSQL roles datasource (whose connection is the maintenance database) — would load it nowhere or somewhere else:
     * MySQL stopped at {@code No database selected}, with {@code --clean} only after dropping every database the target
     * names; a roles datasource loaded the tables into its maintenance database {@code postgres}, exit 0. Refused before
     * anything is read, as a drill and a sync refuse it. A physical target is left to its own refusal
     * ({@link Engine#requireRestorable}).
     */
    private static void requireATargetOfOneDatabase(JobConfig job, Engine source, DatasourceConfig target) {
        Engine to = target.engine();
        if (to.restoresIntoTargetOnly() || to.physical()) {
            return;
        }
        String names = to.namesItRestoresInto();
        throw DbBackupException.user("cannot restore the backups of job " + job.name() + " (" + source.describe() + ") into "
                + target.name() + " (" + to.describe() + "): they are dumps of one database, which name none and go into the "
                + "one their target names, and " + target.name() + " names " + (names == null
                ? "none (a roles datasource takes a roles backup (method: roles) alone)"
                : names + ", which only a dump naming them goes into (this one would find no database to go into"
                + (names.equals("all databases") ? "" : ", and --clean would drop them first") + ")")
                + "; restore --to a datasource of one database");
    }

    /** What the restore target holds, for this restore's options: one connection to it. */
    private static TargetState inspect(DatasourceConfig target, RestoreOptions options, OperationContext ctx) {
        try {
            return target.engine().inspectTarget(ctx, options);
        } catch (IOException e) {
            throw Failures.map("cannot inspect the restore target " + target.engine().describe(), e);
        }
    }

    /**
     * A SQLite file whose checksum holds can still be a damaged database (the dump taken of a corrupt file, bytes flipped
     * before hashing): the restore finds it in {@code PRAGMA integrity_check} of its temporary copy beside the target, and
     * its dry run, which writes nothing there, checks it as {@code verify --deep} does — the decoded file into the
     * operation's private scratch folder, checked, deleted (also when it fails). Its finding is the restore's: the
     * caller names the backup and the next older one.
     */
    private void checkDatabaseFile(JobConfig job, BackupKey key, InputStream in, OperationContext ctx) throws IOException {
        String verdict = Verifier.checkDump(ws.datasource(job.datasource()).engine(), key, in, ctx);
        ws.log().info("backup is a readable database", "key", key.key(), "result", verdict);
    }

    /**
     * A SQL script runs statement by statement: one cut short at a statement's end would load what it holds
     * and commit (psql) or leave it (mysql, whose DDL commits by itself), and the restore would look like a
     * success. Its end is checked in the pass that checks the checksum, before the target is touched (a line
     * scan; custom archives need none: pg_restore fails on a short one inside its single transaction). A dump
     * whose end cannot be told (no comments) is restored with a warning.
     */
    private void checkScriptEnd(JobConfig job, BackupKey key, InputStream in, OperationContext ctx) throws IOException {
        try {
            String verdict = Verifier.checkDump(ws.datasource(job.datasource()).engine(), key, in, ctx);
            ws.log().info("backup is a complete dump", "key", key.key(), "result", verdict);
        } catch (DbBackupException e) {
            if (e.status() != ExitStatus.USER_ERROR) {
                throw e;
            }
            ws.log().warn("cannot tell whether the dump is complete; restoring it anyway", "key", key.key(), "reason", e.getMessage());
        }
    }
}
