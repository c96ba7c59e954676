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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A copy run that meets more than one failure ends with its summary, exit 3 when any was an integrity failure: a
 * read-back that fails does not end the run with its own error, and a store error after an integrity failure does not
 * turn exit 3 into exit 2 (as for a run of several jobs, where an integrity failure outranks the rest).
 */
class CopyFailuresSummedUpIT {
    private static final Instant FIRST = Instant.parse("2026-03-01T02:00:00Z");
    private static final String DAY2 = "app/app-20260302-020000.sqlite.gz";
    private static final String DAY3 = "app/app-20260303-020000.sqlite.gz";

    @TempDir
    Path dir;

    private Cli at(Instant now) {
        return new Cli().workingDir(dir).clock(Clock.fixed(now, ZoneOffset.UTC));
    }

    /**
     * The newest source backup damaged, its stand-in copied to a store that damages what it stores: the stand-in's
     * read-back failed and the run ended with that error alone, the damaged source unnamed.
     */
    @Test
    void aStandInsFailedReadBackEndsTheRunWithItsSummary() throws Exception {
        BrokenStoreFixture.write(dir, """
                  offsite: {type: faulty, path: offsite, corrupt: true}
                jobs:
                  app: {datasource: app, store: local}
                  copy: {copy_of: app, store: offsite, retention: {keep_last: 1}, verify: true}
                """);
        BrokenStoreFixture.backUpDaily(this::at, FIRST, 3, "app");
        TestBytes.flipMiddleByte(dir.resolve("store/" + DAY3));

        Cli.Result r = at(FIRST.plusSeconds(86_400L * 3)).run("-c", "config.yaml", "backup", "copy");

        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.err()).contains("checksum mismatch for " + DAY3 + ": expected ")
                .contains("; the read-back of the copy " + DAY2 + " (copied in place of a damaged one) failed: ")
                .contains("copy finished");
        assertThat(Files.exists(dir.resolve("offsite/" + DAY2))).as("discarded").isFalse();
    }

    /**
     * A damaged source backup (exit 3), then the repair of a copy whose sidecar is wrong fails at the store (exit 2):
     * the run ended with the store's error and exit 2, the damaged backup unnamed.
     */
    @Test
    void aStoreErrorInTheRepairDoesNotHideAnIntegrityFailure() throws Exception {
        BrokenStoreFixture.write(dir, """
                  offsite: {type: local, path: offsite}
                jobs:
                  app: {datasource: app, store: local}
                  copy: {copy_of: app, store: offsite, retention: {keep_last: 1}}
                """);
        BrokenStoreFixture.backUpDaily(this::at, FIRST, 2, "app");
        Cli.Result first = at(FIRST.plusSeconds(86_400L * 2)).run("-c", "config.yaml", "backup", "copy");
        assertThat(first.exit()).as(first.toString()).isZero();
        BrokenStoreFixture.backUpDaily(this::at, FIRST.plusSeconds(86_400L * 2), 1, "app");
        TestBytes.flipMiddleByte(dir.resolve("store/" + DAY3));
        Path sidecar = dir.resolve("offsite/" + DAY2 + ".sha256");
        Files.writeString(sidecar, "0".repeat(64) + "  " + DAY2.substring(4) + "\n");
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, Files.readString(config).replace("{type: local, path: offsite}",
                "{type: faulty, path: offsite, refuse_commit: true}"));

        Cli.Result r = at(FIRST.plusSeconds(86_400L * 3)).run("-c", "config.yaml", "backup", "copy");

        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.err()).contains("checksum mismatch for " + DAY3 + ": expected ")
                .containsPattern("; then the run stopped: copy of " + DAY2 + " to [^\\n]* failed: [^\\n]*commit");
    }
}
