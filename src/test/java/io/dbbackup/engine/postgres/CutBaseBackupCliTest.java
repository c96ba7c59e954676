package io.dbbackup.engine.postgres;

import com.github.luben.zstd.ZstdOutputStream;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.TestBytes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A base backup whose stored bytes hold a tar cut short, with a sidecar and a manifest that match them (what a writer
 * that lost the archive's end stores): {@code restore --pgdata} and {@code verify --deep} through a local store fail with
 * exit 3, one line naming the backup and where the archive was cut, nothing left in the data directory. It was exit 2
 * (an {@code EOFException} said as a system failure), which a job retries in vain. The backups are made by hand here (no
 * server is reached by a restore); a download the network cuts: {@link CutBaseBackupDownloadIT}.
 */
class CutBaseBackupCliTest {
    static final String KEY = "pg/pg-20261130-025421.tar";
    static final int BIG = 100_000;

    @TempDir
    Path dir;
    Cli cli;
    byte[] tar;

    @BeforeEach
    void setUp() throws IOException {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  pg: {engine: postgres, method: physical, host: 127.0.0.1, port: 1, user: replicator}
                stores:
                  local: {type: local, path: store}
                jobs:
                  phys: {datasource: pg, store: local}
                  plain: {datasource: pg, store: local, prefix: plain, compression: none}
                """);
        byte[] big = new byte[BIG];
        new java.util.Random(7).nextBytes(big);
        tar = PhysicalUnitTest.baseBackup(big);
        cli = new Cli().workingDir(dir);
    }

    @Test
    void aBaseBackupStoredCutShortWithItsChecksumIsAnIntegrityFailure() throws IOException {
        Path whole = store(dir, "store", KEY + ".zst", zstd(tar));
        Cli.Result ok = restore("phys", whole, dir.resolve("whole"));
        assertThat(ok.exit()).as("the backup made by hand restores whole: " + ok).isZero();
        assertThat(dir.resolve("whole/base/1/1259")).hasSize(BIG);

        int bigAt = PhysicalUnitTest.indexOf(tar, "base/1/1259") + 512;
        byte[] cut = java.util.Arrays.copyOf(tar, bigAt + 40_000);
        String cutKey = "pg/pg-20261130-035421.tar.zst";
        Path cutZst = store(dir, "store", cutKey, zstd(cut)); // a whole zstd frame of a cut tar, its sidecar to match
        String said = "the backup " + cutKey + " does not restore: the tar archive is cut short at byte " + (bigAt + 40_000)
                + ", inside entry 'base/1/1259' (40000 of its 100000 bytes there), before its end-of-archive block (the "
                + "archive is incomplete)";
        Path data = dir.resolve("cut");
        Cli.Result r = restore("phys", cutZst, data);
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.err()).contains(said + " (nothing was left in " + data + ")");
        assertThat(data).as("the data directory it created is gone again").doesNotExist();

        Cli.Result deep = cli.run("-c", "config.yaml", "verify", "phys", cutZst.getFileName().toString(), "--deep");
        assertThat(deep.exit()).as(deep.toString()).isEqualTo(3);
        // the finding names the backup as the restore's does: an operator with many jobs knows which one it is
        assertThat(deep.err()).contains("error: " + said);
    }

    /**
     * {@code verify --all-backups --deep}: the line of a backup that does not restore names its key once, first as every
     * line of the listing does ({@code FAILED KEY: does not restore: …}); the finding's own words name it too, and the
     * line said it twice ({@code FAILED KEY: the backup KEY does not restore: …}). {@code verify JOB --deep} of the one
     * backup says the finding alone, naming it once.
     */
    @Test
    void everyBackupsDeepCheckNamesTheOneThatDoesNotRestoreOnce() throws IOException {
        int bigAt = PhysicalUnitTest.indexOf(tar, "base/1/1259") + 512;
        String cutKey = "pg/pg-20261130-035421.tar.zst";
        store(dir, "store", cutKey, zstd(java.util.Arrays.copyOf(tar, bigAt + 40_000)));
        String finding = "does not restore: the tar archive is cut short at byte " + (bigAt + 40_000)
                + ", inside entry 'base/1/1259' (40000 of its 100000 bytes there), before its end-of-archive block (the "
                + "archive is incomplete)";

        Cli.Result all = cli.run("-c", "config.yaml", "verify", "phys", "--all-backups", "--deep", "--no-progress");
        assertThat(all.exit()).as(all.toString()).isEqualTo(3);
        java.util.List<String> lines = all.out().lines().toList();
        assertThat(lines).as(all.toString()).hasSize(2);
        assertThat(lines.get(0)).isEqualTo("FAILED " + cutKey + ": " + finding);
        assertThat(lines.get(1)).isEqualTo("0 of 1 backup verified, 1 failed (exit 3)");

        Cli.Result newest = cli.run("-c", "config.yaml", "verify", "phys", "--deep", "--no-progress");
        assertThat(newest.exit()).as(newest.toString()).isEqualTo(3);
        String said = newest.err().lines().filter(l -> l.startsWith("error: ")).findFirst().orElseThrow();
        assertThat(said).as(newest.toString()).startsWith("error: the backup " + cutKey + " " + finding);
        assertThat(said.split(java.util.regex.Pattern.quote(cutKey), -1)).as(said).hasSize(2);
    }

    /** Uncompressed: the stored object itself truncated, and its sidecar and manifest rewritten to match. */
    @Test
    void anUncompressedBaseBackupTruncatedWithItsChecksumIsAnIntegrityFailure() throws IOException {
        int at = PhysicalUnitTest.indexOf(tar, "backup_manifest") + 512 + 1000;
        String cutKey = "plain/pg/pg-20261130-045421.tar";
        Path stored = store(dir, "store", cutKey, java.util.Arrays.copyOf(tar, at));
        Path data = dir.resolve("plain-cut");
        Cli.Result r = restore("plain", stored, data);
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.err()).contains("the backup " + cutKey + " does not restore: the tar archive is cut short at byte " + at
                + ", inside entry 'backup_manifest' (1000 of its " + PhysicalUnitTest.MANIFEST.length + " bytes there)")
                .contains("(nothing was left in " + data + ")");
        assertThat(data).doesNotExist();
        Cli.Result deep = cli.run("-c", "config.yaml", "verify", "plain", stored.getFileName().toString(), "--deep");
        assertThat(deep.exit()).as(deep.toString()).isEqualTo(3);
        assertThat(deep.err()).contains("error: the backup " + cutKey + " does not restore: the tar archive is cut short at byte "
                + at + ", inside entry 'backup_manifest'");
    }

    private Cli.Result restore(String job, Path stored, Path data) {
        return restore(cli, job, stored, data);
    }

    static Cli.Result restore(Cli cli, String job, Path stored, Path data) {
        return cli.run("-c", "config.yaml", "restore", job, stored.getFileName().toString(), "--pgdata", data.toString(),
                "--no-progress");
    }

    /** Stores {@code bytes} under {@code key} in the store folder {@code folder} with its sidecar and a manifest. */
    static Path store(Path dir, String folder, String key, byte[] bytes) throws IOException {
        Path artifact = dir.resolve(folder).resolve(key);
        Files.createDirectories(artifact.getParent());
        Files.write(artifact, bytes);
        String sha = TestBytes.sha256(new ByteArrayInputStream(bytes));
        String name = artifact.getFileName().toString();
        Files.writeString(artifact.resolveSibling(name + ".sha256"), sha + "  " + name + "\n");
        Files.writeString(artifact.resolveSibling(name + ".manifest.json"), """
                {"manifest_version": 1, "key": "%s", "job": "phys", "engine": "postgres", "database": "pg", "format": "tar",
                 "compression": "%s", "encryption": "none", "size": %d, "sha256": "%s",
                 "started": "2026-11-30T02:54:21Z", "finished": "2026-11-30T02:55:21Z", "tool": "dbbackup",
                 "facts": {"timeline": "1", "start_lsn": "0/2000028", "end_lsn": "0/2000100"}}
                """.formatted(key, name.endsWith(".zst") ? "zstd" : "none", bytes.length, sha));
        return artifact;
    }

    static byte[] zstd(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream z = new ZstdOutputStream(out)) {
            z.write(raw);
        }
        return out.toByteArray();
    }
}
