package io.dbbackup.job;

import io.dbbackup.core.ExitStatus;
import io.dbbackup.core.Log;
import io.dbbackup.testkit.SmtpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM while a job's mail is still going out to a relay that stalls (it accepts the connection and never answers):
 * the job's backup or failure was already decided, and the run reports that, not "interrupted, the backup was not
 * finished"; the mail under way is waited for (each send has its own bound, twice its timeout) and named as not sent.
 */
class SignalDuringMailIT {
    @TempDir
    Path dir;

    /** Accepts SMTP connections and says nothing: the client waits for the greeting until its own timeouts. */
    static final class SilentRelay implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        final List<Socket> held = new ArrayList<>();
        volatile boolean connected;

        SilentRelay() throws Exception {
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        synchronized (held) {
                            held.add(s);
                        }
                        connected = true;
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "silent-relay");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws Exception {
            server.close();
            synchronized (held) {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    private RunSummary runAndSignal(String datasource, String on, SilentRelay relay, StringWriter log) throws Exception {
        Path config = Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  good: {engine: fake, size: 1000}
                  bad: {engine: fake, fail_attempts: 1, attempts_file: attempts.txt}
                stores:
                  local: {type: local, path: store, fsync: false}
                notifications:
                %s
                jobs:
                  app:
                    datasource: %s
                    store: local
                    notify: [{notifier: ops, on: %s}]
                """.formatted(SmtpServer.notifierYaml("ops", relay.server.getLocalPort()).replace("timeout: 5s", "timeout: 14s"),
                datasource, on));
        Workspace ws = Workspace.load(config, "config.yaml", Map.of("DBBACKUP_TMPDIR",
                        Files.createDirectories(dir.resolve("tmp")).toString()), Clock.systemUTC(),
                new Log(new PrintWriter(log, true), Log.Format.TEXT, Log.Level.INFO, Clock.systemUTC()));
        JobRunner runner = new JobRunner(ws);
        CompletableFuture<RunSummary> run = CompletableFuture.supplyAsync(
                () -> runner.run(ws.config().jobs().values().stream().toList(), new JobRunner.Options(1, false)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!relay.connected) {
            assertThat(System.nanoTime()).as("the mail's connection within 30 s: " + log).isLessThan(deadline);
            Thread.sleep(20);
        }
        Thread.sleep(300);
        long t0 = System.nanoTime();
        runner.interrupt(ExitStatus.TERMINATED);
        RunSummary summary = run.get(40, TimeUnit.SECONDS);
        long secs = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
        assertThat(secs).as("the run waits for the mail under way (its 14 s timeout runs past the 10 s stop wait), then ends: " + log)
                .isBetween(10L, 35L);
        return summary;
    }

    @Test
    void aStoredBackupWhoseMailIsStillGoingOutIsReportedAsStored() throws Exception {
        try (SilentRelay relay = new SilentRelay()) {
            StringWriter log = new StringWriter();
            RunSummary summary = runAndSignal("good", "success", relay, log);
            assertThat(summary.status()).isEqualTo(ExitStatus.TERMINATED);
            JobOutcome o = summary.outcomes().get(0);
            assertThat(o.key()).as(o + "\n" + log).isNotNull();
            assertThat(Files.exists(dir.resolve("store").resolve(o.key()))).isTrue();
            assertThat(o.status()).isEqualTo(ExitStatus.OK);
            assertThat(o.error()).isNull();
            assertThat(o.notifyFailed()).hasSize(1);
            assertThat(o.notifyFailed().get(0).notifier()).isEqualTo("ops");
            assertThat(o.notifyFailed().get(0).reason()).doesNotContain("interrupted");
        }
    }

    @Test
    void aFailedBackupWhoseMailIsStillGoingOutIsReportedWithItsOwnError() throws Exception {
        try (SilentRelay relay = new SilentRelay()) {
            StringWriter log = new StringWriter();
            RunSummary summary = runAndSignal("bad", "failure", relay, log);
            JobOutcome o = summary.outcomes().get(0);
            assertThat(o.status()).as(o + "\n" + log).isEqualTo(ExitStatus.SYSTEM_ERROR);
            assertThat(o.error()).contains("injected failure on attempt 1").doesNotContain("interrupted");
            assertThat(o.notifyFailed()).hasSize(1);
            assertThat(o.notifyFailed().get(0).reason()).doesNotContain("interrupted");
        }
    }
}
