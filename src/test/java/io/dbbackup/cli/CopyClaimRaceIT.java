package io.dbbackup.cli;

import io.dbbackup.testkit.ClaimRace;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.Shell;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two overlapping runs of one copy job copy the same backup (their {@code .sha256} sidecars are the same bytes): one
 * claims the key; the other's claim fails without an answer, finds that identical sidecar with no copy under it yet and
 * deletes it, before or after the first run's commit ({@link ClaimRace}, played by the test-only {@code faulty} store
 * over the real local folder). The first run's copy keeps its sidecar either way. It was left without one.
 */
class CopyClaimRaceIT {
    @TempDir
    Path dir;

    private void config(String file, String role, String race) throws IOException {
        Files.writeString(dir.resolve(file), """
                datasources:
                  app:
                    engine: sqlite
                    path: app.db
                    compression: zstd
                stores:
                  local:
                    type: local
                    path: local
                  offsite:
                    type: faulty
                    path: offsite
                %s
                jobs:
                  nightly:
                    datasource: app
                    store: local
                    prefix: prod
                  offsite:
                    copy_of: nightly
                    store: offsite
                    prefix: vault
                """.formatted(race == null ? "" : ("claim_race: " + race + "\nclaim_role: " + role).indent(4).stripTrailing()));
    }

    private List<String> files(String store) throws IOException {
        Path root = dir.resolve(store);
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    @ParameterizedTest
    @EnumSource(ClaimRace.When.class)
    void aCopyRunWhoseClaimFailedNeverLeavesTheOtherRunsCopyWithoutItsSidecar(ClaimRace.When when) throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 400);
        Cli cli = new Cli().workingDir(dir);
        String race = "copy-" + when;
        config("nightly.yaml", null, null);
        config("owner.yaml", "owner", race);
        config("failing.yaml", "failing", race);
        Cli.Result backup = cli.run("-c", "nightly.yaml", "backup", "nightly");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        String name = Path.of(files("local").stream().filter(f -> f.endsWith(".sqlite.zst")).findFirst().orElseThrow())
                .getFileName().toString();
        ClaimRace played = new ClaimRace(when, "vault/app/" + name).register(race);

        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Cli.Result> owner = pool.submit(() -> {
                try {
                    return cli.run("-c", "owner.yaml", "backup", "offsite");
                } finally {
                    played.ownerDone();
                }
            });
            Cli.Result failing;
            try {
                failing = cli.run("-c", "failing.yaml", "backup", "offsite");
            } finally {
                played.failingDone();
            }
            Cli.Result copied = owner.get(120, TimeUnit.SECONDS);
            assertThat(failing.exit()).as(failing.toString()).isNotZero();
            assertThat(failing.err()).contains("injected fault");
            assertThat(copied.exit()).as(copied.toString()).isZero();
        } finally {
            pool.shutdownNow();
        }
        assertThat(played.failingDeleted()).as("the failing run deleted the other's sidecar").isTrue();
        assertThat(files("offsite")).containsExactly("vault/app/" + name, "vault/app/" + name + ".manifest.json",
                "vault/app/" + name + ".sha256");
        assertThat(Shell.ok(dir.resolve("offsite/vault/app"), "sha256sum", "-c", name + ".sha256")).contains(name + ": OK");
    }
}
