package io.dbbackup.cli;

import io.dbbackup.core.Json;
import io.dbbackup.testkit.Cli;
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
 * Pinned backups through the CLI (SQLite into a local folder, keep_last 1): a pinned backup outlives the rules that
 * would delete it — in prune, in backup --prune, in the dry run's reasons — until it is unpinned; the pin is a marker in
 * the store that list, show and a second host see.
 */
class PinCliTest {
    @TempDir
    Path dir;
    Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 20);
        cli = new Cli().workingDir(dir).clock(new SteppingClock(Instant.parse("2026-03-01T02:00:00Z"), Duration.ofMinutes(1)));
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db, compression: zstd}
                stores:
                  local: {type: local, path: store}
                jobs:
                  app:
                    datasource: app
                    store: local
                    retention: {keep_last: 1}
                """);
    }

    private List<String> backups() throws Exception {
        try (Stream<Path> s = Files.list(dir.resolve("store/app"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sqlite.zst")).sorted().toList();
        }
    }

    private Cli.Result ok(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "-c";
        all[1] = "config.yaml";
        System.arraycopy(args, 0, all, 2, args.length);
        Cli.Result r = cli.run(all);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    @Test
    void aPinnedBackupOutlivesItsRulesUntilItIsUnpinned() throws Exception {
        ok("backup", "app");
        String first = backups().get(0);
        Cli.Result pinned = ok("pin", "app", "--note", "before migration 42");
        assertThat(pinned.out()).startsWith("pinned app/" + first + " (before migration 42)");
        assertThat(dir.resolve("store/app/" + first + ".pin")).exists();

        ok("backup", "app");
        ok("backup", "app", "--prune");
        List<String> after = backups();
        assertThat(after).hasSize(2).contains(first); // the newest by keep_last 1, the first by its pin

        Map<?, ?> dry = (Map<?, ?>) Json.parse(ok("prune", "app", "--dry-run", "--json").out());
        assertThat(dry.toString()).contains("key=app/" + first + ", reasons=[pinned]");
        assertThat(ok("list", "app").out()).contains("app/" + first + "  pinned").containsOnlyOnce("pinned");
        assertThat(ok("show", "app", first).out()).contains("pinned      since 2026-03-01 ").contains(": before migration 42 (retention keeps it)");
        assertThat(ok("list", "app", "--json").out()).contains("\"pinned\": true", "\"pinned\": false");

        assertThat(ok("pin", "--remove", "app", first).out()).startsWith("unpinned app/" + first);
        ok("prune", "app");
        assertThat(backups()).containsExactly(after.get(1));
        assertThat(dir.resolve("store/app/" + first + ".pin")).doesNotExist();
    }

    @Test
    void pinningAPinnedBackupAgainWithoutANoteKeepsItsNoteAndTime() throws Exception {
        ok("backup", "app");
        String first = backups().get(0);
        ok("pin", "app", "--note", "legal hold #7");
        String marker = Files.readString(dir.resolve("store/app/" + first + ".pin"));

        Cli.Result again = ok("pin", "app"); // a colleague making sure it is pinned
        assertThat(again.out()).startsWith("already pinned app/" + first + " since 2026-03-01 ")
                .contains("(legal hold #7): retention keeps it until ");
        assertThat(Files.readString(dir.resolve("store/app/" + first + ".pin"))).isEqualTo(marker);
        assertThat(ok("show", "app", first).out()).contains(": legal hold #7 (retention keeps it)");

        ok("pin", "app", first, "--note", "release 7"); // a note given replaces it, as before
        assertThat(ok("show", "app", first).out()).contains(": release 7 (retention keeps it)");
    }

    @Test
    void backupPinTakesTheBackupAndPinsItBeforePruning() throws Exception {
        ok("backup", "app");
        ok("backup", "app");
        String pinnedOne = backups().get(1);
        ok("pin", "app"); // the newest
        Cli.Result r = ok("backup", "app", "--pin", "release 7", "--prune");
        String newest = backups().get(backups().size() - 1);

        assertThat(backups()).containsExactly(pinnedOne, newest);
        assertThat(dir.resolve("store/app/" + newest + ".pin")).exists();
        assertThat(Files.readString(dir.resolve("store/app/" + newest + ".pin"))).contains("\"note\": \"release 7\"");
        assertThat(r.out()).contains("app/" + newest);
    }

    @Test
    void mistakesAreRefusedAndChangeNothing() throws Exception {
        ok("backup", "app");
        String only = backups().get(0);

        Cli.Result notPinned = cli.run("-c", "config.yaml", "pin", "--remove", "app", only);
        assertThat(notPinned.exit()).as(notPinned.toString()).isEqualTo(1);
        assertThat(notPinned.err()).contains("app/" + only + " is not pinned");

        Cli.Result noKey = cli.run("-c", "config.yaml", "pin", "--remove", "app");
        assertThat(noKey.exit()).isEqualTo(1);
        assertThat(noKey.err()).contains("pin --remove needs the KEY");

        Cli.Result unknown = cli.run("-c", "config.yaml", "pin", "app", "app-20200101-000000.sqlite.zst");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("no backup app/app-20200101-000000.sqlite.zst");

        try (Stream<Path> s = Files.list(dir.resolve("store/app"))) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".pin"))).isEmpty();
        }
    }

    @Test
    void thePinOfABackupDeletedByHandCanStillBeRemoved() throws Exception {
        ok("backup", "app");
        String only = backups().get(0);
        ok("pin", "app");
        for (String suffix : new String[] {"", ".sha256", ".manifest.json"}) {
            Files.delete(dir.resolve("store/app/" + only + suffix));
        }

        assertThat(ok("pin", "--remove", "app", only).out()).startsWith("unpinned app/" + only);
        assertThat(dir.resolve("store/app/" + only + ".pin")).doesNotExist();
    }
}
