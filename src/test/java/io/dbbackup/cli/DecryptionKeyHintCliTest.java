package io.dbbackup.cli;

import io.dbbackup.testkit.PrivateFile;
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
import java.util.List;

import static io.dbbackup.testkit.KeyOutput.assertNoSecret;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * On restore day the error of a backup the keys given do not open says which kind of key to bring and how to pass it:
 * a passphrase backup opened with identities only names {@code --passphrase-env VAR}; a recipients backup opened with a
 * passphrase or a stranger's identity names its recipients (public keys) and {@code --identity FILE}. Never a secret.
 */
class DecryptionKeyHintCliTest {
    private static final String PASSPHRASE = "orchard-quantum-ferry-4471";

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

    private Path artifact() throws Exception {
        return KeyOutput.ageObject(dir.resolve("store"));
    }

    @Test
    void aPassphraseBackupOpenedWithIdentitiesOnlySaysToPassItsPassphrase() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 20);
        AgeKeys.GeneratedKey mine = AgeKeys.generate();
        PrivateFile.write(dir.resolve("key.txt"), mine.identity() + "\n");
        config("passphrase_env: BPASS, scrypt_work_factor: 10");
        Cli.Result backup = cli().env("BPASS", PASSPHRASE).run("-c", "config.yaml", "backup", "app", "--no-progress");
        assertThat(backup.exit()).as(backup.toString()).isZero();

        // the restore host has no BPASS, only an identity: every verb that decrypts names --passphrase-env
        String hint = " is not encrypted to any key given: tried identity " + mine.recipient()
                + "; it was encrypted for a passphrase: pass its passphrase with --passphrase-env VAR";
        for (List<String> verb : List.of(List.of("verify", "app", "--deep"), List.of("restore", "app", "--to", "copy", "--auto-confirm"),
                List.of("download", "app", "--decrypt", "-o", "plain.sqlite.gz"), List.of("show", "app", "--contents"))) {
            List<String> args = new java.util.ArrayList<>(List.of("-c", "config.yaml"));
            args.addAll(verb);
            args.addAll(List.of("--identity", "key.txt", "--no-progress"));
            if (verb.get(0).equals("show")) {
                args.remove("--no-progress");
            }
            Cli.Result r = cli().run(args.toArray(String[]::new));
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).as(verb.get(0)).contains(artifact().getFileName() + hint)
                    .doesNotContain("readable by other users"); // the test's key file is mode 600, as keygen writes it
            assertNoSecret(r, PASSPHRASE, mine.identity());
        }
        assertThat(dir.resolve("plain.sqlite.gz")).doesNotExist();
        assertThat(dir.resolve("restored.db")).doesNotExist();

        // no key at all on the restore host: the job's variable is named, and the option that passes another one
        Cli.Result none = cli().run("-c", "config.yaml", "restore", "app", "--to", "copy", "--auto-confirm", "--no-progress");
        assertThat(none.exit()).as(none.toString()).isEqualTo(1);
        assertThat(none.err()).contains("jobs.app.encryption.passphrase_env: environment variable BPASS is not set (or pass the "
                + "passphrase with --passphrase-env VAR, the name of an environment variable holding it)");

        // the manifest lost: the age header still tells a passphrase file
        Path manifest = artifact().resolveSibling(artifact().getFileName() + ".manifest.json");
        Files.delete(manifest);
        Cli.Result unrecorded = cli().run("-c", "config.yaml", "verify", "app", "--deep", "--identity", "key.txt");
        assertThat(unrecorded.exit()).as(unrecorded.toString()).isEqualTo(1);
        assertThat(unrecorded.err()).contains("; whom it was encrypted for is not recorded (its header holds a passphrase): "
                + "pass its passphrase with --passphrase-env VAR");
        assertNoSecret(unrecorded, PASSPHRASE, mine.identity());
    }

    @Test
    void aRecipientsBackupOpenedWithAPassphraseOrAStrangersIdentityNamesItsRecipientsAndIdentity() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 20);
        AgeKeys.GeneratedKey ops = AgeKeys.generate();
        AgeKeys.GeneratedKey breakGlass = AgeKeys.generate();
        AgeKeys.GeneratedKey stranger = AgeKeys.generate();
        PrivateFile.write(dir.resolve("stranger.txt"), stranger.identity() + "\n");
        config("recipients: [" + ops.recipient() + ", " + breakGlass.recipient() + "]");
        Cli.Result backup = cli().run("-c", "config.yaml", "backup", "app", "--no-progress");
        assertThat(backup.exit()).as(backup.toString()).isZero();

        Cli.Result passphrase = cli().env("OLD", PASSPHRASE).run("-c", "config.yaml", "restore", "app", "--to", "copy",
                "--auto-confirm", "--passphrase-env", "OLD", "--no-progress");
        assertThat(passphrase.exit()).as(passphrase.toString()).isEqualTo(1);
        assertThat(passphrase.err()).contains("tried the passphrase from env OLD; it was encrypted for " + ops.recipient() + ", "
                + breakGlass.recipient() + ": pass the identity file of one of them (AGE-SECRET-KEY-1... lines) with --identity FILE");
        assertNoSecret(passphrase, PASSPHRASE);

        Cli.Result wrongIdentity = cli().run("-c", "config.yaml", "verify", "app", "--deep", "--identity", "stranger.txt");
        assertThat(wrongIdentity.exit()).as(wrongIdentity.toString()).isEqualTo(1);
        assertThat(wrongIdentity.err()).contains("tried identity " + stranger.recipient() + "; it was encrypted for "
                + ops.recipient() + ", " + breakGlass.recipient() + ": pass the identity file of one of them");
        assertNoSecret(wrongIdentity, stranger.identity());

        Path manifest = artifact().resolveSibling(artifact().getFileName() + ".manifest.json");
        Files.delete(manifest);
        Cli.Result unrecorded = cli().run("-c", "config.yaml", "verify", "app", "--deep", "--identity", "stranger.txt");
        assertThat(unrecorded.exit()).as(unrecorded.toString()).isEqualTo(1);
        assertThat(unrecorded.err()).contains("; whom it was encrypted for is not recorded (its header holds 2 recipients): "
                + "pass the identity file of one of them");
        assertNoSecret(unrecorded, stranger.identity());
    }
}
