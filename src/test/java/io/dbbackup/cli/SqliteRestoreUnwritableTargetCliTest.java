package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import io.dbbackup.testkit.UnwritableFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real restore of a SQLite backup into a target this process cannot change: its folder cannot be written (an immutable
 * folder here; a read-only mount in real life), or the target file itself cannot (immutable, its folder writable). The
 * restore fails before anything is read into place, with one line naming the target, its folder and the reason, saying
 * nothing was restored; exit 1 (the user must fix the target; trying again cannot help). The target's bytes and mtime
 * are unchanged and no temporary file is left, in its folder or in the scratch folder.
 */
class SqliteRestoreUnwritableTargetCliTest {
    @TempDir
    Path dir;

    private Cli setUp() throws Exception {
        SqliteFixture.create(dir.resolve("shop.db"), 20);
        Files.createDirectories(dir.resolve("locked"));
        SqliteFixture.create(dir.resolve("locked/app.db"), 3);
        Files.createDirectories(dir.resolve("scratch"));
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  shop: {engine: sqlite, path: shop.db}
                  there: {engine: sqlite, path: locked/app.db, database: shop}
                  deeper: {engine: sqlite, path: locked/sub/new.db, database: shop}
                stores:
                  local: {type: local, path: store}
                jobs:
                  nightly: {datasource: shop, store: local}
                """);
        Cli cli = new Cli().workingDir(dir).env("DBBACKUP_TMPDIR", dir.resolve("scratch").toString());
        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "nightly");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        return cli;
    }

    private List<String> listing() throws Exception {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(p -> !p.startsWith(dir.resolve("store"))).map(p -> dir.relativize(p).toString()).sorted()
                    .toList();
        }
    }

    @Test
    void aTargetWhoseFolderCannotBeWrittenIsLeftUnchangedAndSaidInOneLine() throws Exception {
        Cli cli = setUp();
        Path target = dir.resolve("locked/app.db");
        Files.setLastModifiedTime(target, FileTime.fromMillis(1_700_000_000_000L));
        byte[] bytes = Files.readAllBytes(target);
        List<String> before = listing();
        Cli.Result restore;
        Cli.Result deeper;
        try (UnwritableFile ignored = UnwritableFile.of(dir.resolve("locked"))) {
            restore = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "there", "--auto-confirm");
            deeper = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "deeper", "--auto-confirm");
        }
        assertThat(Files.readAllBytes(target)).isEqualTo(bytes);
        assertThat(Files.getLastModifiedTime(target).toMillis()).isEqualTo(1_700_000_000_000L);
        assertThat(listing()).isEqualTo(before);
        Path locked = dir.resolve("locked");
        assertThat(restore.exit()).as(restore.toString()).isEqualTo(1);
        assertThat(errorLines(restore)).as(restore.toString()).containsExactly("error: cannot restore into SQLite database "
                + target + ": its folder " + locked + " cannot be written (immutable, lsattr shows its i flag); nothing was "
                + "restored: " + target + " is unchanged (chattr -i it, or restore elsewhere with --to)");
        assertThat(deeper.exit()).as(deeper.toString()).isEqualTo(1);
        assertThat(errorLines(deeper)).as(deeper.toString()).containsExactly("error: cannot restore into SQLite database "
                + locked.resolve("sub/new.db") + ": its folder " + locked + " cannot be written (immutable, lsattr shows "
                + "its i flag); nothing was restored: nothing was made (chattr -i it, or restore elsewhere with --to)");
        for (Cli.Result r : List.of(restore, deeper)) { // refused before the backup is read
            assertThat(r.err()).doesNotContain("checking backup before restore");
        }
    }

    /** The lines a run says at error level: one, for a refusal. */
    private static List<String> errorLines(Cli.Result r) {
        return r.err().lines().filter(l -> l.startsWith("error:") || l.contains(" ERROR ")).toList();
    }

    @Test
    void anImmutableTargetInAWritableFolder() throws Exception {
        Cli cli = setUp();
        Path target = dir.resolve("locked/app.db");
        Files.setLastModifiedTime(target, FileTime.fromMillis(1_700_000_000_000L));
        byte[] bytes = Files.readAllBytes(target);
        List<String> before = listing();
        Cli.Result dry;
        Cli.Result restore;
        try (UnwritableFile ignored = UnwritableFile.of(target)) {
            dry = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "there", "--dry-run");
            restore = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "there", "--auto-confirm");
        }
        assertThat(Files.readAllBytes(target)).isEqualTo(bytes);
        assertThat(Files.getLastModifiedTime(target).toMillis()).isEqualTo(1_700_000_000_000L);
        assertThat(listing()).isEqualTo(before);
        assertThat(dry.exit()).as(dry.toString()).isZero();
        assertThat(dry.out()).contains(target + " holds 2 tables and 1 view; it cannot be written (immutable, "
                + "lsattr shows its i flag): a restore of the whole database would fail");
        assertThat(restore.exit()).as(restore.toString()).isEqualTo(1);
        assertThat(errorLines(restore)).as(restore.toString()).containsExactly("error: cannot restore into SQLite database "
                + target + ": it cannot be written (immutable, lsattr shows its i flag); nothing was restored: " + target
                + " is unchanged (chattr -i it, or restore elsewhere with --to)");
        assertThat(restore.err()).doesNotContain("checking backup before restore");
    }

    /**
     * {@code restore --table} writes into the live file in place (and SQLite its journal beside it), so a target it cannot
     * write fails it just as a whole restore: it was let through to the read and failed after it, exit 2, in SQLite's own
     * words. Refused before the read, in the whole restore's one line, exit 1.
     */
    @Test
    void aPartialRestoreIsRefusedLikeAWholeOne() throws Exception {
        Cli cli = setUp();
        Path target = dir.resolve("locked/app.db");
        Path locked = dir.resolve("locked");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + target);
             java.sql.Statement st = c.createStatement()) { // a table the restore would bring back
            st.execute("drop view big_orders");
            st.execute("drop table orders");
        }
        Files.setLastModifiedTime(target, FileTime.fromMillis(1_700_000_000_000L));
        byte[] bytes = Files.readAllBytes(target);
        List<String> before = listing();
        Cli.Result table;
        Cli.Result file;
        try (UnwritableFile ignored = UnwritableFile.of(locked)) {
            table = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "there", "--table", "orders",
                    "--auto-confirm");
        }
        try (UnwritableFile ignored = UnwritableFile.of(target)) {
            file = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "there", "--table", "orders",
                    "--auto-confirm");
        }
        assertThat(Files.readAllBytes(target)).isEqualTo(bytes);
        assertThat(Files.getLastModifiedTime(target).toMillis()).isEqualTo(1_700_000_000_000L);
        assertThat(listing()).isEqualTo(before);
        assertThat(table.exit()).as(table.toString()).isEqualTo(1);
        assertThat(errorLines(table)).as(table.toString()).containsExactly("error: cannot restore into SQLite database "
                + target + ": its folder " + locked + " cannot be written (immutable, lsattr shows its i flag); "
                + "nothing was restored: " + target + " is unchanged (chattr -i it, or restore elsewhere with --to)");
        assertThat(file.exit()).as(file.toString()).isEqualTo(1);
        assertThat(errorLines(file)).as(file.toString()).containsExactly("error: cannot restore into SQLite database "
                + target + ": it cannot be written (immutable, lsattr shows its i flag); nothing was restored: " + target
                + " is unchanged (chattr -i it, or restore elsewhere with --to)");
        for (Cli.Result r : List.of(table, file)) { // refused before the backup is read
            assertThat(r.err()).doesNotContain("checking backup before restore");
        }
    }

    /**
     * The dry run of a partial restore into a target it cannot write says that restore would fail: that table's, those
     * tables', or the data's, not "a restore of the whole database", which was not asked for.
     */
    @Test
    void theDryRunOfAPartialRestoreSaysThatRestoreWouldFail() throws Exception {
        Cli cli = setUp();
        Path target = dir.resolve("locked/app.db");
        Path locked = dir.resolve("locked");
        byte[] bytes = Files.readAllBytes(target);
        List<String> before = listing();
        String[][] asked = {{"--table", "orders"}, {"--table", "orders", "--table", "customers"}, {"--data-only"},
                {"--table", "orders", "--data-only"}};
        String[] wouldFail = {"the restore of table orders would fail", "the restore of tables orders and customers would fail",
                "the restore of the data would fail", "the restore of the rows of table orders would fail"};
        List<Cli.Result> folder = new java.util.ArrayList<>();
        List<Cli.Result> file = new java.util.ArrayList<>();
        try (UnwritableFile ignored = UnwritableFile.of(locked)) {
            for (String[] a : asked) {
                folder.add(cli.run(Stream.concat(Stream.of("-c", "config.yaml", "restore", "nightly", "--to", "there",
                        "--dry-run"), Stream.of(a)).toArray(String[]::new)));
            }
        }
        try (UnwritableFile ignored = UnwritableFile.of(target)) {
            for (String[] a : asked) {
                file.add(cli.run(Stream.concat(Stream.of("-c", "config.yaml", "restore", "nightly", "--to", "there",
                        "--dry-run"), Stream.of(a)).toArray(String[]::new)));
            }
        }
        assertThat(Files.readAllBytes(target)).isEqualTo(bytes);
        assertThat(listing()).isEqualTo(before);
        for (int i = 0; i < asked.length; i++) {
            Cli.Result f = folder.get(i);
            assertThat(f.exit()).as(f.toString()).isZero();
            assertThat(f.out()).as(f.toString()).contains(target + " holds 2 tables and 1 view; its folder " + locked
                    + " cannot be written (immutable, lsattr shows its i flag): " + wouldFail[i]);
            Cli.Result t = file.get(i);
            assertThat(t.exit()).as(t.toString()).isZero();
            assertThat(t.out()).as(t.toString()).contains(target + " holds 2 tables and 1 view; it cannot be written "
                    + "(immutable, lsattr shows its i flag): " + wouldFail[i]);
            for (Cli.Result r : List.of(f, t)) {
                assertThat(r.out()).as(r.toString()).doesNotContain("whole database");
            }
        }
    }
}
