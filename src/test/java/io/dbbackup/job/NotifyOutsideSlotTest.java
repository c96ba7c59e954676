package io.dbbackup.job;

import io.dbbackup.core.Log;
import io.dbbackup.testkit.SmtpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --parallel 1} and a mail relay that accepts and then stalls: each job's mail waits out its bound (twice the
 * notifier's 2 s timeout), but no longer in the job's slot. The next job starts as soon as the backup before it is done,
 * not after its mail; the mails are still sent (here: tried, and reported as not sent).
 */
class NotifyOutsideSlotTest {
    @TempDir
    Path dir;

    @Test
    void aStalledMailDoesNotHoldTheNextJobsSlot() throws Exception {
        io.dbbackup.testkit.SqliteFixture.create(dir.resolve("one.db"), 5);
        io.dbbackup.testkit.SqliteFixture.create(dir.resolve("two.db"), 5);
        try (SignalDuringMailIT.SilentRelay relay = new SignalDuringMailIT.SilentRelay()) {
            Path config = Files.writeString(dir.resolve("config.yaml"), """
                    datasources:
                      one: {engine: sqlite, path: one.db}
                      two: {engine: sqlite, path: two.db}
                    stores:
                      local: {type: local, path: store, fsync: false}
                    notifications:
                    %s
                    jobs:
                      a: {datasource: one, store: local, notify: [{notifier: ops, on: always}]}
                      b: {datasource: two, store: local, notify: [{notifier: ops, on: always}]}
                    """.formatted(SmtpServer.notifierYaml("ops", relay.server.getLocalPort()).replace("timeout: 5s", "timeout: 2s")));
            StringWriter log = new StringWriter();
            Workspace ws = Workspace.load(config, "config.yaml", Map.of("DBBACKUP_TMPDIR",
                            Files.createDirectories(dir.resolve("tmp")).toString()), Clock.systemUTC(),
                    new Log(new PrintWriter(log, true), Log.Format.TEXT, Log.Level.INFO, Clock.systemUTC()));
            RunSummary summary = new JobRunner(ws).run(ws.config().jobs().values().stream().toList(),
                    new JobRunner.Options(1, false));

            JobOutcome a = summary.outcomes().get(0);
            JobOutcome b = summary.outcomes().get(1);
            assertThat(a.job() + b.job()).isEqualTo("ab");
            Duration gap = Duration.between(a.started().plus(a.duration()), b.started());
            assertThat(gap.toMillis()).as("from job a's backup done to job b's start (a's mail stalls 2 s and more): " + log)
                    .isLessThan(1_000);
            assertThat(a.status()).isEqualTo(io.dbbackup.core.ExitStatus.OK);
            assertThat(b.status()).isEqualTo(io.dbbackup.core.ExitStatus.OK);
            assertThat(a.notifyFailed()).as("a's mail was tried and is reported as not sent").hasSize(1);
            assertThat(b.notifyFailed()).as("b's mail was tried and is reported as not sent").hasSize(1);
        }
    }
}
