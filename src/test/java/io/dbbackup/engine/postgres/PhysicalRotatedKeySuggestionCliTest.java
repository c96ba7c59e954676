package io.dbbackup.engine.postgres;

import io.dbbackup.codec.age.AgeEncryptor;
import io.dbbackup.codec.age.AgeKeys;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.TestBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The physical restore's "the next older backup is …" after a key rotation: the older base backup is encrypted to key A,
 * the newer to key B and does not decode. Restored with B's identity, the command printed for the older one names the
 * key of ITS recipient ({@code --identity FILE}, FILE said to be A's), not B's file again, which does not open it; pasted
 * with A's file, it restores. No server is reached: a plain restore writes the files alone.
 */
class PhysicalRotatedKeySuggestionCliTest {
    static final String OLDER = "pg/pg-20261130-025421.tar.zst.age";
    static final String NEWER = "pg/pg-20261201-025421.tar.zst.age";

    @TempDir
    Path dir;

    @Test
    void theOlderBaseBackupsCommandNamesItsOwnRecipientsKey() throws IOException {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  pg: {engine: postgres, method: physical, host: 127.0.0.1, port: 1, user: replicator}
                stores:
                  local: {type: local, path: store}
                jobs:
                  phys: {datasource: pg, store: local}
                """);
        AgeKeys.GeneratedKey a = AgeKeys.generate();
        AgeKeys.GeneratedKey b = AgeKeys.generate();
        Files.writeString(dir.resolve("a.txt"), a.identity() + "\n");
        Files.writeString(dir.resolve("b.txt"), b.identity() + "\n");
        store(OLDER, CutBaseBackupCliTest.zstd(PhysicalUnitTest.baseBackup(new byte[1000])), a.recipient());
        store(NEWER, "not a zstd stream".getBytes(), b.recipient()); // opens with B, then does not decode
        Cli cli = new Cli().workingDir(dir);

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "phys", "--pgdata", dir.resolve("data").toString(),
                "--identity", "b.txt", "--no-progress");
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        Matcher m = Pattern.compile("the next older backup is \\S+ \\(dbbackup ([^)']*)\\)").matcher(r.err());
        assertThat(m.find()).as(r.toString()).isTrue();
        List<String> words = Arrays.asList(m.group(1).split(" "));
        assertThat(words).containsSubsequence("restore", "phys", "pg-20261130-025421.tar.zst.age", "--pgdata")
                .endsWith("--identity", "FILE").doesNotContain(dir.resolve("b.txt").toString());
        assertThat(r.err()).contains("FILE: the age identity file (AGE-SECRET-KEY-1... lines) of its recipient "
                + a.recipient().substring(0, 12) + "…" + a.recipient().substring(a.recipient().length() - 6));

        Cli.Result pasted = cli.run(words.stream().map(w -> w.equals("FILE") ? "a.txt" : w).toArray(String[]::new));
        assertThat(pasted.exit()).as(pasted.toString()).isZero();
        assertThat(dir.resolve("data/PG_VERSION")).exists();
    }

    /**
     * A dump sent {@code --to} the physical datasource: the engine's hint names the command that restores the one job's
     * base backups, and the newest of them is encrypted: the command names the key it needs (here its recipient's, B), as
     * {@code show}'s restore command does; with an identity given that opens it, that file.
     */
    @Test
    void aDumpSentToThePhysicalDatasourceIsPointedToItsJobWithTheKeyItsNewestBackupNeeds() throws Exception {
        io.dbbackup.testkit.SqliteFixture.create(dir.resolve("app.db"), 5);
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  pg: {engine: postgres, method: physical, host: 127.0.0.1, port: 1, user: replicator}
                  app: {engine: sqlite, path: app.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  phys: {datasource: pg, store: local}
                  nightly: {datasource: app, store: local, prefix: prod}
                """);
        AgeKeys.GeneratedKey b = AgeKeys.generate();
        Files.writeString(dir.resolve("b.txt"), b.identity() + "\n");
        store(NEWER, CutBaseBackupCliTest.zstd(PhysicalUnitTest.baseBackup(new byte[1000])), b.recipient());
        Cli cli = new Cli().workingDir(dir);
        Cli.Result backup = cli.run("-c", "config.yaml", "backup", "nightly", "--no-progress");
        assertThat(backup.exit()).as(backup.toString()).isZero();

        Cli.Result r = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "pg", "--dry-run");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).as(r.toString()).contains("is restored into a data directory: dbbackup -c config.yaml restore phys"
                + " --pgdata DIR --identity FILE; FILE: the age identity file (AGE-SECRET-KEY-1... lines) of its recipient "
                + b.recipient().substring(0, 12) + "…" + b.recipient().substring(b.recipient().length() - 6));

        Cli.Result given = cli.run("-c", "config.yaml", "restore", "nightly", "--to", "pg", "--dry-run", "--identity", "b.txt");
        assertThat(given.exit()).as(given.toString()).isEqualTo(1);
        assertThat(given.err()).as(given.toString()).contains("is restored into a data directory: dbbackup -c config.yaml "
                + "restore phys --pgdata DIR --identity " + dir.resolve("b.txt")).doesNotContain("FILE");
    }

    /** {@code bytes} encrypted to {@code recipient} under {@code key}, with its sidecar and a manifest naming the recipient. */
    private void store(String key, byte[] bytes, String recipient) throws IOException {
        ByteArrayOutputStream sealed = new ByteArrayOutputStream();
        try (OutputStream out = AgeEncryptor.toRecipients(List.of(recipient)).encrypt(sealed)) {
            out.write(bytes);
        }
        byte[] stored = sealed.toByteArray();
        Path artifact = dir.resolve("store").resolve(key);
        Files.createDirectories(artifact.getParent());
        Files.write(artifact, stored);
        String sha = TestBytes.sha256(new ByteArrayInputStream(stored));
        String name = artifact.getFileName().toString();
        Files.writeString(artifact.resolveSibling(name + ".sha256"), sha + "  " + name + "\n");
        Files.writeString(artifact.resolveSibling(name + ".manifest.json"), """
                {"manifest_version": 1, "key": "%s", "job": "phys", "engine": "postgres", "database": "pg", "format": "tar",
                 "compression": "zstd", "encryption": "age", "recipients": ["%s"], "size": %d, "sha256": "%s",
                 "started": "2026-11-30T02:54:21Z", "finished": "2026-11-30T02:55:21Z", "tool": "dbbackup",
                 "facts": {"timeline": "1", "start_lsn": "0/2000028", "end_lsn": "0/2000100"}}
                """.formatted(key, recipient, stored.length, sha));
    }
}
