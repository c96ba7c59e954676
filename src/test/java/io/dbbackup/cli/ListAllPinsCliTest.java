package io.dbbackup.cli;

import io.dbbackup.core.Json;
import io.dbbackup.testkit.BrokenStoreFixture;
import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code list --all} shows pins as {@code list JOB} does: it said nothing of them, so the overview of a job with a
 * legal-hold pin looked like any other, and a pin a newer dbbackup wrote (a field this build does not apply) was named
 * by {@code list JOB} only. Now the job's line counts its pinned backups, the JSON row has {@code pinned} (and the
 * newest its own {@code pinned}), and the newer pin is warned of.
 */
class ListAllPinsCliTest {
    private static final Instant FIRST = Instant.parse("2026-03-01T02:00:00Z");
    private static final Instant NOW = FIRST.plus(Duration.ofDays(2)).plus(Duration.ofHours(5));
    private static final String OLDEST = "app/app-20260301-020000.sqlite.gz";
    private static final String MIDDLE = "app/app-20260302-020000.sqlite.gz";

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        BrokenStoreFixture.write(dir, """
                jobs:
                  app: {datasource: app, store: local}
                  other: {datasource: app, store: local, prefix: other}
                """);
        BrokenStoreFixture.backUpDaily(this::at, FIRST, 3, "app", "other");
        for (String key : List.of(OLDEST, MIDDLE)) {
            Cli.Result pin = at(NOW).run("-c", "config.yaml", "pin", "app", key, "--note", "legal hold #7");
            assertThat(pin.exit()).as(pin.toString()).isZero();
        }
        Path marker = dir.resolve("store/" + OLDEST + ".pin");
        Files.writeString(marker, Files.readString(marker).replace("\"note\": \"legal hold #7\"",
                "\"note\": \"legal hold #7\",\n  \"expires\": \"2026-12-04T00:00:00Z\""));
    }

    private Cli at(Instant now) {
        return new Cli().workingDir(dir).clock(Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void theLineCountsThePinnedBackupsAndANewerPinIsNamed() {
        Cli.Result r = at(NOW).run("-c", "config.yaml", "list", "--all");
        assertThat(r.exit()).as(r.toString()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(1)).startsWith("app ").endsWith("  2 pinned");
        assertThat(lines.get(2)).startsWith("other ").doesNotContain("pinned");
        assertThat(r.err()).contains(OLDEST + ": its pin was written by a newer dbbackup (unknown field 'expires'); kept");
    }

    @Test
    void theJsonRowCountsThemAndTheNewestSaysWhetherItIsPinned() {
        Cli.Result r = at(NOW).run("-c", "config.yaml", "list", "--all", "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        List<?> rows = (List<?>) Json.parse(r.out());
        Map<?, ?> app = (Map<?, ?>) rows.get(0);
        assertThat(app.get("pinned")).isEqualTo(2L);
        assertThat(((Map<?, ?>) app.get("newest")).get("pinned")).isEqualTo(false);
        assertThat(((Map<?, ?>) rows.get(1)).containsKey("pinned")).as("absent when none, as set_aside").isFalse();
    }
}
