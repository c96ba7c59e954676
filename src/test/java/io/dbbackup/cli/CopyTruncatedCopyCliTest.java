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
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A copy cut short (not empty: fewer bytes than its own manifest records) whose source backup is damaged: it was
 * counted as a copy the job holds, so no older good backup was copied in the damaged one's place and the run said
 * the copy held it. An empty object in the same place already got a stand-in; a truncated one now gets one too.
 */
class CopyTruncatedCopyCliTest {
    private static final Instant FIRST = Instant.parse("2026-03-01T02:00:00Z");
    private static final Instant NOW = FIRST.plusSeconds(86_400L * 3);
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

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return TestBytes.sha256(in);
        }
    }

    @Test
    void aTruncatedCopyOfADamagedSourceBackupIsNoCopyAndGetsAStandIn() throws Exception {
        Cli.Result first = at(NOW).run("-c", "config.yaml", "backup", "copy");
        assertThat(first.exit()).as(first.toString()).isZero();
        Path copy = dir.resolve("offsite/" + DAY3);
        byte[] whole = Files.readAllBytes(copy);
        Files.write(copy, Arrays.copyOf(whole, whole.length / 2));
        TestBytes.flipMiddleByte(dir.resolve("store/" + DAY3));

        Cli.Result r = at(NOW).run("-c", "config.yaml", "backup", "copy");

        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(sha256(dir.resolve("offsite/" + DAY2))).as(r.toString()).isEqualTo(sha256(dir.resolve("store/" + DAY2)));
        assertThat(Files.size(copy)).as("the truncated copy is left as it is").isEqualTo(whole.length / 2);
        assertThat(r.err()).contains("checksum mismatch for " + DAY3 + ": expected ")
                .contains("; copied " + DAY2 + " in its place (the newest older good backup of job 'app' that the copy's "
                        + "retention keeps)")
                .doesNotContain("could not be repaired")
                .contains("copied=1 ").contains("already_there=0 ");
        assertThat(LoggedOnce.sentenceWithout(r.err(), "not counted as a copy", DAY3)).contains("WARN  not counted as a "
                + "copy: a copy that is " + whole.length / 2 + " bytes, its manifest records " + whole.length + " (cut short")
                .contains(" from=" + DAY3 + " key=" + DAY3);
    }

    /** Guard: a truncated copy of a sound source backup is repaired as before, counted as repaired. */
    @Test
    void aTruncatedCopyOfASoundSourceBackupIsCopiedAgain() throws Exception {
        Cli.Result first = at(NOW).run("-c", "config.yaml", "backup", "copy");
        assertThat(first.exit()).as(first.toString()).isZero();
        Path copy = dir.resolve("offsite/" + DAY3);
        byte[] whole = Files.readAllBytes(copy);
        Files.write(copy, Arrays.copyOf(whole, whole.length / 2));

        Cli.Result r = at(NOW).run("-c", "config.yaml", "backup", "copy");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Files.readAllBytes(copy)).isEqualTo(whole);
        assertThat(Files.exists(dir.resolve("offsite/" + DAY2))).isFalse();
    }
}
