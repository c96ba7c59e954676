package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import io.dbbackup.testkit.SteppingClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backup copied by hand under another date with its sidecars ({@code cp} of the three files, as one dates backups by
 * hand to try a retention policy, or brings one back under another name): its {@code .sha256} names the file it was
 * copied from and its manifest that file's key. The error says so — not a "malformed" sidecar and "no manifest" beside
 * a well-formed sidecar and a manifest the engineer can see.
 */
class BackupRenamedByHandCliTest {
    @TempDir
    Path dir;

    @Test
    void aBackupCopiedUnderAnotherNameWithItsSidecarsIsNamedForWhatItIs() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 5);
        Cli cli = new Cli().workingDir(dir).clock(new SteppingClock(Instant.parse("2026-03-01T02:00:00Z"), Duration.ofMinutes(1)));
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db, compression: zstd}
                stores:
                  local: {type: local, path: store}
                jobs:
                  app: {datasource: app, store: local}
                """);
        Cli.Result b = cli.run("-c", "config.yaml", "backup", "app");
        assertThat(b.exit()).as(b.toString()).isZero();
        Path folder = dir.resolve("store/app");
        String original;
        try (Stream<Path> s = Files.list(folder)) {
            original = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sqlite.zst")).findFirst().orElseThrow();
        }
        String copy = "app-20260215-010000.sqlite.zst";
        for (String suffix : new String[] {"", ".sha256", ".manifest.json"}) {
            Files.copy(folder.resolve(original + suffix), folder.resolve(copy + suffix));
        }

        Cli.Result r = cli.run("-c", "config.yaml", "verify", "app", copy);

        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.err()).contains("checksum sidecar app/" + copy + ".sha256 is for another file, " + original
                        + ", not " + copy + " (copied or renamed with its sidecars?)",
                "its manifest app/" + copy + ".manifest.json describes another backup, app/" + original)
                .doesNotContain("malformed", "nor does a manifest record");
    }
}
