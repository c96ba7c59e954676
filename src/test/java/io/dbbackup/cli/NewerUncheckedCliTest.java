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
 * Restore day when the newest file of a job's folder lost both its sidecars (or was copied in by hand): nothing can
 * check it, so restore and download take the newest backup that can be checked — and must say that a newer file was
 * passed by, naming it and the backup taken instead; silently restoring the day before is the disaster.
 */
class NewerUncheckedCliTest {
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
        Files.delete(dir.resolve("store/prod/shop/" + newer + ".sha256"));
        Files.delete(dir.resolve("store/prod/shop/" + newer + ".manifest.json"));
    }

    @Test
    void restoreOfTheNewestSaysWhichNewerFileItPassedByAndWhichBackupItTook() {
        Cli.Result r = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "scratch", "--auto-confirm", "--no-progress");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("WARN").contains("prod/shop/" + newer)
                .contains("neither a .sha256 nor a manifest")
                .contains("taking prod/shop/" + older + ", the newest backup of job nightly that can be checked");
    }

    @Test
    void downloadOfTheNewestSaysItToo() {
        Cli.Result r = cli.run("-c", "config.yaml", "download", "nightly", "--no-progress");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("prod/shop/" + newer).contains("taking prod/shop/" + older);
        assertThat(dir.resolve(older)).exists();
    }

    @Test
    void aNamedBackupOrAFolderWithoutSuchFilesWarnsNothing() throws Exception {
        Cli.Result named = cli.run("-c", "config.yaml", "restore", "nightly", older, "--to", "scratch", "--auto-confirm", "--no-progress");
        assertThat(named.exit()).as(named.toString()).isZero();
        assertThat(named.err()).doesNotContain("WARN");
        Files.delete(dir.resolve("store/prod/shop/" + newer));
        Cli.Result newest = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "scratch", "--auto-confirm", "--no-progress");
        assertThat(newest.exit()).as(newest.toString()).isZero();
        assertThat(newest.err()).doesNotContain("WARN");
    }
}
