package io.dbbackup.engine.postgres;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guard: a {@code --target-time} before the end of every base backup is refused as the LSN form is
 * ({@link TargetPastArchiveIT}), the backup's end said in the target's terms — its manifest's {@code finished} time —
 * exit 1, nothing written; with that backup named too. No server is reached: the refusal comes before any read.
 */
class TimeTargetBeforeBackupCliTest {
    static final String KEY = "pg/pg-20261130-025421.tar.zst";
    static final String FINISHED = "2026-11-30T02:55:21Z"; // CutBaseBackupCliTest.store's manifest
    static final String TARGET = "2026-11-30T02:00:00Z";

    @TempDir
    Path dir;

    @Test
    void aTimeTargetBeforeEveryBackupsEndIsRefusedNamingWhenTheOldestEnded() throws IOException {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  pg: {engine: postgres, method: physical, host: 127.0.0.1, port: 1, user: replicator}
                stores:
                  local: {type: local, path: store}
                jobs:
                  phys: {datasource: pg, store: local}
                """);
        CutBaseBackupCliTest.store(dir, "store", KEY, CutBaseBackupCliTest.zstd(PhysicalUnitTest.baseBackup(new byte[1000])));
        Cli cli = new Cli().workingDir(dir);
        Path data = dir.resolve("data");

        Cli.Result early = cli.run("-c", "config.yaml", "restore", "phys", "--pgdata", data.toString(), "--target-time", TARGET,
                "--no-progress");
        assertThat(early.exit()).as(early.toString()).isEqualTo(1);
        assertThat(early.err()).contains("error: no base backup of job 'phys' ended before the target time " + TARGET
                + " (oldest: pg-20261130-025421.tar.zst, which ended at " + FINISHED + "): recovery cannot stop before a base "
                + "backup is consistent; pick a later target (nothing was written)");
        assertThat(data).doesNotExist();

        Cli.Result named = cli.run("-c", "config.yaml", "restore", "phys", "pg-20261130-025421.tar.zst", "--pgdata",
                data.toString(), "--target-time", TARGET, "--no-progress");
        assertThat(named.exit()).as(named.toString()).isEqualTo(1);
        assertThat(named.err()).contains("error: backup pg-20261130-025421.tar.zst ended after the target time " + TARGET
                + " (at " + FINISHED + "): recovery cannot stop before a base backup is consistent; pick an older backup, a "
                + "later target or omit KEY (nothing was written)");
        assertThat(data).doesNotExist();

        // a target after its end takes it (the refusal above is the target's, not this backup's)
        Cli.Result later = cli.run("-c", "config.yaml", "restore", "phys", "--pgdata", data.toString(), "--target-time",
                "2026-11-30T03:00:00Z", "--dry-run", "--no-progress");
        assertThat(later.exit()).as(later.toString()).isZero();
    }
}
