package io.dbbackup.cli;

import io.dbbackup.testkit.BrokenStoreFixture;
import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.BeforeEach;
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
 * A backup object of 0 bytes beside its sidecars is no backup (every dump, compressed or encrypted, has a header): an
 * Azure upload that failed leaves one under its key while its empty commit is deleted, for good if that delete fails
 * too; a full disk or a copy by hand can leave one. Retention must not count it: with {@code keep_last: 1} it was "the
 * newest" and the last good backup was deleted in its place. Prune passes it by (never deleting what it cannot judge),
 * warns, and keeps the newest good backups by the rules.
 */
class PruneEmptyBackupCliTest {
    private static final Instant FIRST = Instant.parse("2026-03-01T02:00:00Z");
    private static final Instant NOW = FIRST.plusSeconds(86_400L * 3);

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        BrokenStoreFixture.write(dir, """
                jobs:
                  app: {datasource: app, store: local, retention: {keep_last: 1}}
                """);
        BrokenStoreFixture.backUpDaily(this::at, FIRST, 3, "app");
        Files.write(dir.resolve("store/app/app-20260303-020000.sqlite.gz"), new byte[0]);
    }

    private Cli at(Instant now) {
        return new Cli().workingDir(dir).clock(Clock.fixed(now, ZoneOffset.UTC));
    }

    private List<String> stored() throws Exception {
        try (Stream<Path> s = Files.walk(dir.resolve("store"))) {
            return s.filter(Files::isRegularFile).map(p -> dir.resolve("store").relativize(p).toString())
                    .filter(k -> !k.endsWith(".sha256") && !k.endsWith(".json")).sorted().toList();
        }
    }

    @Test
    void anEmptyBackupObjectIsNotCountedSoTheNewestGoodBackupIsKept() throws Exception {
        Cli.Result dry = at(NOW).run("-c", "config.yaml", "prune", "app", "--dry-run");
        assertThat(dry.exit()).as(dry.toString()).isZero();
        assertThat(dry.out()).contains("job app: keep 1, would delete 1, left 1 (not counted)\n")
                .containsPattern("keep +\\S+ \\S+ +app/app-20260302-020000.sqlite.gz")
                .containsPattern("delete\\? +\\S+ \\S+ +app/app-20260301-020000.sqlite.gz")
                .contains("  left    2026-03-03 02:00:00  app/app-20260303-020000.sqlite.gz  [not counted: empty (0 bytes)]\n");
        assertThat(LoggedOnce.lineSuggesting(dry.err(), "not counted by retention", "app/app-20260303-020000.sqlite.gz"))
                .contains("WARN  not counted by retention: an object that is empty (0 bytes)");

        Cli.Result r = at(NOW).run("-c", "config.yaml", "prune", "app");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("job app: keep 1, deleted 1, left 1 (not counted)\n");
        assertThat(stored()).as("the good backup kept, the empty object left for a human")
                .containsExactly("app/app-20260302-020000.sqlite.gz", "app/app-20260303-020000.sqlite.gz");
        assertThat(dir.resolve("store/app/app-20260303-020000.sqlite.gz.sha256")).exists();
    }
}
