package io.dbbackup.cli;

import io.dbbackup.testkit.PrivateFile;
import io.dbbackup.codec.age.AgeEncryptor;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import io.dbbackup.testkit.SteppingClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a user types after {@code --identity} (and {@code keygen -y}) on the day of a restore when it is not an identity
 * file: the secret key itself pasted in place of its file, the public key, a folder, the {@code age -p}-protected key
 * file. Each is one line saying what it is, exit 1, and the secret key is never printed.
 */
class IdentityFileArgumentCliTest {
    @TempDir
    Path dir;
    Cli cli;
    String recipient;

    @BeforeEach
    void setUp() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 20);
        cli = new Cli().workingDir(dir).clock(new SteppingClock(Instant.parse("2026-03-01T02:00:00Z"), Duration.ofMinutes(1)));
        Cli.Result keygen = cli.run("keygen", "-o", "key.txt");
        assertThat(keygen.exit()).as(keygen.toString()).isZero();
        recipient = keygen.out().strip().substring("Public key: ".length());
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  sealed:
                    datasource: app
                    store: local
                    encryption: {recipients: [%s]}
                """.formatted(recipient));
        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "sealed", "--no-progress");
        assertThat(backup.exit()).as(backup.toString()).isZero();
    }

    @Test
    void theSecretKeyGivenInPlaceOfItsFileIsRefusedWithoutPrintingIt() {
        // a key this JVM never read (the redactor would mask one it did, hiding what the CLI alone prints)
        byte[] scalar = new byte[32];
        new java.security.SecureRandom().nextBytes(scalar);
        String identity = com.exceptionfactory.jagged.bech32.Bech32.getEncoder().encode("age-secret-key-", scalar).toString()
                .toUpperCase(java.util.Locale.ROOT);
        for (String[] args : new String[][]{
                {"-c", "config.yaml", "verify", "sealed", "--identity", identity, "--no-progress"},
                {"-c", "config.yaml", "--log-format", "json", "verify", "sealed", "--identity", identity, "--json", "--no-progress"},
                {"keygen", "-y", identity}}) {
            Cli.Result r = cli.run(args);
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.out() + r.err()).as(r.toString()).doesNotContain(identity.substring(16, 40))
                    .contains("is an age secret key (AGE-SECRET-KEY-1..., not shown), not a file");
        }
    }

    @Test
    void thePublicKeyGivenInPlaceOfTheIdentityFileIsNamedAsSuch() {
        Cli.Result r = cli.run("-c", "config.yaml", "verify", "sealed", "--identity", recipient, "--no-progress");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).as(r.toString()).contains(recipient + " is an age public key (a recipient), not an identity file");
    }

    @Test
    void aFolderIsNamedAsSuchNotAsAnExceptionClass() throws Exception {
        Files.createDirectory(dir.resolve("keys"));
        for (String[] args : new String[][]{
                {"-c", "config.yaml", "verify", "sealed", "--identity", "keys", "--no-progress"},
                {"keygen", "-y", "keys"}}) {
            Cli.Result r = cli.run(args);
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).as(r.toString()).contains("keys is a folder, not an identity file").doesNotContain("Exception");
        }
    }

    /** A folder is no secret file: no "chmod 600 FOLDER" (which would lock its owner out of it) before the error. */
    @Test
    void aFolderGivenAsTheIdentityGetsNoChmodAdvice() throws Exception {
        Path keys = Files.createDirectory(dir.resolve("keys"));
        Files.setPosixFilePermissions(keys, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Cli.Result r = cli.run("-c", "config.yaml", "restore", "sealed", "--identity", "keys", "--dry-run", "--no-progress");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).as(r.toString()).contains("keys is a folder, not an identity file")
                .doesNotContain("readable by other users").doesNotContain("chmod");
    }

    /**
     * A readable file that is not an identity (the config, typed after --identity): its error alone, no "chmod 600
     * config.yaml" before it (advice to guard a secret that is not one); a shared identity file is still warned of.
     */
    @Test
    void aFileThatIsNotAnIdentityGetsItsErrorAloneWithoutChmodAdvice() throws Exception {
        Path config = dir.resolve("config.yaml");
        Files.setPosixFilePermissions(config, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        for (String[] args : new String[][]{
                {"-c", "config.yaml", "restore", "sealed", "--identity", "config.yaml", "--dry-run", "--no-progress"},
                {"-c", "config.yaml", "verify", "sealed", "--identity", "config.yaml", "--no-progress"}}) {
            Cli.Result r = cli.run(args);
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).as(r.toString()).contains("line 1 is not an age X25519 identity")
                    .doesNotContain("readable by other users").doesNotContain("chmod");
        }
        Files.setPosixFilePermissions(dir.resolve("key.txt"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Cli.Result shared = cli.run("-c", "config.yaml", "verify", "sealed", "--identity", "key.txt", "--no-progress");
        assertThat(shared.exit()).as(shared.toString()).isZero();
        assertThat(shared.err()).contains("key.txt is readable by other users; fix with: chmod 600 ");
    }

    /** {@code age-keygen > key.txt} in Windows PowerShell 5 writes UTF-16: said as such, not as "not a text file". */
    @Test
    void aKeyFileSavedAsUtf16SaysSoWithTheFix() throws Exception {
        PrivateFile.write(dir.resolve("key-utf16.txt"), Files.readString(dir.resolve("key.txt")).replace("\n", "\r\n")
                .getBytes(StandardCharsets.UTF_16));
        for (String[] args : new String[][]{
                {"-c", "config.yaml", "verify", "sealed", "--identity", "key-utf16.txt", "--no-progress"},
                {"keygen", "-y", "key-utf16.txt"}}) {
            Cli.Result r = cli.run(args);
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).as(r.toString()).contains("key-utf16.txt: is UTF-16 text (as Windows PowerShell's '>' and "
                    + "Notepad's 'Unicode' save it), not UTF-8: save it as UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)");
        }
    }

    @Test
    void keygenYOfAPassphraseProtectedKeyFileSaysSoAsVerifyDoes() throws Exception {
        try (OutputStream out = AgeEncryptor.withPassphrase("a long passphrase for the key file", 10)
                .encrypt(Files.newOutputStream(dir.resolve("key.txt.age")))) {
            out.write(Files.readString(dir.resolve("key.txt")).getBytes(StandardCharsets.UTF_8));
        }
        for (String[] args : new String[][]{
                {"-c", "config.yaml", "verify", "sealed", "--identity", "key.txt.age", "--no-progress"},
                {"keygen", "-y", "key.txt.age"}}) {
            Cli.Result r = cli.run(args);
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).as(r.toString()).contains("key.txt.age: is passphrase-protected")
                    .contains("age -d -o identity.txt").doesNotContain("Exception");
        }
    }
}
