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
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code list --all} says a warning its jobs share once, naming them, as {@code backup --all} does: it said each job's
 * pins a newer dbbackup wrote and files nothing can check one line per job, so 40 jobs of one bucket printed the same
 * warning 40 times. {@code list JOB} still names each object.
 */
class ListAllGroupedWarningsCliTest {
    private static final Instant FIRST = Instant.parse("2026-03-01T02:00:00Z");
    private static final Instant NOW = FIRST.plus(Duration.ofDays(2)).plus(Duration.ofHours(5));
    private static final List<String> JOBS = List.of("a", "b", "c");

    @TempDir
    Path dir;

    /** Jobs a, b, c on one local store, two backups each; each job's newest pinned by a newer dbbackup; a and b's oldest without sidecars. */
    @BeforeEach
    void setUp() throws Exception {
        BrokenStoreFixture.write(dir, """
                jobs:
                  a: {datasource: app, store: local, prefix: pa}
                  b: {datasource: app, store: local, prefix: pb}
                  c: {datasource: app, store: local, prefix: pc}
                """);
        BrokenStoreFixture.backUpDaily(this::at, FIRST, 2, JOBS.toArray(String[]::new));
        for (String job : JOBS) {
            String newest = "p" + job + "/app/app-20260302-020000.sqlite.gz";
            Cli.Result pin = at(NOW).run("-c", "config.yaml", "pin", job, newest, "--note", "legal hold");
            assertThat(pin.exit()).as(pin.toString()).isZero();
            Path marker = dir.resolve("store/" + newest + ".pin");
            Files.writeString(marker, Files.readString(marker).replace("\"note\": \"legal hold\"",
                    "\"note\": \"legal hold\",\n  \"expires\": \"2026-12-04T00:00:00Z\""));
        }
        for (String job : List.of("a", "b")) {
            Path folder = dir.resolve("store/p" + job + "/app");
            try (Stream<Path> files = Files.list(folder)) {
                for (Path p : files.filter(f -> f.getFileName().toString().startsWith("app-20260301-020000.sqlite.gz.")).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private Cli at(Instant now) {
        return new Cli().workingDir(dir).clock(Clock.fixed(now, ZoneOffset.UTC));
    }

    private static List<String> warnings(Cli.Result r) {
        return r.err().lines().filter(l -> l.contains("WARN")).toList();
    }

    @Test
    void eachSharedWarningIsSaidOnceNamingTheJobs() {
        Cli.Result r = at(NOW).run("-c", "config.yaml", "list", "--all");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(warnings(r)).as(r.err()).hasSize(2);
        assertThat(warnings(r).get(0)).contains("WARN  files named like backups have neither a .sha256 nor a manifest beside "
                + "them, so nothing can check them; restore, verify and retention pass them by and prune never deletes them "
                + "(dbbackup -c config.yaml list JOB names them; ").endsWith("(2 jobs: a, b) jobs=2");
        assertThat(warnings(r).get(1)).contains("WARN  pins were written by a newer dbbackup; kept: ")
                .endsWith("(3 jobs: a, b, c) jobs=3");
        assertThat(r.out().lines().skip(1)).as(r.out()).hasSize(3).allSatisfy(l -> assertThat(l).endsWith("  1 pinned"));
    }

    @Test
    void theJsonKeepsEachJobsRowAndTheWarningsAreGroupedOnStderr() {
        Cli.Result r = at(NOW).run("-c", "config.yaml", "list", "--all", "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        List<?> rows = (List<?>) Json.parse(r.out());
        assertThat(rows).hasSize(3).allSatisfy(row -> assertThat(((Map<?, ?>) row).get("pinned")).isEqualTo(1L));
        assertThat(warnings(r)).as(r.err()).hasSize(2).allSatisfy(w -> assertThat(w).contains(" jobs="));
    }

    /** verify --all warns of the files nothing can check through the same method: once, naming the jobs. */
    @Test
    void verifyAllSaysTheFilesNothingCanCheckOnce() {
        Cli.Result r = at(NOW).run("-c", "config.yaml", "verify", "--all");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(warnings(r)).as(r.err()).singleElement().asString()
                .contains("WARN  files named like backups have neither a .sha256 nor a manifest beside them")
                .endsWith("(2 jobs: a, b) jobs=2");
    }

    /** prune --all, dry run or not, says the pins and the files nothing can check through the same methods: once each. */
    @Test
    void pruneAllSaysEachSharedWarningOnce() {
        for (String[] args : new String[][]{{"-c", "config.yaml", "prune", "--all", "--dry-run"}, {"-c", "config.yaml", "prune", "--all"}}) {
            Cli.Result r = at(NOW).run(args);
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(warnings(r)).as(r.err()).hasSize(2);
            assertThat(warnings(r)).as(r.err()).anySatisfy(w -> assertThat(w)
                    .contains("WARN  files named like backups have neither a .sha256 nor a manifest beside them")
                    .endsWith("(2 jobs: a, b) jobs=2"));
            assertThat(warnings(r)).as(r.err()).anySatisfy(w -> assertThat(w)
                    .contains("WARN  pins were written by a newer dbbackup; kept: ").endsWith("(3 jobs: a, b, c) jobs=3"));
        }
    }

    @Test
    void listOfOneJobStillNamesEachObject() {
        Cli.Result r = at(NOW).run("-c", "config.yaml", "list", "a");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(warnings(r)).as(r.err()).hasSize(2).allSatisfy(w -> assertThat(w).contains("job=a").doesNotContain("jobs="));
        assertThat(warnings(r).get(0)).contains("not a backup: pa/app/app-20260301-020000.sqlite.gz has neither a .sha256 ");
        assertThat(warnings(r).get(1)).contains("pa/app/app-20260302-020000.sqlite.gz: its pin was written by a newer dbbackup "
                + "(unknown field 'expires'); kept");
    }
}
