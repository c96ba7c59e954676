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
}
