package io.dbbackup.engine.sqlite;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.DumpFormat;
import io.dbbackup.core.Human;
import io.dbbackup.core.OpenFiles;
import io.dbbackup.spi.DumpInfo;
import io.dbbackup.spi.Engine;
import io.dbbackup.spi.InPlace;
import io.dbbackup.spi.Location;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.RestoreOptions;
import io.dbbackup.spi.TargetState;
import org.sqlite.SQLiteConnection;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * SQLite through the JDBC driver's native library (no sqlite3 binary needed). A backup takes a
 * consistent snapshot file in the operation's scratch folder (the online backup API, a few pages at
 * a time with pauses so writers are not blocked, or {@code VACUUM INTO}), checks it with
 * {@code PRAGMA integrity_check}, streams it and deletes it. That snapshot is the one temporary copy
 * the tool makes: SQLite cannot stream a consistent image of a live database otherwise.
 */
public final class SqliteEngine implements Engine {
    /** SQLite's primary result code for "database or disk is full". */
    static final int SQLITE_FULL = 13;
    /** SQLite's primary result code for "unable to open database file" (also when file descriptors ran out). */
    static final int SQLITE_CANTOPEN = 14;

    public enum Strategy { ONLINE, VACUUM }

    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /**
     * How often the online backup's native loop retries a step that returned SQLITE_BUSY, 1 ms apart. The source
     * connection's own busy timeout (30 s) already waits inside each step for a writer's lock, once for all these tries
     * ({@link CancellableBusyWait#installForCopy}); a step also returns SQLITE_BUSY at once when {@link BackupStop} ends
     * a cancelled copy, which these retries must not hold up.
     */
    static final int BUSY_RETRIES = 100;
    /** SQLite's primary result code for "database is locked" (another connection holds the lock). */
    static final int SQLITE_BUSY = 5;
    /**
     * How long a connection to a scratch copy (a snapshot, a backup written out to be checked: no other process opens
     * those) waits for a lock before SQLITE_BUSY. Every connection to the datasource's file waits {@code lock_timeout}
     * instead ({@link #open(Path, boolean, Duration, io.dbbackup.spi.Cancellation)}).
     */
    static final int BUSY_TIMEOUT_MS = 30_000;
    /** The datasource's {@code lock_timeout} when absent: how long a backup (or a partial restore) waits for each lock. */
    static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofMillis(BUSY_TIMEOUT_MS);

    private final Path path;
    private final String database;
    private final Strategy strategy;
    private final int pagesPerStep;
    private final Duration sleepInterval;
    private final Duration lockTimeout;

    public SqliteEngine(Path path, String database, Strategy strategy, int pagesPerStep, Duration sleepInterval) {
        this(path, database, strategy, pagesPerStep, sleepInterval, DEFAULT_LOCK_TIMEOUT);
    }

    /** {@code lockTimeout}: how long the backup's connections (and a partial restore's) wait for an application's lock. */
    public SqliteEngine(Path path, String database, Strategy strategy, int pagesPerStep, Duration sleepInterval,
                        Duration lockTimeout) {
        this.path = path.toAbsolutePath().normalize();
        this.database = database;
        this.strategy = strategy;
        this.pagesPerStep = pagesPerStep;
        this.sleepInterval = sleepInterval;
        this.lockTimeout = lockTimeout;
    }

    /** The datasource's {@code lock_timeout} ({@link #DEFAULT_LOCK_TIMEOUT} when absent). */
    Duration lockTimeout() {
        return lockTimeout;
    }

    @Override
    public String database() {
        return database;
    }

    @Override
    public DumpFormat format() {
        return DumpFormat.SQLITE;
    }

    @Override
    public String describe() {
        return "sqlite " + path;
    }

    /**
     * A partial restore's failure without its naming of the target ({@link TableRestore}: {@code restore of table orders
     * into SQLite PATH failed and was rolled back (nothing was applied): …}) after the restore's {@code restore of KEY
     * into sqlite PATH failed: }: {@code table orders: rolled back (nothing was applied): …}.
     */
    @Override
    public String withoutTheTargetNamed(String said) {
        String lead = "restore of ";
        String into = " into SQLite " + path + " failed and was rolled back ";
        int at = said.indexOf(into);
        return said.startsWith(lead) && at > lead.length()
                ? said.substring(lead.length(), at) + ": rolled back " + said.substring(at + into.length()) : said;
    }

    @Override
    public String dialect() {
        return "sqlite";
    }

    /** The file with its symlinks resolved (its folder's when it does not exist yet): two names of one file are one database. */
    @Override
    public String location() {
        try {
            return "sqlite:" + path.toRealPath();
        } catch (IOException notThere) {
            try {
                return "sqlite:" + path.getParent().toRealPath().resolve(path.getFileName());
            } catch (IOException | RuntimeException noFolder) {
                return "sqlite:" + path;
            }
        }
    }

    /** {@link #location()}, and the file itself: a hard link to it is another path to the same database. */
    @Override
    public Location where() {
        return Location.file(location(), path);
    }

    @Override
    public DumpInfo dump(OutputStream out, OperationContext ctx) throws IOException {
        requireDatabaseFile();
        Files.createDirectories(ctx.scratchDir());
        Path snapshot = ctx.scratchDir().resolve("sqlite-snapshot-" + UUID.randomUUID() + ".db");
        try {
            String version;
            String journalMode;
            for (int attempt = 1; ; attempt++) {
                try (Connection c = open(path, true, lockTimeout, ctx.cancellation())) {
                    version = sqliteVersion(c);
                    journalMode = journalMode(c);
                    if (strategy == Strategy.VACUUM) {
                        ctx.cancellation().throwIfCancelled();
                        try (Statement st = c.createStatement(); InterruptOnCancel stop = InterruptOnCancel.of(c, ctx.cancellation())) {
                            st.execute("VACUUM INTO '" + snapshot.toString().replace("'", "''") + "'");
                        }
                    } else {
                        onlineBackup(snapshot, ctx);
                    }
                    break;
                } catch (SQLException e) {
                    ctx.cancellation().throwIfCancelled(); // interrupted, or its copy ended: not a failure to read it
                    if (attempt == 1 && HotJournal.isTheCause(e)) {
                        HotJournal.rollBack(path, lockTimeout, ctx);
                        Files.deleteIfExists(snapshot);
                        continue;
                    }
                    throw snapshotFailed(e, snapshot);
                }
            }
            if (strategy == Strategy.VACUUM && "wal".equals(journalMode)) {
                keepWal(snapshot);
            }
            ctx.cancellation().throwIfCancelled();
            int tables;
            try {
                tables = checkIntegrity(snapshot, "snapshot of " + path, ctx.cancellation());
            } catch (io.dbbackup.codec.IntegrityException e) {
                // the source is damaged: a failed backup (exit 2), not a corrupt artifact (exit 3)
                throw DbBackupException.permanent(e.getMessage(), e);
            }
            ctx.log().debug("sqlite snapshot ready", "bytes", Files.size(snapshot));
            if (tables == 0) { // a legal database, but more often a wrong path or a file an application truncated
                ctx.log().warn("SQLite database " + path + " holds no tables: backed up as it is; check that this is the "
                        + "database the application writes");
            }
            try (InputStream in = Files.newInputStream(snapshot)) {
                in.transferTo(out);
            }
            return DumpInfo.of(Map.of("sqlite_version", version, "strategy", strategy.name().toLowerCase(Locale.ROOT),
                    "source_path", path.toString(), "journal_mode", journalMode));
        } finally {
            deleteWithJournals(snapshot);
        }
    }

    /** The files SQLite keeps beside database {@code db}: its {@code -wal}, {@code -shm} and {@code -journal}. */
    static List<Path> journals(Path db) {
        return java.util.stream.Stream.of("-wal", "-shm", "-journal")
                .map(suffix -> db.resolveSibling(db.getFileName() + suffix)).toList();
    }

    /** Deletes database file {@code db} and {@link #journals its journal files}. */
    static void deleteWithJournals(Path db) throws IOException {
        Files.deleteIfExists(db);
        for (Path journal : journals(db)) {
            Files.deleteIfExists(journal);
        }
    }

    /** The journal mode the database file is in ({@code wal} is a property of the file; the others are per connection). */
    private static String journalMode(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
            rs.next();
            return rs.getString(1).toLowerCase(Locale.ROOT);
        }
    }

    /**
     * {@code VACUUM INTO} always writes a rollback-journal file, whatever the source's mode: a WAL database would come
     * back in delete mode (readers block the writer again). WAL is recorded in the file's header (bytes 18-19), which
     * the online backup API copies as it is; the snapshot is switched to WAL here so that both strategies give the same
     * file and a restore (or a by-hand {@code zstd -dc}) needs no manifest to get it back. Closing the only connection
     * checkpoints and removes the -wal file, so the snapshot stays one file.
     */
    private void keepWal(Path snapshot) throws IOException {
        try (Connection c = open(snapshot, false); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA journal_mode = WAL")) {
            rs.next();
            if (!"wal".equalsIgnoreCase(rs.getString(1))) {
                throw new IOException("the snapshot of SQLite database " + path + " cannot be put in WAL mode (it is "
                        + rs.getString(1) + ")");
            }
        } catch (SQLException e) {
            throw snapshotFailed(e, snapshot);
        }
    }

    /**
     * Copies the database into {@code snapshot} with SQLite's online backup, on a connection of its own that
     * {@link BackupStop} can end at the next step once the operation is cancelled (returns then; the caller checks), on
     * a {@link CopyThread} that the operation leaves running when it cannot.
     */
    private void onlineBackup(Path snapshot, OperationContext ctx) throws SQLException, IOException {
        java.util.concurrent.atomic.AtomicBoolean abandoned = new java.util.concurrent.atomic.AtomicBoolean();
        CopyThread.run(() -> copyOnline(snapshot, ctx, abandoned::get), () -> {
            try {
                deleteWithJournals(snapshot);
            } catch (IOException e) {
                throw new SQLException("cannot delete " + snapshot, e);
            }
        }, ctx.cancellation(), abandoned);
    }

    /** Runs just before the online copy opens the database file: a test changes the file there (none in production). */
    static volatile Runnable beforeCopyOpens = () -> { };

    private void copyOnline(Path snapshot, OperationContext ctx, java.util.function.BooleanSupplier abandoned)
            throws SQLException {
        long sleep = sleepInterval.toMillis();
        beforeCopyOpens.run();
        try (Connection c = open(path, false); WriterHold hold = new WriterHold(path, lockTimeout, ctx);
             BackupStop stop = new BackupStop(c.unwrap(SQLiteConnection.class))) {
            CancellableBusyWait lock = CancellableBusyWait.installForCopy(c, lockTimeout, ctx.cancellation());
            int rc = c.unwrap(SQLiteConnection.class).getDatabase().backup("main", snapshot.toString(), (remaining, total) -> {
                try {
                    lock.stepDone(c);
                } catch (SQLException e) {
                    // the handler stays as it was: the next lock may be given up on sooner
                }
                if (ctx.cancellation().isCancelled()) {
                    hold.close(); // its write lock would keep the stop's from being taken
                    stop.untilStopped(ctx.cancellation(), abandoned, () -> SnapshotRelease.empty(snapshot));
                    return;
                }
                hold.observe(remaining);
                if (remaining > 0 && sleep > 0 && hold.pauses()) {
                    try {
                        Thread.sleep(sleep); // between steps: writers get the database
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }, 1, BUSY_RETRIES, pagesPerStep);
            if (stop.stopped()) {
                return;
            }
            if ((rc & 0xff) == SQLITE_BUSY && lock.lockedOut()) {
                throw new LockedOut();
            }
            if (rc != 0 && rc != 101) { // SQLITE_OK, SQLITE_DONE
                throw new SQLException("online backup failed with SQLite result code " + rc, null, rc);
            }
        }
    }

    /**
     * A snapshot that could not be taken. SQLITE_FULL can only come from the snapshot's side (the
     * source is read-only here): it is said as the scratch folder being full, with its free space and
     * the database's size, not as the database being unreadable (which sends the on-call person to the
     * wrong disk).
     */
    private IOException snapshotFailed(SQLException e, Path snapshot) {
        if ((e.getErrorCode() & 0xff) == SQLITE_BUSY) {
            // SQLite says "database is locked" or, from the online backup, "result code 5" after 100 tries: which lock,
            // for how long, and what to do
            return new IOException("SQLite database " + path + " stayed locked by another connection (an application's "
                    + "write transaction) for the " + Human.settingSpaced(lockTimeout) + " a backup waits for its lock"
                    + (e instanceof LockedOut ? ", and through " + BUSY_RETRIES + " attempts after that" : "")
                    + ": no snapshot was taken; find what holds it (fuser " + path + "), let its transaction end, and run "
                    + "the backup again", e);
        }
        if ((e.getErrorCode() & 0xff) == SQLITE_FULL) {
            Path folder = snapshot.getParent();
            String room;
            try {
                // what the failed snapshot holds is free again once it is deleted
                long partial = Files.exists(snapshot) ? Files.size(snapshot) : 0;
                room = " (" + mib(Files.getFileStore(folder).getUsableSpace() + partial) + " free there, the database is "
                        + mib(Files.size(path)) + ")";
            } catch (IOException | RuntimeException ignored) {
                room = "";
            }
            return new IOException("no room for the snapshot of SQLite database " + path + " in the scratch folder "
                    + folder + room + ": free space there or point DBBACKUP_TMPDIR at a folder with room for the database", e);
        }
        if ((e.getErrorCode() & 0xff) == SQLITE_CANTOPEN) {
            // SQLite says only "result code 14" or "unable to open database file": which file, and what may stop it
            return new IOException("cannot read SQLite database " + path + ": " + e.getMessage() + " (SQLite could not open "
                    + "a file: the database, its -wal, -shm or -journal beside it, or the snapshot in " + snapshot.getParent()
                    + "; check that they can be opened: their permissions, and this process's limit on open files, ulimit -n"
                    + (OpenFiles.limit() == null ? "" : ": " + OpenFiles.limit()) + ")", e);
        }
        return new IOException("cannot read SQLite database " + path + ": " + e.getMessage(), e);
    }

    /** The online backup gave up on a lock another connection held past the busy timeout, through all its tries. */
    private static final class LockedOut extends SQLException {
        LockedOut() {
            super("the database stayed locked through the online backup's " + BUSY_RETRIES + " attempts", null, SQLITE_BUSY);
        }
    }

    /**
     * A read of the database given up on an application's lock ({@code lock_timeout} out: SQLITE_BUSY), said as such:
     * {@code stayed locked by another connection (…) for the 2 s of its lock_timeout}; null for any other failure.
     */
    private String lockedOut(SQLException e) {
        if ((e.getErrorCode() & 0xff) != SQLITE_BUSY) {
            return null;
        }
        return "stayed locked by another connection (an application's write transaction) for the "
                + Human.settingSpaced(lockTimeout) + " of its lock_timeout";
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private void requireDatabaseFile() throws IOException {
        if (!Files.isRegularFile(path)) {
            throw DbBackupException.permanent("SQLite database " + path + (Files.isDirectory(path) ? " is a folder, not a file"
                    : " does not exist"), null);
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(MAGIC.length);
        }
        if (head.length > 0 && !Arrays.equals(head, MAGIC)) {
            throw DbBackupException.permanent(path + " is not a SQLite database", null);
        }
    }

    static Connection open(Path file, boolean readOnly) throws SQLException {
        org.sqlite.SQLiteConfig cfg = new org.sqlite.SQLiteConfig();
        cfg.setReadOnly(readOnly);
        cfg.setBusyTimeout(BUSY_TIMEOUT_MS);
        return DriverManager.getConnection("jdbc:sqlite:" + file, cfg.toProperties());
    }

    /**
     * {@link #open(Path, boolean)}, its wait for another connection's lock ({@code lockTimeout} for each) ended by
     * {@code cancellation} ({@link CancellableBusyWait}).
     */
    static Connection open(Path file, boolean readOnly, Duration lockTimeout, io.dbbackup.spi.Cancellation cancellation)
            throws SQLException {
        Connection c = open(file, readOnly);
        try {
            CancellableBusyWait.install(c, lockTimeout, cancellation);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private static String sqliteVersion(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select sqlite_version()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * Runs {@code PRAGMA integrity_check} (anything but "ok" is an integrity failure); returns how many tables it holds.
     * {@code cancellation} interrupts it: that ends it with an {@link java.io.InterruptedIOException}, never as a finding.
     */
    static int checkIntegrity(Path file, String what, io.dbbackup.spi.Cancellation cancellation) throws IOException {
        cancellation.throwIfCancelled();
        try (Connection c = open(file, true); Statement st = c.createStatement();
             InterruptOnCancel stop = InterruptOnCancel.of(c, cancellation)) {
            List<String> problems = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
                while (rs.next()) {
                    String line = rs.getString(1);
                    if (!"ok".equals(line)) {
                        problems.add(line);
                    }
                }
            }
            if (!problems.isEmpty()) {
                throw new io.dbbackup.codec.IntegrityException(
                        what + " fails PRAGMA integrity_check: " + IntegrityFindings.oneLine(problems));
            }
            try (ResultSet rs = st.executeQuery("select count(*) from sqlite_schema where type = 'table'")) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            cancellation.throwIfCancelled(); // interrupted: says nothing about the file
            throw new io.dbbackup.codec.IntegrityException(what + " is not a readable SQLite database: " + e.getMessage(), e);
        }
    }

    /** A restore writes into the target database (file) only. */
    @Override
    public boolean restoresIntoTargetOnly() {
        return true;
    }

    @Override
    public boolean canDropTarget() {
        return true;
    }

    /** The first value of the first row, read-only (a drill check on the restored copy). */
    @Override
    public String queryValue(String sql, OperationContext ctx) throws IOException {
        try (Connection c = open(path, true, lockTimeout, ctx.cancellation()); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? String.valueOf(rs.getString(1) == null ? "" : rs.getString(1)) : "";
        } catch (SQLException e) {
            throw io.dbbackup.spi.QueryFailedException.of(e.getMessage(), notTheQuery(e), e);
        }
    }

    /**
     * Whether a failed query failed for want of the file, not by what it read: another connection held it past the busy
     * timeout (SQLITE_BUSY, SQLITE_LOCKED), the query was interrupted, or the disk or memory failed (SQLITE_IOERR,
     * SQLITE_FULL, SQLITE_NOMEM, SQLITE_CANTOPEN). A syntax error, a missing table, a corrupt file are the query's.
     */
    static boolean notTheQuery(SQLException e) {
        int primary = e.getErrorCode() & 0xff;
        return Set.of(5, 6, 7, 9, 10, 13, 14).contains(primary);
    }

    /** Deletes the database file and the journal files SQLite keeps beside it (a drill's scratch file). */
    @Override
    public void dropTarget(OperationContext ctx) throws IOException {
        deleteWithJournals(path);
    }

    @Override
    public TargetState inspectTarget(OperationContext ctx) throws IOException {
        if (!Files.exists(path)) { // a datasource's check: no restore's words
            return new TargetState(false, 0, path + " does not exist" + unwritableFolder(new RestoreOptions(false)));
        }
        return inspectTarget(ctx, new RestoreOptions(false));
    }

    /** The target's state, an unwritable target said as what of the restore of {@code options} would fail. */
    @Override
    public TargetState inspectTarget(OperationContext ctx, RestoreOptions options) throws IOException {
        if (!Files.exists(path)) {
            String unwritable = unwritableFolder(options);
            String said;
            try {
                said = unwritable.isEmpty() ? MissingTarget.said(restoredFile(), options) : unwritable;
            } catch (IOException loop) {
                said = unwritable; // a loop of links fails the restore itself
            }
            return new TargetState(false, 0, path + " does not exist" + said);
        }
        if (Files.isDirectory(path)) {
            return new TargetState(true, 1, path + " is a folder, not a file (a restore is refused)");
        }
        int tables;
        int views;
        String inPlace;
        try (Connection c = open(path, true, lockTimeout, ctx.cancellation()); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select count(case type when 'table' then 1 end), count(case type when 'view' then 1 end) "
                     + "from sqlite_master where type in ('table','view') and name not like 'sqlite_%'")) {
            rs.next();
            tables = rs.getInt(1);
            views = rs.getInt(2);
            inPlace = inPlace(c, options);
        } catch (SQLException e) {
            ctx.cancellation().throwIfCancelled();
            long size = Files.size(path);
            String locked = lockedOut(e);
            return new TargetState(true, size > 0 ? 1 : 0, (locked != null ? path + " exists (" + size + " bytes) and " + locked
                    + ", its tables not counted (fuser " + path + " shows what holds it)"
                    : path + " exists (" + size + " bytes, not readable as SQLite)") + unwritableFolder(options));
        }
        // once this process's connection is closed: letting go of the locks taken here would drop its locks too
        String folder = unwritableFolder(options); // refused before the read: the table in place is never reached then
        return new TargetState(true, tables + views, holding(path, tables, views) + (ExclusiveAccess.heldElsewhere(restoredFile())
                ? " and is open in another process (" + whileHeld(options) + ")" : "") + (folder.isEmpty() ? inPlace : "") + folder);
    }

    /**
     * For a restore of tables or views by name (not of their rows): those the target holds already, which stop it ({@code
     * ; it holds table orders already, so the restore of table orders would fail: …} and the ways on), or "".
     */
    private static String inPlace(Connection c, RestoreOptions options) throws SQLException {
        if (!options.partial() || options.dataOnly() || options.tables().isEmpty()) {
            return "";
        }
        List<String> held = new ArrayList<>();
        boolean table = false;
        try (PreparedStatement ps = c.prepareStatement("select type, name from sqlite_master where type in ('table','view') "
                + "and name = ?")) {
            for (String name : options.tables()) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        held.add(rs.getString(1) + " " + rs.getString(2));
                        table |= rs.getString(1).equals("table");
                    }
                }
            }
        }
        return held.isEmpty() ? "" : "; it holds " + String.join(", ", held) + " already, so " + wouldFail(options)
                + " would fail: " + (table ? InPlace.TABLE : InPlace.NOT_A_TABLE);
    }

    /**
     * What a target another process holds open means for the restore of {@code options}: a whole one replaces the file
     * and is refused ({@link ExclusiveAccess}); a partial one writes in one transaction through SQLite's locks, beside
     * that process, waiting for each lock it holds ({@code lock_timeout}).
     */
    private String whileHeld(RestoreOptions options) {
        if (!options.partial()) {
            return "a restore of the whole database is refused until it is stopped";
        }
        String restore = wouldFail(options);
        return restore + " goes on beside it, in one transaction that waits up to " + Human.settingSpaced(lockTimeout)
                + " for each lock that process holds";
    }

    /**
     * For the target's line of a restore's dry run: a restore of the whole database writes its copy beside the target (in
     * the target's folder, made first when missing), so a folder it cannot write — a read-only mount, another user's folder,
     * an immutable one — fails the restore, after its long read, while the dry run said nothing of it. Said here, naming the
     * folder (the nearest one that exists); empty when it can be written, or cannot be told. A partial restore writes the
     * file in place and its journal beside it: said as the restore of its tables (or of the data) that would fail.
     */
    private String unwritableFolder(RestoreOptions options) {
        String problem;
        try {
            problem = UnwritableTarget.problem(restoredFile());
        } catch (IOException | RuntimeException e) {
            return "";
        }
        return problem == null ? "" : "; " + problem + ": " + wouldFail(options) + " would fail";
    }

    /**
     * {@code a restore of the whole database}, or of the part asked for: {@code the restore of table orders}, {@code of
     * tables orders and items}, {@code of the data} ({@code --data-only}), {@code of the rows of table orders}.
     */
    static String wouldFail(RestoreOptions options) {
        if (!options.partial()) {
            return "a restore of the whole database";
        }
        List<String> tables = options.tables();
        if (tables.isEmpty()) {
            return options.dataOnly() ? "the restore of the data" : "the restore of " + options.describeSelection();
        }
        String named = tables.size() == 1 ? "table " + tables.get(0) : "tables " + String.join(", ",
                tables.subList(0, tables.size() - 1)) + " and " + tables.get(tables.size() - 1);
        return "the restore of " + (options.dataOnly() ? "the rows of " : "") + named;
    }

    /** {@code app.db holds 1 table and 2 views}: each counted in its own number, singular for one. */
    static String holding(Path path, int tables, int views) {
        if (tables + views == 0) {
            return path + " holds no tables or views";
        }
        return path + " holds " + Human.count(tables, "table") + (views == 0 ? "" : " and " + Human.count(views, "view"));
    }

    /** SQLite version, file size, and every table with its exact row count. */
    @Override
    public Map<String, Object> inspect(OperationContext ctx) throws IOException {
        requireDatabaseFile();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("engine", "sqlite");
        result.put("path", path.toString());
        result.put("size_bytes", Files.size(path));
        List<Map<String, Object>> tables = new ArrayList<>();
        long total = 0;
        try (Connection c = open(path, true, lockTimeout, ctx.cancellation())) {
            result.put("sqlite_version", sqliteVersion(c));
            for (Map.Entry<String, Long> t : tableRows(c).entrySet()) {
                total += t.getValue();
                tables.add(new LinkedHashMap<>(Map.of("name", t.getKey(), "rows", t.getValue())));
            }
        } catch (SQLException e) {
            ctx.cancellation().throwIfCancelled();
            String locked = lockedOut(e);
            throw new IOException(locked != null ? "SQLite database " + path + " " + locked + ": find what holds it (fuser "
                    + path + "), let its transaction end, and try again"
                    : "cannot read SQLite database " + path + ": " + e.getMessage(), e);
        }
        result.put("table_count", tables.size());
        result.put("rows", total);
        result.put("tables", tables);
        return result;
    }

    /** Every table (but SQLite's own) with its exact row count, by name. */
    private static Map<String, Long> tableRows(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        Map<String, Long> rows = new LinkedHashMap<>();
        try (Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery(
                    "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            for (String name : names) {
                try (ResultSet rs = st.executeQuery("select count(*) from \"" + name.replace("\"", "\"\"") + "\"")) {
                    rs.next();
                    rows.put(name, rs.getLong(1));
                }
            }
        }
        return rows;
    }

    /**
     * Writes the backup into the operation's scratch folder, runs {@code PRAGMA integrity_check} on it and
     * reads every table to the end (counting its rows); the copy is deleted afterwards.
     */
    @Override
    public String verifyDeep(InputStream in, DumpFormat format, OperationContext ctx) throws IOException {
        if (format != DumpFormat.SQLITE) {
            throw DbBackupException.user("verify --deep: a ." + format.extension() + " file is not a SQLite database");
        }
        try (ScratchCopy scratch = ScratchCopy.of(in, "verify", ctx)) {
            return checkCopy(scratch.file(), ctx);
        }
    }

    /** {@link #verifyDeep}'s check of {@code copy}, the backup written out: its verdict, or an integrity failure. */
    static String checkCopy(Path copy, OperationContext ctx) throws IOException {
        checkIntegrity(copy, "the backup", ctx.cancellation());
        long total = 0;
        Map<String, Long> rows;
        try (Connection c = open(copy, true)) {
            rows = tableRows(c);
        } catch (SQLException e) {
            throw new io.dbbackup.codec.IntegrityException("the backup's tables cannot be read: " + e.getMessage(), e);
        }
        for (long n : rows.values()) {
            total += n;
        }
        return "PRAGMA integrity_check ok: " + Human.count(rows.size(), "table") + ", " + Human.count(total, "row");
    }

    /** Every table with its exact row count, and the views: the backup is written to the scratch folder and opened read-only. */
    @Override
    public List<String> contents(InputStream in, DumpFormat format, OperationContext ctx) throws IOException {
        if (format != DumpFormat.SQLITE) {
            return Engine.super.contents(in, format, ctx);
        }
        try (ScratchCopy copy = ScratchCopy.of(in, "contents", ctx)) {
            List<String> lines = new ArrayList<>();
            try (Connection c = open(copy.file(), true)) {
                tableRows(c).forEach((name, rows) -> lines.add("table " + name + " (" + rows + (rows == 1 ? " row)" : " rows)")));
                try (Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("select name from sqlite_master where type = 'view' order by name")) {
                    while (rs.next()) {
                        lines.add("view " + rs.getString(1));
                    }
                }
            } catch (SQLException e) {
                throw new io.dbbackup.codec.IntegrityException("the backup's tables cannot be read: " + e.getMessage(), e);
            }
            return lines;
        }
    }

    /** A SQLite backup restores in part: some tables, or rows only, in one transaction ({@link TableRestore}). */
    @Override
    public boolean restoresInPart(DumpFormat format) {
        return format == DumpFormat.SQLITE;
    }

    /** The backup's tables are checked on a scratch copy made in the pass that checks its checksum. */
    @Override
    public OutputStream partChecker(DumpFormat format, RestoreOptions selection, OperationContext ctx) throws IOException {
        if (!selection.schemas().isEmpty()) {
            throw DbBackupException.user("--schema: a SQLite database has no schemas; name its tables with --table");
        }
        return TableRestore.checker(selection, false, ctx);
    }

    /** {@link #partChecker}'s scratch copy checked as {@link #verifyDeep} checks its own, before its tables: one copy, not two. */
    @Override
    public OutputStream checkingPartChecker(DumpFormat format, RestoreOptions selection, OperationContext ctx) throws IOException {
        if (!selection.schemas().isEmpty()) {
            throw DbBackupException.user("--schema: a SQLite database has no schemas; name its tables with --table");
        }
        return TableRestore.checker(selection, true, ctx);
    }

    /**
     * Writes the stream to a temporary file beside the target, checks it, then renames it over the
     * target in one atomic step ({@link Swap}): readers see the old database or the new one, never a mix. What a restore
     * killed half way left beside the target is removed first ({@link RestoreTemp}). Refused, a dry run too, while the
     * journals of a restore killed inside its {@link Swap} lie aside ({@link KilledRestore}): that copy is not swept.
     */
    @Override
    public void requireRestorable(DumpFormat format) {
        if (format != DumpFormat.SQLITE) {
            throw DbBackupException.user("cannot restore a ." + format.extension() + " dump into SQLite " + path
                    + " (expected .sqlite)");
        }
        Path target;
        try {
            target = restoredFile();
        } catch (IOException e) {
            return; // a loop of links fails the restore itself
        }
        if (target.getParent() != null) {
            KilledRestore.refuseIfAny(target); // before the sweep of RestoreTemp removes the copy that tells the state
        }
    }

    /**
     * A restore into a folder or file this process cannot write is refused before the backup is read: a whole one, and
     * a partial one ({@code --table}, {@code --data-only}), which writes into the file in place and SQLite its journal
     * beside it.
     */
    @Override
    public void requireWritableTarget(RestoreOptions options) {
        try {
            UnwritableTarget.require(restoredFile());
            MissingTarget.require(restoredFile(), options); // a restore in part into a file that is not there
        } catch (IOException e) {
            // a loop of links fails the restore itself
        }
    }

    @Override
    public void restore(InputStream in, DumpFormat format, RestoreOptions options, OperationContext ctx) throws IOException {
        requireRestorable(format);
        if (options.partial()) {
            UnwritableTarget.require(restoredFile()); // as a whole restore (a restore asked before its read)
            MissingTarget.require(restoredFile(), options);
            TableRestore.restore(in, path, options, lockTimeout, ctx);
            return;
        }
        Path target = restoredFile();
        if (Files.isDirectory(target)) {
            throw DbBackupException.user("SQLite database " + path + " is a folder, not a file: nothing was restored");
        }
        UnwritableTarget.require(target); // a sync or drill too; a restore asked before its read (requireWritableTarget)
        Files.createDirectories(target.getParent());
        ExclusiveAccess.check(target); // before the bytes arrive: an application still running is said at once
        try (RestoreTemp claimed = RestoreTemp.claim(target, ctx.log())) {
            Path temp = claimed.file();
            ExclusiveAccess taken;
            try {
                writeChecked(in, temp, target, ctx);
                taken = ExclusiveAccess.take(target);
            } catch (IOException | RuntimeException e) {
                throw Unchanged.because(e, target);
            }
            try (ExclusiveAccess held = taken) {
                Swap.replace(temp, target, ctx.log());
            }
        }
    }

    /**
     * The whole backup into {@code temp}, checked ({@code PRAGMA integrity_check}), with {@code target}'s owner and mode.
     * Replacing a database: owner-only while the bytes arrive (the umask's 0644 let every user open the copy of a 0600
     * database and read it, through that descriptor even after the chmod); the replaced file's mode after. A write that
     * fails names the temporary file (so its disk): the JDK's own is a bare "No space left on device".
     */
    private static void writeChecked(InputStream in, Path temp, Path target, OperationContext ctx) throws IOException {
        try (FileChannel ch = Files.exists(target) ? io.dbbackup.core.FilePermissions.OWNER_ONLY.createForWriting(temp)
                : FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) >= 0; ) {
                try {
                    out.write(buf, 0, n);
                } catch (IOException e) {
                    throw io.dbbackup.core.FileFailure.of("", "write", temp, e);
                }
            }
            try {
                ch.force(true);
            } catch (IOException e) {
                throw io.dbbackup.core.FileFailure.of("", "write", temp, e);
            }
        }
        ctx.cancellation().throwIfCancelled();
        checkIntegrity(temp, "restored database", ctx.cancellation());
        keepOwnerAndMode(temp, target, ctx);
    }

    /**
     * The file a restore replaces: the datasource's path, or, when that is a symbolic link, the file it leads to (a
     * rename onto the link would replace the link and leave the database it names as it was).
     */
    private Path restoredFile() throws IOException {
        Path file = path;
        for (int hops = 0; Files.isSymbolicLink(file); hops++) {
            if (hops == 40) {
                throw new IOException("SQLite database " + path + " is a loop of symbolic links");
            }
            file = file.resolveSibling(Files.readSymbolicLink(file)).normalize();
        }
        return file;
    }

    /**
     * The restored file takes the replaced one's owner, group and mode: the application that opens it (often another
     * user than the one restoring) keeps its access, and a 0640 database does not become world-readable.
     */
    private static void keepOwnerAndMode(Path temp, Path path, OperationContext ctx) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        PosixFileAttributes was = Files.readAttributes(path, PosixFileAttributes.class);
        Files.setPosixFilePermissions(temp, was.permissions());
        try {
            Files.setOwner(temp, was.owner());
            Files.getFileAttributeView(temp, PosixFileAttributeView.class).setGroup(was.group());
        } catch (IOException | UnsupportedOperationException e) {
            ctx.log().warn("the restored database cannot take the replaced file's owner (only root can give a file away)",
                    "target", path, "owner", was.owner().getName(), "error", String.valueOf(e.getMessage()));
        }
    }
}
