package io.dbbackup.cli;

import io.dbbackup.testkit.DbbackupJar;
import io.dbbackup.testkit.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job's {@code timeout} (not a signal) running out while its read-back ({@code verify: true}) is slowed by {@code
 * --limit-download} (the built jar, a local store): the throttled read is stopped on time, the job fails for its
 * timeout (exit 2, as README's Timeout says) naming the stored backup that stays, not read back.
 */
class ReadBackTimeoutIT {
    @TempDir
    Path dir;

    @Test
    void aJobTimeoutDuringAReadBackSlowedByLimitDownloadSaysTimedOutAndKeepsTheBackup() throws Exception {
        Shell.ok(dir, "sqlite3", dir.resolve("big.db").toString(),
                "create table blobs(b); insert into blobs select randomblob(1048576) from generate_series(1, 6);");
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  big: {engine: sqlite, path: big.db, compression: none}
                stores:
                  local: {type: local, path: store, fsync: false}
                jobs:
                  big: {datasource: big, store: local, verify: true, timeout: 2s}
                """);
        long t0 = System.nanoTime();
        Process p = DbbackupJar.start(dir, Map.of(), "--limit-download", "512KiB", "backup", "big");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String out = Files.readString(dir.resolve("out.txt"));
        String err = Files.readString(dir.resolve("err.txt"));
        assertThat(p.exitValue()).as(out + err).isEqualTo(2);
        assertThat(out).containsPattern("job big timed out after 2s; backup was stored as big/big-\\d{8}-\\d{6}\\.sqlite but "
                + "its read-back was stopped: it stays, not read back \\(dbbackup -c \\S+/config.yaml --limit-download 512KiB "
                + "verify big big-\\d{8}-\\d{6}\\.sqlite reads it\\)").contains("0 of 1 job succeeded (exit 2)");
        assertThat(err).contains("the read-back was stopped before it finished: the backup stays")
                .doesNotContain("is corrupt", "removed the backup", "backup verified");
        assertThat(ms).as("ended on time, not after the 12 s read at 512 KiB/s").isLessThan(9_000);
        try (Stream<Path> files = Files.list(dir.resolve("store/big"))) {
            assertThat(files.map(f -> f.getFileName().toString())).as("the backup and its sidecars stay").hasSize(3);
        }
    }
}
