package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.Reseal;
import io.dbbackup.testkit.SqliteFixture;
import io.dbbackup.testkit.SteppingClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A logical backup whose dump is bad although its checksum holds (a SQL script cut short by what wrote it, a SQLite file
 * that fails its integrity check) fails {@code restore} as {@code verify --deep} and a physical restore fail it: one line
 * naming the backup, {@code the backup KEY does not restore: …}, then the next older backup (exit 3, nothing touched).
 * Before, the check before a restore said the engine's finding alone ({@code the SQL script is cut short: …}, which of
 * the job's backups unsaid), and a SQLite file that failed its integrity check named no older backup. A SQL script cut
 * short is restored into a server that is there (the restore reaches its target before it reads the backup):
 * PostgresRestoreDayIT and MySqlCliIT.
 */
class RestoreNamesTheBackupCliTest {
    @TempDir
    Path dir;

    private Cli cli() {
        return new Cli().workingDir(dir).clock(new SteppingClock(Instant.parse("2026-12-03T02:00:00Z"), Duration.ofMinutes(1)));
    }

    /** A SQLite file damaged before it was checksummed: its restore fails the integrity check, the target kept. */
    @Test
    void aSqliteFileThatFailsItsIntegrityCheckNamesTheBackupAndTheNextOlderOne() throws Exception {
        SqliteFixture.create(dir.resolve("shop.db"), 200);
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  shop: {engine: sqlite, path: shop.db}
                  copy: {engine: sqlite, path: copy.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  nightly: {datasource: shop, store: local, compression: zstd}
                """);
        Cli cli = cli();
        assertThat(cli.run("-c", "config.yaml", "backup", "nightly").exit()).isZero();
        assertThat(cli.run("-c", "config.yaml", "backup", "nightly").exit()).isZero();
        Path older;
        Path newest;
        try (var files = Files.list(dir.resolve("store/shop"))) {
            var backups = files.filter(p -> p.toString().endsWith(".sqlite.zst")).sorted().toList();
            assertThat(backups).hasSize(2);
            older = backups.get(0);
            newest = backups.get(1);
        }
        Reseal.rewrite(newest, db -> {
            byte[] b = db.clone();
            Arrays.fill(b, b.length / 3, b.length / 2, (byte) 0x5a); // a run of pages past the schema page
            return b;
        });
        SqliteFixture.create(dir.resolve("copy.db"), 3);
        byte[] before = Files.readAllBytes(dir.resolve("copy.db"));

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "copy", "--auto-confirm");
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        String line = r.err().lines().filter(l -> l.startsWith("error: ")).findFirst().orElseThrow();
        assertThat(r.err().lines().filter(l -> l.startsWith("error: "))).as(r.toString()).hasSize(1);
        assertThat(line).as(r.toString())
                .startsWith("error: the backup shop/" + newest.getFileName() + " does not restore: restored database is not a "
                        + "readable SQLite database: ")
                .endsWith("; the next older backup is " + older.getFileName() + " (dbbackup -c config.yaml restore nightly "
                        + older.getFileName() + " --to copy)");
        assertThat(Files.readAllBytes(dir.resolve("copy.db"))).isEqualTo(before);
    }
}
