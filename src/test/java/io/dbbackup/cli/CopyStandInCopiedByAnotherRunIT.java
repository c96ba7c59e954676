package io.dbbackup.cli;

import io.dbbackup.testkit.BrokenStoreFixture;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.TestBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A copy job ({@code keep_last: 1}) whose newest source backup fails its checksum, and another run of it (overlapping:
 * the {@code faulty} store's {@code twin} plays it) copied the backup standing in for it first. This run names that one
 * in the damaged one's place all the same, as copied by the other run; it was left out of the line, which then read as
 * if nothing stood in.
 */
class CopyStandInCopiedByAnotherRunIT {
    private static final Instant FIRST = Instant.parse("2026-03-01T02:00:00Z");
    private static final Instant NOW = FIRST.plusSeconds(86_400L * 3);
    private static final String DAY2 = "app/app-20260302-020000.sqlite.gz";
    private static final String DAY3 = "app/app-20260303-020000.sqlite.gz";

    @TempDir
    Path dir;

    private Cli at(Instant now) {
        return new Cli().workingDir(dir).clock(Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void aStandInAnotherRunCopiedFirstIsNamedInItsPlace() throws Exception {
        BrokenStoreFixture.write(dir, """
                  racing: {type: faulty, path: offsite, twin: twin}
                jobs:
                  app: {datasource: app, store: local}
                  copy: {copy_of: app, store: racing, retention: {keep_last: 1}}
                """);
        BrokenStoreFixture.backUpDaily(this::at, FIRST, 3, "app");
        TestBytes.flipMiddleByte(dir.resolve("store/" + DAY3));
        for (String suffix : List.of("", ".sha256", ".manifest.json")) { // the other run's copy of DAY2
            Path twin = dir.resolve("twin/" + DAY2 + suffix);
            Files.createDirectories(twin.getParent());
            Files.copy(dir.resolve("store/" + DAY2 + suffix), twin);
        }

        Cli.Result r = at(NOW).run("-c", "config.yaml", "backup", "copy");

        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.err()).as(r.toString()).contains("already copied by another run")
                .contains("; copied " + DAY2 + " (by another run of job 'copy') in its place (the newest older good "
                        + "backup of job 'app' that the copy's retention keeps)");
        assertThat(dir.resolve("offsite/" + DAY2)).hasSameBinaryContentAs(dir.resolve("twin/" + DAY2));
        assertThat(dir.resolve("offsite/" + DAY3)).doesNotExist();
    }
}
