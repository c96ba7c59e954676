package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import io.dbbackup.testkit.SteppingClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code restore --to} a datasource whose engine cannot take the backup (a SQLite file into PostgreSQL or MariaDB) is one
 * line, exit 1, before the backup is read and before the target is reached — also with {@code --dry-run}, which said the
 * backup "would be restored" there (exit 0) while the restore itself failed after reading the whole backup.
 */
class RestoreWrongTargetCliTest {
    @TempDir
    Path dir;
    Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        SqliteFixture.create(dir.resolve("shop.db"), 20);
        cli = new Cli().workingDir(dir).clock(new SteppingClock(Instant.parse("2026-12-01T02:00:00Z"), Duration.ofMinutes(1)));
        // nothing listens on port 1: a restore that reached the target would fail otherwise
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  shop: {engine: sqlite, path: shop.db}
                  pg: {engine: postgres, host: 127.0.0.1, port: 1, user: nobody, database: shop}
                  maria: {engine: mariadb, host: 127.0.0.1, port: 1, user: nobody, database: shop}
                stores:
                  local: {type: local, path: store}
                jobs:
                  nightly: {datasource: shop, store: local}
                """);
        Cli.Result r = cli.run("-c", "config.yaml", "backup", "nightly");
        assertThat(r.exit()).as(r.toString()).isZero();
    }

    @ParameterizedTest
    @CsvSource({
            "pg, --dry-run, 'cannot restore a .sqlite dump into PostgreSQL nobody@127.0.0.1:1/shop (expected .sql or .dump)'",
            "pg, --auto-confirm, 'cannot restore a .sqlite dump into PostgreSQL nobody@127.0.0.1:1/shop (expected .sql or .dump)'",
            "maria, --dry-run, 'cannot restore a .sqlite dump into '",
            "maria, --auto-confirm, ': MySQL/MariaDB dumps are plain SQL'"})
    void aBackupTheTargetsEngineCannotTakeIsRefusedInOneLineBeforeItIsRead(String to, String option, String message) {
        Cli.Result r = cli.run("-c", "config.yaml", "restore", "nightly", "--to", to, option);
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains(message);
        assertThat(r.err().lines().filter(l -> l.startsWith("error: "))).hasSize(1);
        assertThat(r.err()).doesNotContain("checking backup before restore").doesNotContain("restore started");
    }

    private String newest() throws Exception {
        try (var files = Files.list(dir.resolve("store/shop"))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".sqlite.gz")).findFirst().orElseThrow();
        }
    }

    /** A name pasted from an {@code ls} of the store's folder: a sidecar, or the file's path on this machine. */
    @org.junit.jupiter.api.Test
    void aSidecarOrAPathNamedAsTheKeySaysWhichBackupItMeansAndTouchesNothing() throws Exception {
        String file = newest();
        Cli.Result sidecar = cli.run("-c", "config.yaml", "restore", "nightly", file + ".sha256", "--auto-confirm");
        assertThat(sidecar.exit()).as(sidecar.toString()).isEqualTo(1);
        assertThat(sidecar.err().strip()).isEqualTo("error: '" + file + ".sha256' is not a backup of job 'nightly' (expected a "
                + "key like shop/shop-YYYYMMDD-HHMMSS.<ext> or its file name); that is the .sha256 sidecar of backup " + file
                + ": name the backup itself");

        Path path = dir.resolve("store/shop/" + file);
        Cli.Result pasted = cli.run("-c", "config.yaml", "restore", "nightly", path.toString(), "--dry-run");
        assertThat(pasted.exit()).as(pasted.toString()).isEqualTo(1);
        assertThat(pasted.err()).contains("; to name that backup of the job's store give its file name " + file
                + ", or restore the file on this machine itself with --from-file " + path);
        assertThat(pasted.err().lines()).hasSize(1);

        Cli.Result manifest = cli.run("-c", "config.yaml", "show", "nightly", file + ".manifest.json");
        assertThat(manifest.exit()).isEqualTo(1);
        assertThat(manifest.err()).contains("that is the .manifest.json sidecar of backup " + file);
    }

    /**
     * A MariaDB script (a format PostgreSQL's psql also takes: {@code .sql}) {@code --to} a PostgreSQL datasource: its
     * manifest says which engine made it, and the restore and its dry run refuse it before reading it.
     */
    @org.junit.jupiter.api.Test
    void aBackupOfAnotherEngineByItsManifestIsRefusedBeforeItIsReadAlsoInADryRun() throws Exception {
        Files.writeString(dir.resolve("maria.yaml"), """
                datasources:
                  shop: {engine: mariadb, host: 127.0.0.1, port: 1, user: nobody, database: shop}
                  pg: {engine: postgres, host: 127.0.0.1, port: 1, user: nobody, database: shop}
                stores:
                  local: {type: local, path: mstore}
                jobs:
                  nightly: {datasource: shop, store: local}
                """);
        String name = "shop-20261201-020000.sql.gz";
        Path folder = Files.createDirectories(dir.resolve("mstore/shop"));
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (var out = new java.util.zip.GZIPOutputStream(gz)) {
            out.write(("-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64)\n--\n"
                    + "-- Host: 127.0.0.1    Database: shop\n\nCREATE TABLE `orders` (`id` int NOT NULL);\n"
                    + "INSERT INTO `orders` VALUES (1);\n\n-- Dump completed on 2026-12-01  2:00:01\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        byte[] bytes = gz.toByteArray();
        String sha = io.dbbackup.codec.Sha256.hex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        Files.write(folder.resolve(name), bytes);
        Files.write(folder.resolve(name + ".sha256"), io.dbbackup.codec.Sha256.sidecar(sha, name));
        Files.writeString(folder.resolve(name + ".manifest.json"), "{\"manifest_version\": 1, \"key\": \"shop/" + name
                + "\", \"job\": \"nightly\", \"engine\": \"mariadb\", \"database\": \"shop\", \"format\": \"sql\", "
                + "\"compression\": \"gzip\", \"size\": " + bytes.length + ", \"sha256\": \"" + sha + "\"}");
        for (String option : new String[] {"--dry-run", "--auto-confirm"}) {
            Cli.Result r = cli.run("-c", "maria.yaml", "restore", "nightly", "--to", "pg", option);
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.out()).isEmpty();
            assertThat(r.err().strip()).isEqualTo("error: cannot restore " + name + " into postgres nobody@127.0.0.1:1/shop: "
                    + "it is a mariadb backup (its manifest says so); restore it --to a mariadb or mysql datasource");
        }
    }

    /**
     * The same MariaDB script with its manifest lost (its {@code .sha256} alone beside it): the job's own datasource says
     * which engine made its backups. It was read whole (the check before a restore), then the restore went on to the
     * PostgreSQL target and failed there; now it is refused before it is read, as with its manifest.
     */
    @org.junit.jupiter.api.Test
    void aBackupWithoutManifestOfAJobOfAnotherEngineIsRefusedBeforeItIsRead() throws Exception {
        aBackupOfAnotherEngineByItsManifestIsRefusedBeforeItIsReadAlsoInADryRun();
        String name = "shop-20261201-020000.sql.gz";
        Files.delete(dir.resolve("mstore/shop/" + name + ".manifest.json"));
        for (String option : new String[] {"--dry-run", "--auto-confirm"}) {
            Cli.Result r = cli.run("-c", "maria.yaml", "restore", "nightly", "--to", "pg", option);
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.out()).isEmpty();
            assertThat(r.err().strip()).isEqualTo("error: cannot restore " + name + " into postgres nobody@127.0.0.1:1/shop: "
                    + "no manifest beside it says which engine made it, and job nightly backs up a mariadb datasource (shop); "
                    + "restore it --to a mariadb or mysql datasource");
        }
        Cli.Result own = cli.run("-c", "maria.yaml", "restore", "nightly", "--dry-run");
        assertThat(own.err()).as("into the job's own datasource its target is reached (before the backup is read): " + own)
                .contains("error: cannot inspect the restore target mariadb shop on 127.0.0.1:1")
                .doesNotContain("no manifest beside it says");
    }

    /** A backup named by its KEY whose .sha256 and manifest are both gone: exit 3, untouched, and what can be done. */
    @org.junit.jupiter.api.Test
    void aNamedBackupWithoutSidecarsSaysHowToPutOneBackAndRestoresNothing() throws Exception {
        String file = newest();
        Files.delete(dir.resolve("store/shop/" + file + ".sha256"));
        Files.delete(dir.resolve("store/shop/" + file + ".manifest.json"));
        Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml"))
                .replace("  pg:", "  copy: {engine: sqlite, path: copy.db}\n  pg:"));
        Cli.Result r = cli.run("-c", "config.yaml", "restore", "nightly", file, "--to", "copy");
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.err()).contains("no checksum sidecar shop/" + file + ".sha256: cannot verify shop/" + file
                + " (nor does a manifest record its SHA-256), and a backup is never read unchecked: put its sidecar back "
                + "beside it ('sha256sum " + file + " > " + file + ".sha256' in its folder writes one — only if you trust "
                + "these bytes) or take another backup");
        assertThat(dir.resolve("copy.db")).doesNotExist();
    }
}
