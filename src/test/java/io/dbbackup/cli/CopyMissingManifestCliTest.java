package io.dbbackup.cli;

import io.dbbackup.testkit.BrokenStoreFixture;
import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A copy whose {@code .manifest.json} is gone (a repair that died between its sidecar and its manifest, a hand that
 * deleted it) while its source backup has one: the copy run's check of the copies compared sizes and sidecars only, so
 * it never noticed, night after night — and a physical restore of that copy needs its manifest ("has no manifest"),
 * {@code show} has nothing to show. Now the run writes it back from the source's (the copy's key, its size and digest),
 * says so, and does not copy the backup again for it.
 */
class CopyMissingManifestCliTest {
    private static final Instant FIRST = Instant.parse("2026-03-01T02:00:00Z");
    private static final Instant NOW = FIRST.plusSeconds(86_400L * 2);
    private static final String D2 = "app/app-20260302-020000.sqlite.gz";

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        BrokenStoreFixture.write(dir, """
                  offsite: {type: local, path: offsite}
                jobs:
                  app: {datasource: app, store: local}
                  copy: {copy_of: app, store: offsite}
                """);
        BrokenStoreFixture.backUpDaily(this::at, FIRST, 2, "app");
        Cli.Result first = at(NOW).run("-c", "config.yaml", "backup", "copy");
        assertThat(first.exit()).as(first.toString()).isZero();
    }

    private Cli at(Instant now) {
        return new Cli().workingDir(dir).clock(Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void aCopyWithoutItsManifestGetsItBackFromTheSource() throws Exception {
        Path manifest = dir.resolve("offsite/" + D2 + ".manifest.json");
        String before = Files.readString(manifest);
        Files.delete(manifest);
        Path copy = dir.resolve("offsite/" + D2);
        java.nio.file.attribute.FileTime written = Files.getLastModifiedTime(copy);

        Cli.Result r = at(NOW.plusSeconds(60)).run("-c", "config.yaml", "backup", "copy");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(manifest).as(r.toString()).exists();
        String sha = Files.readString(dir.resolve("offsite/" + D2 + ".sha256")).substring(0, 64);
        assertThat(Files.readString(manifest)).contains("\"key\": \"" + D2 + "\"").contains("\"sha256\": \"" + sha + "\"")
                .contains("\"size\": " + Files.size(copy)).contains("\"copied_from\"");
        assertThat(before).contains("\"sha256\": \"" + sha + "\"");
        assertThat(r.out()).contains("wrote back a copy's missing manifest, from its source's: " + D2 + ".manifest.json");
        assertThat(LoggedOnce.sentenceWithout(r.err(), "copy has no manifest", D2)).contains("WARN  copy has no manifest: "
                + "the backup's manifest is missing beside it; writing it back from its source backup's job=copy from=" + D2);
        assertThat(r.err()).doesNotContain("damaged copy repaired");
        assertThat(Files.getLastModifiedTime(copy)).as("the backup is not copied again for it").isEqualTo(written);

        Cli.Result again = at(NOW.plusSeconds(120)).run("-c", "config.yaml", "backup", "copy");
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.out()).contains("nothing new to copy").doesNotContain("manifest");
    }
}
