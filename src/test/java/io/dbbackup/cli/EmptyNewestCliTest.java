package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import io.dbbackup.testkit.SteppingClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The newest backup object of a job is empty (0 bytes) beside its sidecars: an upload that failed, a full disk. Restore,
 * download and verify without a KEY still take the newest (never older data in silence) and fail as an integrity failure,
 * but the message must say the object is empty and name the previous good backup to restore instead.
 */
class EmptyNewestCliTest {
    @TempDir
    Path dir;

    Cli cli;
    String older;
    String newer;

    @BeforeEach
    void setUp() throws Exception {
        SqliteFixture.create(dir.resolve("shop.db"), 50);
        cli = new Cli().workingDir(dir).clock(new SteppingClock(Instant.parse("2026-12-01T02:00:00Z"), Duration.ofMinutes(1)));
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  shop: {engine: sqlite, path: shop.db}
                  scratch: {engine: sqlite, path: restored.db, database: shop}
                stores:
                  local: {type: local, path: store}
                jobs:
                  nightly: {datasource: shop, store: local, prefix: prod}
                """);
        for (int i = 0; i < 2; i++) {
            Cli.Result r = cli.run("-c", "config.yaml", "backup", "nightly");
            assertThat(r.exit()).as(r.toString()).isZero();
        }
        try (var files = Files.list(dir.resolve("store/prod/shop"))) {
            var names = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".sqlite.gz")).sorted().toList();
            older = names.get(0);
            newer = names.get(1);
        }
        Files.write(dir.resolve("store/prod/shop/" + newer), new byte[0]);
    }

    @Test
    void restoreOfTheNewestSaysItIsEmptyAndNamesThePreviousGoodBackup() {
        Cli.Result r = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "scratch", "--auto-confirm", "--no-progress");
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.err()).contains("checksum mismatch for prod/shop/" + newer).contains(newer + " is empty (0 bytes), so it "
                + "is no backup").contains("the next older backup is " + older + " (dbbackup restore nightly " + older);
        assertThat(dir.resolve("restored.db")).as("nothing restored").doesNotExist();
    }

    @Test
    void aDamagedNewestPointsPastAnEmptyOneToTheGoodBackupBeforeIt() throws Exception {
        Cli.Result b = cli.run("-c", "config.yaml", "backup", "nightly");
        assertThat(b.exit()).as(b.toString()).isZero();
        String newest;
        try (var files = Files.list(dir.resolve("store/prod/shop"))) {
            newest = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".sqlite.gz")).sorted()
                    .reduce((a, c) -> c).orElseThrow();
        }
        Files.write(dir.resolve("store/prod/shop/" + newest), new byte[] {31, -117, 8}); // cut short, not empty

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "scratch", "--auto-confirm", "--no-progress");
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.err()).contains("the next older backup is " + older + " (dbbackup restore nightly " + older)
                .doesNotContain("the next older backup is " + newer).doesNotContain(newest + " is empty");
    }
}
