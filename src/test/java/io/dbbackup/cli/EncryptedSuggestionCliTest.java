package io.dbbackup.cli;

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
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The newest backup of an age-encrypted job is empty (0 bytes): restore, download --decrypt and verify name the next
 * older backup with the same command, and that command must carry the keys the user gave ({@code --identity FILE},
 * absolute; {@code --passphrase-env VAR}, the name only) — pasted as printed, it opens the older backup.
 */
class EncryptedSuggestionCliTest {
    private static final String PASSPHRASE = "correct horse battery staple";

    @TempDir
    Path dir;
    Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 20);
        cli = new Cli().workingDir(dir).clock(new SteppingClock(Instant.parse("2026-03-01T02:00:00Z"), Duration.ofMinutes(1)))
                .env("BPASS", PASSPHRASE);
        Cli.Result keygen = cli.run("keygen", "-o", "key.txt");
        assertThat(keygen.exit()).as(keygen.toString()).isZero();
        String recipient = keygen.out().strip().substring("Public key: ".length());
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                  scratch: {engine: sqlite, path: restored.db, database: app}
                stores:
                  local: {type: local, path: store}
                jobs:
                  sealed: {datasource: app, store: local, prefix: keyed, encryption: {recipients: [%s]}}
                  locked: {datasource: app, store: local, prefix: pass, encryption: {passphrase_env: BPASS, scrypt_work_factor: 10}}
                """.formatted(recipient));
        for (String job : new String[]{"sealed", "sealed", "locked", "locked"}) {
            Cli.Result b = cli.run("-c", "config.yaml", "backup", job, "--no-progress");
            assertThat(b.exit()).as(b.toString()).isZero();
        }
        for (String prefix : new String[]{"keyed", "pass"}) {
            try (var files = Files.list(dir.resolve("store/" + prefix + "/app"))) {
                Path newest = files.filter(f -> f.getFileName().toString().endsWith(".age")).sorted().reduce((a, c) -> c)
                        .orElseThrow();
                Files.write(newest, new byte[0]);
            }
        }
    }

    /** The suggested command of a failure's message, as its words after {@code dbbackup}. */
    private static String[] suggested(Cli.Result r) {
        Matcher m = Pattern.compile("the next older backup is \\S+ \\(dbbackup ([^)']*)\\)").matcher(r.err());
        assertThat(m.find()).as(r.toString()).isTrue();
        return m.group(1).split(" ");
    }

    /** The suggested command run as printed (it repeats {@code -c config.yaml} itself). */
    private Cli.Result runSuggested(Cli.Result failed) {
        return cli.run(suggested(failed));
    }

    @Test
    void restoreWithAnIdentityFileSuggestsTheOlderBackupWithTheSameFileAndTarget() {
        Cli.Result r = cli.run("-c", "config.yaml", "restore", "sealed", "--to", "scratch", "--identity", "key.txt",
                "--auto-confirm", "--no-progress");
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        String[] words = suggested(r);
        assertThat(String.join(" ", words)).endsWith(" --to scratch --identity " + dir.resolve("key.txt"));
        // what the hint said before: the config holds only the recipient, so without the file nothing opens the backup
        Cli.Result keyless = cli.run("-c", "config.yaml", "restore", "sealed", words[4], "--to", "scratch", "--no-progress");
        assertThat(keyless.err()).as(keyless.toString()).contains("is encrypted and no key to decrypt it was given");

        Cli.Result pasted = runSuggested(r);
        assertThat(pasted.exit()).as(pasted.toString()).isZero();
        assertThat(dir.resolve("restored.db")).exists();
    }

    @Test
    void downloadDecryptedWithAnIdentityFileSuggestsTheSameFileButNotWhenItKeepsTheBackupEncrypted() throws Exception {
        Files.createDirectories(dir.resolve("out"));
        Cli.Result r = cli.run("-c", "config.yaml", "download", "sealed", "-o", "out/", "--decrypt", "--identity", "key.txt",
                "--no-progress");
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(String.join(" ", suggested(r))).endsWith(" -o out --decrypt --identity " + dir.resolve("key.txt"));
        Cli.Result pasted = runSuggested(r);
        assertThat(pasted.exit()).as(pasted.toString()).isZero();

        Cli.Result raw = cli.run("-c", "config.yaml", "download", "sealed", "-o", "out/", "--identity", "key.txt",
                "--no-progress");
        assertThat(raw.exit()).as(raw.toString()).isEqualTo(3);
        assertThat(String.join(" ", suggested(raw))).as("nothing to decrypt, no key needed").endsWith(" -o out");
    }

    @Test
    void verifyWithAPassphraseVariableSuggestsTheVariablesNameNeverItsValue() {
        cli.env("RESTORE_PASS", PASSPHRASE).env("BPASS", "not the passphrase any more"); // the config's variable is wrong here
        Cli.Result r = cli.run("-c", "config.yaml", "verify", "locked", "--deep", "--passphrase-env", "RESTORE_PASS",
                "--no-progress");
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(Arrays.asList(suggested(r))).endsWith("--deep", "--passphrase-env", "RESTORE_PASS");
        assertThat(r.out() + r.err()).doesNotContain(PASSPHRASE);

        Cli.Result pasted = runSuggested(r);
        assertThat(pasted.exit()).as(pasted.toString()).isZero();
    }
}
