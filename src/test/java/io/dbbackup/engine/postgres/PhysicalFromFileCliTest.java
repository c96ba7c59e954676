package io.dbbackup.engine.postgres;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.TestBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guard: {@code restore --from-file FILE --pgdata DIR} (a local copy of a base backup, its {@code .sha256} beside it)
 * names the file as given in what it prints — the restored line, the dry run's, a failure's — not the store key the job's
 * store would hold it under ({@code pg/pg-….tar.zst}), as the logical {@code --from-file} does (the same
 * {@code LocalCopyOption}). No server is reached; the base backup is made by hand.
 */
class PhysicalFromFileCliTest {
    @TempDir
    Path dir;

    @Test
    void aLocalCopyOfABaseBackupIsNamedAsTheFileGiven() throws IOException {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  pg: {engine: postgres, method: physical, host: 127.0.0.1, port: 1, user: replicator}
                stores:
                  local: {type: local, path: store}
                jobs:
                  phys: {datasource: pg, store: local}
                """);
        byte[] big = new byte[CutBaseBackupCliTest.BIG];
        new java.util.Random(7).nextBytes(big);
        byte[] tar = PhysicalUnitTest.baseBackup(big);
        String file = "copies/pg-20261130-025421.tar.zst";
        copy(file, CutBaseBackupCliTest.zstd(tar));
        Cli cli = new Cli().workingDir(dir);

        Path dry = dir.resolve("dry");
        Cli.Result d = cli.run("-c", "config.yaml", "restore", "phys", "--from-file", file, "--pgdata", dry.toString(),
                "--dry-run", "--no-progress");
        assertThat(d.exit()).as(d.toString()).isZero();
        assertThat(d.out()).startsWith("dry run: " + file + " checked (SHA-256 and decoding, ")
                .contains("it would be restored into " + dry + " (empty or missing)").doesNotContain("pg/pg-");

        Path data = dir.resolve("data");
        Cli.Result r = cli.run("-c", "config.yaml", "restore", "phys", "--from-file", file, "--pgdata", data.toString(),
                "--no-progress");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("restored " + file + " into " + data + " (").doesNotContain("pg/pg-");
        assertThat(r.err()).contains("restore started job=phys file=" + file + " key=pg/pg-20261130-025421.tar.zst"); // the copy's key after
        assertThat(data.resolve("base/1/1259")).hasSize(CutBaseBackupCliTest.BIG);

        String cutFile = "copies/pg-20261130-035421.tar.zst";
        copy(cutFile, CutBaseBackupCliTest.zstd(java.util.Arrays.copyOf(tar, tar.length / 2)));
        Path cut = dir.resolve("cut");
        Cli.Result c = cli.run("-c", "config.yaml", "restore", "phys", "--from-file", cutFile, "--pgdata", cut.toString(),
                "--no-progress");
        assertThat(c.exit()).as(c.toString()).isEqualTo(3);
        String error = c.err().lines().filter(l -> l.startsWith("error: ")).findFirst().orElseThrow();
        assertThat(error).startsWith("error: the backup " + cutFile + " does not restore: the tar archive is cut short at byte ")
                .contains("(nothing was left in " + cut + ")").doesNotContain("pg/pg-");
    }

    /**
     * A copy with its sidecar and no manifest ({@code download --with-sidecar} writes none): the warning that its
     * tablespaces are unknown names the manifest missing beside the file given, where one would be put, not the store
     * path {@code pg/pg-….tar.zst.manifest.json} that no folder here holds. Its {@code key=} field stays the key, as in
     * every log line of a {@code --from-file} command.
     */
    @Test
    void theWarningOfAMissingManifestNamesItBesideTheFileGiven() throws IOException {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  pg: {engine: postgres, method: physical, host: 127.0.0.1, port: 1, user: replicator}
                stores:
                  local: {type: local, path: store}
                jobs:
                  phys: {datasource: pg, store: local}
                """);
        String file = "copies/pg-20261130-025421.tar.zst";
        copy(file, CutBaseBackupCliTest.zstd(PhysicalUnitTest.baseBackup(new byte[1000])));
        Path data = dir.resolve("data");
        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "restore", "phys", "--from-file", file, "--pgdata",
                data.toString(), "--no-progress");
        assertThat(r.exit()).as(r.toString()).isZero();
        String warning = r.err().lines().filter(l -> l.contains("manifest cannot be read")).findFirst().orElseThrow();
        assertThat(warning).contains("its tablespaces are unknown").contains(" key=pg/pg-20261130-025421.tar.zst ")
                .contains("error=backup " + file + " has no manifest " + file + ".manifest.json");
        assertThat(warning.substring(warning.indexOf(" error="))).doesNotContain("pg/pg-");
    }

    /**
     * A copy of the bucket keeps the store's folders ({@code bucket/pg/pg-….tar.zst}): the file as given ends with the key.
     * A failure naming its sidecar names it once, not {@code bucket/bucket/pg/…} (the key in the file's own name was
     * replaced by the file again).
     */
    @Test
    void aCopyInFoldersLikeTheStoresIsNamedOnce() throws IOException {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  pg: {engine: postgres, method: physical, host: 127.0.0.1, port: 1, user: replicator}
                stores:
                  local: {type: local, path: store}
                jobs:
                  phys: {datasource: pg, store: local}
                """);
        String file = "bucket/pg/pg-20261130-025421.tar.zst";
        copy(file, CutBaseBackupCliTest.zstd(PhysicalUnitTest.baseBackup(new byte[1000])));
        Files.writeString(dir.resolve(file + ".sha256"), "not a sidecar\n");
        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "restore", "phys", "--from-file", file, "--pgdata",
                dir.resolve("data").toString(), "--no-progress");
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.err()).contains("malformed checksum sidecar " + file + ".sha256: cannot verify " + file)
                .doesNotContain("bucket/bucket");
    }

    /** {@code name} with its sidecar beside it, as {@code download --with-sidecar} writes them. */
    private void copy(String name, byte[] bytes) throws IOException {
        Path f = dir.resolve(name);
        Files.createDirectories(f.getParent());
        Files.write(f, bytes);
        Files.writeString(f.resolveSibling(f.getFileName() + ".sha256"), TestBytes.sha256(new ByteArrayInputStream(bytes)) + "  "
                + f.getFileName() + "\n");
    }
}
