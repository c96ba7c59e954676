package io.dbbackup.cli;

import io.dbbackup.codec.age.AgeKeys;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An {@code --identity FILE} others can read is the command's file, not a job's: its warning is said once, before any
 * job's work, and names no job (it named the first job verified, as if that job's config held the file).
 */
class SharedIdentityWarningCliTest {
    @TempDir
    Path dir;

    private final AgeKeys.GeneratedKey key = AgeKeys.generate();
    private Cli cli;
    private Path identity;

    @BeforeEach
    void threeEncryptedJobsBackedUp() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 5);
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                """ + String.join("", List.of("a", "b", "c").stream().map(j -> "  " + j
                + ": {datasource: app, store: local, prefix: " + j + ", encryption: {recipients: [" + key.recipient() + "]}}\n").toList()));
        cli = new Cli().workingDir(dir);
        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "--all");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        identity = Files.writeString(dir.resolve("key.txt"), key.identity() + "\n");
        Files.setPosixFilePermissions(identity, PosixFilePermissions.fromString("rw-r--r--"));
    }

    /** The warning's one line, checked to be said once, untagged, before every other line of the run. */
    private static void warnedOnceFirstNamingNoJob(Cli.Result r) {
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        List<String> warned = lines.stream().filter(l -> l.contains("readable by other users")).toList();
        assertThat(warned).as(r.err()).singleElement().asString().contains("chmod 600").doesNotContain("job=");
        assertThat(lines.get(0)).as(r.err()).isEqualTo(warned.get(0));
    }

    @Test
    void verifyAllWarnsOfTheIdentityFileOnceNamingNoJob() {
        Cli.Result r = cli.run("-c", "config.yaml", "verify", "--all", "--identity", identity.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        warnedOnceFirstNamingNoJob(r);
    }

    @Test
    void verifyAllBackupsWarnsOfTheIdentityFileOnceNamingNoJob() {
        Cli.Result r = cli.run("-c", "config.yaml", "verify", "b", "--all-backups", "--identity", identity.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        warnedOnceFirstNamingNoJob(r);
    }

    @Test
    void verifyOneBackupWarnsOfTheIdentityFileNamingNoJob() {
        Cli.Result r = cli.run("-c", "config.yaml", "verify", "c", "--identity", identity.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        warnedOnceFirstNamingNoJob(r);
    }

    @Test
    void downloadWarnsOfTheIdentityFileNamingNoJob() {
        Cli.Result r = cli.run("-c", "config.yaml", "download", "a", "-o", "out.db", "--decrypt", "--identity", identity.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        warnedOnceFirstNamingNoJob(r);
    }
}
