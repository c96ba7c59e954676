package io.dbbackup.engine.postgres;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A point-in-time restore to a time after everything the WAL archive holds (the last commits still in the source's
 * current segment, not archived yet): the restore itself succeeds, but PostgreSQL, started on it, replays the archive and
 * shuts down with "FATAL: recovery ended before configured recovery target was reached". The restore says so, before its
 * "start it with" line (and a dry run too), and says nothing of the kind for a target the archive reaches.
 */
class TargetPastArchiveIT {
    private static final Duration ARCHIVED = Duration.ofSeconds(60);
    private static final String WARNING = "is after the newest archived WAL segment";
    private static final String FATAL = "FATAL: recovery ended before configured recovery target was reached";

    @Test
    void aTargetTimePastTheNewestArchivedSegmentIsWarnedOfAndPostgresqlStopsThere() throws Exception {
        try (PhysicalCluster c = PhysicalCluster.archivingToLocalStore("past")) {
            Cli cli = new Cli().workingDir(c.work);
            c.pg.execute("postgres", "create table t(id serial primary key, batch text not null)");
            Cli.Result b = run(cli, c, "backup", "phys");
            assertThat(b.exit()).as(b.toString()).isZero();
            c.pg.execute("postgres", "insert into t(batch) select 'archived' from generate_series(1, 10)");
            String reached = now(c);
            Thread.sleep(50);
            c.pg.execute("postgres", "insert into t(batch) select 'archived-too' from generate_series(1, 5)");
            String segment = c.switchWal();
            c.awaitArchived(segment, ARCHIVED);
            Thread.sleep(1100); // the newest segment's time in the store, to the second, lies behind
            c.pg.execute("postgres", "insert into t(batch) select 'not-archived' from generate_series(1, 3)");
            String past = now(c); // after the last commit, which is in the source's current segment only

            // a target the archive reaches: no warning
            Path okDir = c.restoreDir("reached");
            Cli.Result ok = restore(cli, c, okDir, "--target-time", reached, "--dry-run");
            assertThat(ok.exit()).as(ok.toString()).isZero();
            assertThat(ok.out() + ok.err()).doesNotContain(WARNING).doesNotContain("recovery target was reached");

            // a dry run to a time in the future says it too
            Path dryDir = c.restoreDir("future-dry");
            String future = Instant.now().plus(Duration.ofHours(1)).toString();
            Cli.Result dry = restore(cli, c, dryDir, "--target-time", future, "--dry-run");
            assertThat(dry.exit()).as(dry.toString()).isZero();
            assertThat(dry.out()).contains("warning: the target time " + Instant.parse(future) + " " + WARNING + " (" + segment
                    + ", archived by ").contains(FATAL).contains("SELECT pg_switch_wal()").contains("--target latest");
            assertThat(dry.out().indexOf("warning: ")).isLessThan(dry.out().indexOf("nothing was changed"));

            // the restore succeeds and says it, once, before how to start it
            Path dir = c.restoreDir("past");
            Cli.Result r = restore(cli, c, dir, "--target-time", past, "--archive-mode", "off");
            assertThat(r.exit()).as(r.toString()).isZero();
            String out = r.out();
            assertThat(out).contains("warning: the target time " + Instant.parse(past) + " " + WARNING + " (" + segment
                    + ", archived by ").contains(FATAL).contains("SELECT pg_switch_wal()").contains("--target latest");
            assertThat(out.indexOf("warning: ")).isEqualTo(out.lastIndexOf("warning: "))
                    .isLessThan(out.indexOf("start it with: pg_ctl"));

            // and it is what PostgreSQL does
            Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> c.startRestored(dir).close());
            assertThat(failure).as("PostgreSQL must not promote short of its target").isNotNull();
            String log = Files.readString(dir.resolve("server.log"));
            log.lines().filter(l -> l.contains("FATAL")).forEach(l -> System.out.println("[past] " + l));
            assertThat(log).contains("FATAL:  recovery ended before configured recovery target was reached");
        }
    }

    /**
     * The same for {@code --target-lsn}: an LSN in the source's current segment, after the newest archived one, is warned
     * of (dry run and restore) and is where PostgreSQL stops short; an LSN inside the newest archived segment is not
     * (guard); an LSN before the backup's end is refused before anything is written (guard: it was already).
     */
    @Test
    void aTargetLsnPastTheNewestArchivedSegmentIsWarnedOfAndPostgresqlStopsThere() throws Exception {
        try (PhysicalCluster c = PhysicalCluster.archivingToLocalStore("pastlsn")) {
            Cli cli = new Cli().workingDir(c.work);
            c.pg.execute("postgres", "create table t(id serial primary key, batch text not null)");
            Cli.Result b = run(cli, c, "backup", "phys");
            assertThat(b.exit()).as(b.toString()).isZero();
            c.pg.execute("postgres", "insert into t(batch) select 'archived' from generate_series(1, 10)");
            String inside = c.pg.queryOne("postgres", "select pg_current_wal_insert_lsn()");
            String segment = c.switchWal();
            assertThat(c.pg.queryOne("postgres", "select pg_walfile_name(" + quote(inside) + "::pg_lsn)")).isEqualTo(segment);
            c.awaitArchived(segment, ARCHIVED);
            c.pg.execute("postgres", "insert into t(batch) select 'not-archived' from generate_series(1, 3)");
            String past = c.pg.queryOne("postgres", "select pg_current_wal_insert_lsn()"); // in the source's current segment only
            String segmentEnd = c.pg.queryOne("postgres", "select " + quote(inside) + "::pg_lsn - (select file_offset from "
                    + "pg_walfile_name_offset(" + quote(inside) + "::pg_lsn)) + (select setting::numeric from pg_settings "
                    + "where name = 'wal_segment_size')"); // the first LSN of the source's current segment

            // an LSN inside the newest archived segment: no warning (guard)
            Cli.Result ok = restore(cli, c, c.restoreDir("inside"), "--target-lsn", inside, "--dry-run");
            assertThat(ok.exit()).as(ok.toString()).isZero();
            assertThat(ok.out() + ok.err()).doesNotContain(WARNING).doesNotContain("recovery target was reached");

            // a dry run to an LSN past it says it, naming the LSN, the segment and where it ends
            Cli.Result dry = restore(cli, c, c.restoreDir("past-dry"), "--target-lsn", past, "--dry-run");
            assertThat(dry.exit()).as(dry.toString()).isZero();
            assertThat(dry.out()).contains("warning: the target LSN " + past + " " + WARNING + " (" + segment
                    + ", which ends at " + segmentEnd + ")").contains(FATAL).contains("SELECT pg_switch_wal()")
                    .contains("--target latest");
            assertThat(dry.out().indexOf("warning: ")).isEqualTo(dry.out().lastIndexOf("warning: "))
                    .isLessThan(dry.out().indexOf("nothing was changed"));

            // an LSN before the backup's end: refused, nothing written (guard)
            Path earlyDir = c.restoreDir("early");
            Cli.Result early = restore(cli, c, earlyDir, "--target-lsn", "0/1000000");
            assertThat(early.exit()).as(early.toString()).isEqualTo(1);
            java.util.regex.Matcher ended = java.util.regex.Pattern.compile("no base backup of job 'phys' ended before the "
                    + "target lsn 0/1000000 \\(oldest: (\\S+), which ended at LSN ([0-9A-F]+/[0-9A-F]+)\\): recovery cannot stop "
                    + "before a base backup is consistent; pick a later target \\(nothing was written\\)").matcher(early.err());
            assertThat(ended.find()).as(early.err()).isTrue();
            assertThat(earlyDir.resolve("data")).doesNotExist();
            // so is it with that backup named
            Cli.Result named = restore(cli, c, earlyDir, ended.group(1), "--target-lsn", "0/1000000");
            assertThat(named.exit()).as(named.toString()).isEqualTo(1);
            assertThat(named.err()).contains("backup " + ended.group(1) + " ended after the target lsn 0/1000000 (at LSN "
                    + ended.group(2) + "): recovery cannot stop before a base backup is consistent; pick an older backup, a "
                    + "later target or omit KEY (nothing was written)");
            assertThat(earlyDir.resolve("data")).doesNotExist();

            // the restore succeeds and says it, once, before how to start it
            Path dir = c.restoreDir("past");
            Cli.Result r = restore(cli, c, dir, "--target-lsn", past, "--archive-mode", "off");
            assertThat(r.exit()).as(r.toString()).isZero();
            String out = r.out();
            assertThat(out).contains("warning: the target LSN " + past + " " + WARNING + " (" + segment + ", which ends at "
                    + segmentEnd + ")").contains(FATAL);
            assertThat(out.indexOf("warning: ")).isEqualTo(out.lastIndexOf("warning: "))
                    .isLessThan(out.indexOf("start it with: pg_ctl"));

            // and it is what PostgreSQL does
            Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> c.startRestored(dir).close());
            assertThat(failure).as("PostgreSQL must not promote short of its target").isNotNull();
            String log = Files.readString(dir.resolve("server.log"));
            log.lines().filter(l -> l.contains("FATAL")).forEach(l -> System.out.println("[pastlsn] " + l));
            assertThat(log).contains("FATAL:  recovery ended before configured recovery target was reached");
        }
    }

    private static String quote(String s) {
        return "'" + s + "'";
    }

    private static String now(PhysicalCluster c) {
        return c.pg.queryOne("postgres", "select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
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
