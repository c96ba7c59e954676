package io.dbbackup.cli;

import io.dbbackup.core.Json;
import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A physical job's prune deletes its expired base backups first, then the archived WAL no kept backup needs. When the
 * store refuses the WAL's delete (S3: a bucket policy denying {@code s3:DeleteObject} under {@code wal/}, each key of
 * the multi-object delete refused), the backups are already gone: the error (and the {@code --json} row) says which,
 * and keeps both what prune was doing and what the store said.
 */
class PruneWalFailureIT {
    private static final Instant FIRST = Instant.parse("2026-03-01T02:00:00Z");
    private static final String START = "000000010000000000000005";

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  cluster: {engine: fake, physical: true, size: 2000, start_wal_file: %s}
                stores:
                  local: {type: faulty, path: store, refuse_wal_delete: true}
                jobs:
                  phys: {datasource: cluster, store: local, retention: {keep_last: 1}}
                """.formatted(START));
        for (int day = 0; day < 3; day++) {
            Cli.Result r = at(FIRST.plus(Duration.ofDays(day))).run("-c", "config.yaml", "backup", "phys");
            assertThat(r.exit()).as(r.toString()).isZero();
        }
        Path wal = Files.createDirectories(dir.resolve("store/cluster/wal/0000000100000000"));
        for (int n = 1; n <= 6; n++) {
            Files.write(wal.resolve(String.format("00000001000000000000000%d-%s", n, "ab".repeat(32))), new byte[] {(byte) n});
        }
    }

    private Cli at(Instant now) {
        return new Cli().workingDir(dir).clock(Clock.fixed(now, ZoneOffset.UTC));
    }

    private List<String> backups() throws Exception {
        try (Stream<Path> s = Files.list(dir.resolve("store/cluster"))) {
            return s.map(p -> "cluster/" + p.getFileName()).filter(k -> k.matches("cluster/cluster-\\d{8}-\\d{6}\\.tar[.a-z0-9]*")
                    && !k.endsWith(".sha256") && !k.endsWith(".json")).sorted().toList();
        }
    }

    @Test
    void aRefusedWalDeleteSaysWhichBackupsWereDeletedBeforeItAndWhatTheStoreSaid() throws Exception {
        List<String> before = backups();
        assertThat(before).hasSize(3);
        Cli.Result r = at(FIRST.plus(Duration.ofDays(3))).run("-c", "config.yaml", "prune", "phys");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(backups()).as("the two expired backups were deleted before the WAL").containsExactly(before.get(2));
        assertThat(r.err()).contains("error: cannot delete archived WAL (4 files) from faulty " + dir.resolve("store"))
                .contains("AccessDenied (Access Denied)")
                .contains(before.get(0)).contains(before.get(1));

        Cli.Result json = at(FIRST.plus(Duration.ofDays(3))).run("-c", "config.yaml", "prune", "phys", "--json");
        assertThat(json.exit()).as(json.toString()).isEqualTo(2);
        Map<?, ?> row = (Map<?, ?>) Json.parse(json.out());
        assertThat((String) row.get("error")).contains("cannot delete archived WAL (4 files)").contains("AccessDenied");
        assertThat(row.get("deleted")).as("nothing deleted by this second run").isEqualTo(List.of());
    }

    @Test
    void theJsonRowOfTheFailedPruneListsTheBackupsItDeleted() throws Exception {
        List<String> before = backups();
        Cli.Result json = at(FIRST.plus(Duration.ofDays(3))).run("-c", "config.yaml", "prune", "phys", "--json");
        assertThat(json.exit()).as(json.toString()).isEqualTo(2);
        Map<?, ?> row = (Map<?, ?>) Json.parse(json.out());
        assertThat(row.get("ok")).isEqualTo(false);
        assertThat((String) row.get("error")).contains("cannot delete archived WAL (4 files)").contains("AccessDenied")
                .contains(before.get(0)).contains(before.get(1));
        assertThat(row.get("deleted")).isEqualTo(List.of(before.get(1), before.get(0)));
    }
}
