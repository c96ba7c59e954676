package io.dbbackup.cli;

import io.dbbackup.testkit.PrivateFile;
import io.dbbackup.codec.age.AgeDecryptor;
import io.dbbackup.codec.age.AgeKeys;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.Shell;
import io.dbbackup.testkit.SqliteFixture;
import io.dbbackup.testkit.SteppingClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 7 against the real {@code age} CLI: our encrypted backups open with {@code age -d}, files
 * from {@code age -r} / {@code age -p} open in dbbackup, tampering exits 3 without touching the
 * target, and no key ever shows up in output or on a process command line.
 */
class AgeInteropIT {
    private static final String PASSPHRASE = "grapefruit-tectonic-lantern-91";

    @TempDir
    Path dir;
    Path db;
    Path store;
    Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        db = SqliteFixture.create(dir.resolve("app.db"), 3000); // more than one 64 KiB age chunk
        store = dir.resolve("store");
        cli = new Cli().workingDir(dir).clock(new SteppingClock(Instant.parse("2026-03-01T02:00:00Z"), Duration.ofMinutes(1)))
                .env("BACKUP_PASSPHRASE", PASSPHRASE);
    }

    private void config(String encryption, String extraJob) throws IOException {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app:
                    engine: sqlite
                    path: app.db
                    compression: zstd
                  restored:
                    engine: sqlite
                    path: restored/app-copy.db
                stores:
                  local:
                    type: local
                    path: store
                jobs:
                  app:
                    datasource: app
                    store: local
                    prefix: prod
                    encryption:
                %s
                %s
                """.formatted(encryption.indent(6), extraJob.indent(4)));
    }

    /** {@code dbbackup keygen -o FILE}; returns the recipient it printed. */
    private String keygen(String file) throws IOException {
        Cli.Result r = cli.run("keygen", "-o", file);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).matches("Public key: age1[a-z0-9]{58}\n");
        assertThat(Files.getPosixFilePermissions(dir.resolve(file))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        return r.out().strip().substring("Public key: ".length());
    }

    private List<Path> artifacts() throws IOException {
        if (!Files.exists(store)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(store)) {
            return s.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".age")).sorted().toList();
        }
    }

    private Path onlyArtifact() throws IOException {
        assertThat(artifacts()).hasSize(1);
        return artifacts().get(0);
    }

    /** Runs a command with extra environment (secrets go there, never into argv); returns exit code and output. */
    private static Shell.Result run(Path cwd, Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Shell.Result(p.exitValue(), out);
    }

    /** age reads passphrases only from a terminal: give it one with script(1), typing from $PASS. */
    private static Shell.Result agePassphrase(Path cwd, String ageArgs, int times) throws Exception {
        return agePassphrase(cwd, ageArgs, times, PASSPHRASE);
    }

    private static Shell.Result agePassphrase(Path cwd, String ageArgs, int times, String passphrase) throws Exception {
        String typing = "printf '%s\\n' \"$PASS\"" + (times == 2 ? "; sleep 0.5; printf '%s\\n' \"$PASS\"" : "");
        return run(cwd, Map.of("PASS", passphrase), "bash", "-c",
                "(sleep 0.5; " + typing + "; sleep 2) | script -qec 'age " + ageArgs + "' /dev/null");
    }

    private Path sidecar(Path artifact) {
        return artifact.resolveSibling(artifact.getFileName() + ".sha256");
    }

    private void rewriteSidecar(Path artifact) {
        Shell.sh(artifact.getParent(), "sha256sum " + artifact.getFileName() + " > " + artifact.getFileName() + ".sha256");
    }

    @Test
    void encryptedBackupOpensWithAgeAndZstd() throws Exception {
        String recipient = keygen("key.txt");
        String other = keygen("other.txt");
        assertThat(Shell.ok(dir, "age-keygen", "-y", "key.txt").strip()).isEqualTo(recipient);
        assertThat(cli.run("keygen", "-y", "key.txt").out().strip()).isEqualTo(recipient);
        assertThat(cli.run("keygen", "-o", "key.txt").exit()).isEqualTo(1); // never overwrites a key
        config("recipients:\n  - " + recipient + "\n  - " + other, "verify: true");

        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "app");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        assertThat(backup.err()).contains("stored bytes only");
        Path artifact = onlyArtifact();
        assertThat(store.relativize(artifact).toString()).matches("prod/app/app-20260301-02\\d{4}\\.sqlite\\.zst\\.age");
        String manifest = Files.readString(artifact.resolveSibling(artifact.getFileName() + ".manifest.json"));
        assertThat(manifest).contains("\"encryption\": \"age (2 recipients)\"") // public keys: a wrong key's error names them
                .containsPattern("\"recipients\": \\[\\s*\"" + recipient + "\",\\s*\"" + other + "\"\\s*]");
        assertThat(Shell.sh(artifact.getParent(), "sha256sum -c " + sidecar(artifact).getFileName())).contains(": OK");
        Cli.Result show = cli.run("-c", "config.yaml", "show", "app");
        assertThat(show.out()).as(show.toString()).contains("age (2 recipients) for " + recipient + ", " + other);

        for (String key : List.of("key.txt", "other.txt")) {
            Path plain = dir.resolve("plain-" + key + ".db");
            Shell.sh(dir, "age -d -i " + key + " " + artifact + " | zstd -dq > " + plain);
            assertThat(Shell.ok(dir, "sqlite3", plain.toString(), "PRAGMA integrity_check").strip()).isEqualTo("ok");
            assertThat(SqliteFixture.fingerprint(plain)).isEqualTo(SqliteFixture.fingerprint(db));
        }

        // no key here (the point of recipients): verify checks the stored bytes, and says what it could not check;
        // --deep must decrypt, and names the ways to give a key
        Cli.Result noKey = cli.run("-c", "config.yaml", "verify", "app");
        assertThat(noKey.exit()).as(noKey.toString()).isZero();
        assertThat(noKey.out()).contains("(stored bytes only: no key here to decrypt)");
        assertThat(noKey.err()).contains("its stored bytes match its checksum, but that it decrypts and decompresses was not checked");
        Cli.Result noKeyDeep = cli.run("-c", "config.yaml", "verify", "app", "--deep");
        assertThat(noKeyDeep.exit()).as(noKeyDeep.toString()).isEqualTo(1);
        assertThat(noKeyDeep.err()).contains("is encrypted and no key to decrypt it was given").contains("--identity");
        byte[] sound = Files.readAllBytes(artifact);
        byte[] rotten = sound.clone();
        rotten[rotten.length / 2] ^= 0x01;
        Files.write(artifact, rotten);
        Cli.Result noKeyRotten = cli.run("-c", "config.yaml", "verify", "app");
        assertThat(noKeyRotten.exit()).as(noKeyRotten.toString()).isEqualTo(3);
        assertThat(noKeyRotten.out() + noKeyRotten.err()).contains("checksum mismatch");
        Files.write(artifact, sound);
        Cli.Result verify = cli.run("-c", "config.yaml", "verify", "app", "--identity", "other.txt");
        assertThat(verify.exit()).as(verify.toString()).isZero();
        Cli.Result restore = cli.run("-c", "config.yaml", "restore", "app", "--to", "restored", "--identity", "key.txt");
        assertThat(restore.exit()).as(restore.toString()).isZero();
        assertThat(SqliteFixture.fingerprint(dir.resolve("restored/app-copy.db"))).isEqualTo(SqliteFixture.fingerprint(db));

        String stranger = AgeKeys.generate().identity();
        Files.writeString(dir.resolve("stranger.txt"), stranger + "\n");
        // a key that is not one of the recipients is a key problem (exit 1), not damage (3): the error names the backup,
        // the key tried by its public key and whom the backup is for
        String strangerPublic = AgeKeys.recipientOf(stranger);
        String wrongKey = artifact.getFileName() + " is not encrypted to any key given: tried identity " + strangerPublic
                + "; it was encrypted for " + recipient + ", " + other + ": pass the identity file of one of them (AGE-SECRET-KEY-1..."
                + " lines) with --identity FILE (repeatable)";
        Cli.Result wrong = cli.run("-c", "config.yaml", "verify", "app", "--identity", "stranger.txt");
        assertThat(wrong.exit()).as(wrong.toString()).isEqualTo(1);
        assertThat(wrong.out() + wrong.err()).contains(wrongKey).doesNotContain(stranger);
        assertOneErrorLine(wrong);
        // the real age agrees that the key is not one of its recipients (age: "no identity matched any of the recipients")
        Shell.Result ageWrong = run(dir, Map.of(), "bash", "-c", "age -d -i stranger.txt -o /dev/null " + artifact);
        assertThat(ageWrong.exit()).as(ageWrong.output()).isEqualTo(1);
        assertThat(ageWrong.output()).contains("no identity matched any of the recipients");
        Cli.Result wrongDownload = cli.run("-c", "config.yaml", "download", "app", "--decrypt", "-o", "plain.db.zst",
                "--identity", "stranger.txt");
        assertThat(wrongDownload.exit()).as(wrongDownload.toString()).isEqualTo(1);
        assertThat(wrongDownload.err()).contains(wrongKey).doesNotContain(stranger);
        assertOneErrorLine(wrongDownload);
        assertThat(dir.resolve("plain.db.zst")).doesNotExist();

        // an older backup made with the same keys would not open either: no pointer to it
        assertThat(cli.run("-c", "config.yaml", "backup", "app").exit()).isZero();
        Cli.Result wrongRestore = cli.run("-c", "config.yaml", "restore", "app", "--to", "restored", "--identity", "stranger.txt",
                "--auto-confirm");
        assertThat(wrongRestore.exit()).as(wrongRestore.toString()).isEqualTo(1);
        assertThat(wrongRestore.err()).contains("is not encrypted to any key given: tried identity " + strangerPublic)
                .doesNotContain("next older backup").doesNotContain(stranger);

        // a backup made before the manifest recorded recipients: said, not guessed
        Path newest = artifacts().get(artifacts().size() - 1);
        Path newestManifest = newest.resolveSibling(newest.getFileName() + ".manifest.json");
        Files.writeString(newestManifest, Files.readString(newestManifest).replaceAll("(?s)\"recipients\": \\[[^]]*],", ""));
        Cli.Result unrecorded = cli.run("-c", "config.yaml", "verify", "app", newest.getFileName().toString(), "--identity", "stranger.txt");
        assertThat(unrecorded.exit()).as(unrecorded.toString()).isEqualTo(1);
        assertThat(unrecorded.out() + unrecorded.err()).contains("tried identity " + strangerPublic + "; whom it was encrypted for is not recorded");

    }

    @Test
    void passphraseBackupOpensWithAgeP() throws Exception {
        config("passphrase_env: BACKUP_PASSPHRASE\nscrypt_work_factor: 12", "verify: true");
        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "app");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        assertThat(backup.err()).contains("backup verified").doesNotContain("stored bytes only");
        Path artifact = onlyArtifact();
        assertThat(Files.readString(artifact.resolveSibling(artifact.getFileName() + ".manifest.json")))
                .contains("\"encryption\": \"age (passphrase)\"").doesNotContain(PASSPHRASE);

        Shell.Result age = agePassphrase(dir, "-d -o plain.db.zst " + artifact, 1);
        assertThat(age.exit()).as(age.output()).isZero();
        Shell.ok(dir, "zstd", "-dq", "plain.db.zst", "-o", "plain.db");
        assertThat(SqliteFixture.fingerprint(dir.resolve("plain.db"))).isEqualTo(SqliteFixture.fingerprint(db));

        // a wrong --passphrase-env is followed by the job's own passphrase, as DecryptionKeys promises
        Cli.Result followed = cli.env("WRONG", "not-the-passphrase").run("-c", "config.yaml", "verify", "app", "--passphrase-env", "WRONG");
        assertThat(followed.exit()).as(followed.toString()).isZero();
        // neither opens it: a key problem (exit 1) naming where each passphrase came from, never the passphrase
        Cli.Result wrong = cli.env("BACKUP_PASSPHRASE", "also-not-the-passphrase").run("-c", "config.yaml", "verify", "app",
                "--passphrase-env", "WRONG");
        assertThat(wrong.exit()).as(wrong.toString()).isEqualTo(1);
        assertThat(wrong.out() + wrong.err()).contains(artifact.getFileName() + " is not encrypted to any key given: tried the "
                        + "passphrase from env WRONG, the passphrase from env BACKUP_PASSPHRASE; it was encrypted for a passphrase: "
                        + "pass the right passphrase with --passphrase-env VAR")
                .doesNotContain("not-the-passphrase");
        assertOneErrorLine(wrong);
        // the real age, given a wrong passphrase for the same file, refuses it as a passphrase file (exit 1)
        Shell.Result ageWrong = agePassphrase(dir, "-d -o wrong.db.zst " + artifact, 1, "not-the-passphrase");
        assertThat(ageWrong.exit()).as(ageWrong.output()).isEqualTo(1);
        assertThat(ageWrong.output()).contains("incorrect passphrase");
        // an identity where the passphrase is needed: dbbackup names --passphrase-env, as age says it is passphrase-encrypted
        PrivateFile.write(dir.resolve("some.txt"), AgeKeys.generate().identity() + "\n");
        Cli.Result identityOnly = cli.env("BACKUP_PASSPHRASE", null).run("-c", "config.yaml", "restore", "app", "--to",
                "restored", "--auto-confirm", "--identity", "some.txt"); // a restore host without the job's variable
        assertThat(identityOnly.exit()).as(identityOnly.toString()).isEqualTo(1);
        assertThat(identityOnly.err()).contains("; it was encrypted for a passphrase: pass its passphrase with --passphrase-env VAR");
        assertOneErrorLine(identityOnly);
        assertThat(dir.resolve("restored/app-copy.db")).doesNotExist();
        Shell.Result ageIdentity = run(dir, Map.of(), "bash", "-c", "age -d -i some.txt -o /dev/null " + artifact);
        assertThat(ageIdentity.exit()).as(ageIdentity.output()).isEqualTo(1);
        assertThat(ageIdentity.output()).contains("passphrase");
    }

    /** A wrong key's failure is one {@code error:} line on stderr, never a stack trace. */
    private static void assertOneErrorLine(Cli.Result r) {
        assertThat(r.err().lines().filter(l -> l.startsWith("error:")).count()).as(r.toString()).isEqualTo(1);
        assertThat(r.out() + r.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    /** Makes the artifact a job would have written, from a plain sqlite snapshot, with zstd and the given age command. */
    private Path foreignArtifact(String ageArgs, boolean passphrase) throws Exception {
        Shell.ok(dir, "sqlite3", db.toString(), ".backup snap.db");
        Shell.ok(dir, "zstd", "-q", "-f", "snap.db", "-o", "snap.db.zst");
        Path folder = Files.createDirectories(store.resolve("prod/app"));
        Path artifact = folder.resolve("app-20260101-000000.sqlite.zst.age");
        Files.deleteIfExists(artifact);
        if (passphrase) {
            Shell.Result r = agePassphrase(dir, "-p -o " + artifact + " snap.db.zst", 2);
            assertThat(r.exit()).as(r.output()).isZero();
        } else {
            Shell.ok(dir, "bash", "-c", "age " + ageArgs + " -o " + artifact + " snap.db.zst");
        }
        rewriteSidecar(artifact);
        return artifact;
    }

    @Test
    void filesFromAgeRAndAgePOpenInDbbackup() throws Exception {
        String recipient = keygen("key.txt");
        config("recipients: [" + recipient + "]", "");
        byte[] snapshot;

        Path fromR = foreignArtifact("-r " + recipient, false);
        snapshot = Files.readAllBytes(dir.resolve("snap.db.zst"));
        String identity = Files.readString(dir.resolve("key.txt")).lines().filter(l -> l.startsWith("AGE-SECRET-KEY-1")).findFirst().orElseThrow();
        try (InputStream in = AgeDecryptor.of(List.of(identity), null).decrypt(Files.newInputStream(fromR))) {
            assertThat(in.readAllBytes()).isEqualTo(snapshot);
        }
        Cli.Result restore = cli.run("-c", "config.yaml", "restore", "app", "--to", "restored", "--identity", "key.txt");
        assertThat(restore.exit()).as(restore.toString()).isZero();
        assertThat(SqliteFixture.fingerprint(dir.resolve("restored/app-copy.db"))).isEqualTo(SqliteFixture.fingerprint(db));

        // age -p uses its default work factor (18) and a random salt
        Path fromP = foreignArtifact(null, true);
        snapshot = Files.readAllBytes(dir.resolve("snap.db.zst"));
        assertThat(Files.readString(fromP, StandardCharsets.ISO_8859_1)).contains("\n-> scrypt ");
        try (InputStream in = AgeDecryptor.of(List.of(), PASSPHRASE).decrypt(Files.newInputStream(fromP))) {
            assertThat(in.readAllBytes()).isEqualTo(snapshot);
        }
        Files.delete(dir.resolve("restored/app-copy.db"));
        Cli.Result restoreP = cli.run("-c", "config.yaml", "restore", "app", "--to", "restored", "--passphrase-env", "BACKUP_PASSPHRASE");
        assertThat(restoreP.exit()).as(restoreP.toString()).isZero();
        assertThat(SqliteFixture.fingerprint(dir.resolve("restored/app-copy.db"))).isEqualTo(SqliteFixture.fingerprint(db));
    }

    /**
     * An identity file protected with {@code age -p} (binary, or armored with {@code -a}) failed with a bare
     * MalformedInputException: now a one-line user error (exit 1) naming the file (and the config line) and the
     * {@code age -d} that makes the identity dbbackup needs, for the job's identity_file, --identity and config validate.
     */
    @Test
    void anIdentityFileProtectedWithAgePIsNamedAsSuch() throws Exception {
        String recipient = keygen("key.txt");
        Shell.Result binary = agePassphrase(dir, "-p -o key.txt.age key.txt", 2);
        assertThat(binary.exit()).as(binary.output()).isZero();
        Shell.Result armored = agePassphrase(dir, "-a -p -o key-armored.txt key.txt", 2);
        assertThat(armored.exit()).as(armored.output()).isZero();
        assertThat(Files.readString(dir.resolve("key-armored.txt"))).startsWith("-----BEGIN AGE ENCRYPTED FILE-----");
        Files.write(dir.resolve("binary.bin"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, (byte) 0xc3, 0x28});
        String advice = "is passphrase-protected (an age-encrypted file, as 'age -p' writes it): dbbackup needs the decrypted "
                + "identity; decrypt it once with 'age -d -o identity.txt ";

        for (String file : List.of("key.txt.age", "key-armored.txt")) {
            Path path = dir.resolve(file);
            config("recipients: [" + recipient + "]\nidentity_file: " + file, "");
            Cli.Result backup = cli.run("-c", "config.yaml", "backup", "app"); // encrypting needs the recipients alone
            assertThat(backup.exit()).as(backup.toString()).isZero();

            Cli.Result validate = cli.run("-c", "config.yaml", "config", "validate");
            assertThat(validate.exit()).as(validate.toString()).isEqualTo(1);
            assertThat(validate.err()).containsPattern("config\\.yaml:\\d+:\\d+: error: jobs\\.app\\.encryption\\.identity_file: ")
                    .contains(path + " " + advice + path + "'").doesNotContain("Exception");

            Cli.Result restore = cli.run("-c", "config.yaml", "restore", "app", "--to", "restored", "--auto-confirm");
            assertThat(restore.exit()).as(restore.toString()).isEqualTo(1);
            assertThat(restore.err()).contains("jobs.app.encryption.identity_file").contains(advice + path + "'")
                    .doesNotContain("Exception");

            Cli.Result given = cli.run("-c", "config.yaml", "verify", "app", "--identity", file);
            assertThat(given.exit()).as(given.toString()).isEqualTo(1);
            assertThat(given.out() + given.err()).contains("identity file " + path + ": " + advice + path + "'")
                    .doesNotContain("Exception");
        }
        Cli.Result notText = cli.run("-c", "config.yaml", "verify", "app", "--identity", "binary.bin");
        assertThat(notText.exit()).as(notText.toString()).isEqualTo(1);
        assertThat(notText.out() + notText.err()).contains("identity file " + dir.resolve("binary.bin") + ": is not a text file (not UTF-8)")
                .doesNotContain("Exception");
        config("recipients: [" + recipient + "]\nidentity_file: binary.bin", "");
        Cli.Result validate = cli.run("-c", "config.yaml", "config", "validate");
        assertThat(validate.exit()).as(validate.toString()).isEqualTo(1);
        assertThat(validate.err()).containsPattern("error: jobs\\.app\\.encryption\\.identity_file: \\S*binary\\.bin is not a text file")
                .doesNotContain("Exception");
    }

    /**
     * Keys rotated on one side only: the recipients name the new key, the identity on the host is still the old one.
     * {@code verify: true} cannot open the backup, yet it is sound: kept with a warning (it was deleted as corrupt every
     * night, exit 3), and the new key opens it with the real age CLI. Stored bytes damaged as well are still removed.
     */
    @Test
    void aBackupTheJobsOwnIdentityCannotOpenIsKeptByItsReadBackNotDeletedAsCorrupt() throws Exception {
        keygen("old.txt");
        String current = keygen("new.txt");
        config("recipients: [" + current + "]\nidentity_file: old.txt", "verify: true");
        Cli.Result validate = cli.run("-c", "config.yaml", "config", "validate");
        assertThat(validate.exit()).as(validate.toString()).isZero();
        assertThat(validate.err()).contains("jobs.app.encryption.identity_file: is the secret key of none of the recipients");

        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "app");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        assertThat(backup.err()).contains("the job's identity does not open the backup just stored")
                .doesNotContain("removed the backup");
        Path artifact = onlyArtifact();
        assertThat(Shell.sh(artifact.getParent(), "sha256sum -c " + sidecar(artifact).getFileName())).contains(": OK");
        Shell.Result opened = run(dir, Map.of(), "bash", "-c",
                "age -d -i new.txt " + artifact + " | zstd -dc | head -c 15");
        assertThat(opened.output()).isEqualTo("SQLite format 3");

        Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml"))
                .replace("type: local", "type: faulty\n    corrupt: true"));
        Cli.Result damaged = cli.run("-c", "config.yaml", "backup", "app");
        assertThat(damaged.exit()).as(damaged.toString()).isEqualTo(3);
        assertThat(damaged.err()).contains("removed the backup that failed verification");
        assertThat(artifacts()).containsExactly(artifact);
    }

    @Test
    void aFlippedByteMakesVerifyAndRestoreExit3AndLeavesTheTargetUntouched() throws Exception {
        String recipient = keygen("key.txt");
        config("recipients: [" + recipient + "]\nidentity_file: key.txt", "");
        assertThat(cli.run("-c", "config.yaml", "backup", "app").exit()).isZero();
        assertThat(cli.run("-c", "config.yaml", "verify", "app").exit()).isZero();
        // a wrong --identity is followed by the job's own identity (command-line keys first, the job's after them)
        PrivateFile.write(dir.resolve("stranger.txt"), AgeKeys.generate().identity() + "\n");
        Cli.Result followed = cli.run("-c", "config.yaml", "verify", "app", "--identity", "stranger.txt");
        assertThat(followed.exit()).as(followed.toString()).isZero();
        Path artifact = onlyArtifact();
        byte[] original = Files.readAllBytes(artifact);
        Path target = dir.resolve("restored/app-copy.db");
        Files.createDirectories(target.getParent());
        SqliteFixture.create(target, 3);
        byte[] before = Files.readAllBytes(target);
        assertThat(original.length).isGreaterThan(65536 + 300); // at least two chunks
        String header = new String(original, 0, 300, StandardCharsets.ISO_8859_1);
        int headerEnd = header.indexOf('\n', header.indexOf("\n--- ") + 1) + 1;
        // a letter of the base64 MAC: its flipped case is still base64, so the MAC check itself fails (a
        // digit, '+' or '/' would become a control character: a header that does not parse, ~1 run in 5)
        int macLetter = headerEnd - 5;
        while (!Character.isLetter(header.charAt(macLetter))) {
            macLetter--;
        }

        record Case(String what, int position, boolean sidecarUpdated, String message) {
        }
        List<Case> cases = List.of(
                new Case("payload, sidecar updated", original.length / 2, true, "age payload is corrupt"),
                new Case("last chunk tag, sidecar updated", original.length - 1, true, "age payload is corrupt"),
                new Case("header MAC, sidecar updated", macLetter, true, "age header is corrupt"),
                // a flipped letter still decodes (the identity, a recorded recipient, unwraps nothing: damage); a digit,
                // '+' or '/' flipped is no base64 (the header does not parse): either way exit 3, never "wrong key"
                new Case("stanza body, sidecar updated", 100, true, "(its age header is damaged: identity " + recipient
                        + " is one of the recipients its manifest records, yet unwraps no stanza of it|not a valid age file: "
                        + "its header does not parse)"),
                new Case("payload, sidecar stale", original.length / 2, false, null));
        for (Case c : cases) {
            byte[] bytes = original.clone();
            bytes[c.position()] ^= 0x20;
            Files.write(artifact, bytes);
            if (c.sidecarUpdated()) {
                rewriteSidecar(artifact);
                assertThat(Shell.sh(artifact.getParent(), "sha256sum -c " + sidecar(artifact).getFileName())).contains(": OK");
            } else {
                Files.write(artifact, bytes);
            }
            Cli.Result verify = cli.run("-c", "config.yaml", "verify", "app");
            assertThat(verify.exit()).as(c.what() + "\n" + verify).isEqualTo(3);
            assertThat(verify.err()).as(c.what()).doesNotContain("Exception")
                    .containsPattern(c.message() == null ? "checksum mismatch|age payload is corrupt" : c.message());

            Cli.Result restore = cli.run("-c", "config.yaml", "restore", "app", "--to", "restored", "--auto-confirm");
            assertThat(restore.exit()).as(c.what() + "\n" + restore).isEqualTo(3);
            assertThat(Files.readAllBytes(target)).as(c.what()).isEqualTo(before);
            try (Stream<Path> s = Files.list(target.getParent())) {
                assertThat(s.map(p -> p.getFileName().toString())).containsExactly("app-copy.db");
            }
            // the real age CLI agrees that the file is bad
            assertThat(Shell.run(dir, "age", "-d", "-i", "key.txt", "-o", "/dev/null", artifact.toString()).exit()).as(c.what()).isNotZero();
            Files.write(artifact, original);
            rewriteSidecar(artifact);
        }
        assertThat(cli.run("-c", "config.yaml", "verify", "app").exit()).isZero();
    }

    @Test
    void passphraseAndIdentityNeverAppearInOutputOrCommandLines() throws Exception {
        String recipient = keygen("key.txt");
        String identity = Files.readString(dir.resolve("key.txt")).lines().filter(l -> l.startsWith("AGE-SECRET-KEY-1")).findFirst().orElseThrow();
        Set<String> leaks = ConcurrentHashMap.newKeySet();
        AtomicBoolean scanning = new AtomicBoolean(true);
        Thread scanner = new Thread(() -> {
            while (scanning.get()) {
                // this JVM's descendants only (the CLI and its tools): another run on the machine cannot show here
                for (io.dbbackup.testkit.Descendants.Running p : io.dbbackup.testkit.Descendants.running()) {
                    if (p.cmdline().contains(PASSPHRASE) || p.cmdline().contains(identity)) {
                        leaks.add(p.pid() + ": " + p.cmdline().replace('\0', ' '));
                    }
                }
            }
        }, "cmdline-scanner");
        scanner.setDaemon(true);
        scanner.start();
        List<Cli.Result> results = new ArrayList<>();
        try {
            config("passphrase_env: BACKUP_PASSPHRASE\nscrypt_work_factor: 10", "verify: true");
            results.add(cli.run("-v", "-c", "config.yaml", "backup", "app"));
            results.add(cli.run("-v", "-c", "config.yaml", "verify", "app"));
            results.add(cli.run("-v", "-c", "config.yaml", "restore", "app", "--to", "restored", "--passphrase-env", "BACKUP_PASSPHRASE"));
            results.add(cli.env("WRONG", identity).run("-v", "-c", "config.yaml", "verify", "app", "--passphrase-env", "WRONG"));
            results.add(cli.run("-v", "-c", "config.yaml", "--log-format", "json", "verify", "app", "--identity", "key.txt"));
            config("recipients: [" + recipient + "]\nidentity_env: AGE_IDENTITY", "verify: true");
            cli.env("AGE_IDENTITY", identity);
            results.add(cli.run("-v", "-c", "config.yaml", "backup", "app"));
            results.add(cli.run("-v", "-c", "config.yaml", "verify", "app"));
            results.add(cli.run("-v", "-c", "config.yaml", "--log-format", "json", "restore", "app", "--to", "restored", "--auto-confirm"));
            // a secret key pasted where a recipient belongs
            config("recipients: [" + identity + "]", "");
            results.add(cli.run("-v", "-c", "config.yaml", "config", "validate"));
            results.add(cli.run("-v", "-c", "config.yaml", "backup", "app"));
        } finally {
            scanning.set(false);
            scanner.join(5_000);
        }
        assertThat(results.subList(0, 3)).allSatisfy(r -> assertThat(r.exit()).as(r.toString()).isZero());
        assertThat(results.get(3).exit()).as(results.get(3).toString()).isZero(); // the job's own passphrase follows the wrong one
        assertThat(results.get(4).exit()).as(results.get(4).toString()).isZero(); // the job's passphrase opens it
        assertThat(results.subList(5, 8)).allSatisfy(r -> assertThat(r.exit()).as(r.toString()).isZero());
        assertThat(results.subList(8, 10)).allSatisfy(r -> assertThat(r.exit()).as(r.toString()).isEqualTo(1));
        for (Cli.Result r : results) {
            assertThat(r.out() + r.err()).as(r.toString()).doesNotContain(PASSPHRASE).doesNotContain(identity)
                    .doesNotContain(identity.substring(16, 40));
        }
        assertThat(leaks).isEmpty();
        try (Stream<Path> s = Files.walk(store)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
                assertThat(text).as(p.toString()).doesNotContain(PASSPHRASE).doesNotContain(identity);
            }
        }
    }
}
