package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.ConfigText;
import io.dbbackup.testkit.SqliteFixture;
import io.dbbackup.testkit.SteppingClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The modes of what a backup leaves in a local store (and a download beside it): owner-only by default, or the store's
 * {@code file_mode}; a bad {@code file_mode} is a one-line error at its key, exit 1, nothing written.
 */
class StoreFileModeCliTest {
    @TempDir
    Path dir;
    Path store;
    Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 50);
        store = dir.resolve("store");
        cli = new Cli().workingDir(dir).clock(new SteppingClock(Instant.parse("2026-03-01T02:00:00Z"), Duration.ofMinutes(1)));
    }

    private void config(String storeExtra) throws IOException {
        Files.writeString(dir.resolve("config.yaml"), ConfigText.APP_AND_LOCAL_STORE + storeExtra.indent(4)
                + ConfigText.appJob("prefix: prod"));
    }

    /** Fails without: the backup, its sidecars and the folders made were 0644 / 0755, the downloaded sidecar 0644. */
    @Test
    void aBackupItsSidecarsAndTheFoldersMadeAreOwnerOnlyAndSoIsADownloadedSidecar() throws Exception {
        config("");
        Files.createDirectories(store);
        Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rwxr-xr-x"));
        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "app");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        List<Path> files = files(store);
        assertThat(files).hasSize(3); // the backup, .sha256, .manifest.json
        for (Path f : files) {
            assertThat(mode(f)).as(f.toString()).isEqualTo("rw-------");
        }
        assertThat(mode(store.resolve("prod"))).isEqualTo("rwx------");
        assertThat(mode(store.resolve("prod/app"))).isEqualTo("rwx------");
        assertThat(mode(store)).as("the store's folder existed: its mode is the operator's").isEqualTo("rwxr-xr-x");

        Files.createDirectories(dir.resolve("copies"));
        Cli.Result download = cli.run("-c", "config.yaml", "download", "app", "--with-sidecar", "-o", "copies/");
        assertThat(download.exit()).as(download.toString()).isZero();
        List<Path> copies = files(dir.resolve("copies"));
        assertThat(copies).hasSize(2);
        for (Path f : copies) {
            assertThat(mode(f)).as(f.toString()).isEqualTo("rw-------");
        }
    }

    @Test
    void fileModeGivesTheGroupWhatItSaysAndTheFoldersTheSearchBitWhereReadIsSet() throws Exception {
        config("file_mode: \"0640\"");
        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "app");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        for (Path f : files(store)) {
            assertThat(mode(f)).as(f.toString()).isEqualTo("rw-r-----");
        }
        for (Path d : List.of(store, store.resolve("prod"), store.resolve("prod/app"))) {
            assertThat(mode(d)).as(d.toString()).isEqualTo("rwxr-x---");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0755|'0755' gives an execute bit",
        "0641|'0641' gives an execute bit",
        "rw-r-----|'rw-r-----' is not an octal mode of 3 or 4 digits, such as \"0600\" or \"0640\"",
        "0648|'0648' is not an octal mode",
        "04640|'04640' is not an octal mode",
        "1640|'1640' is not an octal mode",
        "0440|'0440' keeps the owner from reading or writing",
        "0660|'0660' lets the group or others write",
        "0662|'0662' lets the group or others write",
        "0606|'0606' lets the group or others write",
        "0666|'0666' lets the group or others write",
        "0777|'0777' gives an execute bit"})
    void aBadFileModeIsAOneLineErrorAtItsKeyAndNothingIsWritten(String value, String message) throws Exception {
        config("file_mode: " + value);
        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "app");
        assertThat(backup.exit()).as(backup.toString()).isEqualTo(1);
        assertThat(backup.err()).contains("config.yaml:9:5: error: stores.local.file_mode: " + message);
        assertThat(backup.err().lines().filter(l -> l.contains("error:"))).hasSize(1);
        assertThat(store).doesNotExist();
    }

    @Test
    void anUnquotedOctalModeIsReadAsWritten() throws Exception {
        config("file_mode: 0644");
        assertThat(cli.run("-c", "config.yaml", "backup", "app").exit()).isZero();
        assertThat(files(store)).allSatisfy(f -> assertThat(mode(f)).isEqualTo("rw-r--r--"));
    }

    private static List<Path> files(Path folder) throws IOException {
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static String mode(Path p) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
