package io.dbbackup.cli;

import io.dbbackup.testkit.BrokenStoreFixture;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.TestBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backup object cut short (not empty: of another size than its own manifest records — a copy or an upload that died,
 * a full disk) is no backup, as an empty one is none: retention must not count it. Counted, with {@code keep_last: 1}
 * it was "the newest" and prune deleted the last good backup in its place, leaving no restorable one. Prune now checks
 * each backup it would keep against its manifest, re-applies the rules without a cut one (an older good backup kept in
 * its place), leaves the cut object alone and names it; {@code --dry-run} shows the same decision.
 */
class PruneCutShortBackupCliTest {
    private static final Instant FIRST = Instant.parse("2026-03-01T02:00:00Z");
    private static final Instant NOW = FIRST.plusSeconds(86_400L * 3);
    private static final String DAY1 = "app/app-20260301-020000.sqlite.gz";
    private static final String DAY2 = "app/app-20260302-020000.sqlite.gz";
    private static final String DAY3 = "app/app-20260303-020000.sqlite.gz";

    @TempDir
    Path dir;

    private Cli at(Instant now) {
        return new Cli().workingDir(dir).clock(Clock.fixed(now, ZoneOffset.UTC));
    }

    private List<String> stored(String folder) throws Exception {
        try (Stream<Path> s = Files.walk(dir.resolve(folder))) {
            return s.filter(Files::isRegularFile).map(p -> dir.resolve(folder).relativize(p).toString())
                    .filter(k -> !k.endsWith(".sha256") && !k.endsWith(".json")).sorted().toList();
        }
    }

    /** Cuts {@code file} to half its size; returns its whole size. */
    private static long cut(Path file) throws Exception {
        byte[] whole = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(whole, whole.length / 2));
        return whole.length;
    }

    private void threeDailyBackups(String retention) throws Exception {
        BrokenStoreFixture.write(dir, "jobs:\n  app: {datasource: app, store: local, retention: " + retention + "}\n");
        BrokenStoreFixture.backUpDaily(this::at, FIRST, 3, "app");
    }

    @Test
    void aCutShortNewestBackupIsNotCountedSoTheNewestGoodOneIsKept() throws Exception {
        threeDailyBackups("{keep_last: 1}");
        long whole = cut(dir.resolve("store/" + DAY3));
        String named = "a backup that is " + whole / 2 + " bytes, its manifest records " + whole;

        Cli.Result dry = at(NOW).run("-c", "config.yaml", "prune", "app", "--dry-run");
        assertThat(dry.exit()).as(dry.toString()).isZero();
        assertThat(dry.out()).contains("job app: keep 1, would delete 1, left 1 (not counted)\n")
                .containsPattern("keep +\\S+ \\S+ +" + DAY2)
                .containsPattern("delete\\? +\\S+ \\S+ +" + DAY1)
                .contains("  left    2026-03-03 02:00:00  " + DAY3 + "  [not counted: cut short (" + whole / 2 + " of " + whole + " bytes)]\n");
        String warned = LoggedOnce.lineSuggesting(dry.err(), "not counted by retention", DAY3);
        assertThat(warned).contains("WARN  not counted by retention: " + named)
                .contains("check it (dbbackup -c config.yaml verify app " + DAY3 + ") and remove it");
        Cli.Result check = at(NOW).run(LoggedOnce.suggested(warned));
        assertThat(check.exit()).as("the command as printed checks that backup: " + check).isEqualTo(3);
        assertThat(check.out() + check.err()).contains(DAY3).contains("cut short");

        Cli.Result r = at(NOW).run("-c", "config.yaml", "prune", "app");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("job app: keep 1, deleted 1, left 1 (not counted)\n").containsPattern("left +\\S+ \\S+ +" + DAY3);
        assertThat(LoggedOnce.lineSuggesting(r.err(), "not counted by retention", DAY3)).contains("not counted by retention: " + named);
        assertThat(stored("store")).as("the good backup kept, the cut one left for a human")
                .containsExactly(DAY2, DAY3);
        assertThat(Files.size(dir.resolve("store/" + DAY3))).isEqualTo(whole / 2);
        assertThat(dir.resolve("store/" + DAY3 + ".sha256")).exists();
        assertThat(dir.resolve("store/" + DAY3 + ".manifest.json")).exists();
    }

    /**
     * An object LONGER than its manifest records (overwritten, appended to, or beside another backup's manifest) is not
     * counted either, but it is not "cut short": prune said {@code cut short (N of M bytes)} with N above M. Prune's table
     * now words it as {@code list} does, {@code N bytes, its manifest records M}, and verify names both sizes too.
     */
    @Test
    void anObjectLongerThanItsManifestRecordsIsNotCalledCutShort() throws Exception {
        threeDailyBackups("{keep_last: 1}");
        Path longer = dir.resolve("store/" + DAY3);
        long recorded = Files.size(longer);
        Files.write(longer, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        String words = (recorded + 3) + " bytes, its manifest records " + recorded;

        String listed = at(NOW).run("-c", "config.yaml", "list", "app").out();
        assertThat(listed).as("list's words, which prune's must be").contains(words);
        for (String[] args : List.of(new String[]{"--dry-run"}, new String[0])) {
            List<String> line = new java.util.ArrayList<>(List.of("-c", "config.yaml", "prune", "app"));
            line.addAll(List.of(args));
            Cli.Result r = at(NOW).run(line.toArray(String[]::new));
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.out()).as(r.toString())
                    .contains("  left    2026-03-03 02:00:00  " + DAY3 + "  [not counted: " + words + "]\n")
                    .doesNotContain("cut short");
            assertThat(r.err()).as(r.toString()).contains("not counted by retention: a backup that is " + words
                    + " (longer: written over or appended to, or another backup's manifest?)").doesNotContain("cut short");
        }
        assertThat(stored("store")).containsExactly(DAY2, DAY3);

        Cli.Result verify = at(NOW).run("-c", "config.yaml", "verify", "app", DAY3);
        assertThat(verify.exit()).as(verify.toString()).isEqualTo(3);
        assertThat(verify.out() + verify.err()).as(verify.toString())
                .contains("it is " + words + " (written over or appended to, or another backup's manifest?)")
                .doesNotContain("cut short");
    }

    /**
     * An audit reading {@code prune --json} sees what retention did not count: before, a cut backup and an empty one were
     * in neither list of the JSON, named only in a warning on stderr. {@code not_counted} lists them, newest first.
     */
    @Test
    void pruneJsonListsTheBackupsItDidNotCount() throws Exception {
        threeDailyBackups("{keep_last: 1}");
        long whole = cut(dir.resolve("store/" + DAY3));
        Files.write(dir.resolve("store/" + DAY1), new byte[0]);
        java.util.Map<String, Object> cutRow = new java.util.LinkedHashMap<>();
        cutRow.put("key", DAY3);
        cutRow.put("size", whole / 2);
        cutRow.put("recorded_size", whole);
        cutRow.put("reason", "cut_short");
        java.util.Map<String, Object> emptyRow = new java.util.LinkedHashMap<>();
        emptyRow.put("key", DAY1);
        emptyRow.put("size", 0L);
        emptyRow.put("recorded_size", null);
        emptyRow.put("reason", "empty");

        for (String[] args : List.of(new String[]{"--dry-run", "--json"}, new String[]{"--json"})) {
            List<String> line = new java.util.ArrayList<>(List.of("-c", "config.yaml", "prune", "app"));
            line.addAll(List.of(args));
            Cli.Result r = at(NOW).run(line.toArray(String[]::new));
            assertThat(r.exit()).as(r.toString()).isZero();
            java.util.Map<?, ?> json = (java.util.Map<?, ?>) io.dbbackup.core.Json.parse(r.out());
            assertThat(json.get("not_counted")).as(r.toString()).isEqualTo(List.of(cutRow, emptyRow));
            assertThat(json.get("delete")).isEqualTo(List.of());
            assertThat(r.out()).contains("\"keep\"").contains(DAY2);
        }
        assertThat(stored("store")).containsExactly(DAY1, DAY2, DAY3);
    }

    /**
     * An auditor reading the plain table of {@code prune --dry-run} (or {@code prune}) sees every backup of the job: before,
     * a cut or empty backup was in neither its {@code keep} nor its {@code delete?} lines, so the newest backup was missing
     * and the one kept as {@code last 1/1} looked older than it should be. Each one not counted is now a {@code left}
     * line among those that stay, in its place newest first, saying why; the header counts them. It is never deleted.
     */
    @Test
    void theTableShowsEachBackupRetentionDidNotCountInItsPlace() throws Exception {
        threeDailyBackups("{keep_last: 1}");
        BrokenStoreFixture.backUpDaily(this::at, FIRST.plusSeconds(86_400L * 3), 1, "app");
        String day4 = "app/app-20260304-020000.sqlite.gz";
        long whole = cut(dir.resolve("store/" + day4));
        Files.write(dir.resolve("store/" + DAY2), new byte[0]);
        String rules = "  rules: keep_last 1 (periods in UTC); a backup no rule keeps ";

        Cli.Result dry = at(NOW.plusSeconds(86_400L)).run("-c", "config.yaml", "prune", "app", "--dry-run");
        assertThat(dry.exit()).as(dry.toString()).isZero();
        assertThat(dry.out().lines().toList()).as(dry.toString()).containsExactly(
                "job app: keep 1, would delete 1, left 2 (not counted)",
                rules + "would be deleted with its .sha256 and .manifest.json",
                "  left    2026-03-04 02:00:00  " + day4 + "  [not counted: cut short (" + whole / 2 + " of " + whole + " bytes)]",
                "  keep    2026-03-03 02:00:00  " + DAY3 + "  [last 1/1]",
                "  left    2026-03-02 02:00:00  " + DAY2 + "  [not counted: empty (0 bytes)]",
                "  delete? 2026-03-01 02:00:00  " + DAY1);

        Cli.Result r = at(NOW.plusSeconds(86_400L)).run("-c", "config.yaml", "prune", "app");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out().lines().toList()).as(r.toString()).containsExactly(
                "job app: keep 1, deleted 1, left 2 (not counted)",
                rules + "is deleted with its .sha256 and .manifest.json",
                "  left    2026-03-04 02:00:00  " + day4 + "  [not counted: cut short (" + whole / 2 + " of " + whole + " bytes)]",
                "  keep    2026-03-03 02:00:00  " + DAY3 + "  [last 1/1]",
                "  left    2026-03-02 02:00:00  " + DAY2 + "  [not counted: empty (0 bytes)]",
                "  deleted 2026-03-01 02:00:00  " + DAY1);
        assertThat(stored("store")).as("each one left as it is").containsExactly(DAY2, DAY3, day4);
    }

    /** The rules re-applied until every backup kept is whole: the two newest cut, the oldest is kept. */
    @Test
    void eachCutBackupTheRulesWouldKeepGivesWayToAnOlderOne() throws Exception {
        threeDailyBackups("{keep_last: 1}");
        cut(dir.resolve("store/" + DAY3));
        cut(dir.resolve("store/" + DAY2));

        Cli.Result r = at(NOW).run("-c", "config.yaml", "prune", "app");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("job app: keep 1, deleted 0");
        assertThat(stored("store")).containsExactly(DAY1, DAY2, DAY3);
    }

    /** Guard: a backup without a manifest records no size, so it is counted as before (nothing says it is cut). */
    @Test
    void aBackupWithoutAManifestIsCountedAsBefore() throws Exception {
        threeDailyBackups("{keep_last: 1}");
        cut(dir.resolve("store/" + DAY3));
        Files.delete(dir.resolve("store/" + DAY3 + ".manifest.json"));

        Cli.Result r = at(NOW).run("-c", "config.yaml", "prune", "app");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).doesNotContain("not counted by retention");
        assertThat(stored("store")).containsExactly(DAY3);
    }

    /**
     * The README's known gap: a copy job with {@code keep_last: 1} whose newest copy is cut short and whose source
     * backup is damaged takes the one before it as a stand-in (the run fails, exit 3, so its own prune does not run);
     * a {@code prune} of the copy job then kept the cut copy and deleted the stand-in, leaving the offsite store with
     * no restorable backup until the next copy run.
     */
    @Test
    void aCopyJobsPruneKeepsTheStandInOfACutCopy() throws Exception {
        BrokenStoreFixture.write(dir, """
                  offsite: {type: local, path: offsite}
                jobs:
                  app: {datasource: app, store: local}
                  copy: {copy_of: app, store: offsite, retention: {keep_last: 1}}
                """);
        BrokenStoreFixture.backUpDaily(this::at, FIRST, 3, "app");
        Cli.Result first = at(NOW).run("-c", "config.yaml", "backup", "copy");
        assertThat(first.exit()).as(first.toString()).isZero();
        long whole = cut(dir.resolve("offsite/" + DAY3));
        TestBytes.flipMiddleByte(dir.resolve("store/" + DAY3));
        Cli.Result run = at(NOW).run("-c", "config.yaml", "backup", "copy");
        assertThat(run.exit()).as(run.toString()).isEqualTo(3);
        assertThat(run.err()).contains("; copied " + DAY2 + " in its place");
        String named = "not counted by retention: a backup that is " + whole / 2 + " bytes, its manifest records " + whole;

        Cli.Result dry = at(NOW).run("-c", "config.yaml", "prune", "copy", "--dry-run");
        assertThat(dry.exit()).as(dry.toString()).isZero();
        assertThat(dry.out()).contains("job copy: keep 1, would delete 0, left 1 (not counted)\n")
                .containsPattern("keep +\\S+ \\S+ +" + DAY2)
                .contains("  left    2026-03-03 02:00:00  " + DAY3 + "  [not counted: cut short (" + whole / 2 + " of " + whole + " bytes)]\n");
        assertThat(dry.err()).contains(named).contains("the next run of copy job copy copies its source backup over it");

        Cli.Result r = at(NOW).run("-c", "config.yaml", "prune", "copy");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(stored("offsite")).as("the stand-in kept, the cut copy left as it is").containsExactly(DAY2, DAY3);
        assertThat(Files.size(dir.resolve("offsite/" + DAY3))).isEqualTo(whole / 2);
        assertThat(r.err()).contains(named);
    }

    /** A manifest that is not JSON records nothing, as before, but is no longer passed over in silence. */
    @Test
    void aManifestThatIsNotJsonIsNamedAndItsBackupCountedAsBefore() throws Exception {
        threeDailyBackups("{keep_last: 1}");
        Files.writeString(dir.resolve("store/" + DAY3 + ".manifest.json"), "not json {");

        Cli.Result r = at(NOW).run("-c", "config.yaml", "prune", "app");

        assertThat(r.exit()).as(r.toString()).isZero();
        String warned = LoggedOnce.lineSuggesting(r.err(), "not checked for being cut short", DAY3);
        assertThat(warned).contains("WARN  not checked for being cut short: the backup's manifest is not valid JSON; "
                + "retention counts it as a backup whose manifest records no size (dbbackup -c config.yaml verify app " + DAY3
                + " checks it) job=app key=" + DAY3);
        Cli.Result check = at(NOW).run(LoggedOnce.suggested(warned));
        assertThat(check.exit()).as("the command as printed checks that backup: " + check).isEqualTo(3);
        assertThat(check.out() + check.err()).contains(DAY3).contains("manifest");
        assertThat(stored("store")).containsExactly(DAY3);
    }

    /**
     * A copy without a manifest of its own is judged by its source backup's manifest, as the copy run judges it: before,
     * prune counted a cut copy that had none, kept it as the newest, and deleted the good copy before it.
     */
    @Test
    void aCopyWithoutItsOwnManifestIsJudgedByItsSourcesManifest() throws Exception {
        BrokenStoreFixture.write(dir, """
                  offsite: {type: local, path: offsite}
                jobs:
                  app: {datasource: app, store: local}
                  copy: {copy_of: app, store: offsite, retention: {keep_last: 3}}
                """);
        BrokenStoreFixture.backUpDaily(this::at, FIRST, 3, "app");
        Cli.Result run = at(NOW).run("-c", "config.yaml", "backup", "copy");
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(stored("offsite")).containsExactly(DAY1, DAY2, DAY3);
        long whole = cut(dir.resolve("offsite/" + DAY3));
        Files.delete(dir.resolve("offsite/" + DAY3 + ".manifest.json"));
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, Files.readString(config).replace("keep_last: 3", "keep_last: 1"));

        Cli.Result r = at(NOW).run("-c", "config.yaml", "prune", "copy");

        assertThat(r.exit()).as(r.toString()).isZero();
        String warned = LoggedOnce.lineSuggesting(r.err(), "not counted by retention", DAY3);
        assertThat(warned).contains("not counted by retention: a backup that is " + whole / 2 + " bytes, its source's "
                + "manifest records " + whole).contains("check it (dbbackup -c config.yaml verify copy " + DAY3 + ")");
        Cli.Result check = at(NOW).run(LoggedOnce.suggested(warned));
        assertThat(check.exit()).as("the command as printed checks the copy: " + check).isEqualTo(3);
        assertThat(check.out() + check.err()).contains(DAY3);
        assertThat(r.out()).as("the table says which manifest it was judged by").contains("  left    2026-03-03 02:00:00  " + DAY3
                + "  [not counted: cut short (" + whole / 2 + " of " + whole + " bytes, by its source's manifest)]\n");
        assertThat(stored("offsite")).as("the good copy kept, the cut one left").containsExactly(DAY2, DAY3);
    }
}
