package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A copy job of a physical job copies the archived WAL from the oldest start among the base backups it keeps. It took
 * "keeps" from the retention rules alone, while the copy's prune also keeps each pinned backup and, when backups are
 * dated after this host's clock, the newest dated before it (and that one is copied for it): such a base backup stayed
 * in the copy with its WAL from its start to the next kept backup's start left behind, so a recovery from it stopped
 * at the first segment missing. The copy now keeps exactly what its prune keeps, base backups and WAL alike.
 */
class CopyWalKeepIT {
    private static final Instant T = Instant.parse("2026-03-01T02:00:00Z");

    @TempDir
    Path dir;

    private Cli at(Instant now) {
        return new Cli().workingDir(dir).clock(Clock.fixed(now, ZoneOffset.UTC));
    }

    /** The config with the fake cluster's base backups starting at segment {@code start}; the copy keeps the newest. */
    private void config(int start) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  cluster: {engine: fake, physical: true, size: 2000, start_wal_file: %s}
                stores:
                  local: {type: local, path: store}
                  offsite: {type: local, path: offsite}
                jobs:
                  phys: {datasource: cluster, store: local}
                  phys-offsite: {copy_of: phys, store: offsite, retention: {keep_last: 1}}
                """.formatted(seg(start)));
    }

    private void backup(Instant now, int start) throws Exception {
        config(start);
        Cli.Result r = at(now).run("-c", "config.yaml", "backup", "phys");
        assertThat(r.exit()).as(r.toString()).isZero();
    }

    private static String seg(int n) {
        return String.format("0000000100000000000000%02X", n);
    }

    /** Archives segments {@code from} to {@code to} under the source's wal/ as wal-push names them. */
    private void archive(int from, int to) throws Exception {
        Path wal = Files.createDirectories(dir.resolve("store/cluster/wal/0000000100000000"));
        for (int n = from; n <= to; n++) {
            byte[] content = ("segment " + n).getBytes(StandardCharsets.UTF_8);
            Files.write(wal.resolve(seg(n) + "-" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(content))), content);
        }
    }

    private List<String> copiedWal() throws Exception {
        Path wal = dir.resolve("offsite/cluster/wal/0000000100000000");
        if (!Files.isDirectory(wal)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(wal)) {
            return s.map(p -> p.getFileName().toString().substring(0, 24)).sorted().toList();
        }
    }

    private List<String> copies() throws Exception {
        try (Stream<Path> s = Files.list(dir.resolve("offsite/cluster"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("cluster-\\d{8}-\\d{6}\\.tar[.a-z0-9]*")
                    && !n.endsWith(".sha256") && !n.endsWith(".json") && !n.endsWith(".pin")).sorted().toList();
        }
    }

    private Cli.Result copy(Instant now) {
        Cli.Result r = at(now).run("-c", "config.yaml", "backup", "phys-offsite");
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    @Test
    void aPinnedCopyKeepsTheWalFromItsStartThoughTheRulesNoLongerKeepIt() throws Exception {
        backup(T, 2);
        archive(2, 3);
        copy(T.plusSeconds(600));
        assertThat(copiedWal()).containsExactly(seg(2), seg(3));
        String pinned = copies().get(0);
        Cli.Result pin = at(T.plusSeconds(700)).run("-c", "config.yaml", "pin", "phys-offsite", pinned);
        assertThat(pin.exit()).as(pin.toString()).isZero();

        archive(4, 5); // archived after that copy run; the next base backup starts at 5
        backup(T.plus(Duration.ofDays(1)), 5);
        archive(6, 6);
        copy(T.plus(Duration.ofDays(1)).plusSeconds(600));

        assertThat(copies()).as("the pinned copy and the new one").hasSize(2).contains(pinned);
        assertThat(copiedWal()).as("the pinned copy's WAL from its start on, no gap").containsExactly(seg(2), seg(3),
                seg(4), seg(5), seg(6));
        Cli.Result prune = at(T.plus(Duration.ofDays(1)).plusSeconds(700)).run("-c", "config.yaml", "prune", "phys-offsite");
        assertThat(prune.exit()).as(prune.toString()).isZero();
        assertThat(copies()).as("prune keeps the pinned copy").hasSize(2).contains(pinned);
        assertThat(copiedWal()).as("and the WAL the copy run copied for it").containsExactly(seg(2), seg(3), seg(4),
                seg(5), seg(6));
    }

    @Test
    void theNewestCopyDatedBeforeTheClockGetsItsWalWhileAnotherIsDatedAfterIt() throws Exception {
        // a host whose clock is 30 minutes ahead made the newer base backup (WAL from 5) after this one (WAL from 2)
        backup(T, 2);
        backup(T.plus(Duration.ofMinutes(30)), 5);
        archive(2, 6);
        Instant now = T.plus(Duration.ofMinutes(10)); // within the tolerated skew: the copy runs
        copy(now);

        assertThat(copies()).as("the backup dated after the clock, and the newest dated before it, as prune keeps it")
                .hasSize(2);
        assertThat(copiedWal()).as("the WAL of the one dated before the clock from its start on")
                .containsExactly(seg(2), seg(3), seg(4), seg(5), seg(6));
        Cli.Result prune = at(now).run("-c", "config.yaml", "prune", "phys-offsite");
        assertThat(prune.exit()).as(prune.toString()).isZero();
        assertThat(copies()).hasSize(2);
        assertThat(copiedWal()).containsExactly(seg(2), seg(3), seg(4), seg(5), seg(6));
    }
}
