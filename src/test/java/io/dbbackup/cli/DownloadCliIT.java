package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.Shell;
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
 * {@code dbbackup download} of an age-encrypted, zstd-compressed backup, checked against the real
 * {@code age -d} and {@code zstd -d}: decoding options, default names, stdout, overwrite rules,
 * corruption, and the progress line.
 */
class DownloadCliIT {
    @TempDir
    Path dir;
    Cli cli;
    Path artifact;
    String name;

    @BeforeEach
    void setUp() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 3000);
        cli = new Cli().workingDir(dir).clock(new SteppingClock(Instant.parse("2026-03-01T02:00:00Z"), Duration.ofMinutes(1)));
        Cli.Result keygen = cli.run("keygen", "-o", "key.txt");
        assertThat(keygen.exit()).as(keygen.toString()).isZero();
        String recipient = keygen.out().strip().substring("Public key: ".length());
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app:
                    engine: sqlite
                    path: app.db
                    compression: zstd
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
                      recipients: [%s]
                """.formatted(recipient));
        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "app");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        try (Stream<Path> s = Files.walk(dir.resolve("store"))) {
            artifact = s.filter(p -> p.toString().endsWith(".sqlite.zst.age")).findFirst().orElseThrow();
        }
        name = artifact.getFileName().toString();
    }

    /** The original dump bytes, as the stock tools decode the artifact. */
    private byte[] decodedByStockTools() throws Exception {
        Shell.sh(dir, "age -d -i key.txt " + artifact + " | zstd -d -q -o stock.sqlite");
        return Files.readAllBytes(dir.resolve("stock.sqlite"));
    }

    private List<String> files(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void decryptAndDecompressGiveTheOriginalDumpBytes() throws Exception {
        Cli.Result r = cli.run("-c", "config.yaml", "download", "app", "--decrypt", "--decompress", "--identity", "key.txt");
        assertThat(r.exit()).as(r.toString()).isZero();
        String plainName = name.substring(0, name.length() - ".zst.age".length());
        assertThat(plainName).matches("app-\\d{8}-\\d{6}\\.sqlite");
        assertThat(r.out()).contains("downloaded prod/app/" + name + " to " + dir.resolve(plainName)).contains("decrypted, decompressed");
        byte[] stock = decodedByStockTools();
        assertThat(Files.readAllBytes(dir.resolve(plainName))).isEqualTo(stock);
        assertThat(SqliteFixture.fingerprint(dir.resolve(plainName))).isEqualTo(SqliteFixture.fingerprint(dir.resolve("app.db")));

        // only decrypted: what age -d alone gives, named without .age
        Cli.Result d = cli.run("-c", "config.yaml", "download", "app", "--decrypt", "--identity", "key.txt", "-o", "only-decrypted.zst");
        assertThat(d.exit()).as(d.toString()).isZero();
        Shell.sh(dir, "age -d -i key.txt -o age-decrypted.zst " + artifact);
        assertThat(Files.readAllBytes(dir.resolve("only-decrypted.zst"))).isEqualTo(Files.readAllBytes(dir.resolve("age-decrypted.zst")));

        // -o -: the same bytes on stdout, nothing else there
        Cli.Result piped = cli.run("-c", "config.yaml", "download", "app", "-o", "-", "--decrypt", "--decompress", "--identity", "key.txt");
        assertThat(piped.exit()).as(piped.toString()).isZero();
        assertThat(piped.bytes()).isEqualTo(stock);
        assertThat(piped.out()).isEmpty();
    }

    /**
     * A downloaded backup holds the database's content: created 0600 from its first byte (its hidden temporary file is
     * made with that mode and renamed onto the name), decrypted or not; it used to get the umask's 0644. An existing
     * file is still refused without --force (untouched) and replaced with it.
     */
    @Test
    void aDownloadedFileIsReadableByItsOwnerAlone() throws Exception {
        java.util.Set<java.nio.file.attribute.PosixFilePermission> ownerOnly =
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------");
        Cli.Result stored = cli.run("-c", "config.yaml", "download", "app", "-o", "stored.age");
        assertThat(stored.exit()).as(stored.toString()).isZero();
        assertThat(Files.getPosixFilePermissions(dir.resolve("stored.age"))).isEqualTo(ownerOnly);
        Cli.Result decrypted = cli.run("-c", "config.yaml", "download", "app", "--decrypt", "--decompress", "--identity", "key.txt",
                "-o", "dump.sqlite");
        assertThat(decrypted.exit()).as(decrypted.toString()).isZero();
        assertThat(Files.getPosixFilePermissions(dir.resolve("dump.sqlite"))).isEqualTo(ownerOnly);
        assertThat(Files.readAllBytes(dir.resolve("dump.sqlite"))).isEqualTo(decodedByStockTools());

        Path existing = dir.resolve("existing.sqlite.zst");
        Files.writeString(existing, "mine");
        Files.setPosixFilePermissions(existing, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Cli.Result refused = cli.run("-c", "config.yaml", "download", "app", "--decrypt", "--identity", "key.txt", "-o", existing.toString());
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
        assertThat(Files.readString(existing)).isEqualTo("mine");
        Cli.Result replaced = cli.run("-c", "config.yaml", "download", "app", "--decrypt", "--identity", "key.txt", "-o", existing.toString(),
                "--force");
        assertThat(replaced.exit()).as(replaced.toString()).isZero();
        assertThat(Files.getPosixFilePermissions(existing)).isEqualTo(ownerOnly);
        assertThat(Files.size(existing)).isGreaterThan(4);
    }

    @Test
    void theStoredArtifactUnderItsOwnNameRefusesToOverwriteWithoutForce() throws Exception {
        Cli.Result r = cli.run("-c", "config.yaml", "download", "app", "--with-sidecar");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Files.readAllBytes(dir.resolve(name))).isEqualTo(Files.readAllBytes(artifact));
        assertThat(Shell.sh(dir, "sha256sum -c " + name + ".sha256")).contains(name + ": OK");

        Cli.Result again = cli.run("-c", "config.yaml", "download", "app");
        assertThat(again.exit()).as(again.toString()).isEqualTo(1);
        assertThat(again.err().strip()).isEqualTo("error: " + dir.resolve(name) + " already exists; pass --force to replace it");
        Files.writeString(dir.resolve(name), "stale");
        Cli.Result forced = cli.run("-c", "config.yaml", "download", "app", "--force");
        assertThat(forced.exit()).as(forced.toString()).isZero();
        assertThat(Files.readAllBytes(dir.resolve(name))).isEqualTo(Files.readAllBytes(artifact));

        Cli.Result noFolder = cli.run("-c", "config.yaml", "download", "app", "-o", "no-such-folder/");
        assertThat(noFolder.exit()).as(noFolder.toString()).isEqualTo(1);
        assertThat(noFolder.err().strip()).isEqualTo("error: -o no-such-folder/: no such folder");
        assertThat(Files.exists(dir.resolve("no-such-folder"))).isFalse();

        // options that cannot apply are one-line user errors, and write nothing
        Path out = Files.createDirectories(dir.resolve("out"));
        for (String[] args : List.of(new String[] {"--decompress"}, new String[] {"--decrypt", "--identity", "key.txt", "--with-sidecar"},
                new String[] {"--decrypt"}, new String[] {"-o", "-", "--with-sidecar"})) {
            List<String> all = new java.util.ArrayList<>(List.of("-c", "config.yaml", "download", "app", "-o", "out"));
            all.addAll(List.of(args));
            if (all.contains("-")) {
                all.removeAll(List.of("-o", "out"));
            }
            Cli.Result bad = cli.run(all.toArray(String[]::new));
            assertThat(bad.exit()).as(String.join(" ", args) + "\n" + bad).isEqualTo(1);
            assertThat(bad.err().lines().filter(l -> !l.isBlank())).as(bad.err()).hasSize(1);
            assertThat(files(out)).isEmpty();
        }
    }

    @Test
    void aCorruptObjectExits3WithNoFileOrAfterTheBytesOnStdout() throws Exception {
        byte[] bytes = Files.readAllBytes(artifact);
        bytes[bytes.length - 100] ^= 0x40; // in the last age chunk: decryption fails only at the end
        Files.write(artifact, bytes);
        Path out = Files.createDirectories(dir.resolve("out"));
        for (String[] args : List.of(new String[] {}, new String[] {"--decrypt", "--decompress", "--identity", "key.txt"})) {
            List<String> all = new java.util.ArrayList<>(List.of("-c", "config.yaml", "download", "app", "-o", "out"));
            all.addAll(List.of(args));
            Cli.Result r = cli.run(all.toArray(String[]::new));
            assertThat(r.exit()).as(r.toString()).isEqualTo(3);
            assertThat(r.err()).contains("checksum mismatch");
            assertThat(files(out)).as("no output file, no temporary file").isEmpty();
        }
        Cli.Result piped = cli.run("-c", "config.yaml", "download", "app", "-o", "-");
        assertThat(piped.exit()).as(piped.toString()).isEqualTo(3);
        assertThat(piped.bytes()).as("stdout got the bytes before the mismatch was known").hasSize(bytes.length);
        assertThat(piped.err()).contains("checksum mismatch");
    }

    @Test
    void aProgressLineOnlyOnATerminal() throws Exception {
        Cli.Result quiet = cli.run("-c", "config.yaml", "download", "app", "-o", "a.age");
        assertThat(quiet.exit()).as(quiet.toString()).isZero();
        assertThat(quiet.err()).doesNotContain("\r");
        Cli.Result tty = new Cli().workingDir(dir).confirmer(Cli.answering(true)).run("-c", "config.yaml", "download", "app", "-o", "b.age");
        assertThat(tty.exit()).as(tty.toString()).isZero();
        assertThat(tty.err()).contains("\r" + name).contains("100%");
        Cli.Result off = new Cli().workingDir(dir).confirmer(Cli.answering(true))
                .run("-c", "config.yaml", "download", "app", "-o", "c.age", "--no-progress");
        assertThat(off.err()).doesNotContain("\r");
    }
}
