package io.dbbackup.job;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.job.Sharding.Shard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShardingTest {
    private static List<String> jobNames(Random random, int n) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add(switch (random.nextInt(3)) {
                case 0 -> "db" + i;
                case 1 -> "prod-" + Long.toHexString(random.nextLong());
                default -> "tenant_" + i + ".é" + random.nextInt(1000);
            });
        }
        return names;
    }

    @Test
    void everyJobIsInExactlyOneShardForManyCountsAndJobSets() {
        Random random = new Random(42);
        for (int set = 0; set < 50; set++) {
            List<String> jobs = jobNames(random, random.nextInt(60));
            for (int count = 1; count <= 17; count++) {
                Map<String, Integer> owner = new HashMap<>();
                for (int i = 0; i < count; i++) {
                    for (String job : Sharding.select(jobs, Function.identity(), new Shard(i, count))) {
                        Integer previous = owner.put(job, i);
                        assertThat(previous).as("job %s in shards %s and %d of %d", job, previous, i, count).isNull();
                    }
                }
                assertThat(owner.keySet()).as("jobs %s, count %d", jobs, count).containsExactlyInAnyOrderElementsOf(jobs);
            }
        }
    }

    @Test
    void oneShardRunsEverything() {
        List<String> jobs = jobNames(new Random(1), 30);
        assertThat(Sharding.select(jobs, Function.identity(), new Shard(0, 1))).isEqualTo(jobs);
    }

    @Test
    void addingOrRemovingJobsNeverMovesTheOthers() {
        List<String> jobs = jobNames(new Random(7), 40);
        for (int count = 2; count <= 9; count++) {
            Map<String, Integer> before = new HashMap<>();
            for (String j : jobs) {
                before.put(j, Sharding.shardOf(j, count));
            }
            List<String> changed = new ArrayList<>(jobs.subList(5, jobs.size()));
            changed.addAll(List.of("new-a", "new-b", "aaa-first-when-sorted"));
            for (String j : changed) {
                if (before.containsKey(j)) {
                    assertThat(Sharding.shardOf(j, count)).isEqualTo(before.get(j));
                }
            }
        }
    }

    @Test
    void assignmentIsPinnedAcrossVersions() {
        // = first 16 hex digits of `printf dbI | sha256sum` as a signed 64-bit number, floor-mod 3;
        // a change here would move users' jobs between pods
        assertThat(IntStream.range(0, 6).map(i -> Sharding.shardOf("db" + i, 3)).toArray()).containsExactly(PINNED);
    }

    private static final int[] PINNED = {2, 2, 1, 1, 1, 0};

    @Test
    void shardsAreReasonablyBalancedForManyJobs() {
        List<String> jobs = IntStream.range(0, 3000).mapToObj(i -> "database-" + i).toList();
        for (int count : new int[] {2, 3, 5, 8}) {
            for (int i = 0; i < count; i++) {
                int size = Sharding.select(jobs, Function.identity(), new Shard(i, count)).size();
                assertThat(size).as("shard %d/%d", i, count).isBetween(3000 / count * 8 / 10, 3000 / count * 12 / 10);
            }
        }
    }

    @Test
    void parsesIndexSlashCount() {
        assertThat(Shard.parse("0/3")).isEqualTo(new Shard(0, 3));
        assertThat(Shard.parse(" 2/3 ")).isEqualTo(new Shard(2, 3));
        assertThat(Shard.parse("0/1").toString()).isEqualTo("0/1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"3/3", "-1/3", "0/0", "1/0", "0/-2", "1", "1/2/3", "a/2", "1/b", "", "/"})
    void invalidShardsAreUserErrors(String text) {
        assertThatThrownBy(() -> Shard.parse(text)).isInstanceOfSatisfying(DbBackupException.class,
                e -> assertThat(e.status()).isEqualTo(ExitStatus.USER_ERROR));
    }

    @Test
    void environmentOfAnIndexedJob() {
        assertThat(Sharding.fromEnvironment(Map.of())).isEmpty();
        assertThat(Sharding.fromEnvironment(Map.of("JOB_COMPLETION_INDEX", "2", "JOB_COMPLETIONS", "4"))).contains(new Shard(2, 4));
        assertThat(Sharding.fromEnvironment(Map.of("JOB_COMPLETION_INDEX", "", "JOB_COMPLETIONS", ""))).isEmpty();
        assertThatThrownBy(() -> Sharding.fromEnvironment(Map.of("JOB_COMPLETION_INDEX", "1")))
                .isInstanceOf(DbBackupException.class).hasMessageContaining("JOB_COMPLETIONS is not");
        assertThatThrownBy(() -> Sharding.fromEnvironment(Map.of("JOB_COMPLETION_INDEX", "4", "JOB_COMPLETIONS", "4")))
                .isInstanceOf(DbBackupException.class).hasMessageContaining("between 0 and 3");
        assertThatThrownBy(() -> Sharding.fromEnvironment(Map.of("JOB_COMPLETION_INDEX", "x", "JOB_COMPLETIONS", "4")))
                .isInstanceOf(DbBackupException.class).hasMessageContaining("JOB_COMPLETION_INDEX must be a whole number");
    }
}
