package io.dbbackup.engine.sqlite;

import io.dbbackup.core.DumpFormat;
import io.dbbackup.spi.RestoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentMatchers;
import org.mockito.MockedStatic;
import org.mockito.Mockito;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static io.dbbackup.engine.sqlite.WalDatabases.between;
import static io.dbbackup.engine.sqlite.WalDatabases.context;
import static io.dbbackup.engine.sqlite.WalDatabases.count;
import static io.dbbackup.engine.sqlite.WalDatabases.engine;
import static io.dbbackup.engine.sqlite.WalDatabases.names;
import static io.dbbackup.engine.sqlite.WalDatabases.sh;
import static io.dbbackup.engine.sqlite.WalDatabases.sql;
import static io.dbbackup.engine.sqlite.WalDatabases.walBackup;
import static io.dbbackup.engine.sqlite.WalDatabases.withCommitsInItsWal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** What a full SQLite restore does to its target's folder: real files, and a real second process (the sqlite3 CLI). */
class SqliteRestoreTargetTest {
    @TempDir
    Path dir;

    /**
     * The integrity check opened the WAL-mode temporary file read-only, which leaves its -wal and -shm: after every
     * restore two hidden files named after the temporary file stayed beside the database for good.
     */
    @Test
    void aRestoreOfAWalDatabaseLeavesNothingButTheDatabaseBesideIt() throws Exception {
        byte[] backup = walBackup(dir, "t", 3);
        Path folder = Files.createDirectories(dir.resolve("app"));
        Path target = folder.resolve("app.db");

        engine(target).restore(new ByteArrayInputStream(backup), DumpFormat.SQLITE, new RestoreOptions(true), context(dir));

        assertThat(names(folder)).containsExactly("app.db");
        assertThat(count(target, "t")).isEqualTo(3);
    }

    /**
     * A datasource whose path is a symbolic link (/srv/app/current.db → /data/app-v2.db): the restore renamed its file
     * over the link, so the link became a file of its own and the database the link named kept its old content.
     */
    @Test
    void aRestoreThroughASymbolicLinkReplacesTheDatabaseTheLinkNames() throws Exception {
        byte[] backup = walBackup(dir, "t", 3);
        Path data = Files.createDirectories(dir.resolve("data"));
        Path real = data.resolve("app-v2.db");
        sql(real, "create table t(x)", "insert into t values(1)");
        Path link = Files.createSymbolicLink(dir.resolve("current.db"), real);

        engine(link).restore(new ByteArrayInputStream(backup), DumpFormat.SQLITE, new RestoreOptions(true), context(dir));

        assertThat(Files.isSymbolicLink(link)).as("the link is still a link").isTrue();
        assertThat(Files.readSymbolicLink(link)).isEqualTo(real);
        assertThat(count(real, "t")).isEqualTo(3);
        assertThat(names(data)).containsExactly("app-v2.db");
    }

    /**
     * A WAL-mode database another process holds open (the application was not stopped): the restore deleted its -wal
     * and -shm under it and renamed a new file over it. That process went on writing into the replaced file and, at its
     * close, deleted the new database's -wal and -shm by name. Now the restore refuses before it writes anything, and a
     * dry run (which inspects the target) says so beforehand.
     */
    @Test
    void aDatabaseAnotherProcessHoldsOpenIsNotReplacedUnderIt() throws Exception {
        byte[] backup = walBackup(dir, "t", 3);
        Path folder = Files.createDirectories(dir.resolve("app"));
        Path target = folder.resolve("app.db");
        sql(target, "pragma journal_mode=wal", "create table t(x)", "insert into t values('live')");
        Process holder = new ProcessBuilder("sqlite3", target.toString()).redirectErrorStream(true).start();
        try {
            Writer in = new java.io.OutputStreamWriter(holder.getOutputStream(), StandardCharsets.UTF_8);
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            in.write("select count(*) from t;\n");
            in.flush();
            assertThat(out.readLine()).isEqualTo("1"); // open, idle, in WAL mode

            assertThatThrownBy(() -> engine(target).restore(new ByteArrayInputStream(backup), DumpFormat.SQLITE,
                    new RestoreOptions(true), context(dir)))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(target.toString())
                    .hasMessageContaining("open in another process")
                    .hasMessageContaining("nothing was changed");

            assertThat(engine(target).inspectTarget(context(dir)).description()).as("what a dry run shows")
                    .contains("open in another process (a restore of the whole database is refused until it is stopped)");

            in.write("select x from t;\n");
            in.flush();
            assertThat(out.readLine()).isEqualTo("live");
            assertThat(names(folder)).containsExactlyInAnyOrder("app.db", "app.db-wal", "app.db-shm");
        } finally {
            holder.getOutputStream().close();
            holder.waitFor();
        }
        assertThat(count(target, "t")).isEqualTo(1);
        // once the application is stopped, the restore goes through
        engine(target).restore(new ByteArrayInputStream(backup), DumpFormat.SQLITE, new RestoreOptions(true), context(dir));
        assertThat(count(target, "t")).isEqualTo(3);
    }

    /** What a check and a dry run say the target holds: "holds 1 tables/views" counted both as one plural. */
    @Test
    void whatTheTargetHoldsIsCountedTablesAndViewsApartSingularForOne() throws Exception {
        Path one = dir.resolve("one.db");
        sql(one, "create table t(x)");
        assertThat(engine(one).inspectTarget(context(dir)).description()).isEqualTo(one + " holds 1 table");
        sql(one, "create view v as select x from t");
        assertThat(engine(one).inspectTarget(context(dir))).extracting(t -> t.description(), t -> t.objects())
                .containsExactly(one + " holds 1 table and 1 view", 2);
        sql(one, "create table u(y)", "create view w as select y from u");
        assertThat(engine(one).inspectTarget(context(dir)).description()).isEqualTo(one + " holds 2 tables and 2 views");
        Path empty = dir.resolve("empty.db");
        sql(empty, "create table gone(x)", "drop table gone");
        assertThat(engine(empty).inspectTarget(context(dir))).extracting(t -> t.description(), t -> t.objects())
                .containsExactly(empty + " holds no tables or views", 0);
    }

    /**
     * A datasource path that names a folder (a wrong path in the config): an empty folder was replaced by the database
     * file without a word, a folder with files in it failed with "…/app.db: Is a directory". Now both are refused as a
     * folder, before anything is written, and a dry run says so.
     */
    @Test
    void aTargetThatIsAFolderIsRefusedAsOne() throws Exception {
        byte[] backup = walBackup(dir, "t", 1);
        Path folder = Files.createDirectories(dir.resolve("app.db"));

        assertThat(engine(folder).inspectTarget(context(dir)).description()).contains("is a folder, not a file");
        assertThatThrownBy(() -> engine(folder).restore(new ByteArrayInputStream(backup), DumpFormat.SQLITE,
                new RestoreOptions(true), context(dir)))
                .isInstanceOf(io.dbbackup.core.DbBackupException.class)
                .hasMessage("SQLite database " + folder + " is a folder, not a file: nothing was restored");
        assertThat(folder).isEmptyDirectory();
    }

    /**
     * The rename of the checked copy over the target failed (injected: a real rename over a file this process may write
     * fails only on a damaged disk): the restore had deleted the target's -wal first, so the live database lost the
     * transactions committed in it. Now its journals are only moved aside before the rename and moved back when it fails.
     */
    @Test
    void aRenameThatFailsLeavesTheLiveDatabaseWithItsWal() throws Exception {
        byte[] backup = walBackup(dir, "t", 3);
        Path folder = Files.createDirectories(dir.resolve("app"));
        Path target = folder.resolve("app.db");
        withCommitsInItsWal(target);

        Throwable failed;
        try (MockedStatic<Swap> rename = Mockito.mockStatic(Swap.class, Mockito.CALLS_REAL_METHODS)) {
            rename.when(() -> Swap.rename(ArgumentMatchers.any(), ArgumentMatchers.eq(target)))
                    .thenThrow(new java.nio.file.FileSystemException("x", "y", "Input/output error"));
            failed = catchThrowable(() -> engine(target).restore(new ByteArrayInputStream(backup), DumpFormat.SQLITE,
                    new RestoreOptions(true), context(dir)));
        }

        assertThat(names(folder)).as("the journals back, nothing else left")
                .containsExactlyInAnyOrder("app.db", "app.db-wal", "app.db-shm");
        assertThat(count(target, "t")).as("the commits in the -wal").isEqualTo(3);
        String quoted = java.util.regex.Pattern.quote(target.toString());
        assertThat(failed).isInstanceOf(IOException.class).hasMessageMatching("cannot rename the restored copy "
                + "\\S+/\\.dbbackup-restore-app\\.db\\.[0-9a-f-]{36} over " + quoted + ": Input/output error; "
                + "nothing was restored: SQLite database " + quoted + " is unchanged .*");

        // the rename goes through: the journals set aside are deleted with it
        engine(target).restore(new ByteArrayInputStream(backup), DumpFormat.SQLITE, new RestoreOptions(true), context(dir));
        assertThat(names(folder)).containsExactly("app.db");
        assertThat(count(target, "t")).isEqualTo(3);
        assertThat(count(target, "t where x like 'in wal%'")).as("the backup's rows, not the -wal's").isZero();
    }

    /** Restores {@code backup} into {@code target} with the rename over it and the move back of {@code wal} failing. */
    private Throwable restoreWithRenameAndMoveBackFailing(Path target, Path wal, byte[] backup) {
        try (MockedStatic<Swap> rename = Mockito.mockStatic(Swap.class, Mockito.CALLS_REAL_METHODS)) {
            rename.when(() -> Swap.rename(ArgumentMatchers.any(), ArgumentMatchers.argThat(to -> to.equals(target)
                    || to.equals(wal)))).thenThrow(new java.nio.file.FileSystemException("x", "y", "Input/output error"));
            return catchThrowable(() -> engine(target).restore(new ByteArrayInputStream(backup), DumpFormat.SQLITE,
                    new RestoreOptions(true), context(dir)));
        }
    }

    /**
     * The rename failed and so did moving the -wal back: the error must not say the target is unchanged. Before, the
     * copy was deleted all the same, and the next restore could only say the state "cannot be told from the files"
     * (with a command that was not the one the failed restore had printed). Now the copy is kept: the failed restore
     * and the next one's refusal say it was not renamed, with the same commands, and those commands work.
     */
    @Test
    void aWalThatCannotBeMovedBackKeepsTheCopyAndTheNextRestoreSaysTheSame() throws Exception {
        byte[] backup = walBackup(dir, "t", 3);
        Path folder = Files.createDirectories(dir.resolve("app"));
        Path target = folder.resolve("app.db");
        withCommitsInItsWal(target);
        Path wal = folder.resolve("app.db-wal");

        Throwable failed = restoreWithRenameAndMoveBackFailing(target, wal, backup);

        assertThat(failed).isInstanceOf(IOException.class).message().doesNotContain("is unchanged")
                .contains("were moved aside and cannot be moved back, so its copy is kept");
        try (Stream<Path> s = Files.list(folder)) {
            assertThat(s.map(p -> p.getFileName().toString())).as("the copy is kept")
                    .anyMatch(n -> n.matches("\\.dbbackup-restore-app\\.db\\.[0-9a-f-]{36}"))
                    .anyMatch(n -> n.startsWith("app.db-wal.dbbackup-replaced-"));
        }
        String refused = catchThrowable(() -> engine(target).restore(new ByteArrayInputStream(backup),
                DumpFormat.SQLITE, new RestoreOptions(true), context(dir))).getMessage();
        String undo = "To undo (keep the database as it was), with the application stopped, ";
        String commands = between(failed.getMessage(), undo, "");
        assertThat(refused).contains("it stopped before its rename").endsWith(undo + commands);
        assertThat(refused).as("it failed, it was not killed").doesNotContain("was killed half way")
                .contains("did not finish (killed, or failed with journal files it could not move back)");

        sh(between(failed.getMessage(), undo, "; to finish"));
        assertThat(names(folder)).containsExactlyInAnyOrder("app.db", "app.db-wal", "app.db-shm");
        assertThat(count(target, "t")).as("the commits in the -wal").isEqualTo(3);
    }

    /** The same failure, finished with the other command the failed restore printed: the backup is in place. */
    @Test
    void aWalThatCannotBeMovedBackLeavesARestoreThatCanBeFinished() throws Exception {
        byte[] backup = walBackup(dir, "t", 3);
        Path folder = Files.createDirectories(dir.resolve("app"));
        Path target = folder.resolve("app.db");
        withCommitsInItsWal(target);

        Throwable failed = restoreWithRenameAndMoveBackFailing(target, folder.resolve("app.db-wal"), backup);

        sh(between(failed.getMessage(), "to finish that restore instead (its copy was checked): ", ""));
        assertThat(names(folder)).containsExactly("app.db");
        assertThat(count(target, "t where x like 'in wal%'")).as("the backup's rows").isZero();
        engine(target).restore(new ByteArrayInputStream(backup), DumpFormat.SQLITE, new RestoreOptions(true), context(dir));
        assertThat(names(folder)).containsExactly("app.db");
    }
}
