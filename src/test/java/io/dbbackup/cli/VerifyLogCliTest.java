package io.dbbackup.cli;

import io.dbbackup.codec.age.AgeKeys;
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
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code verify} says of a backup it could not check, read top-down by whoever is on call: the warning that explains
 * a job's failure before its ERROR (not among the grouped warnings after every job), and each backup's key once per line.
 */
class VerifyLogCliTest {
    @TempDir
    Path dir;

    private Cli audit;

    @BeforeEach
    void backups() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 5);
        AgeKeys.GeneratedKey key = AgeKeys.generate();
        Files.writeString(dir.resolve("id.txt"), key.identity() + "\n");
        Files.setPosixFilePermissions(dir.resolve("id.txt"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  rec: {datasource: app, store: local, prefix: r, encryption: {recipients: [%s]}}
                  pass: {datasource: app, store: local, prefix: p, encryption: {passphrase_env: BPASS, scrypt_work_factor: 10}}
                """.formatted(key.recipient()));
        Cli cli = new Cli().workingDir(dir).clock(new SteppingClock(Instant.parse("2026-03-01T02:00:00Z"), Duration.ofMinutes(1)))
                .env("BPASS", "a-long-passphrase-of-the-backup-host");
        assertThat(cli.run("-c", "config.yaml", "backup", "rec", "--no-progress").exit()).isZero();
        assertThat(cli.run("-c", "config.yaml", "backup", "pass", "--no-progress").exit()).isZero();
        audit = new Cli().workingDir(dir).clock(new SteppingClock(Instant.parse("2026-03-01T03:00:00Z"), Duration.ofMinutes(1)));
    }

    private String key(String prefix) throws Exception {
        try (Stream<Path> s = Files.list(dir.resolve("store/" + prefix + "/app"))) {
            return prefix + "/app/" + s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".age")).findFirst().orElseThrow();
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
            n++;
        }
        return n;
    }

    private static String lineWith(String text, String what) {
        return text.lines().filter(l -> l.contains(what)).findFirst().orElseThrow(() -> new AssertionError(what + " in:\n" + text));
    }

    @Test
    void theWarningThatExplainsAPassphraseJobsFailureComesBeforeItsError() throws Exception {
        Cli.Result r = audit.run("-c", "config.yaml", "verify", "--all", "--deep", "--no-progress", "--identity", "id.txt");
        assertThat(r.exit()).as(r.toString()).isEqualTo(4);
        List<String> lines = r.err().lines().toList();
        int warn = lines.indexOf(lineWith(r.err(), "the job's passphrase cannot be read here; decrypting with the identities given"));
        int error = lines.indexOf(lineWith(r.err(), "ERROR"));
        assertThat(warn).as(r.err()).isLessThan(error);
        assertThat(count(r.err(), "the job's passphrase cannot be read here")).as(r.err()).isEqualTo(1);
    }

    @Test
    void aFailedBackupsLogLineCarriesItsKeyOnceInItsKeyField() throws Exception {
        String pass = key("p");
        Cli.Result r = audit.run("-c", "config.yaml", "verify", "--all", "--deep", "--no-progress", "--identity", "id.txt");
        String error = lineWith(r.err(), "ERROR");
        assertThat(error).as(r.err()).contains("key=" + pass).contains("is not encrypted to any key given");
        assertThat(count(error, pass)).as(error).isEqualTo(1);
        String failed = lineWith(r.out(), "FAILED");
        assertThat(count(failed, pass)).as(failed).isEqualTo(1);

        // without a key, the other job's: its stdout line too
        String rec = key("r");
        Cli.Result none = audit.run("-c", "config.yaml", "verify", "--all", "--deep", "--no-progress");
        assertThat(none.exit()).as(none.toString()).isEqualTo(1);
        String recError = lineWith(none.err(), "job=rec");
        assertThat(recError).contains("key=" + rec).contains("is encrypted and no key to decrypt it was given");
        assertThat(count(recError, rec)).as(recError).isEqualTo(1);
        assertThat(count(lineWith(none.out(), "FAILED " + rec), rec)).as(none.out()).isEqualTo(1);
    }

    @Test
    void aJobsOneBackupWithoutAKeyForDeepIsSaidWithItsKeyOnce() throws Exception {
        String rec = key("r");
        Cli.Result r = audit.run("-c", "config.yaml", "verify", "rec", "--all-backups", "--deep", "--no-progress");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        String failed = lineWith(r.out(), "FAILED");
        assertThat(failed).contains("is encrypted and no key to decrypt it was given");
        assertThat(count(failed, rec)).as(failed).isEqualTo(1);
        String error = lineWith(r.err(), "ERROR");
        assertThat(error).contains("key=" + rec);
        assertThat(count(error, rec)).as(error).isEqualTo(1);
    }
}
