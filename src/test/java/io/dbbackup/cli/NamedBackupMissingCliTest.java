package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A KEY that names no backup of the job: the name a DBA holds is often not the stored one ({@code download
 * --decompress} drops {@code .gz}; a name typed from a ticket), so "no backup KEY" alone leaves them to list the store.
 * The error names the backup made at that time under another name, else the job's newest.
 */
class NamedBackupMissingCliTest {
    @TempDir
    Path dir;

    Cli cli;
    String older;
    String newer;

    @BeforeEach
    void setUp() throws Exception {
        TwoNightlyBackups two = TwoNightlyBackups.in(dir);
        cli = two.cli();
        older = two.older();
        newer = two.newer();
    }

    @Test
    void aNameWithoutItsCompressionNamesTheBackupOfThatTime() {
        String decompressed = older.substring(0, older.length() - ".gz".length());
        Cli.Result r = cli.run("-c", "config.yaml", "restore", "nightly", decompressed, "--to", "scratch", "--no-progress");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("error: no backup prod/shop/" + decompressed + " in local ")
                .contains("; the backup of job nightly made at that time is " + older + " (dbbackup -c config.yaml list nightly lists them all)");
        assertThat(dir.resolve("restored.db")).doesNotExist();
    }

    /**
     * The name without its extension ({@code shop-20261201-020000}, the time a ticket or a log gives): it was refused as no
     * backup of the job, with the expected form alone. It names the backup made at that time, and, when several were
     * (another compression since), every one of them: which one to take is the user's call, never picked by itself.
     */
    @Test
    void aNameWithoutItsExtensionNamesTheBackupsOfThatTime() throws Exception {
        String stem = older.substring(0, older.indexOf('.'));
        for (String named : new String[]{stem, "prod/shop/" + stem}) {
            Cli.Result r = cli.run("-c", "config.yaml", "restore", "nightly", named, "--to", "scratch", "--no-progress");
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).contains("error: '" + named + "' is not a backup of job 'nightly'")
                    .contains("; the backup of job nightly made at that time is " + older
                            + " (dbbackup -c config.yaml list nightly lists them all)");
        }
        Path folder = dir.resolve("store/prod/shop");
        String zst = stem + ".sqlite.zst";
        java.nio.file.Files.copy(folder.resolve(older), folder.resolve(zst));
        java.nio.file.Files.copy(folder.resolve(older + ".sha256"), folder.resolve(zst + ".sha256"));
        Cli.Result two = cli.run("-c", "config.yaml", "verify", "nightly", stem);
        assertThat(two.exit()).as(two.toString()).isEqualTo(1);
        assertThat(two.err()).contains("; job nightly has 2 backups made at that time, " + older + " and " + zst
                + ": name the one to take (dbbackup -c config.yaml list nightly lists them all)");
        assertThat(dir.resolve("restored.db")).doesNotExist();
    }

    /**
     * A KEY of another extension ({@code .sql.gz}) at a time when several backups were made ({@code .sqlite.gz}, then a
     * {@code .sqlite.zst} after a change of compression): it named the first of them alone, as if it were the one meant.
     * It names every one, as a name without its extension does, and takes none.
     */
    @Test
    void aNameWithAnotherExtensionNamesEveryBackupOfThatTime() throws Exception {
        String stem = older.substring(0, older.indexOf('.'));
        Path folder = dir.resolve("store/prod/shop");
        String zst = stem + ".sqlite.zst";
        java.nio.file.Files.copy(folder.resolve(older), folder.resolve(zst));
        java.nio.file.Files.copy(folder.resolve(older + ".sha256"), folder.resolve(zst + ".sha256"));
        String named = stem + ".sql.gz";
        for (String command : new String[]{"restore", "verify"}) {
            Cli.Result r = command.equals("restore")
                    ? cli.run("-c", "config.yaml", "restore", "nightly", named, "--to", "scratch", "--no-progress")
                    : cli.run("-c", "config.yaml", "verify", "nightly", named);
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).contains("error: no backup prod/shop/" + named + " in local ")
                    .contains("; job nightly has 2 backups made at that time, " + older + " and " + zst
                            + ": name the one to take (dbbackup -c config.yaml list nightly lists them all)");
        }
        assertThat(dir.resolve("restored.db")).doesNotExist();
    }

    @Test
    void aTimeWithoutABackupNamesTheNewest() {
        Cli.Result r = cli.run("-c", "config.yaml", "verify", "nightly", "shop-20261130-020000.sqlite.gz");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("error: no backup prod/shop/shop-20261130-020000.sqlite.gz in local ")
                .contains("; the newest backup of job nightly is " + newer);
    }
}
