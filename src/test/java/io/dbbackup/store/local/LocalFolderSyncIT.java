package io.dbbackup.store.local;

import io.dbbackup.testkit.DbbackupJar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The first backup of a job into a local store makes its folders (the store's, the job's, the database's). Only the
 * database's folder was fsynced at commit, so the entries of the folders made that night were not known to be on disk:
 * a power cut after "ok" could lose the folder and the backup in it. Each made folder's parent is now flushed too.
 * Observed on the real process with strace (which system calls a JVM makes cannot be seen from inside it).
 */
class LocalFolderSyncIT {
    @TempDir
    Path dir;

    @Test
    void theFoldersABackupMadeAreFlushedInTheirParents() throws Exception {
        Path real = dir.toRealPath();
        Files.copy(Path.of("examples/shop.db"), real.resolve("shop.db"));
        Files.writeString(real.resolve("config.yaml"), Files.readString(Path.of("examples/config.yaml"))
                .replace("path: ../backups", "path: backups"));
        Path trace = real.resolve("fsync.trace");
        DbbackupJar.Run r = DbbackupJar.wrapped(List.of("strace", "-f", "-qq", "-y", "-e", "trace=fsync", "-o", trace.toString()),
                real, List.of(), k -> false, Map.of(), "backup", "shop");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Files.list(real.resolve("backups/example/shop")).anyMatch(p -> p.toString().endsWith(".sqlite.zst"))).isTrue();
        String syncs = Files.readString(trace);
        for (Path folder : List.of(real.resolve("backups/example/shop"), real.resolve("backups/example"), real.resolve("backups"),
                real)) {
            assertThat(syncs).as("fsync of " + folder).contains("fsync(").contains("<" + folder + ">)");
        }
    }
}
