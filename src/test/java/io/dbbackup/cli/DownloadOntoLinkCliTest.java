package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code download -o LINK} where LINK is a symbolic link to a file that does not exist (a moved restore area, a link
 * made before the file): refused before anything is read, as an existing file is, naming where it leads; --force
 * replaces the link, as it replaces an existing file.
 */
class DownloadOntoLinkCliTest {
    @TempDir
    Path dir;

    Cli cli;
    String newer;

    @BeforeEach
    void setUp() throws Exception {
        TwoNightlyBackups two = TwoNightlyBackups.in(dir);
        cli = two.cli();
        newer = two.newer();
        Files.createDirectories(dir.resolve("gone"));
        Files.createSymbolicLink(dir.resolve("latest.sqlite.gz"), dir.resolve("gone/latest.sqlite.gz"));
    }

    @Test
    void aDanglingLinkIsRefusedBeforeTheDownloadNamingWhereItLeads() {
        Cli.Result r = cli.run("-c", "config.yaml", "download", "nightly", "-o", "latest.sqlite.gz", "--no-progress");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).doesNotContain("download started").contains("error: " + dir.resolve("latest.sqlite.gz")
                + " is a symbolic link to " + dir.resolve("gone/latest.sqlite.gz") + ", which does not exist: give -o "
                + dir.resolve("gone/latest.sqlite.gz") + " to write there, or pass --force");
        assertThat(Files.isSymbolicLink(dir.resolve("latest.sqlite.gz"))).as("the link left as it was").isTrue();
        assertThat(dir.resolve("gone/latest.sqlite.gz")).doesNotExist();
    }

    @Test
    void forceReplacesTheLinkAsItReplacesAFile() throws Exception {
        Cli.Result r = cli.run("-c", "config.yaml", "download", "nightly", "-o", "latest.sqlite.gz", "--force", "--no-progress");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Files.isSymbolicLink(dir.resolve("latest.sqlite.gz"))).isFalse();
        assertThat(Files.readAllBytes(dir.resolve("latest.sqlite.gz")))
                .isEqualTo(Files.readAllBytes(dir.resolve("store/prod/shop/" + newer)));
    }
}
