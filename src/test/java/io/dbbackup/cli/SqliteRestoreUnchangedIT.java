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
 * A whole SQLite restore writes a temporary copy beside its target and renames it over the target only once it is
 * complete and checked, so a restore that fails before (the restore's read of the backup no longer matching its
 * checksum, here) leaves the live database as it was. The error must say so: the DBA's first question.
 */
class SqliteRestoreUnchangedIT {
    @TempDir
    Path dir;

    @Test
    void aRestoreWhoseReadFailsMidwaySaysTheTargetIsUnchanged() throws Exception {
        SqliteFixture.create(dir.resolve("shop.db"), 50);
        SqliteFixture.create(dir.resolve("restored.db"), 7); // the live database the restore would replace
        byte[] before = Files.readAllBytes(dir.resolve("restored.db"));
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
        Cli.Result b = cli.run("-c", "config.yaml", "backup", "nightly");
        assertThat(b.exit()).as(b.toString()).isZero();

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "scratch", "--auto-confirm", "--no-progress");
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.err()).contains("changed since it was verified").contains("checksum mismatch for shop/shop-")
                .contains("nothing was restored: SQLite database " + dir.resolve("restored.db") + " is unchanged");
        assertThat(Files.readAllBytes(dir.resolve("restored.db"))).as("the target as it was").isEqualTo(before);
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("no temporary copy left")
                    .noneMatch(n -> n.startsWith(".dbbackup-restore-"));
        }
    }
}
