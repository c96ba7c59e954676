package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The newest backup object of a job is empty (0 bytes) beside its sidecars: an upload that failed, a full disk. Restore,
 * download and verify without a KEY still take the newest (never older data in silence) and fail as an integrity failure,
 * but the message must say the object is empty and name the previous good backup, with the same command, to use instead.
 */
class EmptyNewestCliTest {
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
        Files.write(dir.resolve("store/prod/shop/" + newer), new byte[0]);
    }

    @Test
    void restoreOfTheNewestSaysItIsEmptyAndNamesThePreviousGoodBackup() {
        Cli.Result r = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "scratch", "--auto-confirm", "--no-progress");
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.err()).contains("checksum mismatch for prod/shop/" + newer).contains(newer + " is empty (0 bytes), so it "
                + "is no backup").contains("the next older backup is " + older + " (dbbackup -c config.yaml restore nightly " + older);
        assertThat(dir.resolve("restored.db")).as("nothing restored").doesNotExist();
    }

    @Test
    void downloadOfTheNewestSaysItIsEmptyAndNamesThePreviousGoodBackupWithTheSameDownload() throws Exception {
        Files.createDirectories(dir.resolve("out"));
        Cli.Result r = cli.run("-c", "config.yaml", "download", "nightly", "-o", "out/", "--decompress", "--no-progress");
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.err()).contains("checksum mismatch for prod/shop/" + newer).contains(newer + " is empty (0 bytes), so it "
                + "is no backup").contains("the next older backup is " + older + " (dbbackup -c config.yaml download nightly " + older
                + " -o out --decompress)"); // out/ as a Path: the same folder
        try (var left = Files.list(dir.resolve("out"))) {
            assertThat(left).as("nothing written").isEmpty();
        }
    }

    @Test
    void verifyOfTheNewestSaysItIsEmptyAndNamesThePreviousGoodBackup() {
        Cli.Result r = cli.run("-c", "config.yaml", "verify", "nightly", "--deep", "--no-progress");
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.err()).contains("checksum mismatch for prod/shop/" + newer).contains(newer + " is empty (0 bytes), so it "
                + "is no backup").contains("the next older backup is " + older + " (dbbackup -c config.yaml verify nightly " + older
                + " --deep)");
    }

    @Test
    void verifyOfEveryBackupNamesTheEmptyOneButSuggestsNothing() {
        Cli.Result r = cli.run("-c", "config.yaml", "verify", "nightly", "--all-backups", "--no-progress");
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.out()).contains("FAILED prod/shop/" + newer).contains("ok     prod/shop/" + older)
                .doesNotContain("the next older backup");
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
        assertThat(r.err()).contains("the next older backup is " + older + " (dbbackup -c config.yaml restore nightly " + older)
                .doesNotContain("the next older backup is " + newer).doesNotContain(newest + " is empty");
    }
}
