package io.dbbackup.engine.postgres;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.PostgresServer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Recovery across timelines on a real cluster: a point-in-time restore of it is promoted (timeline 2) and archives into
 * the same job, as the README allowed, while the source goes on on timeline 1. A second recovery, to a time after both
 * went on, follows the newest timeline by default (PostgreSQL's recovery_target_timeline = 'latest': the restored copy's
 * rows) and says so; {@code --target-timeline current} recovers the source's own history.
 */
class TimelineRecoveryIT {
    private static final Duration ARCHIVED = Duration.ofSeconds(60);

    @Test
    void aSecondRecoveryFollowsTheNewestTimelineUnlessToldToStayOnTheBackups() throws Exception {
        try (PhysicalCluster c = PhysicalCluster.archivingToLocalStore("tl")) {
            Cli cli = new Cli().workingDir(c.work);
            c.pg.execute("postgres", "create table t(id serial primary key, batch text not null)");
            assertThat(run(cli, c, "backup", "phys").exit()).isZero();
            c.pg.execute("postgres", "insert into t(batch) select 'before' from generate_series(1, 10)");
            String forkTime = now(c.pg);
            Thread.sleep(50);
            c.pg.execute("postgres", "insert into t(batch) select 'source' from generate_series(1, 5)");
            c.awaitArchived(c.switchWal(), ARCHIVED);

            // a copy restored to forkTime, promoted to timeline 2, archiving into the same job
            Path cloneDir = c.restoreDir("clone");
            Cli.Result r = restore(cli, c, cloneDir, "--target-time", forkTime);
            assertThat(r.exit()).as(r.toString()).isZero();
            try (PostgresServer clone = PostgresServer.startRestored(cloneDir, PostgresServer.DEFAULT_VERSION, c.pg.password(),
                    Map.of("hot_standby", "off"))) {
                assertThat(c.rows(clone)).containsExactly("before:10");
                assertThat(clone.queryOne("postgres", "select timeline_id::text from pg_control_checkpoint()")).isEqualTo("2");
                clone.execute("postgres", "insert into t(batch) select 'clone' from generate_series(1, 3)");
                c.pg.execute("postgres", "insert into t(batch) select 'source-later' from generate_series(1, 7)");
                Thread.sleep(50);
                String target = now(c.pg);
                Thread.sleep(50);
                c.pg.execute("postgres", "insert into t(batch) select 'too-late' from generate_series(1, 2)");
                clone.execute("postgres", "insert into t(batch) select 'clone-too-late' from generate_series(1, 2)");
                c.awaitArchived(c.switchWal(), ARCHIVED);
                PhysicalCluster.awaitArchived(clone, clone.queryOne("postgres", "select pg_walfile_name(pg_switch_wal())"), ARCHIVED);
                assertThat(Files.list(c.work.resolve("store/tl/main/wal")).map(p -> p.getFileName().toString()))
                        .anyMatch(n -> n.startsWith("00000002.history-"));

                // the default follows timeline 2, the copy's, and says so
                Path latestDir = c.restoreDir("to-target-latest-timeline");
                Cli.Result followed = restore(cli, c, latestDir, "--target-time", target);
                assertThat(followed.exit()).as(followed.toString()).isZero();
                assertThat(followed.err()).contains("the WAL archive holds timeline 2, newer than the backup's timeline 1")
                        .contains("--target-timeline current");
                try (PostgresServer restored = c.startRestored(latestDir)) {
                    assertThat(c.rows(restored)).containsExactly("before:10", "clone:3");
                }

                // --target-timeline current: the source's own history to the target
                Path currentDir = c.restoreDir("to-target-current-timeline");
                Cli.Result stayed = restore(cli, c, currentDir, "--target-time", target, "--target-timeline", "current");
                assertThat(stayed.exit()).as(stayed.toString()).isZero();
                assertThat(stayed.err()).doesNotContain("newer than the backup's timeline");
                assertThat(stayed.out()).contains("on timeline current");
                assertThat(Files.readString(currentDir.resolve("data/postgresql.auto.conf")))
                        .contains("recovery_target_timeline = 'current'");
                try (PostgresServer restored = c.startRestored(currentDir)) {
                    assertThat(c.rows(restored)).containsExactly("before:10", "source:5", "source-later:7");
                    // promoted to a timeline no history file in the archive uses
                    assertThat(restored.queryOne("postgres", "select timeline_id::text from pg_control_checkpoint()")).isEqualTo("3");
                }
            }
        }
    }

    private static String now(PostgresServer pg) {
        return pg.queryOne("postgres", "select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
    }

    private static Cli.Result run(Cli cli, PhysicalCluster c, String... args) {
        List<String> full = new ArrayList<>(List.of("-c", c.config.toString()));
        full.addAll(List.of(args));
        return cli.run(full.toArray(String[]::new));
    }

    private static Cli.Result restore(Cli cli, PhysicalCluster c, Path dir, String... extra) {
        List<String> args = new ArrayList<>(List.of("restore", "phys", "--pgdata", dir.resolve("data").toString(),
                "--dbbackup-command", PhysicalCluster.dbbackupCommand()));
        args.addAll(List.of(extra));
        return run(cli, c, args.toArray(String[]::new));
    }
}
