package io.dbbackup.cli;

import io.dbbackup.core.Json;
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
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code list} marks a backup cut short in the store and one without its {@code .sha256}, so that on-call does not pick
 * it for a restore; verify and restore of a backup whose {@code .sha256} was deleted say how to put it back.
 */
class ListMarksDamagedBackupsCliTest {
    @TempDir
    Path dir;
    Path store;
    Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 300);
        store = dir.resolve("store");
        cli = new Cli().workingDir(dir).clock(new SteppingClock(Instant.parse("2026-03-01T02:00:00Z"), Duration.ofMinutes(1)));
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app:
                    engine: sqlite
                    path: app.db
                    compression: gzip
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
                """);
    }

    /** The job's backup objects, oldest first. */
    private List<Path> artifacts() throws Exception {
        try (Stream<Path> s = Files.list(store.resolve("prod/app"))) {
            return s.filter(p -> p.toString().endsWith(".gz")).sorted().toList();
        }
    }

    private static String lineOf(String out, Path artifact) {
        return out.lines().filter(l -> l.contains(artifact.getFileName().toString())).findFirst().orElseThrow();
    }

    @Test
    void aBackupCutShortAndOneWithoutItsSidecarAreMarkedAndTheGoodOneIsNot() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(cli.run("-c", "config.yaml", "backup", "app").exit()).isZero();
        }
        List<Path> a = artifacts();
        assertThat(a).hasSize(3);
        Path lost = a.get(0), good = a.get(1), cut = a.get(2);
        long size = Files.size(cut);
        byte[] bytes = Files.readAllBytes(cut);
        Files.write(cut, java.util.Arrays.copyOf(bytes, (int) (size / 2)));
        Files.delete(lost.resolveSibling(lost.getFileName() + ".sha256"));

        Cli.Result text = cli.run("-c", "config.yaml", "list", "app");
        assertThat(text.exit()).as(text.toString()).isZero();
        assertThat(lineOf(text.out(), cut)).as(text.toString()).endsWith("cut short (" + size / 2 + " of " + size + " bytes)")
                .doesNotContain("no .sha256");
        assertThat(lineOf(text.out(), lost)).as(text.toString()).endsWith("no .sha256").doesNotContain("cut short");
        assertThat(lineOf(text.out(), good)).as(text.toString()).doesNotContain("cut short").doesNotContain("no .sha256");

        Cli.Result json = cli.run("-c", "config.yaml", "list", "app", "--json");
        assertThat(json.exit()).as(json.toString()).isZero();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) Json.parse(json.out());
        assertThat(rows).hasSize(3);
        Map<String, Object> cutRow = rows.get(0), goodRow = rows.get(1), lostRow = rows.get(2);
        assertThat(cutRow.get("key")).isEqualTo("prod/app/" + cut.getFileName());
        assertThat(cutRow.get("damage")).isEqualTo(List.of("cut short (" + size / 2 + " of " + size + " bytes)"));
        assertThat(((Number) cutRow.get("recorded_size")).longValue()).isEqualTo(size);
        assertThat(cutRow.get("sha256_sidecar")).isEqualTo(true);
        assertThat(lostRow.get("damage")).isEqualTo(List.of("no .sha256"));
        assertThat(lostRow.get("sha256_sidecar")).isEqualTo(false);
        assertThat(goodRow).doesNotContainKey("damage").containsEntry("sha256_sidecar", true);
    }

    @Test
    void verifyAndRestoreOfABackupWhoseSidecarWasDeletedSayHowToPutItBackAndThatPutsItBack() throws Exception {
        assertThat(cli.run("-c", "config.yaml", "backup", "app").exit()).isZero();
        Path artifact = artifacts().get(0);
        String name = artifact.getFileName().toString();
        Path sidecar = artifact.resolveSibling(name + ".sha256");
        String sha = Files.readString(sidecar).substring(0, 64);
        Files.delete(sidecar);
        // a local store's line names the sidecar by its absolute path: the command runs from wherever it is pasted
        String fix = "'echo \"" + sha + "  " + name + "\" > " + sidecar.toAbsolutePath().normalize() + "' writes it";

        Cli.Result verify = cli.run("-c", "config.yaml", "verify", "app");
        assertThat(verify.exit()).as(verify.toString()).isEqualTo(3);
        assertThat(verify.err()).as(verify.toString()).contains("no checksum sidecar").contains(fix);
        Cli.Result restore = cli.run("-c", "config.yaml", "restore", "app", "--to", "restored");
        assertThat(restore.exit()).as(restore.toString()).isZero();
        assertThat(restore.err()).as(restore.toString()).containsOnlyOnce("no checksum sidecar").contains(fix);

        assertThat(verify.err()).as(verify.toString()).doesNotContain("in its folder");
        // the line pasted as given, in another folder, puts the sidecar back: verify passes and list marks nothing
        String line = verify.err().substring(verify.err().indexOf(fix) + 1);
        Files.createDirectories(dir.resolve("elsewhere"));
        Shell.sh(dir.resolve("elsewhere"), line.substring(0, line.indexOf("' writes it")));
        assertThat(Shell.sh(artifact.getParent(), "sha256sum -c " + name + ".sha256")).contains(name + ": OK");
        Cli.Result again = cli.run("-c", "config.yaml", "verify", "app");
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(cli.run("-c", "config.yaml", "list", "app").out()).doesNotContain("no .sha256");
    }

    /**
     * A copy checked with {@code verify --from-file} whose {@code .sha256} did not come along, its manifest beside it: the
     * fix line names the sidecar beside the copy by its absolute path, and pasted from another folder it puts it there.
     */
    @Test
    void aCopyWithoutItsSidecarIsToldWhereItsSidecarGoes() throws Exception {
        assertThat(cli.run("-c", "config.yaml", "backup", "app").exit()).isZero();
        Path artifact = artifacts().get(0);
        String name = artifact.getFileName().toString();
        String sha = Files.readString(artifact.resolveSibling(name + ".sha256")).substring(0, 64);
        Path copies = Files.createDirectories(dir.resolve("copies"));
        Files.copy(artifact, copies.resolve(name));
        Files.copy(artifact.resolveSibling(name + ".manifest.json"), copies.resolve(name + ".manifest.json"));
        String fix = "'echo \"" + sha + "  " + name + "\" > " + copies.toAbsolutePath().normalize().resolve(name + ".sha256")
                + "' writes it";

        Cli.Result verify = cli.run("-c", "config.yaml", "verify", "app", "--from-file", "copies/" + name);
        assertThat(verify.exit()).as(verify.toString()).isEqualTo(3);
        assertThat(verify.err()).as(verify.toString()).contains("no checksum sidecar").contains(fix);
        String line = verify.err().substring(verify.err().indexOf(fix) + 1);
        Shell.sh(store, line.substring(0, line.indexOf("' writes it")));
        Cli.Result again = cli.run("-c", "config.yaml", "verify", "app", "--from-file", "copies/" + name);
        assertThat(again.exit()).as(again.toString()).isZero();
    }

    @Test
    void anEmptyObjectAndOneLongerThanItsManifestRecordsAreMarkedToo() throws Exception {
        for (int i = 0; i < 2; i++) {
            assertThat(cli.run("-c", "config.yaml", "backup", "app").exit()).isZero();
        }
        List<Path> a = artifacts();
        Path longer = a.get(0), empty = a.get(1);
        long size = Files.size(longer);
        Files.write(longer, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        Files.write(empty, new byte[0]);

        Cli.Result text = cli.run("-c", "config.yaml", "list", "app");
        assertThat(text.exit()).as(text.toString()).isZero();
        assertThat(lineOf(text.out(), empty)).as(text.toString()).endsWith("empty (0 bytes)");
        assertThat(lineOf(text.out(), longer)).as(text.toString())
                .endsWith((size + 3) + " bytes, its manifest records " + size).doesNotContain("cut short");
    }
}
