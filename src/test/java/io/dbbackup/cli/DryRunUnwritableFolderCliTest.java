package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import io.dbbackup.testkit.UnwritableFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rehearsal of a SQLite restore into a folder it cannot write (a read-only mount, another user's folder): the restore
 * writes its copy beside the target and failed there (exit 2), while its {@code --dry-run} said the backup would be restored
 * and nothing more. The dry run's target line now says that the folder cannot be written, for a target that exists and one
 * to be made in a folder not there yet; the restore is refused before the target changes (exit 1).
 */
class DryRunUnwritableFolderCliTest {
    @TempDir
    Path dir;

    @Test
    void theDryRunSaysTheTargetsFolderCannotBeWritten() throws Exception {
        SqliteFixture.create(dir.resolve("shop.db"), 20);
        Path locked = Files.createDirectories(dir.resolve("locked"));
        SqliteFixture.create(locked.resolve("app.db"), 3);
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
        Cli cli = new Cli().workingDir(dir);
        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "nightly");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        var before = SqliteFixture.fingerprint(locked.resolve("app.db"));
        try (UnwritableFile ignored = UnwritableFile.of(locked)) {
            for (String to : new String[]{"there", "deeper"}) {
                Cli.Result dry = cli.run("-c", "config.yaml", "restore", "nightly", "--to", to, "--dry-run");
                assertThat(dry.exit()).as(dry.toString()).isZero();
                assertThat(dry.out()).as(to).containsPattern("target: .*; its folder " + java.util.regex.Pattern.quote(
                        locked.toString()) + " cannot be written \\(.*\\): a restore of the whole database would fail");
            }
            Cli.Result restore = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "there", "--auto-confirm");
            assertThat(restore.exit()).as(restore.toString()).isEqualTo(1); // SqliteRestoreUnwritableTargetCliTest
        }
        assertThat(SqliteFixture.fingerprint(locked.resolve("app.db"))).isEqualTo(before);
        assertThat(Files.exists(locked.resolve("sub"))).isFalse();
    }
}
