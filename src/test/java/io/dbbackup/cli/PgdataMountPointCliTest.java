package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code restore --pgdata} into a freshly formatted volume's mount point (the Kubernetes init container of the README):
 * ext4 and xfs volumes hold {@code lost+found}, so the folder is not empty — and PostgreSQL would not run on a mount point
 * anyway. The refusal says so and names the subfolder to restore into, before the store is even reached.
 */
class PgdataMountPointCliTest {
    @TempDir
    Path dir;

    @Test
    void aVolumesMountPointIsRefusedNamingASubfolder() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  pg: {engine: postgres, method: physical, host: 127.0.0.1, port: 1, user: replicator}
                stores:
                  local: {type: local, path: store}
                jobs:
                  main-physical: {datasource: pg, store: local}
                """);
        Path volume = dir.resolve("data");
        Files.createDirectories(volume.resolve("lost+found"));

        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "restore", "main-physical", "--pgdata", volume.toString());

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("--pgdata " + volume + " is not empty: it holds lost+found, the root of a mounted "
                + "file system; PostgreSQL does not run in a mount point: restore into a folder inside it, --pgdata "
                + volume.resolve("pgdata") + " (and point PGDATA there)");
        try (var s = Files.list(volume)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("lost+found");
        }
    }
}
