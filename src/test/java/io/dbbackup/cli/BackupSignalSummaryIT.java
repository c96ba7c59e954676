package io.dbbackup.cli;

import io.dbbackup.core.Json;
import io.dbbackup.testkit.DbbackupJar;
import io.dbbackup.testkit.WebhookServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code backup --all} stopped by SIGTERM, the built jar as a subprocess: its closing line counts the jobs that failed,
 * those the signal stopped under way and those it kept from starting apart, and its JSON marks the ones not started.
 */
class BackupSignalSummaryIT {
    @TempDir
    Path dir;

    /**
     * It said "1 of 4 jobs succeeded (exit 143)": the failed job, the one stopped under way and the one never started
     * looked the same. Now "1 of 4 jobs succeeded, 1 failed, 1 interrupted, 1 not started (exit 143)", and the JSON row
     * of a job not started has "skipped": true.
     */
    @Test
    void sigtermDuringBackupAllCountsFailedInterruptedAndNotStartedApart() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  small:
                    engine: fake
                    command: [sh, -c, 'head -c 2000 /dev/urandom']
                  broken:
                    engine: fake
                    command: [sh, -c, 'echo no such database >&2; exit 1']
                  slow:
                    engine: fake
                    command: [sh, -c, 'head -c 2000 /dev/urandom; exec sleep 60']
                stores:
                  local: {type: local, path: store}
                notifications:
                  hook: {type: webhook, url_env: WEBHOOK_URL}
                jobs:
                  good: {datasource: small, store: local, prefix: good}
                  bad: {datasource: broken, store: local, prefix: bad, retry: {max_attempts: 1}}
                  slow: {datasource: slow, store: local, prefix: slow}
                  later: {datasource: small, store: local, prefix: later, notify: [{notifier: hook, on: failure}]}
                """);
        WebhookServer hook = new WebhookServer();
        for (boolean json : List.of(false, true)) {
            Process p = startJar(Map.of("WEBHOOK_URL", hook.url() + "/hook"),
                    json ? new String[]{"backup", "--all", "--json"} : new String[]{"backup", "--all"});
            try {
                DbbackupJar.Stopped stopped = DbbackupJar.terminateWhen(p, dir, "the slow job's upload starts",
                        () -> uploading(dir.resolve("store/slow")), 300);
                String out = stopped.out();
                assertThat(stopped.exit()).isEqualTo(143);
                if (json) {
                    List<?> jobs = (List<?>) ((Map<?, ?>) Json.parse(out)).get("jobs");
                    assertThat(jobs.stream().map(j -> ((Map<?, ?>) j).get("job") + " " + ((Map<?, ?>) j).get("skipped")).toList())
                            .containsExactly("good null", "bad null", "slow null", "later true");
                } else {
                    assertThat(out).contains("1 of 4 jobs succeeded, 1 failed, 1 interrupted, 1 not started (exit 143)");
                }
                // the job never started: its report says so, not "this run stored no backup" of a backup that ran
                WebhookServer.Request r = hook.take(java.time.Duration.ofSeconds(5));
                assertThat(r).as("the job not started is notified").isNotNull();
                Map<?, ?> report = (Map<?, ?>) Json.parse(r.body());
                assertThat(report.get("job")).isEqualTo("later");
                assertThat(report.get("attempts")).as("a job never started made no attempt").isEqualTo(0L);
                assertThat((String) report.get("next")).startsWith("The backup of job later never started (the run was stopped "
                                + "before it): nothing was written or deleted for it; its backups are as they were: dbbackup ")
                        .contains(" list later\nNext: when the run may go on, run: dbbackup ").endsWith(" backup later");
            } finally {
                p.destroyForcibly();
            }
        }
        hook.close();
    }

    private static boolean uploading(Path folder) throws Exception {
        if (!Files.exists(folder)) {
            return false;
        }
        try (Stream<Path> s = Files.walk(folder)) {
            return s.anyMatch(f -> f.getFileName().toString().startsWith(".dbbackup-tmp-"));
        }
    }

    /** The built jar as a subprocess with the test-only plugins, in {@code dir}. */
    private Process startJar(Map<String, String> env, String... args) throws Exception {
        return DbbackupJar.startWithTestEngine(dir, env, args);
    }
}
