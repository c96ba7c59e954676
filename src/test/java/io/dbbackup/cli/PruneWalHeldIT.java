package io.dbbackup.cli;

import io.dbbackup.core.Json;
import io.dbbackup.testkit.Cli;
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
 * A physical job's prune on a store whose Object Lock holds some archived WAL files retention expires (the faulty store's
 * {@code hold}, refused as S3 refuses a locked version). The prune used to stop at the WAL step: nothing of the WAL
 * deleted, the error "cannot delete archived WAL". Now, as for a held backup: the held files are kept and named as runs
 * (one line, not one per segment), the others deleted, the backups' retention applied, exit 2; nothing held is said to
 * be deleted.
 */
class PruneWalHeldIT {
    private static final Instant FIRST = Instant.parse("2026-03-01T02:00:00Z");
    private static final String START = "000000010000000000000007";

    @TempDir
    Path dir;

    private Cli at(Instant now) {
        return new Cli().workingDir(dir).clock(Clock.fixed(now, ZoneOffset.UTC));
    }

    private void setUp(String hold) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  cluster: {engine: fake, physical: true, size: 2000, start_wal_file: %s}
                stores:
                  local: {type: faulty, path: store, hold: '%s'}
                jobs:
                  phys: {datasource: cluster, store: local, retention: {keep_last: 1}}
                """.formatted(START, hold));
        for (int day = 0; day < 3; day++) {
            Cli.Result r = at(FIRST.plus(Duration.ofDays(day))).run("-c", "config.yaml", "backup", "phys");
            assertThat(r.exit()).as(r.toString()).isZero();
        }
        Path wal = Files.createDirectories(dir.resolve("store/cluster/wal/0000000100000000"));
        for (int n = 1; n <= 8; n++) {
            Files.write(wal.resolve(String.format("00000001000000000000000%d-%s", n, "ab".repeat(32))), new byte[] {(byte) n});
        }
    }

    private List<String> wal() throws Exception {
        try (Stream<Path> s = Files.list(dir.resolve("store/cluster/wal/0000000100000000"))) {
            return s.map(p -> p.getFileName().toString().substring(0, 24)).sorted().toList();
        }
    }

    private List<String> backups() throws Exception {
        try (Stream<Path> s = Files.list(dir.resolve("store/cluster"))) {
            return s.map(p -> "cluster/" + p.getFileName()).filter(k -> k.matches("cluster/cluster-\\d{8}-\\d{6}\\.tar[.a-z0-9]*")
                    && !k.endsWith(".sha256") && !k.endsWith(".json")).sorted().toList();
        }
    }

    private static String seg(int n) {
        return String.format("00000001000000000000000%d", n);
    }

    @Test
    void heldWalIsKeptAndNamedAsRunsTheRestPrunedExit2() throws Exception {
        setUp("/wal/.*/00000001000000000000000[2346]-");
        List<String> before = backups();
        Cli.Result r = at(FIRST.plus(Duration.ofDays(3))).run("-c", "config.yaml", "prune", "phys");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(backups()).as("the expired backups deleted all the same").containsExactly(before.get(2));
        assertThat(wal()).as("held files kept, the others before the kept backup's start deleted")
                .containsExactly(seg(2), seg(3), seg(4), seg(6), seg(7), seg(8));
        assertThat(r.err()).contains("prune of job phys: 4 archived WAL files not deleted, held by a lock on the store: "
                        + seg(2) + " to " + seg(4) + " (3 files), " + seg(6) + " (kept; the other 2 expired files were "
                        + "deleted)")
                .contains("Access Denied because object protected by object lock.")
                .doesNotContain("cannot delete archived WAL");
        assertThat(r.err().lines().filter(l -> l.contains(seg(2)))).as("one line each for the warning and the error, "
                + "not one per segment").hasSize(2);
        assertThat(r.err()).as("a run is named by its ends").doesNotContain(seg(3));

        Cli.Result json = at(FIRST.plus(Duration.ofDays(3))).run("-c", "config.yaml", "prune", "phys", "--json");
        assertThat(json.exit()).as(json.toString()).isEqualTo(2);
        Map<?, ?> row = (Map<?, ?>) Json.parse(json.out());
        assertThat((String) row.get("error")).contains("4 archived WAL files not deleted")
                .contains("(kept; no other expired file)");
        assertThat(wal()).containsExactly(seg(2), seg(3), seg(4), seg(6), seg(7), seg(8));
    }

    @Test
    void aHeldWalFileIsNeverReportedAsDeleted() throws Exception {
        setUp("/wal/.*/000000010000000000000001-");
        Cli.Result r = at(FIRST.plus(Duration.ofDays(3))).run("-c", "config.yaml", "prune", "phys");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(wal()).containsExactly(seg(1), seg(7), seg(8));
        assertThat(r.err()).contains("1 archived WAL file not deleted, held by a lock on the store: " + seg(1)
                + " (kept; the other 5 expired files were deleted)").contains("pruned archived WAL")
                .contains("files=5");
    }
}
