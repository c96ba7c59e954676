package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.Reseal;
import io.dbbackup.testkit.SqliteFixture;
import io.dbbackup.testkit.SteppingClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A logical backup whose dump is bad although its checksum holds (a SQL script cut short by what wrote it, a SQLite file
 * that fails its integrity check) fails {@code restore} as {@code verify --deep} and a physical restore fail it: one line
 * naming the backup, {@code the backup KEY does not restore: …}, then the next older backup (exit 3, nothing touched).
 * Before, the check before a restore said the engine's finding alone ({@code the SQL script is cut short: …}, which of
 * the job's backups unsaid), and a SQLite file that failed its integrity check named no older backup.
 */
class RestoreNamesTheBackupCliTest {
    private static final String PG_SCRIPT = "--\n-- PostgreSQL database dump\n--\n\nCREATE TABLE t (id int);\n\n"
            + "--\n-- PostgreSQL database dump complete\n--\n\n";
    private static final String MARIA_SCRIPT = "-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64)\n"
            + "--\n-- Host: 127.0.0.1    Database: shop\n\nCREATE TABLE `orders` (`id` int NOT NULL);\n"
            + "INSERT INTO `orders` VALUES (1);\n\n-- Dump completed on 2026-12-01  2:00:01\n";

    @TempDir
    Path dir;

    private Cli cli() {
        return new Cli().workingDir(dir).clock(new SteppingClock(Instant.parse("2026-12-03T02:00:00Z"), Duration.ofMinutes(1)));
    }

    /** {@code script} gzipped into the store as {@code shop/NAME}, with its sidecar and a manifest that match it. */
    private void put(String name, String engine, String script) throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(script.getBytes(StandardCharsets.UTF_8));
        }
        byte[] bytes = gz.toByteArray();
        String sha = io.dbbackup.codec.Sha256.hex(MessageDigest.getInstance("SHA-256").digest(bytes));
        Path folder = Files.createDirectories(dir.resolve("store/shop"));
        Files.write(folder.resolve(name), bytes);
        Files.write(folder.resolve(name + ".sha256"), io.dbbackup.codec.Sha256.sidecar(sha, name));
        Files.writeString(folder.resolve(name + ".manifest.json"), "{\"manifest_version\": 1, \"key\": \"shop/" + name
                + "\", \"job\": \"nightly\", \"engine\": \"" + engine + "\", \"database\": \"shop\", \"format\": \"sql\", "
                + "\"compression\": \"gzip\", \"size\": " + bytes.length + ", \"sha256\": \"" + sha + "\"}");
    }

    /**
     * A script cut at a statement's end, its checksum holding, the older one whole. Nothing listens on port 1: the check
     * before the restore fails before the target would be reached.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "postgres | the SQL script is cut short: it does not end with '-- PostgreSQL database dump complete'",
            "mariadb  | the dump is cut short: it holds no '-- Dump completed' comment, which the dump tool writes after the last table"})
    void aScriptCutShortNamesTheBackupAndTheNextOlderOne(String engine, String finding) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  shop: {engine: %s, host: 127.0.0.1, port: 1, user: nobody, database: shop}
                stores:
                  local: {type: local, path: store}
                jobs:
                  nightly: {datasource: shop, store: local}
                """.formatted(engine));
        String script = engine.equals("postgres") ? PG_SCRIPT : MARIA_SCRIPT;
        String end = engine.equals("postgres") ? "\n--\n-- PostgreSQL database dump complete" : "\n-- Dump completed";
        put("shop-20261201-020000.sql.gz", engine, script);
        put("shop-20261202-020000.sql.gz", engine, script.substring(0, script.indexOf(end) + 1));
        for (String option : new String[] {"--auto-confirm", "--dry-run"}) {
            Cli.Result r = cli().run("-c", "config.yaml", "restore", "nightly", option);
            assertThat(r.exit()).as(r.toString()).isEqualTo(3);
            String again = option.equals("--dry-run") ? " --dry-run" : "";
            assertThat(r.err().lines().filter(l -> l.startsWith("error: ")).toList()).as(r.toString()).containsExactly(
                    "error: the backup shop/shop-20261202-020000.sql.gz does not restore: " + finding + "; the next older backup is shop-20261201-020000.sql.gz (dbbackup -c config.yaml restore nightly "
                            + "shop-20261201-020000.sql.gz" + again + ")");
            assertThat(r.err()).doesNotContain("restore started");
        }
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
