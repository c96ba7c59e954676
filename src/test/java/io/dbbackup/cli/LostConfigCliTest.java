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
 * Restore day with the config lost: only the store is left, and the config written again from memory gives the job
 * another prefix or database name than the one its backups were made under. The job then has no backups, and the
 * commands say where in the store the backups it does not reach are, and which prefix and name reach them.
 */
class LostConfigCliTest {
    @TempDir
    Path dir;
    Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        SqliteFixture.create(dir.resolve("shop.db"), 50);
        cli = new Cli().workingDir(dir).clock(new SteppingClock(Instant.parse("2026-12-01T02:00:00Z"), Duration.ofMinutes(1)));
        Files.writeString(dir.resolve("old.yaml"), """
                datasources:
                  shop: {engine: sqlite, path: shop.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  nightly: {datasource: shop, store: local, prefix: prod}
                  other: {datasource: shop, store: local, prefix: elsewhere}
                """);
        for (int i = 0; i < 2; i++) {
            Cli.Result r = cli.run("-c", "old.yaml", "backup", "nightly", "other");
            assertThat(r.exit()).as(r.toString()).isZero();
        }
        Files.writeString(dir.resolve("store/prod/shop/shop-notes.txt"), "a file of someone's, no backup");
        Files.createDirectories(dir.resolve("store/foreign/x"));
        Files.writeString(dir.resolve("store/foreign/x/x-20261201-020000.sql.gz"), "named like a backup, no sidecar");
    }

    /** The file name of the newest backup under prod/shop/. */
    private String newest() throws Exception {
        try (var files = Files.list(dir.resolve("store/prod/shop"))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".sqlite.gz")).sorted()
                    .reduce((a, b) -> b).orElseThrow();
        }
    }

    /** The new host's config: the database restored into is named otherwise, no prefix; a job of it reaches elsewhere/. */
    private void newConfig() throws Exception {
        Files.createDirectories(dir.resolve("new"));
        Files.writeString(dir.resolve("new.yaml"), """
                datasources:
                  shop: {engine: sqlite, path: new/restored.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  nightly: {datasource: shop, store: local}
                  kept: {datasource: shop, store: local, prefix: elsewhere}
                """);
        // 'kept' names the database 'restored' too: its folder elsewhere/restored/ is empty, so elsewhere/shop/ is named
        Files.writeString(dir.resolve("new.yaml"), Files.readString(dir.resolve("new.yaml")).replace(
                "kept: {datasource: shop, store: local, prefix: elsewhere}", "kept: {datasource: shop2, store: local, prefix: elsewhere}")
                .replace("stores:", "  shop2: {engine: sqlite, path: shop.db}\nstores:"));
    }

    @Test
    void restoreOfAJobWithoutBackupsNamesTheFolderOfTheStoreThatHoldsSomeAndThePrefixAndNameThatReachIt() throws Exception {
        newConfig();
        Cli.Result r = cli.run("-c", "new.yaml", "restore", "nightly", "--auto-confirm");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("error: job 'nightly' has no backups in local " + dir.resolve("store") + " under restored/; "
                + "the store holds backups that no job of this config reaches under prod/shop/ (2 backups, the newest "
                + newest() + ": prefix 'prod', database or cluster 'shop')");
        assertThat(r.err()).doesNotContain("elsewhere/shop/").doesNotContain("foreign/");
        assertThat(dir.resolve("new/restored.db")).doesNotExist();

        Cli.Result download = cli.run("-c", "new.yaml", "download", "nightly", "-o", dir.resolve("new").toString());
        assertThat(download.exit()).as(download.toString()).isEqualTo(2);
        assertThat(download.err()).contains("under prod/shop/ (2 backups");
    }

    @Test
    void listOfAJobWithoutBackupsWarnsWhereTheStoreHoldsSomeOnStderr() throws Exception {
        newConfig();
        Cli.Result r = cli.run("-c", "new.yaml", "list", "nightly");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("no backups for job nightly\n");
        assertThat(r.err()).contains("WARN  no backups for job nightly under restored/ in local " + dir.resolve("store")
                + "; the store holds backups that no job of this config reaches under prod/shop/ (2 backups");
    }

    @Test
    void withThePrefixAndNameTheHintGaveTheNewestBackupRestores() throws Exception {
        newConfig();
        Files.writeString(dir.resolve("new.yaml"), Files.readString(dir.resolve("new.yaml"))
                .replace("shop: {engine: sqlite, path: new/restored.db}", "shop: {engine: sqlite, path: new/restored.db, database: shop}")
                .replace("nightly: {datasource: shop, store: local}", "nightly: {datasource: shop, store: local, prefix: prod}"));
        Cli.Result r = cli.run("-c", "new.yaml", "restore", "nightly");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("restored prod/shop/" + newest() + " into sqlite " + dir.resolve("new/restored.db"));
        assertThat(SqliteFixture.fingerprint(dir.resolve("new/restored.db"))).isEqualTo(SqliteFixture.fingerprint(dir.resolve("shop.db")));
    }

    @Test
    void aStoreWithNoBackupsAnywhereGivesThePlainErrorAlone() throws Exception {
        Files.writeString(dir.resolve("empty.yaml"), """
                datasources:
                  shop: {engine: sqlite, path: shop.db}
                stores:
                  local: {type: local, path: empty-store}
                jobs:
                  nightly: {datasource: shop, store: local}
                """);
        Files.createDirectories(dir.resolve("empty-store")); // there but empty: a missing one says so (JobWithoutBackupsCliTest)
        Cli.Result r = cli.run("-c", "empty.yaml", "restore", "nightly");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("error: job 'nightly' has no backups in local " + dir.resolve("empty-store") + " under shop/");
    }

    /** {@code list --all}, the README's first command on the night of a restore, when no job of the config has a backup. */
    @Test
    void listAllWhereNoJobHasABackupWarnsWhereTheStoreHoldsSome() throws Exception {
        Files.writeString(dir.resolve("dr.yaml"), """
                datasources:
                  shop: {engine: sqlite, path: new/restored.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  nightly: {datasource: shop, store: local}
                """);
        Cli.Result r = cli.run("-c", "dr.yaml", "list", "--all");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out().lines().toList()).hasSize(2);
        assertThat(r.err()).contains("WARN  no backups for job nightly under restored/ in local " + dir.resolve("store")
                + "; the store holds backups that no job of this config reaches under ");
        assertThat(r.err()).contains("prod/shop/ (2 backups").contains("elsewhere/shop/ (2 backups");

        // a job of the config has backups (kept reaches elsewhere/shop/): the overview as always, no store listed whole
        newConfig();
        Cli.Result some = cli.run("-c", "new.yaml", "list", "--all");
        assertThat(some.exit()).as(some.toString()).isZero();
        assertThat(some.err()).doesNotContain("no job of this config reaches");
    }

    /** A copy taken with {@code download --with-sidecar}, restored with {@code --from-file} by the config written anew. */
    @Test
    void aLocalCopyNamedForAnotherDatabaseSaysWhichAndHowAJobTakesIt() throws Exception {
        Files.createDirectories(dir.resolve("copies"));
        Cli.Result download = cli.run("-c", "old.yaml", "download", "nightly", "-o", dir.resolve("copies").toString(), "--with-sidecar");
        assertThat(download.exit()).as(download.toString()).isZero();
        newConfig();
        Path copy = dir.resolve("copies/" + newest());
        Cli.Result r = cli.run("-c", "new.yaml", "restore", "nightly", "--from-file", copy.toString(), "--dry-run");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("error: --from-file " + copy + ": '" + newest() + "' is not the name of a backup of "
                + "job 'nightly' (expected restored-YYYYMMDD-HHMMSS.<ext>[.gz|.zst|.lz4][.age], the name list and download give "
                + "it; the name says how to decode it); it is a backup of database or cluster 'shop': give the job's datasource "
                + "that name (database: shop, or cluster: shop for a physical or roles one), and restore it --to another "
                + "datasource to put it under another name");
        assertThat(dir.resolve("new/restored.db")).doesNotExist();
    }
}
