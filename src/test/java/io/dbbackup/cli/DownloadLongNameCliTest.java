package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code download} writes a hidden temporary file beside its output ({@code .NAME.dbbackup-tmp-UUID}, 51 bytes longer
 * than NAME) and renames it at the end: an output name that fits the file system's 255 bytes but whose temporary name
 * does not is refused before anything is read, in one line that says how long a name may be; it failed with the file
 * system's "File name too long" on the temporary file, after "download started".
 */
class DownloadLongNameCliTest {
    @TempDir
    Path dir;

    Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        cli = TwoNightlyBackups.in(dir).cli();
    }

    @Test
    void anOutputWhoseTemporaryNameIsTooLongIsRefusedBeforeTheDownload() throws Exception {
        String name = "x".repeat(230) + ".sqlite.gz"; // 240 bytes: fits, its temporary name (291) does not
        Files.createFile(dir.resolve(name)); // the name itself is one the file system takes
        Files.delete(dir.resolve(name));
        Cli.Result r = cli.run("-c", "config.yaml", "download", "nightly", "-o", name, "--no-progress");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).as(r.toString()).doesNotContain("download started").doesNotContain("File name too long")
                .contains("error: cannot write " + dir.resolve(name) + ": its name is 240 bytes, and download writes it "
                        + "first as a temporary file whose name is 51 bytes longer; a file name is at most 255 bytes: give -o "
                        + "a name of at most 204 bytes");
        assertThat(r.err().lines().filter(l -> l.startsWith("error:"))).as("one line").hasSize(1);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("nothing written")
                    .noneMatch(n -> n.contains("xxxx"));
        }
    }

    /**
     * A name over the file system's 255 bytes itself (S3 and Azure keys have no such limit, so a backup's own name can be
     * one) is said to be that, not explained by the temporary file: it said "its name is 300 bytes, and download writes it
     * first as a temporary file whose name is 51 bytes longer".
     */
    @Test
    void aNameOverTheFileSystemsLimitIsSaidToBe() throws Exception {
        String name = "x".repeat(290) + ".sqlite.gz"; // 300 bytes
        Cli.Result r = cli.run("-c", "config.yaml", "download", "nightly", "-o", name, "--no-progress");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).as(r.toString()).doesNotContain("download started").doesNotContain("File name too long")
                .contains("error: cannot write " + dir.resolve(name) + ": its name is 300 bytes, over the 255 bytes a file "
                        + "name can have: give -o a name of at most 204 bytes");
        assertThat(r.err().lines().filter(l -> l.startsWith("error:"))).as("one line").hasSize(1);
    }

    @Test
    void withSidecarItsTemporaryNameCountsToo() throws Exception {
        String name = "y".repeat(190) + ".sqlite.gz"; // 200 bytes: its temporary name (251) fits, the sidecar's (258) does not
        Cli.Result r = cli.run("-c", "config.yaml", "download", "nightly", "-o", name, "--with-sidecar", "--no-progress");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).as(r.toString()).doesNotContain("download started").doesNotContain("File name too long")
                .contains("error: cannot write " + dir.resolve(name + ".sha256") + ": its name is 207 bytes, and download "
                        + "writes it first as a temporary file whose name is 51 bytes longer; a file name is at most 255 bytes: "
                        + "give -o a name of at most 197 bytes");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("nothing written")
                    .noneMatch(n -> n.contains("yyyy"));
        }
    }

    @Test
    void aNameThatFitsWithItsTemporaryNameIsDownloaded() throws Exception {
        String name = "z".repeat(194) + ".sqlite.gz"; // 204 bytes: its temporary name is 255
        Cli.Result r = cli.run("-c", "config.yaml", "download", "nightly", "-o", name, "--no-progress");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(dir.resolve(name)).isNotEmptyFile();
    }
}
