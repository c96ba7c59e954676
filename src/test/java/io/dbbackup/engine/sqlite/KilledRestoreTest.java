package io.dbbackup.engine.sqlite;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.DumpFormat;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.core.LockFile;
import io.dbbackup.core.Log;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.RestoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A whole restore killed inside its swap (SIGKILL, the OOM killer) between moving the live database's journals aside and
 * deleting them: the state is made as the code leaves it, on a real WAL database with commits in its -wal (sqlite3).
 * Before, the next restore swept the copy that tells whether the rename happened, and never mentioned the aside -wal.
 */
class KilledRestoreTest {
    @TempDir
    Path dir;

    private final String id = UUID.randomUUID().toString();

    private OperationContext ctx() {
        return new OperationContext(new Cancellation(), Log.get(), dir.resolve("scratch"));
    }

    private static SqliteEngine engine(Path db) {
        return new SqliteEngine(db, "app", SqliteEngine.Strategy.ONLINE, 100, Duration.ofMillis(1));
    }

    private static void sql(Path db, String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    private static long count(Path db, String table) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select count(*) from " + table)) {
            return rs.getLong(1);
        }
    }

    private byte[] walBackup(int rows) throws Exception {
        Path source = dir.resolve("source.db");
        sql(source, "pragma journal_mode=wal", "create table b(x)");
        for (int i = 0; i < rows; i++) {
            sql(source, "insert into b values(" + i + ")");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        engine(source).dump(out, ctx());
        return out.toByteArray();
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** A WAL-mode database whose application was killed: one row in the file, two more committed only in its -wal. */
    private static void withCommitsInItsWal(Path db) throws Exception {
        sql(db, "pragma journal_mode=wal", "create table t(x)", "insert into t values('checkpointed')");
        Process app = new ProcessBuilder("sqlite3", db.toString()).redirectErrorStream(true).start();
        Writer in = new java.io.OutputStreamWriter(app.getOutputStream(), StandardCharsets.UTF_8);
        BufferedReader out = new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8));
        in.write("pragma wal_autocheckpoint=0;\ninsert into t values('in wal 1');\ninsert into t values('in wal 2');\n"
                + "select count(*) from t;\n");
        in.flush();
        assertThat(out.readLine()).isEqualTo("0");
        assertThat(out.readLine()).isEqualTo("3");
        app.destroyForcibly().waitFor();
        assertThat(Files.size(db.resolveSibling(db.getFileName() + "-wal"))).isPositive();
    }

    /** Swap's first step done: the live -wal and -shm under their aside names. */
    private void journalsMovedAside(Path target) throws IOException {
        for (String suffix : List.of("-wal", "-shm")) {
            Path journal = target.resolveSibling(target.getFileName() + suffix);
            Files.move(journal, journal.resolveSibling(journal.getFileName() + Swap.ASIDE + id));
        }
    }

    private Path copyOf(Path target) {
        return target.resolveSibling(RestoreTemp.PREFIX + target.getFileName() + "." + id);
    }

    private DbBackupException refused(Path target, byte[] backup) {
        Throwable t = catchThrowable(() -> engine(target).restore(new ByteArrayInputStream(backup), DumpFormat.SQLITE,
                new RestoreOptions(true), ctx()));
        assertThat(t).as("the restore is refused").isInstanceOf(DbBackupException.class);
        DbBackupException e = (DbBackupException) t;
        assertThat(e.status()).isEqualTo(ExitStatus.SYSTEM_ERROR);
        assertThat(e.getMessage()).doesNotContain("\n").startsWith("SQLite database " + target + ": a restore into it ("
                + id + ") was killed half way and nothing was restored now; ");
        return e;
    }

    private static void run(String command) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(command + ": " + said).isZero();
    }

    private static String between(String s, String from, String to) {
        int start = s.indexOf(from);
        assertThat(start).as(from + " in " + s).isNotNegative();
        start += from.length();
        int end = to.isEmpty() ? s.length() : s.indexOf(to, start);
        assertThat(end).as(to + " in " + s).isGreaterThan(start);
        return s.substring(start, end);
    }

    @Test
    void killedBeforeItsRenameItIsRefusedWithTheCommandThatPutsTheWalBack() throws Exception {
        byte[] backup = walBackup(5);
        Path folder = Files.createDirectories(dir.resolve("app"));
        Path target = folder.resolve("app.db");
        withCommitsInItsWal(target);
        journalsMovedAside(target);
        Files.write(copyOf(target), backup);
        Files.createFile(copyOf(target).resolveSibling(copyOf(target).getFileName() + RestoreTemp.LOCK));
        List<String> left = names(folder);

        assertThat(catchThrowable(() -> engine(target).requireRestorable(DumpFormat.SQLITE))).as("what a dry run asks")
                .isInstanceOf(DbBackupException.class).hasMessageContaining("stopped before its rename");
        String message = refused(target, backup).getMessage();
        assertThat(message).contains("it stopped before its rename: " + target + " is the database as it was, but its "
                + "journal files are moved aside");
        assertThat(names(folder)).as("nothing swept, nothing moved").isEqualTo(left);
        assertThat(engine(target).restoresInPart(DumpFormat.SQLITE)).isTrue();
        assertThat(catchThrowable(() -> engine(target).restore(new ByteArrayInputStream(backup), DumpFormat.SQLITE,
                new RestoreOptions(false, true, List.of("t"), List.of(), false), ctx()))).as("a restore in part too")
                .hasMessageContaining("stopped before its rename");

        run(between(message, "To undo (keep the database as it was), with the application stopped, ", "; to finish"));

        assertThat(names(folder)).containsExactlyInAnyOrder("app.db", "app.db-wal", "app.db-shm");
        assertThat(count(target, "t")).as("the commits in the -wal are back").isEqualTo(3);
        engine(target).restore(new ByteArrayInputStream(backup), DumpFormat.SQLITE, new RestoreOptions(true), ctx());
        assertThat(count(target, "b")).isEqualTo(5);
        assertThat(names(folder)).containsExactly("app.db");
    }

    @Test
    void killedBeforeItsRenameItCanBeFinishedWithTheCommandItGives() throws Exception {
        byte[] backup = walBackup(5);
        Path folder = Files.createDirectories(dir.resolve("app"));
        Path target = folder.resolve("app.db");
        withCommitsInItsWal(target);
        journalsMovedAside(target);
        Files.write(copyOf(target), backup);
        Files.createFile(copyOf(target).resolveSibling(copyOf(target).getFileName() + RestoreTemp.LOCK));

        run(between(refused(target, backup).getMessage(), "to finish that restore instead (its copy was checked): ", ""));

        assertThat(names(folder)).containsExactly("app.db");
        assertThat(count(target, "b")).isEqualTo(5);
    }

    @Test
    void killedAfterItsRenameItSaysTheTargetIsRestoredAndTheAsidesStale() throws Exception {
        byte[] backup = walBackup(5);
        Path folder = Files.createDirectories(dir.resolve("app"));
        Path target = folder.resolve("app.db");
        withCommitsInItsWal(target);
        journalsMovedAside(target);
        Path lock = Files.createFile(copyOf(target).resolveSibling(copyOf(target).getFileName() + RestoreTemp.LOCK));
        Files.write(target, backup); // the rename: the copy is the target now

        String message = refused(target, backup).getMessage();
        assertThat(message).contains("it stopped after its rename: " + target + " is the restored database");
        assertThat(lock).exists();

        run(between(message, "To finish: ", ""));
        assertThat(names(folder)).containsExactly("app.db");
        assertThat(count(target, "b")).isEqualTo(5);
    }

    @Test
    void withItsCopyGoneItSaysTheStateCannotBeToldAndGivesBothWays() throws Exception {
        byte[] backup = walBackup(5);
        Path folder = Files.createDirectories(dir.resolve("app"));
        Path target = folder.resolve("app.db");
        withCommitsInItsWal(target);
        journalsMovedAside(target);

        String message = refused(target, backup).getMessage();
        assertThat(message).contains("cannot be told from the files");

        String undo = between(message, "if it is the database as it was, they hold transactions it misses: with the "
                + "application stopped, ", "");
        run(undo.substring(0, undo.length() - 1)); // the sentence's full stop
        assertThat(count(target, "t")).isEqualTo(3);
    }

    @Test
    void aRestoreStillRunningBetweenItsRenamesIsNotTakenForAKilledOne() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("app"));
        Path target = folder.resolve("app.db");
        withCommitsInItsWal(target);
        journalsMovedAside(target);
        Files.createFile(copyOf(target));
        Path lock = Files.createFile(copyOf(target).resolveSibling(copyOf(target).getFileName() + RestoreTemp.LOCK));
        try (LockFile held = LockFile.hold(lock, LockFile.SHARED)) {
            engine(target).requireRestorable(DumpFormat.SQLITE); // no exception
        }
        assertThat(catchThrowable(() -> engine(target).requireRestorable(DumpFormat.SQLITE))).isNotNull();
    }

    @Test
    void anApplicationThatOpenedTheDatabaseSinceIsSaid() throws Exception {
        byte[] backup = walBackup(5);
        Path folder = Files.createDirectories(dir.resolve("app"));
        Path target = folder.resolve("app.db");
        withCommitsInItsWal(target);
        journalsMovedAside(target);
        Files.write(copyOf(target), backup);
        Files.createFile(copyOf(target).resolveSibling(copyOf(target).getFileName() + RestoreTemp.LOCK));
        Files.writeString(folder.resolve("app.db-wal"), ""); // what opening it in WAL mode made

        assertThat(refused(target, backup).getMessage()).contains("But " + folder.resolve("app.db-wal")
                + " were made since (an application opened the database without the journals set aside): do not move");
    }

    /**
     * Killed in its final cleanup (the copy renamed, the asides deleted, its .lock not yet): before, that .lock was never
     * removed by any later restore. Now the next restore removes it, as nothing else of that restore is left.
     */
    @Test
    void aLockLeftAloneByACleanupKilledIsRemovedByTheNextRestore() throws Exception {
        byte[] backup = walBackup(5);
        Path folder = Files.createDirectories(dir.resolve("app"));
        Path target = folder.resolve("app.db");
        Files.write(target, backup);
        Path lock = Files.createFile(copyOf(target).resolveSibling(copyOf(target).getFileName() + RestoreTemp.LOCK));

        engine(target).restore(new ByteArrayInputStream(backup), DumpFormat.SQLITE, new RestoreOptions(true), ctx());

        assertThat(lock).doesNotExist();
        assertThat(names(folder)).containsExactly("app.db");
    }

    /** A .lock with no copy whose lock is held belongs to a restore that is running (just claimed): it is left alone. */
    @Test
    void aLockHeldWithNoCopyIsLeftAlone() throws Exception {
        byte[] backup = walBackup(5);
        Path folder = Files.createDirectories(dir.resolve("app"));
        Path target = folder.resolve("app.db");
        Files.write(target, backup);
        Path lock = Files.createFile(copyOf(target).resolveSibling(copyOf(target).getFileName() + RestoreTemp.LOCK));
        try (LockFile held = LockFile.hold(lock, LockFile.SHARED)) {
            engine(target).restore(new ByteArrayInputStream(backup), DumpFormat.SQLITE, new RestoreOptions(true), ctx());
            assertThat(lock).exists();
        }
    }

    /** Its .lock with the asides of a restore killed after its rename: refused, and the .lock is kept (it tells the state). */
    @Test
    void aLockBesideAsidesIsKeptForTheRefusal() throws Exception {
        byte[] backup = walBackup(5);
        Path folder = Files.createDirectories(dir.resolve("app"));
        Path target = folder.resolve("app.db");
        withCommitsInItsWal(target);
        journalsMovedAside(target);
        Path lock = Files.createFile(copyOf(target).resolveSibling(copyOf(target).getFileName() + RestoreTemp.LOCK));
        Files.write(target, backup);

        assertThat(refused(target, backup).getMessage()).contains("it stopped after its rename");
        assertThat(lock).exists();
    }
}
