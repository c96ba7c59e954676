package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

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
        TwoNightlyBackups two = TwoNightlyBackups.in(dir);
        cli = two.cli();
        older = two.older();
        newer = two.newer();
        Files.delete(dir.resolve("store/prod/shop/" + newer + ".sha256"));
        Files.delete(dir.resolve("store/prod/shop/" + newer + ".manifest.json"));
    }

    @Test
    void restoreOfTheNewestSaysWhichNewerFileItPassedByAndWhichBackupItTook() {
        Cli.Result r = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "scratch", "--auto-confirm", "--no-progress");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(LoggedOnce.line(r.err(), "passing by", "prod/shop/" + newer))
                .contains("WARN  passing by a file newer than the backup taken: it has neither a .sha256 nor a manifest")
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
