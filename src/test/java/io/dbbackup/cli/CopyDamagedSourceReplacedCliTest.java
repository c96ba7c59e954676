package io.dbbackup.cli;

import io.dbbackup.testkit.BrokenStoreFixture;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.TestBytes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A copy job with {@code keep_last: 1} whose newest source backup fails its checksum: it was not copied (right), the run
 * failed with exit 3 (right), and nothing else was copied, so an empty offsite copy held nothing although an older
 * good source backup was there for its retention to keep in the damaged one's place. Now that one is copied, and the
 * run still fails with exit 3 naming the damaged one and the one copied in its place.
 */
class CopyDamagedSourceReplacedCliTest {
    private static final Instant FIRST = Instant.parse("2026-03-01T02:00:00Z");
    private static final Instant NOW = FIRST.plusSeconds(86_400L * 3);
    private static final String DAY1 = "app/app-20260301-020000.sqlite.gz";
    private static final String DAY2 = "app/app-20260302-020000.sqlite.gz";
    private static final String DAY3 = "app/app-20260303-020000.sqlite.gz";

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        BrokenStoreFixture.write(dir, """
                  offsite: {type: local, path: offsite}
                jobs:
                  app: {datasource: app, store: local}
                  copy: {copy_of: app, store: offsite, retention: {keep_last: 1}}
                """);
        BrokenStoreFixture.backUpDaily(this::at, FIRST, 3, "app");
    }

    private Cli at(Instant now) {
        return new Cli().workingDir(dir).clock(Clock.fixed(now, ZoneOffset.UTC));
    }

    private List<String> copies() throws IOException {
        Path root = dir.resolve("offsite");
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).filter(f -> f.endsWith(".gz"))
                    .sorted().toList();
        }
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return TestBytes.sha256(in);
        }
    }

    @Test
    void aDamagedNewestSourceBackupIsReplacedByTheNewestOlderGoodOne() throws Exception {
        TestBytes.flipMiddleByte(dir.resolve("store/" + DAY3));

        Cli.Result r = at(NOW).run("-c", "config.yaml", "backup", "copy");

        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(copies()).as(r.toString()).containsExactly(DAY2);
        String sha = sha256(dir.resolve("store/" + DAY2));
        assertThat(sha256(dir.resolve("offsite/" + DAY2))).isEqualTo(sha);
        assertThat(Files.readString(dir.resolve("offsite/" + DAY2 + ".sha256"))).startsWith(sha);
        assertThat(r.err()).contains("; copied " + DAY2 + " in its place (the newest older good backup of job 'app' "
                + "that the copy's retention keeps); run dbbackup -c config.yaml verify app --all-backups");
        assertThat(r.err()).contains("checksum mismatch for " + DAY3 + ": expected ");
        // what the retention left alone is DAY1, not DAY2 too: that one was copied in DAY3's place
        assertThat(r.err()).contains("already_there=0 ").contains("left_to_retention=1 ");

        // the copy's retention keeps it: prune leaves it, and the next run (the source still damaged) copies nothing more
        Cli.Result prune = at(NOW).run("-c", "config.yaml", "prune", "copy");
        assertThat(prune.exit()).as(prune.toString()).isZero();
        assertThat(copies()).containsExactly(DAY2);
        Cli.Result again = at(NOW).run("-c", "config.yaml", "backup", "copy");
        assertThat(again.exit()).as(again.toString()).isEqualTo(3);
        assertThat(again.err()).contains(DAY3).doesNotContain(" place (the newest older good backup");
        assertThat(copies()).containsExactly(DAY2);
    }

    @Test
    void aDamagedReplacementIsPassedByForTheNextOlderGoodOne() throws Exception {
        TestBytes.flipMiddleByte(dir.resolve("store/" + DAY3));
        TestBytes.flipMiddleByte(dir.resolve("store/" + DAY2));

        Cli.Result r = at(NOW).run("-c", "config.yaml", "backup", "copy");

        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(copies()).as(r.toString()).containsExactly(DAY1);
        assertThat(sha256(dir.resolve("offsite/" + DAY1))).isEqualTo(sha256(dir.resolve("store/" + DAY1)));
        assertThat(r.err()).contains(" (and 1 more files of job 'app' that do not match their checksums); copied " + DAY1
                + " in their place (the newest older good backup of job 'app' that the copy's retention keeps); run");
    }

    @Test
    void everySourceBackupDamagedCopiesNothing() throws Exception {
        for (String day : List.of(DAY1, DAY2, DAY3)) {
            TestBytes.flipMiddleByte(dir.resolve("store/" + day));
        }

        Cli.Result r = at(NOW).run("-c", "config.yaml", "backup", "copy");

        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(copies()).isEmpty();
        assertThat(r.err()).contains("(and 2 more files of job 'app' that do not match their checksums); run")
                .doesNotContain(" place (the newest older good backup");
    }

    /**
     * The stand-in's key holds an empty (0-byte) object in the copy's folder (a failed upload's empty commit): it is no
     * copy, and the stand-in is copied over it as a normally chosen backup is. It was passed by — nothing was copied in
     * the damaged one's place, nothing older tried — and the empty object was named as one whose backup "its retention
     * does not keep", which it does.
     */
    @Test
    void anEmptyObjectUnderTheStandInsKeyIsCopiedOver() throws Exception {
        TestBytes.flipMiddleByte(dir.resolve("store/" + DAY3));
        Path empty = dir.resolve("offsite/" + DAY2);
        Files.createDirectories(empty.getParent());
        Files.write(empty, new byte[0]);
        Files.copy(dir.resolve("store/" + DAY2 + ".sha256"), dir.resolve("offsite/" + DAY2 + ".sha256"));

        Cli.Result r = at(NOW).run("-c", "config.yaml", "backup", "copy");

        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(sha256(empty)).as(r.toString()).isEqualTo(sha256(dir.resolve("store/" + DAY2)));
        assertThat(r.err()).contains("; copied " + DAY2 + " in its place (the newest older good backup of job 'app' "
                + "that the copy's retention keeps)").doesNotContain("its retention does not keep that backup");
        assertThat(r.err()).contains("left_to_retention=1 ");
        Cli.Result prune = at(NOW).run("-c", "config.yaml", "prune", "copy");
        assertThat(prune.exit()).as(prune.toString()).isZero();
        assertThat(copies()).containsExactly(DAY2);
    }

    /** The same, the stand-in damaged too: the chain goes on to the next older good backup, the empty object left. */
    @Test
    void anEmptyObjectUnderADamagedStandInsKeyIsLeftAndTheNextOlderCopied() throws Exception {
        TestBytes.flipMiddleByte(dir.resolve("store/" + DAY3));
        TestBytes.flipMiddleByte(dir.resolve("store/" + DAY2));
        Path empty = dir.resolve("offsite/" + DAY2);
        Files.createDirectories(empty.getParent());
        Files.write(empty, new byte[0]);
        Files.copy(dir.resolve("store/" + DAY2 + ".sha256"), dir.resolve("offsite/" + DAY2 + ".sha256"));

        Cli.Result r = at(NOW).run("-c", "config.yaml", "backup", "copy");

        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(Files.size(empty)).as(r.toString()).isZero();
        assertThat(sha256(dir.resolve("offsite/" + DAY1))).isEqualTo(sha256(dir.resolve("store/" + DAY1)));
        assertThat(r.err()).contains("copied " + DAY1 + " in their place")
                .contains("not counted by retention: an object that is empty (0 bytes), so it is no backup")
                .contains("does not copy its source backup again (that backup does not match its checksum)")
                .doesNotContain("its retention does not keep that backup");
    }

    /**
     * A normally chosen backup whose key in the copy's folder holds an empty (0-byte) object (an earlier run died after
     * creating it, its sidecar beside it), its source damaged: the empty object went to the repair step, which said the
     * copy "could not be repaired" and "was left as it is" (as if it might be the sound one) and looked for no stand-in,
     * so the copy held nothing. Now it goes the main loop's way: the newest older good backup is copied in its place, in
     * the same words, counted as copied, exit 3; the empty object is named as one whose backup fails its checksum.
     */
    @Test
    void anEmptyObjectUnderADamagedChosenBackupsKeyGetsAStandIn() throws Exception {
        TestBytes.flipMiddleByte(dir.resolve("store/" + DAY3));
        Path empty = emptyCopyOf(DAY3);

        Cli.Result r = at(NOW).run("-c", "config.yaml", "backup", "copy", "--json");

        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(sha256(dir.resolve("offsite/" + DAY2))).as(r.toString()).isEqualTo(sha256(dir.resolve("store/" + DAY2)));
        assertThat(Files.size(empty)).isZero();
        assertThat(r.out()).as(r.toString()).contains("\"exit_code\": 3").contains("checksum mismatch for " + DAY3 + ": expected ")
                .contains("; copied " + DAY2 + " in its place (the newest older good backup of job 'app' that the copy's "
                        + "retention keeps); run dbbackup -c config.yaml verify app --all-backups");
        assertThat(r.err()).doesNotContain("could not be repaired").doesNotContain("the copy was left as it is")
                .contains("copying " + DAY2 + " in place of " + DAY3 + ", which does not match its checksum")
                .contains("copied=1 ").contains("repaired=0 ").contains("left_to_retention=1 ")
                .contains("not counted by retention: an object that is empty (0 bytes), so it is no backup")
                .contains("does not copy its source backup again (that backup does not match its checksum)");

        Cli.Result prune = at(NOW).run("-c", "config.yaml", "prune", "copy");
        assertThat(prune.exit()).as(prune.toString()).isZero();
        assertThat(copies()).containsExactly(DAY2, DAY3);
        assertThat(Files.size(empty)).as("an empty object is never deleted").isZero();
    }

    /** The same with no older good backup to copy in its place: the one line says the source is damaged and that. */
    @Test
    void anEmptyObjectUnderADamagedChosenBackupsKeyWithNoGoodOneLeftSaysSo() throws Exception {
        for (String day : List.of(DAY1, DAY2, DAY3)) {
            TestBytes.flipMiddleByte(dir.resolve("store/" + day));
        }
        Path empty = emptyCopyOf(DAY3);

        Cli.Result r = at(NOW).run("-c", "config.yaml", "backup", "copy");

        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(copies()).containsExactly(DAY3);
        assertThat(Files.size(empty)).isZero();
        assertThat(r.err()).as(r.toString()).doesNotContain("could not be repaired")
                .contains("checksum mismatch for " + DAY3 + ": expected ")
                .contains("; nothing was copied in their place: no older good backup of job 'app' that the copy's retention "
                        + "keeps is left to copy, and " + DAY3 + " in the copy's folder is an empty (0 bytes) object, no "
                        + "copy (left as it is)")
                .contains("(and 2 more files of job 'app' that do not match their checksums)");
    }

    private Path emptyCopyOf(String key) throws IOException {
        Path empty = dir.resolve("offsite/" + key);
        Files.createDirectories(empty.getParent());
        Files.write(empty, new byte[0]);
        Files.copy(dir.resolve("store/" + key + ".sha256"), dir.resolve("offsite/" + key + ".sha256"));
        return empty;
    }
}
