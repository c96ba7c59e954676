package io.dbbackup.spi;

import io.dbbackup.core.DumpFormat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * A database a job backs up and restores into. One engine instance = one configured datasource.
 * Implementations do no I/O in their constructor (config validation must not connect anywhere).
 */
public interface Engine {

    /** The name used in object keys ({@code <prefix>/<database>/<database>-...}). */
    String database();

    /** The format {@link #dump} writes. */
    DumpFormat format();

    /**
     * Writes one complete dump to {@code out}. Must throw when the dump is incomplete for any reason
     * (a non-zero tool exit, a vanished file): bytes written before a failure are discarded by the
     * pipeline. Must stop promptly when {@code ctx.cancellation()} fires.
     *
     * @return facts for the manifest (server version, tool version, ...)
     */
    DumpInfo dump(OutputStream out, OperationContext ctx) throws IOException;

    /** What the restore target holds now, for the confirmation rules of restore. */
    TargetState inspectTarget(OperationContext ctx) throws IOException;

    /**
     * {@link #inspectTarget(OperationContext)} for a restore of {@code options} (a restore's dry run and confirmation say
     * what would fail of that restore: a partial one, not the whole database's). Default: the same state.
     */
    default TargetState inspectTarget(OperationContext ctx, RestoreOptions options) throws IOException {
        return inspectTarget(ctx);
    }

    /**
     * Restores a dump of {@code format} (already decrypted and decompressed) into this datasource.
     * Callers have obtained confirmation before calling. A restore of a stored backup gets a checked
     * artifact; with {@link RestoreOptions#allOrNothing()} (a sync) {@code in} is a live dump that may
     * throw at any byte instead of ending: the restore must then leave the target as it was (one
     * transaction, or a staging area swapped in only after the whole stream was read) and rethrow.
     */
    void restore(InputStream in, DumpFormat format, RestoreOptions options, OperationContext ctx) throws IOException;

    /**
     * Throws the user error {@link #restore} would throw for a backup of {@code format} (a SQLite file into PostgreSQL, a
     * custom archive into MySQL, any dump into a physical datasource), without reading anything: a restore and its
     * {@code --dry-run} ask it before they read the backup, so that a wrong {@code --to} is one line at once, not after
     * the whole backup was read, and a dry run never says a backup would be restored where it cannot be.
     */
    default void requireRestorable(DumpFormat format) {
    }

    /**
     * Throws the user error of a target this process cannot write (a SQLite file on a read-only mount, in an immutable
     * folder), which the user must fix: a restore, not its dry run, asks it before it reads the backup. Default: nothing.
     */
    default void requireWritableTarget(RestoreOptions options) {
    }

    /** {@link #requireRestorable(DumpFormat)}, a command it suggests written with this run's options ({@link Commands}). */
    default void requireRestorable(DumpFormat format, Commands commands) {
        requireRestorable(format);
    }

    /**
     * What this datasource's backups are taken without and must be restored without wherever they go ({@code restore
     * --to}, a drill, a sync): a dump format that still holds it leaves it to the restore, which runs with the target
     * datasource's settings. Default: nothing.
     */
    default java.util.Set<RestoreOptions.Omitted> omittedFromItsBackups() {
        return java.util.Set.of();
    }

    /**
     * Whether a restore of this datasource's dumps writes only into the datasource it is restored into — not into
     * objects the dump names itself (a MySQL dump of several databases holds their names and {@code USE}s them; a
     * roles script is the cluster's): what a restore drill into a scratch datasource needs. Default: no.
     */
    default boolean restoresIntoTargetOnly() {
        return false;
    }

    /**
     * A sync of {@code source}'s dump (of this engine's {@link #dialect}) into this datasource that this datasource's
     * restore would refuse only once the dump has started (on reading the dump's first bytes) is refused here instead,
     * before anything runs: called without a connection to either side. Default: nothing to refuse.
     */
    default void checkSyncFrom(Engine source) {
    }

    /**
     * For an engine that does not {@link #restoresIntoTargetOnly() restore into its target only}: the names its dumps
     * restore into by themselves (e.g. {@code databases shop, billing}, {@code all databases}), comparable between two
     * datasources of the engine; null when there are none to compare (the target decides, or a roles script).
     */
    default String namesItRestoresInto() {
        return null;
    }

    /**
     * The first value of the first row {@code sql} returns in this datasource, as text (empty when no row): a restore
     * drill's checks on the restored copy. Default: not available.
     */
    default String queryValue(String sql, OperationContext ctx) throws IOException {
        throw io.dbbackup.core.DbBackupException.user("drill checks are not available for " + describe());
    }

    /**
     * Whether {@link #dropTarget} can remove everything a restore into this datasource made (a database, a file):
     * what a restore drill needs to leave nothing behind. Default: no.
     */
    default boolean canDropTarget() {
        return false;
    }

    /**
     * Removes the restore target (drops the database, deletes the file), for a restore drill into a scratch
     * datasource; a target that does not exist is no error. Runs also when {@code ctx} is cancelled (a signal stopped
     * the drill: its scratch must still go), on a cancellation and a time limit of its own.
     */
    default void dropTarget(OperationContext ctx) throws IOException {
        throw io.dbbackup.core.DbBackupException.user(describe() + " cannot be removed after a drill (drill --keep leaves it)");
    }

    /**
     * Whether a backup could start now ({@code dbbackup check}), read-only: connects as a backup would and says what
     * it found in one line (server and version, what the source holds, the client tool a backup would run). Throws
     * what a backup would meet (refused connection, missing source, a client too old). Default: the source must
     * exist as {@link #inspectTarget} sees it.
     */
    default String check(OperationContext ctx) throws IOException {
        TargetState state = inspectTarget(ctx);
        if (!state.exists()) {
            throw io.dbbackup.core.DbBackupException.permanent(state.description(), null);
        }
        return state.description();
    }

    /**
     * For {@code check} of a datasource whose server archives WAL into the job's store: closes the current WAL
     * segment on the server ({@code pg_switch_wal()}) and returns the name of the segment it must now archive, so
     * that the check can wait for it in the store. Empty with a reason when it cannot say (archiving is off, the
     * role may not switch WAL); {@code null} for engines without a WAL archive.
     */
    default WalSwitch switchWal(OperationContext ctx) throws IOException {
        return null;
    }

    /** {@link #switchWal}: the segment to wait for, or why there is none. */
    record WalSwitch(java.util.Optional<String> segment, String note) {
    }

    /**
     * For {@code check}, once the datasource answered: a note of its own line on what a backup of it will record for
     * point-in-time recovery, and if nothing, why and how to get it (MySQL/MariaDB: the binary log position). A note,
     * not a failure, unless a backup would fail on what it found; empty for engines without such a note.
     */
    default java.util.Optional<CheckNote> checkNote(OperationContext ctx) throws IOException {
        return java.util.Optional.empty();
    }

    /**
     * {@link #checkNote}: {@code what} names the line ({@code binlog position}), {@code detail} says it; not {@code ok}:
     * a backup would fail on it (a system error, as the dump tool's).
     */
    record CheckNote(String what, String detail, boolean ok) {
    }

    /**
     * What the datasource holds, for {@code dbbackup inspect}: server version, databases, tables with
     * row estimates and sizes, as JSON-ready maps and lists. Read-only.
     */
    default java.util.Map<String, Object> inspect(OperationContext ctx) throws IOException {
        throw io.dbbackup.core.DbBackupException.user("the " + describe() + " engine cannot be inspected");
    }

    /** A one-line description for logs, without secrets, e.g. {@code sqlite /data/app.db}. */
    String describe();

    /**
     * The words of a failure of {@link #restore} without this engine's own naming of the target at their start, for the
     * restore's line, which names it already: {@code restore of KEY into DESCRIBE failed: WORDS}. As they are by default.
     */
    default String withoutTheTargetNamed(String said) {
        return said;
    }

    /**
     * Which dumps this engine's {@link #restore} reads: a dump of one engine restores into another
     * (a sync) only when their dialects are equal ({@code mysql} and {@code mariadb} share one).
     * Default: one dialect per implementation.
     */
    default String dialect() {
        return getClass().getName();
    }

    /**
     * Where the data lives, without user or secrets (e.g. {@code postgresql://db:5432/app}), for messages:
     * {@link #where()} tells whether two datasources are the same database.
     */
    default String location() {
        return describe();
    }

    /**
     * {@link #location()} as parts to compare: two datasources whose locations {@link Location#overlaps overlap}
     * are (or may be) the same database under two names, and a sync or drill between them is refused.
     * Default: known by its text alone.
     */
    default Location where() {
        return Location.of(location());
    }

    /**
     * Whether this engine makes physical backups (the server's files, restored into a directory with
     * {@link #restoreFiles}, with archived WAL for point-in-time recovery) instead of logical dumps.
     */
    default boolean physical() {
        return false;
    }

    /**
     * Warns, before a restore of a backup into this datasource and in its dry run, of what the backup's manifest recorded
     * that matters for this target ({@code facts}: the engine's facts; empty for a backup without a manifest); and after a
     * sync into it ({@link RestoreOptions#allOrNothing}), of what the source's dump reported ({@link DumpInfo#facts}, what a
     * backup's manifest would hold), known only once that dump ended. Nothing by default.
     */
    default void warnBeforeRestore(java.util.Map<String, String> facts, RestoreOptions options, OperationContext ctx) {
    }

    /** Manifest facts worth a column in {@code list} (e.g. start and end LSN of physical backups). */
    default java.util.List<String> listedFacts() {
        return java.util.List.of();
    }

    /**
     * The folders outside the data directory a physical backup holds (extra tablespaces), from its manifest
     * {@code facts}: OID to the location the server kept it at. A restore needs each of them somewhere too.
     */
    default java.util.Map<String, String> tablespaces(java.util.Map<String, String> facts) {
        return java.util.Map.of();
    }

    /**
     * Restores a physical backup ({@code in}: decrypted, decompressed) into {@code request.directory()},
     * which exists and holds nothing of the backup's yet. Callers have checked the checksum; they remove what was written when this throws.
     */
    default void restoreFiles(InputStream in, DumpFormat format, DirectoryRestore request, OperationContext ctx)
            throws IOException {
        throw io.dbbackup.core.DbBackupException.user(describe() + " makes logical dumps: restore them into a datasource, "
                + "not into a directory");
    }

    /**
     * A check deeper than the checksum, without touching a database: reads the backup ({@code in}: decoded)
     * the way a restore would (into scratch space where the data must be a file) and asks the database's
     * own tool, or the dump's own closing lines, whether it is complete. Integrity failures are
     * {@code ExitStatus.INTEGRITY}; the caller reads what the check leaves unread (the checksum covers
     * every byte). Returns a one-line summary of what was found.
     */
    default String verifyDeep(InputStream in, DumpFormat format, OperationContext ctx) throws IOException {
        throw io.dbbackup.core.DbBackupException.user("verify --deep is not available for " + describe());
    }

    /**
     * What a backup holds, one line per object ({@code table public.orders (300 rows)}, {@code view public.big_orders}), read
     * from the decoded backup {@code in} — the caller closes it, and an engine may stop reading once it knows (a PostgreSQL
     * custom archive's table of contents is at its start). Default: not available, a user error.
     */
    default List<String> contents(InputStream in, DumpFormat format, OperationContext ctx) throws IOException {
        throw io.dbbackup.core.DbBackupException.user("the contents of a ." + format.extension() + " backup of " + describe()
                + " cannot be listed");
    }

    /**
     * Whether a backup of {@code format} can be restored in part ({@link RestoreOptions#partial}: some tables, some
     * schemas, rows only). Default: no.
     */
    default boolean restoresInPart(DumpFormat format) {
        return false;
    }

    /**
     * Fails (a user error: nothing was touched) when the backup ({@code in}: decoded; the caller closes it and may not
     * have read it to its end) does not hold every table and schema {@code selection} names, saying what it holds: a
     * restore of a name that is not there would otherwise succeed having restored nothing. Only called where
     * {@link #restoresInPart} holds.
     */
    default void requireInBackup(InputStream in, DumpFormat format, RestoreOptions selection, OperationContext ctx)
            throws IOException {
    }

    /**
     * For a backup whose contents show only as it is read to its end (a SQL script, where {@link #requireInBackup} would
     * cost a whole extra read): a sink the restore's checking pass writes every decoded byte into, and whose
     * {@code close()} fails as {@code requireInBackup} does. It may also refuse the selection at once (a user error).
     * Null (the default): the contents are listed up front and {@code requireInBackup} reads them. Only called where
     * {@link #restoresInPart} holds.
     */
    default java.io.OutputStream partChecker(DumpFormat format, RestoreOptions selection, OperationContext ctx)
            throws IOException {
        return null;
    }

    /**
     * For a restore's dry run that also checks the backup as {@link #verifyDeep} does (SQLite: {@code PRAGMA
     * integrity_check}): {@link #partChecker}'s sink, whose {@code close()} makes that check first, on what was written into
     * it, then the selection's; its failures are {@code verifyDeep}'s. One copy of the backup serves both checks where each
     * needs it written out whole: not two at once (twice the scratch disk its restore needs). Null (the default): the
     * caller checks each on its own.
     */
    default java.io.OutputStream checkingPartChecker(DumpFormat format, RestoreOptions selection, OperationContext ctx)
            throws IOException {
        return null;
    }
}
