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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An empty (0-byte) object under a backup key in a copy job's folder is no backup, for the copy's prune and for its copy
 * run alike. Before, prune passed it by ({@code Catalog.countable}) but the copy run counted it as a copy it holds when
 * its source backup was listed: one of the kept N by one count, nothing by the other, so {@code prune --dry-run} and the
 * copy run's selection disagreed about what the copy holds. Now both pass it by; the copy run copies its source backup
 * again only when its retention keeps that backup (as for any backup it lacks), and otherwise leaves it, named, for a
 * human, as prune does.
 */
class CopyEmptyCopyCountedAsPruneCountsCliTest {
    private static final Instant FIRST = Instant.parse("2026-03-01T02:00:00Z");
    private static final Instant NOW = FIRST.plusSeconds(86_400L * 3);
    private static final String D2 = "app/app-20260302-020000.sqlite.gz";
    private static final String D3 = "app/app-20260303-020000.sqlite.gz";

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        BrokenStoreFixture.write(dir, """
                  offsite: {type: local, path: offsite}
                jobs:
                  app: {datasource: app, store: local}
                  copy: {copy_of: app, store: offsite, retention: {keep_last: 2}}
                """);
        BrokenStoreFixture.backUpDaily(this::at, FIRST, 3, "app");
        Cli.Result first = at(NOW).run("-c", "config.yaml", "backup", "copy");
        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(dir.resolve("offsite/" + D3)).exists();
        assertThat(dir.resolve("offsite/" + D2)).exists();
    }

    private Cli at(Instant now) {
        return new Cli().workingDir(dir).clock(Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void theCopyRunCountsTheCopiesPruneCountsAndCopiesTheKeptSourceBackupAgain() throws Exception {
        Path copy = dir.resolve("offsite/" + D3);
        long size = Files.size(copy);
        Files.write(copy, new byte[0]); // a full disk, a failed upload's empty commit: its sidecars still beside it

        Cli.Result dry = at(NOW).run("-c", "config.yaml", "prune", "copy", "--dry-run");
        assertThat(dry.exit()).as(dry.toString()).isZero();
        assertThat(dry.out()).as(dry.toString()).contains("job copy: keep 1, would delete 0, left 1 (not counted)\n")
                .containsPattern("keep +\\S+ \\S+ +" + D2).containsPattern("left +\\S+ \\S+ +" + D3 + "  \\[not counted: empty ");
        assertThat(LoggedOnce.lineSuggesting(dry.err(), "not counted by retention", D3))
                .contains("not counted by retention: an object that is empty (0 bytes), so it is no backup");

        Cli.Result r = at(NOW).run("-c", "config.yaml", "backup", "copy");
        assertThat(r.exit()).as(r.toString()).isZero();
        // the copy holds what prune counts: one backup, D2; D3 is one its retention keeps and it lacks
        assertThat(r.err()).as(r.toString()).contains("already_there=1 ").contains("left_to_retention=1 ");
        assertThat(r.out()).contains("repaired a damaged copy, copied again from the source: " + D3 + " (it is empty "
                + "(0 bytes), its source " + D3 + " " + size + " bytes)");
        assertThat(Files.size(copy)).isEqualTo(size);

        Cli.Result after = at(NOW).run("-c", "config.yaml", "prune", "copy", "--dry-run");
        assertThat(after.out()).as(after.toString()).contains("job copy: keep 2, would delete 0\n");
    }

    @Test
    void anEmptyCopyWhoseSourceBackupTheCopysRetentionNoLongerKeepsIsLeftAsPruneLeavesIt() throws Exception {
        Cli.Result next = at(NOW.plusSeconds(86_400L)).run("-c", "config.yaml", "backup", "app");
        assertThat(next.exit()).as(next.toString()).isZero();
        Path copy = dir.resolve("offsite/" + D2); // keep_last 2 now keeps the 4th and 3rd: D2 is the one to go
        Files.write(copy, new byte[0]);

        Cli.Result dry = at(NOW.plusSeconds(86_400L)).run("-c", "config.yaml", "prune", "copy", "--dry-run");
        assertThat(dry.out()).as(dry.toString()).contains("job copy: keep 1, would delete 0, left 1 (not counted)\n")
                .containsPattern("left +\\S+ \\S+ +" + D2 + "  \\[not counted: empty ");

        Cli.Result r = at(NOW.plusSeconds(86_400L)).run("-c", "config.yaml", "backup", "copy");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).as(r.toString()).contains("copied 1 backup of job 'app'").doesNotContain("repaired");
        assertThat(r.err()).contains("already_there=1 ")
                .contains("not counted by retention: an object that is empty (0 bytes), so it is no backup");
        assertThat(LoggedOnce.lineSuggesting(r.err(), "not counted by retention", D2)).contains("job=copy");
        assertThat(Files.size(copy)).as("not copied only to be deleted, never deleted").isZero();
    }
}
