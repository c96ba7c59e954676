package io.dbbackup.cli;

import io.dbbackup.testkit.BrokenStoreFixture;
import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Prune's check of a kept backup against its manifest ({@code PruneCutShortBackupCliTest}) when the store cannot hand
 * the manifest out: the test-only {@code faulty} store ({@code refuse_manifest_reads}) is an IT plugin.
 */
class PruneManifestUnreadIT {
    private static final Instant FIRST = Instant.parse("2026-03-01T02:00:00Z");
    private static final Instant NOW = FIRST.plusSeconds(86_400L * 3);
    private static final String DAY3 = "app/app-20260303-020000.sqlite.gz";

    @TempDir
    Path dir;

    private Cli at(Instant now) {
        return new Cli().workingDir(dir).clock(Clock.fixed(now, ZoneOffset.UTC));
    }

    private List<String> stored(String folder) throws Exception {
        try (Stream<Path> s = Files.walk(dir.resolve(folder))) {
            return s.filter(Files::isRegularFile).map(p -> dir.resolve(folder).relativize(p).toString())
                    .filter(k -> !k.endsWith(".sha256") && !k.endsWith(".json")).sorted().toList();
        }
    }

    private void threeDailyBackups(String retention) throws Exception {
        BrokenStoreFixture.write(dir, "jobs:\n  app: {datasource: app, store: local, retention: " + retention + "}\n");
        BrokenStoreFixture.backUpDaily(this::at, FIRST, 3, "app");
    }

    /**
     * A manifest the store refuses to hand out (a permission, an archive storage class, a flaky read) left prune unable
     * to check the backup, and it said nothing. It now names the manifest and the store's error, and counts the backup
     * as one whose manifest records no size (as before): failing the prune would stop retention on every such read.
     */
    @Test
    void aManifestTheStoreCannotReadIsNamedAndItsBackupCountedAsBefore() throws Exception {
        threeDailyBackups("{keep_last: 1}");
        Path config = dir.resolve("config.yaml");
        String text = Files.readString(config);
        assertThat(text).contains("local: {type: local, path: store}");
        Files.writeString(config, text.replace("local: {type: local, path: store}",
                "local: {type: faulty, path: store, refuse_manifest_reads: true}"));

        Cli.Result r = at(NOW).run("-c", "config.yaml", "prune", "app");

        assertThat(r.exit()).as(r.toString()).isZero();
        String warned = r.err().lines().filter(l -> l.contains("not checked for being cut short")).findFirst().orElseThrow();
        assertThat(warned).contains("WARN  not checked for being cut short: the backup's manifest could not be read (")
                .contains("faulty store: reading " + DAY3 + ".manifest.json is denied")
                .endsWith("retention counts it as a backup whose manifest records no size (a later prune reads it again) "
                        + "job=app key=" + DAY3);
        assertThat(warned.substring(0, warned.indexOf(" could not be read"))).as("the key in key=, not in the sentence")
                .doesNotContain(DAY3);
        assertThat(stored("store")).containsExactly(DAY3);
    }

}
