package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import io.dbbackup.testkit.SteppingClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A restore reads its backup twice: a check of the whole of it, then the restore. When the second read does not match
 * the checksum the first one confirmed (the object replaced in the store, or damaged on the wire, in between), the
 * backup was not shown bad: "does not restore" sent the DBA to an older backup. The message now says it changed since
 * it was verified.
 */
class RestoreChangedSinceCheckIT {
    @TempDir
    Path dir;

    @Test
    void aSecondReadThatNoLongerMatchesSaysTheBackupChangedSinceItWasVerified() throws Exception {
        SqliteFixture.create(dir.resolve("shop.db"), 50);
        Cli cli = new Cli().workingDir(dir).clock(new SteppingClock(Instant.parse("2026-12-01T02:00:00Z"), Duration.ofMinutes(1)));
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  shop: {engine: sqlite, path: shop.db}
                  scratch: {engine: sqlite, path: restored.db, database: shop}
                stores:
                  flaky: {type: faulty, path: store, damage_second_read: true}
                jobs:
                  nightly: {datasource: shop, store: flaky, verify: false}
                """);
        for (int i = 0; i < 2; i++) {
            Cli.Result b = cli.run("-c", "config.yaml", "backup", "nightly");
            assertThat(b.exit()).as(b.toString()).isZero();
        }

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "scratch", "--auto-confirm", "--no-progress");
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.err()).contains("changed since it was verified").contains("checksum mismatch for shop/shop-")
                .contains("run the restore again").doesNotContain("does not restore");
        assertThat(dir.resolve("restored.db")).as("the target untouched (SQLite restores into a temporary file)").doesNotExist();
    }
}
