package io.dbbackup.job;

import io.dbbackup.core.ExitStatus;
import io.dbbackup.core.Log;
import io.dbbackup.testkit.WebhookServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A signal (a pod's SIGTERM) during {@code backup --all --parallel N} with more jobs than N: the jobs still waiting for
 * a slot are reported and notified side by side, not one slot at a time, so that the run ends within a grace period
 * whatever the number of jobs.
 */
class InterruptedRunNotifiesIT {
    private static final Duration ANSWER = Duration.ofMillis(1500);
    private static final int JOBS = 8;

    @TempDir
    Path dir;

    @Test
    void jobsWaitingForASlotAreNotifiedAtOnceAfterASignal() throws Exception {
        String jobs = IntStream.range(0, JOBS).mapToObj(i -> """
                  job%d:
                    datasource: slow
                    store: local
                    prefix: p%d
                    notify: [{notifier: hook, on: failure}]
                """.formatted(i, i)).collect(Collectors.joining());
        Path config = Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  slow: {engine: fake, size: 100000, duration: 60s}
                stores:
                  local: {type: local, path: store, fsync: false}
                notifications:
                  hook: {type: webhook, url_env: HOOK_URL}
                jobs:
                """ + jobs);
        try (WebhookServer hook = new WebhookServer(ANSWER)) {
            StringWriter log = new StringWriter();
            Workspace ws = Workspace.load(config, "config.yaml", Map.of("HOOK_URL", hook.url() + "/hook",
                    "DBBACKUP_TMPDIR", Files.createDirectory(dir.resolve("tmp")).toString()), Clock.systemUTC(),
                    new Log(new PrintWriter(log, true), Log.Format.TEXT, Log.Level.INFO, Clock.systemUTC()));
            JobRunner runner = new JobRunner(ws);
            CompletableFuture<RunSummary> run = CompletableFuture.supplyAsync(
                    () -> runner.run(ws.config().jobs().values().stream().toList(), new JobRunner.Options(1, false)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!log.toString().contains("backup started")) {
                assertThat(System.nanoTime()).as("a job started within 30 s: " + log).isLessThan(deadline);
                Thread.sleep(20);
            }

            long t0 = System.nanoTime();
            runner.interrupt(ExitStatus.TERMINATED);
            RunSummary summary = run.get(60, TimeUnit.SECONDS);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

            assertThat(summary.status()).isEqualTo(ExitStatus.TERMINATED);
            assertThat(summary.outcomes()).hasSize(JOBS).allSatisfy(o -> {
                assertThat(o.status()).isEqualTo(ExitStatus.TERMINATED);
                assertThat(o.notifyFailed()).as(o.job()).isEmpty();
            });
            List<WebhookServer.Request> sent = hook.drain();
            assertThat(sent).hasSize(JOBS);
            assertThat(sent).allSatisfy(r -> assertThat(r.body()).contains("interrupted by SIGTERM"));
            // one after the other, the eight notifications took 8 x 1.5 s = 12 s; side by side about 1.5 s
            assertThat(millis).as("from the signal to the end of the run, with each notification taking "
                    + ANSWER.toMillis() + " ms").isLessThan(4 * ANSWER.toMillis());
        }
    }
}
