package io.dbbackup.config;

import io.dbbackup.testkit.PrivateFile;
import io.dbbackup.codec.age.AgeKeys;
import io.dbbackup.plugin.PluginRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code encryption:} sections: what loads, and every half-configured case as a positioned config problem. */
class EncryptionConfigTest {
    @TempDir
    Path dir;

    final Map<String, String> env = new HashMap<>();
    final AgeKeys.GeneratedKey a = AgeKeys.generate();
    final AgeKeys.GeneratedKey b = AgeKeys.generate();

    @BeforeEach
    void files() throws Exception {
        Files.writeString(dir.resolve("shop.db"), "");
        Files.writeString(dir.resolve("recipients.txt"), "# ops team\n" + a.recipient() + "\n\n" + b.recipient() + "\n");
        Path key = dir.resolve("key.txt");
        PrivateFile.write(key, "# public key: " + a.recipient() + "\n" + a.identity() + "\n");
        Path pass = dir.resolve("pass.txt");
        Files.writeString(pass, "open sesame\n");
        Files.setPosixFilePermissions(pass, PosixFilePermissions.fromString("rw-------"));
    }

    private Config load(String datasourceExtra, String jobExtra) throws Exception {
        return new ConfigLoader(PluginRegistry.load(), env).load(write(datasourceExtra, jobExtra), "config.yaml");
    }

    /** As every command but {@code config validate} loads it: a secret that cannot be read here fails only its work. */
    private Config loadDeferring(String jobExtra) throws Exception {
        return new ConfigLoader(PluginRegistry.load(), env).deferringSecrets().load(write("", jobExtra), "config.yaml");
    }

    private Path write(String datasourceExtra, String jobExtra) throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, "datasources:\n  shop:\n    engine: sqlite\n    path: shop.db\n" + datasourceExtra.indent(4)
                + "stores:\n  local:\n    type: local\n    path: out\n"
                + "jobs:\n  shop:\n    datasource: shop\n    store: local\n" + jobExtra.indent(4));
        return file;
    }

    private List<String> problems(String datasourceExtra, String jobExtra) {
        assertThatThrownBy(() -> load(datasourceExtra, jobExtra)).isInstanceOf(ConfigException.class);
        try {
            load(datasourceExtra, jobExtra);
            throw new AssertionError();
        } catch (ConfigException e) {
            return e.problems().stream().map(Problem::format).toList();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void recipientsInlineAndFromAFileAreCombined() throws Exception {
        Config c = load("", "encryption:\n  recipients: [" + a.recipient() + "]\n  recipients_file: recipients.txt\n  identity_file: key.txt\n");
        EncryptionConfig e = c.jobs().get("shop").encryption();
        assertThat(e.recipients()).containsExactly(a.recipient(), a.recipient(), b.recipient());
        assertThat(e.passphraseMode()).isFalse();
        assertThat(e.identity().reveal()).contains(a.identity());
        assertThat(e.origin()).isEqualTo("jobs.shop.encryption");
        assertThat(e.toString()).doesNotContain(a.identity()).contains("3 recipients");
        assertThat(c.warnings()).isEmpty();
    }

    /**
     * A short or one-word passphrase is guessed offline, and since secrets are masked wherever they appear, a common
     * word ("backup") garbled every line holding it: a warning at its config line, never showing it. Masking stays.
     * (Words no other test prints: the redactor is the JVM's, shared by the test classes of a fork.)
     */
    @Test
    void aWeakPassphraseIsAWarningThatDoesNotShowIt() throws Exception {
        for (String weak : List.of("zebrafish", "Quokkas2024", "x7!qz")) {
            env.put("BACKUP_PASSPHRASE", weak);
            Config c = load("", "encryption:\n  passphrase_env: BACKUP_PASSPHRASE\n  scrypt_work_factor: 12\n");
            assertThat(c.warnings()).as(weak).singleElement().extracting(Problem::format).asString()
                    .startsWith("config.yaml:14:7: warning: jobs.shop.encryption.passphrase_env: the passphrase is weak (")
                    .contains("shows as ***").contains("openssl rand").doesNotContain(weak);
        }
        env.put("BACKUP_PASSPHRASE", "Marmalades2"); // long enough, but one word: the word rule alone
        assertThat(load("", "encryption:\n  passphrase_env: BACKUP_PASSPHRASE\n  scrypt_work_factor: 12\n").warnings())
                .singleElement().extracting(Problem::format).asString().contains("weak (a single word)");
        for (String strong : List.of("grapefruit-tectonic-lantern-91", "QwhTzkLpRvXmNbYcJdGs")) { // the second: 20 random letters
            env.put("BACKUP_PASSPHRASE", strong);
            assertThat(load("", "encryption:\n  passphrase_env: BACKUP_PASSPHRASE\n  scrypt_work_factor: 12\n").warnings())
                    .as(strong).isEmpty();
        }
        assertThat(io.dbbackup.core.Redactor.redact("a zebrafish b")).isEqualTo("a *** b"); // still masked
    }

    /**
     * A passphrase file saved by a Windows editor as "UTF-8 with BOM" holds an invisible U+FEFF before the passphrase, and
     * it became part of the passphrase: the backups opened in dbbackup with that file, never with the passphrase typed
     * into {@code age -d} (nor with the file saved again without the mark). Said at the key's line, without the secret.
     */
    @Test
    void aPassphraseFileWithAByteOrderMarkIsWarnedAbout() throws Exception {
        Files.writeString(dir.resolve("pass.txt"), "\uFEFFgrapefruit-tectonic-lantern-91\r\n");
        Files.setPosixFilePermissions(dir.resolve("pass.txt"), PosixFilePermissions.fromString("rw-------"));
        Config c = load("", "encryption:\n  passphrase_file: pass.txt\n  scrypt_work_factor: 12\n");
        assertThat(c.warnings()).singleElement().extracting(Problem::format).asString()
                .startsWith("config.yaml:14:7: warning: jobs.shop.encryption.passphrase_file: begins with a byte order mark")
                .contains("age -d").doesNotContain("grapefruit");
        Files.writeString(dir.resolve("pass.txt"), "grapefruit-tectonic-lantern-91\n");
        assertThat(load("", "encryption:\n  passphrase_file: pass.txt\n  scrypt_work_factor: 12\n").warnings()).isEmpty();
    }

    /**
     * Database passwords from the environment lose a trailing line break (a Kubernetes --from-file secret's); an age
     * passphrase does not: the backups already made with it were encrypted with the line break.
     */
    @Test
    void aPassphraseFromTheEnvironmentKeepsItsLineBreak() throws Exception {
        env.put("BACKUP_PASSPHRASE", "correct horse battery staple 42\n");
        EncryptionConfig e = load("", "encryption:\n  passphrase_env: BACKUP_PASSPHRASE\n").jobs().get("shop").encryption();
        assertThat(e.passphrase().reveal()).isEqualTo("correct horse battery staple 42\n");
    }

    @Test
    void passphraseFromEnvWithWorkFactor() throws Exception {
        env.put("BACKUP_PASSPHRASE", "correct horse");
        EncryptionConfig e = load("", "encryption:\n  passphrase_env: BACKUP_PASSPHRASE\n  scrypt_work_factor: 12\n")
                .jobs().get("shop").encryption();
        assertThat(e.passphraseMode()).isTrue();
        assertThat(e.passphrase().reveal()).isEqualTo("correct horse");
        assertThat(e.scryptWorkFactor()).isEqualTo(12);
        EncryptionConfig d = load("", "encryption:\n  passphrase_file: pass.txt\n").jobs().get("shop").encryption();
        assertThat(d.passphrase().reveal()).isEqualTo("open sesame");
        assertThat(d.scryptWorkFactor()).isEqualTo(18);
    }

    @Test
    void datasourceEncryptionIsInheritedAndTheJobsWins() throws Exception {
        env.put("BACKUP_PASSPHRASE", "correct horse");
        Config inherited = load("encryption:\n  recipients: " + a.recipient() + "\n", "");
        assertThat(inherited.jobs().get("shop").encryption().recipients()).containsExactly(a.recipient());
        assertThat(inherited.datasources().get("shop").encryption()).isNotNull();
        Config own = load("encryption:\n  recipients: " + a.recipient() + "\n", "encryption:\n  passphrase_env: BACKUP_PASSPHRASE\n");
        assertThat(own.jobs().get("shop").encryption().passphraseMode()).isTrue();
        assertThat(load("", "").jobs().get("shop").encryption()).isNull();
    }

    @Test
    void recipientThatDoesNotParseIsPointedAt() {
        assertThat(problems("", "encryption:\n  recipients:\n    - " + a.recipient() + "\n    - age1typo\n"))
                .containsExactly("config.yaml:16:11: error: jobs.shop.encryption.recipients[1]: 'age1typo' is not an age X25519 recipient (age1..., 62 characters)");
    }

    /** A YAML string of several keys (comma- or space-separated) was said not to start with age1, though it does. */
    @Test
    void severalRecipientsInOneStringAreNamedAsSuch() throws Exception {
        for (String sep : new String[]{",", ", ", " "}) {
            assertThat(problems("", "encryption:\n  recipients: \"" + a.recipient() + sep + b.recipient() + "\"\n"))
                    .containsExactly("config.yaml:14:19: error: jobs.shop.encryption.recipients: holds 2 recipients in one value:"
                            + " give each its own list item (recipients: [age1..., age1...]) or its own line in recipients_file");
        }
        Files.writeString(dir.resolve("recipients.txt"), "# ops\n" + a.recipient() + ", " + b.recipient() + "\n");
        assertThat(problems("", "encryption:\n  recipients_file: recipients.txt\n")).singleElement().asString()
                .endsWith("recipients.txt line 2: holds 2 recipients in one value: give each its own list item"
                        + " (recipients: [age1..., age1...]) or its own line in recipients_file");
        String tooLong = a.recipient() + "x".repeat(60);
        assertThat(problems("", "encryption:\n  recipients: [" + tooLong + "]\n")).singleElement().asString()
                .endsWith("recipients[0]: a value of 122 characters starting with age1 (not shown) is not an age X25519 recipient"
                        + " (age1..., 62 characters)");
    }

    /**
     * An identity of none of the recipients (keys rotated on one side only): the warning said "verify checks only their
     * stored bytes", but {@code dbbackup verify} with that identity fails (exit 1, not encrypted to any key given); only
     * the read-back after a backup ({@code verify: true}) falls back to the stored bytes.
     */
    @Test
    void anIdentityOfNoneOfTheRecipientsWarnsOfWhatVerifyAndRestoreThenDo() throws Exception {
        PrivateFile.write(dir.resolve("old.txt"), a.identity() + "\n");
        Config c = load("", "encryption:\n  recipients: [" + b.recipient() + "]\n  identity_file: old.txt\n");
        assertThat(c.warnings()).singleElement().extracting(Problem::format).asString()
                .startsWith("config.yaml:15:7: warning: jobs.shop.encryption.identity_file: is the secret key of none of the recipients")
                .contains("the read-back after a backup (verify: true) checks only their stored bytes")
                .contains("verify and restore of them fail (exit 1) unless given the secret key of one of the recipients (--identity FILE)")
                .doesNotContain("so verify checks only");
    }

    @Test
    void secretKeyGivenAsRecipientIsRefusedWithoutEchoingIt() {
        List<String> p = problems("", "encryption:\n  recipients: [" + a.identity() + "]\n");
        assertThat(p).hasSize(1);
        assertThat(p.get(0)).startsWith("config.yaml:14:20: error: jobs.shop.encryption.recipients[0]: this is a secret key")
                .doesNotContain(a.identity());
    }

    /**
     * The secret key pasted where its file's (or a command's) name belongs: {@code AGE-SECRET-KEY-1…} is made of the
     * letters, digits and dashes of a plausible file name, so "cannot read /etc/dbbackup/AGE-SECRET-KEY-1… (no such
     * file)" printed it — in {@code config validate}, and (the config deferring it) in the job's error, its notification
     * and the backup summary.
     */
    @Test
    void aSecretKeyWrittenAsAFileOrProgramNameIsNotEchoed() throws Exception {
        // not AgeKeys.generate(): that registers the key with the redactor, which would hide what the message holds
        String key = new com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator().generateKeyPair().getPrivate().toString();
        List<String> shown = new java.util.ArrayList<>();
        shown.addAll(problems("", "encryption:\n  recipients: [" + b.recipient() + "]\n  identity_file: " + key + "\n"));
        shown.addAll(problems("", "encryption:\n  recipients: [" + b.recipient() + "]\n  identity_command: " + key + "\n"));
        shown.addAll(problems("", "encryption:\n  recipients_file: " + key + "\n"));
        shown.addAll(problems("", "encryption:\n  recipients: [" + b.recipient() + "]\n  identity_file: "
                + key.toLowerCase(java.util.Locale.ROOT) + "\n"));
        assertThat(shown).hasSize(4).allSatisfy(p -> assertThat(p.toUpperCase(java.util.Locale.ROOT)).doesNotContain(key)
                .contains("IS IT THE SECRET ITSELF?"));
        assertThat(shown.get(0)).isEqualTo("config.yaml:15:22: error: jobs.shop.encryption.identity_file: cannot read the file "
                + "named in identity_file (its name is not shown: is it the secret itself?) (no such file)");
        Config deferred = loadDeferring("encryption:\n  recipients: [" + b.recipient() + "]\n  identity_file: " + key + "\n");
        EncryptionConfig e = deferred.jobs().get("shop").encryption();
        assertThat(e.identity().problem()).doesNotContain(key).contains("is it the secret itself?");
        assertThat(e.toString() + e.identity()).doesNotContain(key);
    }

    /** The all-zero key is well-formed bech32 but a low-order point: it validated, then every backup failed (exit 2). */
    @Test
    void aLowOrderRecipientIsRefusedAtLoadNotByEveryBackup() {
        String zero = "age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq5cu47z";
        List<String> p = problems("", "encryption:\n  recipients: [" + zero + "]\n");
        assertThat(p).singleElement().asString()
                .startsWith("config.yaml:14:20: error: jobs.shop.encryption.recipients[0]: '" + zero + "' is not a usable age X25519 recipient")
                .endsWith("no secret key can decrypt what is encrypted to it");
    }

    @Test
    void noRecipientsAndNoPassphrase() {
        assertThat(problems("", "encryption:\n  recipients: []\n"))
                .containsExactly("config.yaml:14:7: error: jobs.shop.encryption.recipients: the recipient list is empty: backups would be encrypted to nobody");
        assertThat(problems("", "encryption:\n  identity_file: key.txt\n")).singleElement().asString()
                .startsWith("config.yaml:14:7: error: jobs.shop.encryption: names no key to encrypt with")
                .contains("an identity only decrypts");
        assertThat(problems("", "encryption: {}\n")).singleElement().asString().contains("names no key to encrypt with");
        // not a mapping: one line, not also "names no key to encrypt with" at the same place
        assertThat(problems("", "encryption: age\n")).containsExactly(
                "config.yaml:13:17: error: jobs.shop.encryption: expected a mapping of keys, got a single value (not shown: it may be a secret)");
        assertThat(problems("encryption: [age1x]\n", "")).singleElement().asString()
                .endsWith("datasources.shop.encryption: expected a mapping of keys, got a list");
    }

    @Test
    void passphraseAndRecipientsTogether() {
        env.put("BACKUP_PASSPHRASE", "x-x-x-x");
        assertThat(problems("", "encryption:\n  recipients: [" + a.recipient() + "]\n  passphrase_env: BACKUP_PASSPHRASE\n"))
                .containsExactly("config.yaml:15:7: error: jobs.shop.encryption.passphrase_env: give recipients or a passphrase, not both"
                        + " (age does not mix a passphrase with other recipients)");
    }

    @Test
    void unreadableAndBrokenFiles() throws Exception {
        assertThat(problems("", "encryption:\n  recipients_file: missing.txt\n")).singleElement().asString()
                .matches("config.yaml:14:24: error: jobs.shop.encryption.recipients_file: cannot read .*missing.txt \\(no such file\\); "
                        + ".* holds config.yaml, .*");
        Files.createDirectories(dir.resolve("recipients.d"));
        assertThat(problems("", "encryption:\n  recipients_file: recipients.d\n")).singleElement().asString()
                .matches("config.yaml:14:24: error: jobs.shop.encryption.recipients_file: .*recipients.d is a folder, not a file "
                        + "\\(a Secret volume mounted at this path\\?\\): it is empty");
        Files.writeString(dir.resolve("bad-recipients.txt"), "# team\n" + a.recipient() + "\nage1zzz\n");
        assertThat(problems("", "encryption:\n  recipients_file: bad-recipients.txt\n")).singleElement().asString()
                .matches("config.yaml:14:24: error: jobs.shop.encryption.recipients_file: .*bad-recipients.txt line 3: 'age1zzz' is not an age X25519 recipient.*");
        Files.writeString(dir.resolve("empty-recipients.txt"), "# nobody yet\n");
        assertThat(problems("", "encryption:\n  recipients_file: empty-recipients.txt\n")).singleElement().asString()
                .contains("holds no recipients");
        assertThat(problems("", "encryption:\n  passphrase_file: nope.txt\n")).singleElement().asString()
                .contains("passphrase_file: cannot read");
        assertThat(problems("", "encryption:\n  recipients: [" + a.recipient() + "]\n  identity_file: nope.txt\n")).singleElement().asString()
                .contains("identity_file: cannot read");
        Path badKey = dir.resolve("bad-key.txt");
        PrivateFile.write(badKey, "# mine\n" + a.identity().substring(0, 40) + "\n");
        assertThat(problems("", "encryption:\n  recipients: [" + a.recipient() + "]\n  identity_file: bad-key.txt\n")).singleElement().asString()
                .matches("config.yaml:15:22: error: jobs.shop.encryption.identity_file: file .*bad-key.txt line 2 is not an age X25519 identity .*")
                .doesNotContain(a.identity().substring(0, 40));
    }

    /**
     * {@code age-keygen -y key.txt > recipients.txt} in Windows PowerShell 5 writes UTF-16: said as such with the fix, as for
     * an identity or secret file, not as {@code cannot read … (MalformedInputException: Input length = 1)}.
     */
    @Test
    void aRecipientsFileSavedAsUtf16SaysSo() throws Exception {
        Files.write(dir.resolve("recipients-utf16.txt"), (a.recipient() + "\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_16));
        assertThat(problems("", "encryption:\n  recipients_file: recipients-utf16.txt\n")).singleElement().asString()
                .matches("config.yaml:14:24: error: jobs.shop.encryption.recipients_file: .*recipients-utf16.txt is UTF-16 text "
                        + "\\(as Windows PowerShell's '>' and Notepad's 'Unicode' save it\\), not UTF-8: save it as UTF-8 "
                        + "\\(e.g. iconv -f UTF-16 -t UTF-8\\)");
        Files.write(dir.resolve("recipients.bin"), new byte[] {(byte) 0xC3, 0x28, 0x0A});
        assertThat(problems("", "encryption:\n  recipients_file: recipients.bin\n")).singleElement().asString()
                .endsWith("recipients.bin is not a text file (not UTF-8): a recipients file holds age1... lines");
    }

    /**
     * {@code age1… # alice} in a recipients file: age -R takes only whole-line comments. The line (hidden: it holds a space)
     * was only "a value of 70 characters starting with age1 (not shown) is not an age X25519 recipient", with nothing
     * pointing at the comment.
     */
    @Test
    void aCommentAfterARecipientIsNamedAsTheProblem() throws Exception {
        Files.writeString(dir.resolve("commented.txt"), "# ops\n" + a.recipient() + "\n" + b.recipient() + "   # alice\n");
        assertThat(problems("", "encryption:\n  recipients_file: commented.txt\n")).singleElement().asString()
                .contains("commented.txt line 3: a value of ").doesNotContain("alice")
                .endsWith("is not an age X25519 recipient (age1..., 62 characters): a # comment must be on a line of its own "
                        + "(as age -R reads recipients files)");
        assertThat(problems("", "encryption:\n  recipients: [\"" + b.recipient() + " #alice\"]\n")).singleElement().asString()
                .endsWith("a # comment must be on a line of its own (as age -R reads recipients files)");
    }

    @Test
    void passphraseInTheConfigItselfIsRefused() {
        assertThat(problems("", "encryption:\n  passphrase: hunter22\n")).singleElement().asString()
                .contains("secrets are not read from the config file");
    }

    @Test
    void workFactorOnlyForPassphrasesAndInRange() {
        env.put("BACKUP_PASSPHRASE", "x-x-x-x");
        assertThat(problems("", "encryption:\n  recipients: [" + a.recipient() + "]\n  scrypt_work_factor: 15\n")).singleElement().asString()
                .contains("scrypt_work_factor: applies to passphrase encryption only");
        assertThat(problems("", "encryption:\n  passphrase_env: BACKUP_PASSPHRASE\n  scrypt_work_factor: 30\n")).singleElement().asString()
                .contains("must be between 10 and 22 (got 30)");
    }

    @Test
    void unknownKeysAndWarningsOnSharedKeyFiles() throws Exception {
        assertThat(problems("", "encryption:\n  recipient: [" + a.recipient() + "]\n"))
                .anySatisfy(p -> assertThat(p).contains("encryption.recipient: unknown key; did you mean 'recipients'?"));
        Files.setPosixFilePermissions(dir.resolve("key.txt"), PosixFilePermissions.fromString("rw-r--r--"));
        Config c = load("", "encryption:\n  recipients: [" + a.recipient() + "]\n  identity_file: key.txt\n");
        assertThat(c.warnings()).singleElement().extracting(Problem::format).asString().contains("chmod 600");
    }

    @Test
    void brokenDatasourceEncryptionIsReportedOnce() {
        assertThat(problems("encryption:\n  recipients: [age1nope]\n", "")).singleElement().asString()
                .contains("datasources.shop.encryption.recipients[0]: 'age1nope' is not an age X25519 recipient");
    }
}
