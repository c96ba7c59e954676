package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A night of many jobs (one config, one store, merged defaults): the closing line of {@code backup --all} names the jobs
 * that failed, so on-call does not have to find a few FAILED rows among dozens.
 */
class ManyJobsSummaryTest {
    @TempDir
    Path dir;

    /** {@code n} SQLite jobs {@code j00..}, all merging one {@code x-} block; those in {@code missing} name no file. */
    private void config(int n, Set<Integer> missing) throws Exception {
        config(n, missing, Set.of());
    }

    /**
     * As {@link #config(int, Set)}, the jobs in {@code unlisted} on a store whose folder is a file (it cannot be
     * listed); a datasource {@code scratch} to drill into.
     */
    private void config(int n, Set<Integer> missing, Set<Integer> unlisted) throws Exception {
        if (!Files.exists(dir.resolve("app.db"))) {
            SqliteFixture.create(dir.resolve("app.db"), 20);
            Files.writeString(dir.resolve("not-a-folder"), "a file where a store folder should be");
        }
        StringBuilder y = new StringBuilder("x-job: &job\n  store: local\n\ndatasources:\n  scratch: {engine: sqlite, path: scratch.db}\n");
        for (int i = 0; i < n; i++) {
            y.append(String.format("  d%02d: {engine: sqlite, path: %s, database: d%02d}%n", i, missing.contains(i) ? "gone.db" : "app.db", i));
        }
        y.append("stores:\n  local: {type: local, path: store}\n  broken: {type: local, path: not-a-folder}\njobs:\n");
        for (int i = 0; i < n; i++) {
            y.append(String.format("  j%02d: {<<: *job, datasource: d%02d%s}%n", i, i, unlisted.contains(i) ? ", store: broken" : ""));
        }
        Files.writeString(dir.resolve("config.yaml"), y);
    }

    private static String lastLine(String out) {
        String[] lines = out.strip().split("\n");
        return lines[lines.length - 1];
    }

    @Test
    void theClosingLineNamesTheFewJobsThatFailedAmongMany() throws Exception {
        config(25, Set.of(5, 12, 23));
        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "--all", "--parallel", "4");
        assertThat(r.exit()).as(r.toString()).isEqualTo(4);
        assertThat(lastLine(r.out())).isEqualTo("22 of 25 jobs succeeded (exit 4); failed: j05, j12, j23");
        // the rows stay in the config's order, one per job
        assertThat(Arrays.stream(r.out().split("\n")).filter(l -> l.startsWith("j")).map(l -> l.split(" ")[0]))
                .hasSize(25).isSorted();
    }

    @Test
    void whenMostFailTheClosingLineNamesTwentyAndCountsTheRest() throws Exception {
        config(24, Set.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22));
        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "--all");
        assertThat(r.exit()).as(r.toString()).isEqualTo(4);
        assertThat(lastLine(r.out())).isEqualTo("1 of 24 jobs succeeded (exit 4); failed: j00, j01, j02, j03, j04, j05, "
                + "j06, j07, j08, j09, j10, j11, j12, j13, j14, j15, j16, j17, j18, j19 and 3 more");
    }

    @Test
    void aRunWhereEveryJobSucceededOrOfOneJobNamesNone() throws Exception {
        config(3, Set.of());
        Cli.Result ok = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "--all");
        assertThat(lastLine(ok.out())).as(ok.toString()).isEqualTo("3 of 3 jobs succeeded (exit 0)");
        config(3, Set.of(1));
        Cli.Result one = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "j01");
        assertThat(lastLine(one.out())).as(one.toString()).isEqualTo("0 of 1 job succeeded (exit 2)");
    }

    /** check, verify, prune and drill end their closing line as backup's does: the failed jobs named, one job's run unchanged. */
    @Test
    void everyMultiJobVerbNamesTheJobsThatFailed() throws Exception {
        config(25, Set.of(5, 12, 23));
        Cli cli = new Cli().workingDir(dir);
        Cli.Result check = cli.run("-c", "config.yaml", "check", "--all");
        assertThat(check.exit()).as(check.toString()).isEqualTo(4);
        assertThat(lastLine(check.out())).isEqualTo("22 of 25 jobs passed every check (exit 4); failed: j05, j12, j23");
        assertThat(cli.run("-c", "config.yaml", "backup", "--all", "--parallel", "4").exit()).isEqualTo(4);

        Cli.Result verify = cli.run("-c", "config.yaml", "verify", "--all");
        assertThat(verify.exit()).as(verify.toString()).isEqualTo(4);
        assertThat(lastLine(verify.out()))
                .isEqualTo("22 of 22 backups verified, 3 jobs without backups (exit 4); failed: j05, j12, j23");
        Cli.Result drill = cli.run("-c", "config.yaml", "drill", "--all", "--to", "scratch");
        assertThat(drill.exit()).as(drill.toString()).isEqualTo(4);
        assertThat(lastLine(drill.out())).isEqualTo("22 of 25 jobs drilled, 3 failed (exit 4); failed: j05, j12, j23");

        config(25, Set.of(), Set.of(3, 4, 24));
        Cli.Result prune = cli.run("-c", "config.yaml", "prune", "--all");
        assertThat(prune.exit()).as(prune.toString()).isEqualTo(4);
        assertThat(lastLine(prune.out())).isEqualTo("22 of 25 jobs pruned, 3 failed (exit 4); failed: j03, j04, j24");

        Cli.Result one = cli.run("-c", "config.yaml", "verify", "j03");
        assertThat(lastLine(one.out())).as(one.toString()).doesNotContain("failed:");
    }

    /** Past twenty the names are counted, as backup's are. */
    @Test
    void whenMostChecksFailTheClosingLineNamesTwentyAndCountsTheRest() throws Exception {
        config(23, IntStream.range(0, 22).boxed().collect(Collectors.toSet()));
        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "check", "--all");
        assertThat(r.exit()).as(r.toString()).isEqualTo(4);
        assertThat(lastLine(r.out())).isEqualTo("1 of 23 jobs passed every check (exit 4); failed: j00, j01, j02, j03, j04, "
                + "j05, j06, j07, j08, j09, j10, j11, j12, j13, j14, j15, j16, j17, j18, j19 and 2 more");
    }
}
