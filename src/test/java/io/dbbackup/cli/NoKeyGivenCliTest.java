package io.dbbackup.cli;

import io.dbbackup.codec.age.AgeKeys;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.KeyOutput;
import io.dbbackup.testkit.SqliteFixture;
import io.dbbackup.testkit.SteppingClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.dbbackup.testkit.KeyOutput.assertNoSecret;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A verb that decrypts, given no key on a host without the job's: the error names the one kind of key the backup needs,
 * read from its manifest (or its age header when the manifest is lost): a recipients backup its recipients and
 * {@code --identity FILE}, a passphrase backup {@code --passphrase-env VAR}; both only when neither can tell. Never a secret.
 */
class NoKeyGivenCliTest {
    private static final String PASSPHRASE = "lantern-copper-meadow-9182";
    private static final List<List<String>> DECRYPTING = List.of(List.of("verify", "app", "--deep", "--no-progress"),
            List.of("restore", "app", "--to", "copy", "--auto-confirm", "--no-progress"),
            List.of("download", "app", "--decrypt", "-o", "plain.sqlite.gz", "--no-progress"), List.of("show", "app", "--contents"));

    @TempDir
    Path dir;

    private Cli cli() {
        return new Cli().workingDir(dir).clock(new SteppingClock(Instant.parse("2026-03-01T02:00:00Z"), Duration.ofMinutes(1)));
    }

    private void config(String encryption) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                  copy: {engine: sqlite, path: restored.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  app: {datasource: app, store: local, encryption: {%s}}
                """.formatted(encryption));
    }

    private Cli.Result run(Cli cli, List<String> verb) {
        List<String> args = new ArrayList<>(List.of("-c", "config.yaml"));
        args.addAll(verb);
        return cli.run(args.toArray(String[]::new));
    }

    private Path artifact() throws Exception {
        return KeyOutput.ageObject(dir.resolve("store"));
    }

    @Test
    void aRecipientsBackupWithoutAKeyNamesItsRecipientsAndIdentityOnly() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 20);
        AgeKeys.GeneratedKey ops = AgeKeys.generate();
        AgeKeys.GeneratedKey breakGlass = AgeKeys.generate();
        config("recipients: [" + ops.recipient() + ", " + breakGlass.recipient() + "]");
        Cli.Result backup = cli().run("-c", "config.yaml", "backup", "app", "--no-progress");
        assertThat(backup.exit()).as(backup.toString()).isZero();

        String hint = " is encrypted and no key to decrypt it was given; it was encrypted for " + ops.recipient() + ", "
                + breakGlass.recipient() + ": pass the identity file of one of them (AGE-SECRET-KEY-1... lines) with --identity FILE"
                + " (repeatable), or set encryption.identity_file / identity_env on job 'app'";
        for (List<String> verb : DECRYPTING) {
            Cli.Result r = run(cli(), verb);
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).as(verb.get(0)).contains(artifact().getFileName() + hint).doesNotContain("--passphrase-env");
            assertNoSecret(r);
        }
        assertThat(dir.resolve("plain.sqlite.gz")).doesNotExist();
        assertThat(dir.resolve("restored.db")).doesNotExist();

        // the manifest lost: the age header still tells how many recipients
        Files.delete(artifact().resolveSibling(artifact().getFileName() + ".manifest.json"));
        Cli.Result unrecorded = run(cli(), DECRYPTING.get(0));
        assertThat(unrecorded.exit()).as(unrecorded.toString()).isEqualTo(1);
        assertThat(unrecorded.err()).contains(" is encrypted and no key to decrypt it was given; whom it was encrypted for is "
                + "not recorded (its header holds 2 recipients): pass the identity file of one of them").doesNotContain("--passphrase-env");

        // neither the manifest nor a header that can be read: both ways in
        byte[] bytes = Files.readAllBytes(artifact());
        bytes[0] = 'X';
        Files.write(artifact(), bytes);
        Cli.Result unknown = run(cli(), DECRYPTING.get(1));
        assertThat(unknown.exit()).as(unknown.toString()).isEqualTo(1);
        assertThat(unknown.err()).contains(" is encrypted and no key to decrypt it was given: pass --identity FILE (or "
                + "--passphrase-env VAR), or set encryption.identity_file / identity_env / passphrase_env on job 'app'");
    }

    @Test
    void aPassphraseBackupOfAJobNowEncryptingToRecipientsNamesThePassphraseOnly() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 20);
        config("passphrase_env: BPASS, scrypt_work_factor: 10");
        Cli.Result backup = cli().env("BPASS", PASSPHRASE).run("-c", "config.yaml", "backup", "app", "--no-progress");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        AgeKeys.GeneratedKey now = AgeKeys.generate();
        config("recipients: [" + now.recipient() + "]"); // rotated to recipients: no passphrase in the config any more

        String hint = " is encrypted and no key to decrypt it was given; it was encrypted for a passphrase: pass its passphrase"
                + " with --passphrase-env VAR (the name of an environment variable holding it; repeatable)";
        for (List<String> verb : DECRYPTING) {
            Cli.Result r = run(cli(), verb);
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            // a passphrase_env beside recipients is refused: not suggested
            assertThat(r.err()).as(verb.get(0)).contains(artifact().getFileName() + hint).doesNotContain("--identity")
                    .doesNotContain("or set encryption");
            assertNoSecret(r, PASSPHRASE);
        }

        Files.delete(artifact().resolveSibling(artifact().getFileName() + ".manifest.json"));
        Cli.Result unrecorded = run(cli(), DECRYPTING.get(1));
        assertThat(unrecorded.exit()).as(unrecorded.toString()).isEqualTo(1);
        assertThat(unrecorded.err()).contains("; whom it was encrypted for is not recorded (its header holds a passphrase): pass"
                + " its passphrase with --passphrase-env VAR").doesNotContain("--identity");
    }

    @Test
    void aRecipientsBackupOfAJobNowOnAPassphraseNotSetHereNamesItsRecipientNotThePassphrase() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 20);
        AgeKeys.GeneratedKey before = AgeKeys.generate();
        config("recipients: [" + before.recipient() + "]");
        assertThat(cli().run("-c", "config.yaml", "backup", "app", "--no-progress").exit()).isZero();
        config("passphrase_env: BPASS, scrypt_work_factor: 10"); // rotated to a passphrase, not set on this host

        Cli.Result r = run(cli(), DECRYPTING.get(1));
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains(" is encrypted and no key to decrypt it was given (the job's passphrase cannot be read here: "
                + "config.yaml:7:69: jobs.app.encryption.passphrase_env: environment variable BPASS is not set); it was encrypted for "
                + before.recipient() + ": pass its identity file (AGE-SECRET-KEY-1... lines) with --identity FILE (repeatable), "
                + "or set encryption.identity_file / identity_env on job 'app'").doesNotContain("--passphrase-env");
        assertNoSecret(r);
    }

    /**
     * {@code verify --all-backups --deep} on a host without the key: one FAILED line for the job, naming the key the
     * newest needs and how many more, not one per backup; each is still a failed backup (--deep was asked), exit 1.
     */
    @Test
    void allBackupsDeepWithoutAKeySaysOneLineForTheJob() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 5);
        AgeKeys.GeneratedKey ops = AgeKeys.generate();
        config("recipients: [" + ops.recipient() + "]");
        Cli backups = cli();
        for (int i = 0; i < 4; i++) {
            assertThat(backups.run("-c", "config.yaml", "backup", "app", "--no-progress").exit()).isZero();
        }

        Cli.Result r = cli().run("-c", "config.yaml", "verify", "app", "--all-backups", "--deep", "--no-progress");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.out().lines().filter(l -> l.startsWith("FAILED"))).as(r.out()).hasSize(1);
        assertThat(r.out()).containsPattern("FAILED 4 backups of job app not checked with --deep, no key here to decrypt them: "
                        + "app/app-\\d{8}-\\d{6}\\.sqlite\\.gz\\.age is encrypted and no key to decrypt it was given; it was "
                        + "encrypted for " + ops.recipient() + ": pass its identity file")
                .containsPattern("\\(and 3 older: app/app-[^,]+, app/app-[^,]+, app/app-[^,]+\\)")
                .contains("0 of 4 backups verified, 4 failed (exit 1)");
        assertThat(r.err().lines().filter(l -> l.contains("no key to decrypt it was given"))).as(r.err()).hasSize(1);
        assertNoSecret(r);

        Cli.Result json = cli().run("-c", "config.yaml", "verify", "app", "--all-backups", "--deep", "--json");
        assertThat(json.exit()).as(json.toString()).isEqualTo(1);
        assertThat(json.out().split("\"ok\": false", -1)).as(json.out()).hasSize(5); // a failed row for each backup
    }
}
