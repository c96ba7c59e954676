package io.dbbackup.engine.sqlite;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.DumpFormat;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.core.LockFile;
import io.dbbackup.spi.RestoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static io.dbbackup.engine.sqlite.WalDatabases.between;
import static io.dbbackup.engine.sqlite.WalDatabases.context;
import static io.dbbackup.engine.sqlite.WalDatabases.count;
import static io.dbbackup.engine.sqlite.WalDatabases.engine;
import static io.dbbackup.engine.sqlite.WalDatabases.names;
import static io.dbbackup.engine.sqlite.WalDatabases.sh;
import static io.dbbackup.engine.sqlite.WalDatabases.walBackup;
import static io.dbbackup.engine.sqlite.WalDatabases.withCommitsInItsWal;
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
                new RestoreOptions(true), context(dir)));
        assertThat(t).as("the restore is refused").isInstanceOf(DbBackupException.class);
        DbBackupException e = (DbBackupException) t;
        assertThat(e.status()).isEqualTo(ExitStatus.SYSTEM_ERROR);
        assertThat(e.getMessage()).doesNotContain("\n").startsWith("SQLite database " + target + ": a restore into it ("
                + id + ") did not finish (killed, or failed with journal files it could not move back) and nothing was restored now; ");
        return e;
    }

    @Test
    void killedBeforeItsRenameItIsRefusedWithTheCommandThatPutsTheWalBack() throws Exception {
        byte[] backup = walBackup(dir, "b", 5);
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
                new RestoreOptions(false, true, List.of("t"), List.of(), false), context(dir)))).as("a restore in part too")
                .hasMessageContaining("stopped before its rename");

        sh(between(message, "To undo (keep the database as it was), with the application stopped, ", "; to finish"));

        assertThat(names(folder)).containsExactlyInAnyOrder("app.db", "app.db-wal", "app.db-shm");
        assertThat(count(target, "t")).as("the commits in the -wal are back").isEqualTo(3);
        engine(target).restore(new ByteArrayInputStream(backup), DumpFormat.SQLITE, new RestoreOptions(true), context(dir));
        assertThat(count(target, "b")).isEqualTo(5);
        assertThat(names(folder)).containsExactly("app.db");
    }

    @Test
    void killedBeforeItsRenameItCanBeFinishedWithTheCommandItGives() throws Exception {
        byte[] backup = walBackup(dir, "b", 5);
        Path folder = Files.createDirectories(dir.resolve("app"));
        Path target = folder.resolve("app.db");
        withCommitsInItsWal(target);
        journalsMovedAside(target);
        Files.write(copyOf(target), backup);
        Files.createFile(copyOf(target).resolveSibling(copyOf(target).getFileName() + RestoreTemp.LOCK));

        sh(between(refused(target, backup).getMessage(), "to finish that restore instead (its copy was checked): ", ""));

        assertThat(names(folder)).containsExactly("app.db");
        assertThat(count(target, "b")).isEqualTo(5);
    }

    @Test
    void killedAfterItsRenameItSaysTheTargetIsRestoredAndTheAsidesStale() throws Exception {
        byte[] backup = walBackup(dir, "b", 5);
        Path folder = Files.createDirectories(dir.resolve("app"));
        Path target = folder.resolve("app.db");
        withCommitsInItsWal(target);
        journalsMovedAside(target);
        Path lock = Files.createFile(copyOf(target).resolveSibling(copyOf(target).getFileName() + RestoreTemp.LOCK));
        Files.write(target, backup); // the rename: the copy is the target now

        String message = refused(target, backup).getMessage();
        assertThat(message).contains("it stopped after its rename: " + target + " is the restored database");
        assertThat(lock).exists();

        sh(between(message, "To finish: ", ""));
        assertThat(names(folder)).containsExactly("app.db");
        assertThat(count(target, "b")).isEqualTo(5);
    }

    @Test
    void withItsCopyGoneItSaysTheStateCannotBeToldAndGivesBothWays() throws Exception {
        byte[] backup = walBackup(dir, "b", 5);
        Path folder = Files.createDirectories(dir.resolve("app"));
        Path target = folder.resolve("app.db");
        withCommitsInItsWal(target);
        journalsMovedAside(target);

        String message = refused(target, backup).getMessage();
        assertThat(message).contains("cannot be told from the files");

        String undo = between(message, "if it is the database as it was, they hold transactions it misses: with the "
                + "application stopped, ", "");
        sh(undo.substring(0, undo.length() - 1)); // the sentence's full stop
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
        byte[] backup = walBackup(dir, "b", 5);
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
        byte[] backup = walBackup(dir, "b", 5);
        Path folder = Files.createDirectories(dir.resolve("app"));
        Path target = folder.resolve("app.db");
        Files.write(target, backup);
        Path lock = Files.createFile(copyOf(target).resolveSibling(copyOf(target).getFileName() + RestoreTemp.LOCK));

        engine(target).restore(new ByteArrayInputStream(backup), DumpFormat.SQLITE, new RestoreOptions(true), context(dir));

        assertThat(lock).doesNotExist();
        assertThat(names(folder)).containsExactly("app.db");
    }

    /** A .lock with no copy whose lock is held belongs to a restore that is running (just claimed): it is left alone. */
    @Test
    void aLockHeldWithNoCopyIsLeftAlone() throws Exception {
        byte[] backup = walBackup(dir, "b", 5);
        Path folder = Files.createDirectories(dir.resolve("app"));
        Path target = folder.resolve("app.db");
        Files.write(target, backup);
        Path lock = Files.createFile(copyOf(target).resolveSibling(copyOf(target).getFileName() + RestoreTemp.LOCK));
        try (LockFile held = LockFile.hold(lock, LockFile.SHARED)) {
            engine(target).restore(new ByteArrayInputStream(backup), DumpFormat.SQLITE, new RestoreOptions(true), context(dir));
            assertThat(lock).exists();
        }
    }

    /** Its .lock with the asides of a restore killed after its rename: refused, and the .lock is kept (it tells the state). */
    @Test
    void aLockBesideAsidesIsKeptForTheRefusal() throws Exception {
        byte[] backup = walBackup(dir, "b", 5);
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
