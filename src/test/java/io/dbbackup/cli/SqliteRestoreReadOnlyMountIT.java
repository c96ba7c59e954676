package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.Shell;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A SQLite restore into a folder on a read-only mount, the built jar in a mount namespace of its own ({@code unshare
 * -rm}) where the target's folder is bound read-only onto itself, as a container's {@code -v /srv:/srv:ro} is. Before,
 * the restore read the whole backup, then failed with the system's bare words ({@code …/app.db: Read-only file system},
 * exit 2), and the dry run called the folder writable-by-mode's words or nothing: {@code FileStore.isReadOnly} cannot
 * see a read-only bind mount. Now both name the read-only file system; the restore is refused before the read, exit 1,
 * the database byte for byte and mtime as it was, nothing left beside it.
 */
class SqliteRestoreReadOnlyMountIT {
    @TempDir
    Path dir;

    @Test
    void aRestoreOntoAReadOnlyMountIsRefusedInOneLineAndLeavesTheDatabase() throws Exception {
        Path jar = Path.of(System.getProperty("dbbackup.jar", "target/dbbackup.jar")).toAbsolutePath();
        assertThat(jar).as("the shaded jar (mvn package)").exists();
        SqliteFixture.create(dir.resolve("shop.db"), 20);
        Files.createDirectories(dir.resolve("live"));
        SqliteFixture.create(dir.resolve("live/app.db"), 3);
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  shop: {engine: sqlite, path: shop.db}
                  live: {engine: sqlite, path: live/app.db, database: shop}
                stores:
                  local: {type: local, path: store}
                jobs:
                  nightly: {datasource: shop, store: local}
                """);
        Cli.Result backup = new Cli().workingDir(dir).run("-q", "-c", "config.yaml", "backup", "nightly");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        String dbbackup = Path.of(System.getProperty("java.home"), "bin", "java") + " -XX:+UseSerialGC -jar " + jar
                + " -c config.yaml restore nightly --to live --no-progress";
        Shell.Result r = Shell.run(dir, "unshare", "-rm", "bash", "-c", "set -u; mount --bind live live && "
                + "mount -o remount,ro,bind live && touch live/probe 2> /dev/null || echo 'read-only now'; "
                + "before=$(sha256sum < live/app.db; stat -c %Y live/app.db); "
                + dbbackup + " --dry-run; echo \"dry=$?\"; " + dbbackup + " --auto-confirm; echo \"exit=$?\"; "
                + "[ \"$before\" = \"$(sha256sum < live/app.db; stat -c %Y live/app.db)\" ] && echo unchanged; "
                + "echo '-- left:'; ls -A live");
        String out = r.output();
        assertThat(out).as("unshare and mount").doesNotContain("unshare:").doesNotContain("mount:").contains("read-only now");
        Path live = dir.resolve("live");
        Path target = live.resolve("app.db");
        assertThat(out).contains("dry=0").contains("; its folder " + live + " cannot be written (a read-only file system): a "
                + "restore of the whole database would fail");
        assertThat(out).contains("exit=1").contains("unchanged")
                .contains("error: cannot restore into SQLite database " + target + ": its folder " + live + " cannot be "
                        + "written (a read-only file system); nothing was restored: " + target + " is unchanged (restore "
                        + "where it can be written, or mount it read-write)");
        assertThat(out.substring(out.indexOf("-- left:")).lines().skip(1).toList()).containsExactly("app.db");
    }
}
