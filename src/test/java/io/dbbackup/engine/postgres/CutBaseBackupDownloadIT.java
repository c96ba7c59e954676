package io.dbbackup.engine.postgres;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guard beside {@link CutBaseBackupCliTest}: a base backup whose stored bytes are whole, but whose download the network
 * cuts mid-stream (the test-only {@code faulty} store failing every read after 60000 bytes), stays a store failure the
 * job may retry (exit 2), never taken for an archive cut short (exit 3); {@code verify --deep} the same.
 */
class CutBaseBackupDownloadIT {
    @TempDir
    Path dir;

    @Test
    void aDownloadCutByTheNetworkStaysAStoreFailure() throws IOException {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  pg: {engine: postgres, method: physical, host: 127.0.0.1, port: 1, user: replicator}
                stores:
                  dropping: {type: faulty, path: dropping, fail_read_after: 60000}
                jobs:
                  flaky: {datasource: pg, store: dropping}
                """);
        byte[] big = new byte[CutBaseBackupCliTest.BIG];
        new java.util.Random(7).nextBytes(big);
        byte[] stored = CutBaseBackupCliTest.zstd(PhysicalUnitTest.baseBackup(big));
        assertThat(stored.length).as("longer than where the read fails").isGreaterThan(60_000);
        Path artifact = CutBaseBackupCliTest.store(dir, "dropping", CutBaseBackupCliTest.KEY + ".zst", stored);
        Cli cli = new Cli().workingDir(dir);
        Path data = dir.resolve("dropped");

        Cli.Result r = CutBaseBackupCliTest.restore(cli, "flaky", artifact, data);

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).doesNotContain("cut short", "does not restore").contains("(nothing was left in " + data + ")");
        assertThat(data).doesNotExist();
        Cli.Result deep = cli.run("-c", "config.yaml", "verify", "flaky", artifact.getFileName().toString(), "--deep");
        assertThat(deep.exit()).as(deep.toString()).isEqualTo(2);
        assertThat(deep.err()).doesNotContain("cut short");
    }
}
