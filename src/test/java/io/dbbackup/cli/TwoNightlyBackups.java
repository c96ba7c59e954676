package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import io.dbbackup.testkit.SteppingClock;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Restore-day fixture: a SQLite database {@code shop} (50 rows), job {@code nightly} (prefix {@code prod}) into a local
 * store, a {@code scratch} datasource to restore into, and two backups made a minute apart; the test then damages
 * {@link #newer}. File names, not keys: {@code store/prod/shop/} holds them.
 */
record TwoNightlyBackups(Cli cli, String older, String newer) {
    static TwoNightlyBackups in(Path dir) throws Exception {
        SqliteFixture.create(dir.resolve("shop.db"), 50);
        Cli cli = new Cli().workingDir(dir).clock(new SteppingClock(Instant.parse("2026-12-01T02:00:00Z"), Duration.ofMinutes(1)));
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
            return new TwoNightlyBackups(cli, names.get(0), names.get(1));
        }
    }
}
