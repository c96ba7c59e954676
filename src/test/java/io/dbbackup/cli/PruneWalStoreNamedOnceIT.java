package io.dbbackup.cli;

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
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A prune whose delete of the archived WAL fails: the job's line names the store ({@code from faulty PATH}) and the
 * store's own line, a delete of many keys, named it again ({@code delete of 4 objects in faulty PATH failed for …}, as
 * S3's and Azure's multi-key deletes say it). The store is said once: the job's words name it, the store's keep the
 * count, the key held, the key that failed and why.
 */
class PruneWalStoreNamedOnceIT {
    private static final Instant FIRST = Instant.parse("2026-03-01T02:00:00Z");
    private static final String WAL = "cluster/wal/0000000100000000/";

    @TempDir
    Path dir;

    private Cli at(Instant now) {
        return new Cli().workingDir(dir).clock(Clock.fixed(now, ZoneOffset.UTC));
    }

    private static String seg(int n, String hash) {
        return String.format("00000001000000000000000%d-%s", n, hash.repeat(32));
    }

    @Test
    void aWalDeleteThatFailsAfterAKeyHeldNamesTheStoreOnce() throws Exception {
        // WAL 1 held by a lock, WAL 2 deleted, WAL 3's delete denied: the delete of the 4 files stops there
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  cluster: {engine: fake, physical: true, size: 2000, start_wal_file: 000000010000000000000005}
                stores:
                  local: {type: faulty, path: store, hold: '000000010000000000000001-', refuse_delete_of: cdcd}
                jobs:
                  phys: {datasource: cluster, store: local, retention: {keep_last: 1}}
                """);
        for (int day = 0; day < 3; day++) {
            Cli.Result r = at(FIRST.plus(Duration.ofDays(day))).run("-c", "config.yaml", "backup", "phys");
            assertThat(r.exit()).as(r.toString()).isZero();
        }
        Path wal = Files.createDirectories(dir.resolve("store/" + WAL));
        for (int n = 1; n <= 6; n++) {
            Files.write(wal.resolve(seg(n, n == 3 ? "cd" : "ab")), new byte[] {(byte) n});
        }
        List<String> before;
        try (Stream<Path> s = Files.list(dir.resolve("store/cluster"))) {
            before = s.map(p -> "cluster/" + p.getFileName()).filter(k -> k.matches("cluster/cluster-\\d{8}-\\d{6}\\.tar[.a-z0-9]*")
                    && !k.endsWith(".sha256") && !k.endsWith(".json")).sorted().toList();
        }
        assertThat(before).hasSize(3);

        Cli.Result r = at(FIRST.plus(Duration.ofDays(3))).run("-c", "config.yaml", "prune", "phys");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        String store = "faulty " + dir.resolve("store");
        assertThat(r.err().lines().filter(l -> l.startsWith("error: "))).as(r.err()).containsExactly("error: cannot delete "
                + "archived WAL (4 files) from " + store + " (deleted before it: " + before.get(1) + ", " + before.get(0)
                + "): delete of 4 objects failed for 2 of them (1 was deleted, 1 not tried): 1 held by a lock, first " + WAL
                + seg(1, "ab") + "; then faulty store: deleting " + WAL + seg(3, "cd") + " is denied");
    }
}
