package io.dbbackup.cli;

import io.dbbackup.core.Json;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.Golden;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The retention golden cases (src/test/resources/golden/retention) through the real CLI: each
 * case's file names are created in a local store folder, {@code prune --dry-run --json} must print
 * exactly the expected decision and delete nothing; then {@code prune} must delete exactly the
 * expected backups with their sidecars and leave everything else (foreign files included).
 */
class PruneGoldenCliTest {
    @TempDir
    Path dir;

    static List<String> cases() {
        return Golden.cases("retention", ".json");
    }

    @ParameterizedTest
    @MethodSource("cases")
    void pruneMatchesTheGoldenDecision(String name) throws Exception {
        Map<?, ?> c = (Map<?, ?>) Json.parse(Files.readString(Golden.dir("retention").resolve(name + ".json")));
        Map<?, ?> policy = (Map<?, ?>) c.get("policy");
        Path store = dir.resolve("store");
        List<String> files = new ArrayList<>();
        for (Object f : (List<?>) c.get("files")) {
            Path p = store.resolve((String) f);
            Files.createDirectories(p.getParent());
            Files.writeString(p, "x");
            files.add((String) f);
        }
        Files.createDirectories(store);
        // the datasource only names the database; its file is never touched by prune
        StringBuilder retention = new StringBuilder();
        for (var e : policy.entrySet()) {
            retention.append("      ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
        }
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  src:
                    engine: sqlite
                    path: unused.db
                    database: %s
                stores:
                  local:
                    type: local
                    path: store
                jobs:
                  %s:
                    datasource: src
                    store: local
                    prefix: "%s"
                    retention:
                %s""".formatted(c.get("database"), name, c.get("prefix"), retention));

        // the decision does not depend on the time; the refusal of backups dated after the clock does: run after the newest
        Instant newest = Instant.now();
        for (String f : files) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("-(\\d{8}-\\d{6})\\.").matcher(f);
            if (m.find()) {
                try {
                    Instant t = java.time.LocalDateTime.parse(m.group(1), java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                            .toInstant(ZoneOffset.UTC);
                    newest = t.isAfter(newest) ? t : newest;
                } catch (java.time.format.DateTimeParseException notABackupsName) {
                    // foreign files of the case
                }
            }
        }
        Clock clock = Clock.fixed(newest.plusSeconds(60), ZoneOffset.UTC);
        Cli.Result dry = new Cli().workingDir(dir).clock(clock).run("-c", "config.yaml", "prune", name, "--dry-run", "--json");
        assertThat(dry.exit()).as(dry.toString()).isZero();
        String expected = Files.readString(Golden.dir("retention").resolve(name + ".expected.json"));
        Map<?, ?> printed = new java.util.LinkedHashMap<>((Map<?, ?>) Json.parse(dry.out()));
        assertThat(printed.remove("dry_run")).as("the JSON says it was a dry run").isEqualTo(true);
        assertThat(printed).isEqualTo(Json.parse(expected));
        assertThat(listStore(store)).containsExactlyInAnyOrderElementsOf(files);

        Cli.Result real = new Cli().workingDir(dir).clock(clock).run("-c", "config.yaml", "prune", name, "--json");
        assertThat(real.exit()).as(real.toString()).isZero();
        assertThat(((Map<?, ?>) Json.parse(real.out())).get("dry_run")).isEqualTo(false);
        List<String> deleted = new ArrayList<>();
        for (Object d : (List<?>) ((Map<?, ?>) Json.parse(expected)).get("delete")) {
            String k = (String) ((Map<?, ?>) d).get("key");
            deleted.addAll(List.of(k, k + ".sha256", k + ".manifest.json"));
        }
        List<String> remaining = files.stream().filter(f -> !deleted.contains(f)).toList();
        assertThat(listStore(store)).containsExactlyInAnyOrderElementsOf(remaining);
    }

    private static List<String> listStore(Path store) throws Exception {
        try (Stream<Path> s = Files.walk(store)) {
            return s.filter(Files::isRegularFile).map(p -> store.relativize(p).toString()).toList();
        }
    }
}
