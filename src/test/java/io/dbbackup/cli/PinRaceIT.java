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
 * A pin and a prune on two hosts at once, each played at the other's worst moment by the test-only {@code faulty}
 * store (hence an IT): a backup pinned after the prune listed the folder is still kept, and a pin whose backup a prune
 * deleted meanwhile fails instead of reporting a pin of nothing.
 */
class PinRaceIT {
    @TempDir
    Path dir;

    private Cli cli() {
        return new Cli().workingDir(dir).clock(new SteppingClock(Instant.parse("2026-03-01T02:00:00Z"), Duration.ofMinutes(1)));
    }

    /** The job's store: a plain folder, or the same folder through the faulty store playing the other host. */
    private void store(String store) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db, compression: zstd}
                stores:
                  s: %s
                jobs:
                  app: {datasource: app, store: s, retention: {keep_last: 1}}
                """.formatted(store));
    }

    private Stream<String> names() throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("store/app"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    @Test
    void aBackupPinnedAfterThePruneListedItIsKept() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 20);
        store("{type: local, path: store}");
        Cli cli = cli();
        for (int i = 0; i < 3; i++) {
            Cli.Result b = cli.run("-c", "config.yaml", "backup", "app");
            assertThat(b.exit()).as(b.toString()).isZero();
        }
        java.util.List<String> made = backups();
        assertThat(made).hasSize(3);
        store("{type: faulty, path: store, pin_after_listing: true}");
        Cli.Result prune = cli.run("-c", "config.yaml", "prune", "app");
        assertThat(prune.exit()).as(prune.toString()).isZero();
        assertThat(prune.err()).contains("kept: pinned while the prune ran job=app key=app/" + made.get(0))
                .contains("pruned job=app key=app/" + made.get(1));
        assertThat(prune.out()).contains("deleted 1").contains("pinned").contains(made.get(0));
        assertThat(backups()).as("the oldest pinned meanwhile, the newest by keep_last").containsExactly(made.get(0), made.get(2));
        assertThat(names().toList()).contains(made.get(0) + ".sha256", made.get(0) + ".pin").doesNotContain(made.get(1) + ".sha256");
    }

    /** A store that lists each object twice: every backup is one row of list, one backup for retention, one delete. */
    @Test
    void aBackupListedTwiceIsOneBackup() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 20);
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db, compression: zstd}
                stores:
                  s: {type: local, path: store}
                jobs:
                  app: {datasource: app, store: s, retention: {keep_last: 2}}
                """);
        Cli cli = cli();
        for (int i = 0; i < 3; i++) {
            Cli.Result b = cli.run("-c", "config.yaml", "backup", "app");
            assertThat(b.exit()).as(b.toString()).isZero();
        }
        java.util.List<String> made = backups();
        store("{type: faulty, path: store, list_twice: true}");
        Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml"))
                .replace("keep_last: 1", "keep_last: 2"));
        Cli.Result list = cli.run("-c", "config.yaml", "list", "app");
        assertThat(list.exit()).as(list.toString()).isZero();
        for (String m : made) {
            assertThat(list.out().split(java.util.regex.Pattern.quote(m), -1)).as(list.out()).hasSize(2);
        }
        Cli.Result prune = cli.run("-c", "config.yaml", "prune", "app");
        assertThat(prune.exit()).as(prune.toString()).isZero();
        assertThat(backups()).as("keep_last: 2 keeps two backups, not one listed twice").containsExactly(made.get(1), made.get(2));
    }

    private java.util.List<String> backups() throws Exception {
        return names().filter(n -> n.endsWith(".sqlite.zst")).toList();
    }

    @Test
    void aPinWhoseBackupIsDeletedMeanwhileFailsAndLeavesNoMarker() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 20);
        store("{type: local, path: store}");
        Cli cli = cli();
        Cli.Result b = cli.run("-c", "config.yaml", "backup", "app");
        assertThat(b.exit()).as(b.toString()).isZero();
        String made = backups().get(0);
        store("{type: faulty, path: store, delete_after_pin: true}");
        Cli.Result pin = cli.run("-c", "config.yaml", "pin", "app", "--note", "before the migration");
        assertThat(pin.exit()).as(pin.toString()).isEqualTo(1);
        assertThat(pin.err()).contains("app/" + made + " was deleted (by a prune?) while it was being pinned")
                .contains("nothing is pinned");
        assertThat(names().filter(n -> n.endsWith(".pin")).toList()).isEmpty();
    }
}
