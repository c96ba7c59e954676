package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.ConfigText;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import io.dbbackup.testkit.SteppingClock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code backup --all --shard I/N} and the Indexed Job environment, through the CLI on real SQLite jobs. */
class ShardCliTest {
    static final List<String> JOBS = IntStream.range(0, 9).mapToObj(i -> "job" + i).toList();

    @TempDir
    Path dir;
    Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        SqliteFixture.create(dir.resolve("app.db"), 20);
        StringBuilder jobs = new StringBuilder();
        for (String j : JOBS) {
            jobs.append("  ").append(j).append(":\n    datasource: app\n    store: local\n    prefix: ").append(j).append('\n');
        }
        Files.writeString(dir.resolve("config.yaml"), ConfigText.APP_AND_LOCAL_STORE + "jobs:\n" + jobs);
        cli = cli();
    }

    /** Each run reads a clock one minute further on: runs never collide on a key. */
    private final SteppingClock clock = new SteppingClock(Instant.parse("2026-03-01T02:00:00Z"), Duration.ofMinutes(1));

    private Cli cli() {
        return new Cli().workingDir(dir).clock(clock);
    }

    @SuppressWarnings("unchecked")
    private static List<String> jobsRun(Cli.Result r) {
        assertThat(r.exit()).as(r.toString()).isZero();
        Map<String, Object> summary = (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(r.out());
        return ((List<Map<String, Object>>) summary.get("jobs")).stream().map(m -> (String) m.get("job")).toList();
    }

    private List<String> artifacts() throws IOException {
        try (Stream<Path> s = Files.walk(dir.resolve("store"))) {
            return s.filter(Files::isRegularFile).map(p -> dir.resolve("store").relativize(p).toString())
                    .filter(p -> p.endsWith(".sqlite.gz")).sorted().toList();
        }
    }

    @Test
    void shardsZeroAndOneOfTwoTogetherRunEveryJobExactlyOnce() throws Exception {
        List<String> first = jobsRun(cli.run("-c", "config.yaml", "backup", "--all", "--shard", "0/2", "--json"));
        List<String> second = jobsRun(cli.run("-c", "config.yaml", "backup", "--all", "--shard", "1/2", "--json"));

        assertThat(first).isNotEmpty().doesNotContainAnyElementsOf(second);
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        assertThat(all).containsExactlyInAnyOrderElementsOf(JOBS);
        // and on disk: one backup per job, under the job's own prefix
        assertThat(artifacts()).hasSize(JOBS.size())
                .allSatisfy(a -> assertThat(JOBS).contains(a.substring(0, a.indexOf('/'))));
        assertThat(artifacts().stream().map(a -> a.substring(0, a.indexOf('/')))).containsExactlyInAnyOrderElementsOf(JOBS);
    }

    @Test
    void anIndexedJobsEnvironmentSelectsTheSameShardAsTheOption() {
        List<String> viaOption = jobsRun(cli.run("-c", "config.yaml", "backup", "--all", "--shard", "1/3", "--json"));
        Cli.Result viaEnv = cli().env("JOB_COMPLETION_INDEX", "1").env("JOB_COMPLETIONS", "3")
                .run("-c", "config.yaml", "backup", "--all", "--json");
        assertThat(jobsRun(viaEnv)).isNotEmpty().isEqualTo(viaOption);
        assertThat(viaEnv.err()).contains("shard selected").contains("shard=1/3").contains("names=" + String.join(",", viaOption));
    }

    @Test
    void theOptionWinsOverTheEnvironmentAndNamedJobsIgnoreIt() {
        Cli withEnv = cli().env("JOB_COMPLETION_INDEX", "0").env("JOB_COMPLETIONS", "9");
        List<String> viaOption = jobsRun(withEnv.run("-c", "config.yaml", "backup", "--all", "--shard", "0/1", "--json"));
        assertThat(viaOption).containsExactlyInAnyOrderElementsOf(JOBS);
        assertThat(jobsRun(withEnv.run("-c", "config.yaml", "backup", "job3", "--json"))).containsExactly("job3");
    }

    @Test
    void badShardsAndHalfAnIndexedJobEnvironmentExit1() throws IOException {
        Cli.Result outOfRange = cli.run("-c", "config.yaml", "backup", "--all", "--shard", "2/2");
        assertThat(outOfRange.exit()).isEqualTo(1);
        assertThat(outOfRange.err()).contains("shard index must be between 0 and 1, got 2");

        assertThat(cli.run("-c", "config.yaml", "backup", "--all", "--shard", "0/0").exit()).isEqualTo(1);
        assertThat(cli.run("-c", "config.yaml", "backup", "--all", "--shard", "x").exit()).isEqualTo(1);

        Cli.Result named = cli.run("-c", "config.yaml", "backup", "job1", "--shard", "0/2");
        assertThat(named.exit()).isEqualTo(1);
        assertThat(named.err()).contains("--shard applies to --all");

        Cli.Result half = cli().env("JOB_COMPLETION_INDEX", "0").run("-c", "config.yaml", "backup", "--all");
        assertThat(half.exit()).as(half.toString()).isEqualTo(1);
        assertThat(half.err()).contains("JOB_COMPLETION_INDEX is set but JOB_COMPLETIONS is not");
        assertThat(Files.exists(dir.resolve("store"))).isFalse(); // nothing ran
    }

    @Test
    void anEmptyShardSucceedsWithNothingToDo() {
        // 9 jobs over 40 shards: some shard has none of them
        int empty = IntStream.range(0, 40).filter(i -> JOBS.stream().noneMatch(j -> io.dbbackup.job.Sharding.shardOf(j, 40) == i))
                .findFirst().orElseThrow();
        assertThat(jobsRun(cli.run("-c", "config.yaml", "backup", "--all", "--shard", empty + "/40", "--json"))).isEmpty();
    }

    /** A copy job runs in its source job's shard, after it: each shard's copies hold that night's backups. */
    @Test
    void aCopyJobRunsInItsSourcesShardAndCopiesTonightsBackup() throws Exception {
        StringBuilder copies = new StringBuilder();
        for (String j : JOBS) {
            copies.append("  ").append(j).append("-offsite:\n    copy_of: ").append(j).append("\n    store: offsite\n    prefix: ")
                    .append(j).append('\n');
        }
        Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml"))
                .replace("stores:\n", "stores:\n  offsite:\n    type: local\n    path: offsite\n") + copies);

        for (String shard : List.of("0/2", "1/2")) {
            List<String> ran = jobsRun(cli.run("-c", "config.yaml", "backup", "--all", "--shard", shard, "--json"));
            List<String> sources = ran.stream().filter(n -> !n.endsWith("-offsite")).toList();
            assertThat(ran.stream().filter(n -> n.endsWith("-offsite")).map(n -> n.substring(0, n.length() - "-offsite".length())))
                    .as("shard " + shard).containsExactlyInAnyOrderElementsOf(sources);
        }
        try (Stream<Path> s = Files.walk(dir.resolve("offsite"))) {
            assertThat(s.filter(p -> p.toString().endsWith(".sqlite.gz")).count()).isEqualTo(JOBS.size());
        }
    }
}
