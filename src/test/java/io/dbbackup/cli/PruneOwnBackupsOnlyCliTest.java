package io.dbbackup.cli;

import io.dbbackup.core.Json;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code prune} on a real local store holding what a store holds after a while: jobs whose prefixes overlap ({@code p}
 * beside {@code p2}, {@code p/app} inside {@code p}'s folder), databases whose names share a start ({@code app},
 * {@code app2}), a backup in another format than the job makes now, files put there by hand, sidecars without their
 * backup and a backup without sidecars. Each job deletes exactly what its dry run said, with their sidecars, and
 * nothing else in the store.
 */
class PruneOwnBackupsOnlyCliTest {
    private static final Instant FIRST = Instant.parse("2026-03-01T02:00:00Z");
    private static final Instant NOW = FIRST.plus(Duration.ofDays(3));

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 5);
        SqliteFixture.create(dir.resolve("app2.db"), 5);
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                  app2: {engine: sqlite, path: app2.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  app: {datasource: app, store: local, prefix: p, retention: {keep_last: 1}}
                  app2: {datasource: app2, store: local, prefix: p, retention: {keep_last: 1}}
                  nested: {datasource: app, store: local, prefix: p/app, retention: {keep_last: 1}}
                  sibling: {datasource: app, store: local, prefix: p2, retention: {keep_last: 1}}
                """);
        for (int day = 0; day < 3; day++) {
            Cli.Result r = at(FIRST.plus(Duration.ofDays(day))).run("-c", "config.yaml", "backup", "--all");
            assertThat(r.exit()).as(r.toString()).isZero();
        }
        Path folder = dir.resolve("store/p/app");
        // by hand: named like the newest backup, without sidecars (counted, it would push out the real newest)
        Files.writeString(folder.resolve("app-20260303-120000.sqlite.gz"), "copied in by hand");
        // sidecars whose backup is gone
        Files.writeString(folder.resolve("app-20260101-000000.sqlite.gz.sha256"), "00  app-20260101-000000.sqlite.gz\n");
        Files.writeString(folder.resolve("app-20260102-000000.sqlite.gz.manifest.json"), "{}");
        Files.writeString(folder.resolve("app-20260104-000000.sqlite.gz.pin"), "{}");
        // the job's own older backup in another form (its config changed since): a backup like any other
        Files.writeString(folder.resolve("app-20260228-020000.sql.zst"), "older form");
        Files.writeString(folder.resolve("app-20260228-020000.sql.zst.sha256"), "00  app-20260228-020000.sql.zst\n");
        // another database's backup, and notes
        Files.writeString(folder.resolve("app2-20260227-020000.sqlite.gz"), "not this job's");
        Files.writeString(folder.resolve("app2-20260227-020000.sqlite.gz.sha256"), "00  app2-20260227-020000.sqlite.gz\n");
        Files.writeString(folder.resolve("README.txt"), "notes");
    }

    private Cli at(Instant now) {
        return new Cli().workingDir(dir).clock(Clock.fixed(now, ZoneOffset.UTC));
    }

    private Set<String> files() throws Exception {
        Path store = dir.resolve("store");
        try (Stream<Path> s = Files.walk(store)) {
            return s.filter(Files::isRegularFile).map(p -> store.relativize(p).toString())
                    .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        }
    }

    @SuppressWarnings("unchecked")
    private List<String> dryRunDeletes(String job) {
        Cli.Result r = at(NOW).run("-c", "config.yaml", "prune", job, "--dry-run", "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        Map<String, Object> json = (Map<String, Object>) Json.parse(r.out());
        List<String> keys = new ArrayList<>();
        for (Object o : (List<Object>) json.get("delete")) {
            keys.add((String) ((Map<String, Object>) o).get("key"));
        }
        return keys;
    }

    @Test
    void eachJobDeletesWhatItsDryRunSaidWithTheSidecarsAndNothingElse() throws Exception {
        for (String job : List.of("app", "app2", "nested", "sibling")) {
            List<String> said = dryRunDeletes(job);
            Set<String> before = files();
            Cli.Result r = at(NOW).run("-c", "config.yaml", "prune", job);
            assertThat(r.exit()).as(r.toString()).isZero();
            Set<String> gone = new TreeSet<>(before);
            gone.removeAll(files());
            Set<String> expected = new TreeSet<>();
            for (String k : said) {
                for (String f : List.of(k, k + ".sha256", k + ".manifest.json")) {
                    if (before.contains(f)) {
                        expected.add(f);
                    }
                }
            }
            assertThat(gone).as("job %s: what went, against its dry run %s", job, said).isEqualTo(expected);
            assertThat(said).as("job %s deletes only its own folder's backups", job)
                    .allMatch(k -> k.startsWith(folderOf(job)) && k.indexOf('/', folderOf(job).length()) < 0);
        }
        assertThat(files()).as("each job's newest backup stays, and everything that is not a backup")
                .contains("p/app/app-20260303-020000.sqlite.gz", "p/app/app-20260303-020000.sqlite.gz.sha256",
                        "p/app2/app2-20260303-020000.sqlite.gz", "p/app/app/app-20260303-020000.sqlite.gz",
                        "p2/app/app-20260303-020000.sqlite.gz",
                        "p/app/app-20260303-120000.sqlite.gz", "p/app/app-20260101-000000.sqlite.gz.sha256",
                        "p/app/app-20260102-000000.sqlite.gz.manifest.json", "p/app/app-20260104-000000.sqlite.gz.pin",
                        "p/app/app2-20260227-020000.sqlite.gz", "p/app/app2-20260227-020000.sqlite.gz.sha256",
                        "p/app/README.txt")
                .doesNotContain("p/app/app-20260228-020000.sql.zst", "p/app/app-20260228-020000.sql.zst.sha256",
                        "p/app/app-20260302-020000.sqlite.gz", "p/app/app/app-20260302-020000.sqlite.gz",
                        "p2/app/app-20260301-020000.sqlite.gz", "p/app2/app2-20260302-020000.sqlite.gz");
    }

    private static String folderOf(String job) {
        return switch (job) {
            case "app" -> "p/app/";
            case "app2" -> "p/app2/";
            case "nested" -> "p/app/app/";
            default -> "p2/app/";
        };
    }
}
