package io.dbbackup.cli;

import io.dbbackup.core.Json;
import io.dbbackup.testkit.DbbackupJar;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code check --all} stopped by SIGTERM, the built jar as a subprocess: the check it stopped is {@code INTERRUPTED}, every
 * job after it is reported as not started, and the closing line (JSON: its fields) counts them, exit 143.
 */
class CheckSignalIT {
    @TempDir
    Path dir;

    /**
     * The first job's secret command hangs (a secret manager's CLI stuck on the network) when SIGTERM comes: no check
     * operation was open then, and check exited 143 without a word, the jobs after it in no output. Now the secrets check
     * is interrupted, the other jobs are not started, each is said, and the closing line counts them.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void sigtermWhileASecretCommandHangsReportsTheCheckInterruptedAndEveryJobNotStarted(boolean json) throws Exception {
        Path sleepPid = dir.resolve("sleep.pid");
        Path script = dir.resolve("slow-secret.sh");
        Files.writeString(script, "#!/bin/sh\nsleep 40 &\necho $! > " + sleepPid + "\nwait\necho passphrase\n");
        assertThat(script.toFile().setExecutable(true)).isTrue();
        SqliteFixture.create(dir.resolve("app.db"), 10);
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                  gone: {engine: sqlite, path: gone.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  broken:
                    datasource: gone
                    store: local
                    prefix: broken
                  app:
                    datasource: app
                    store: local
                    encryption: {passphrase_command: [./slow-secret.sh], scrypt_work_factor: 10}
                  second:
                    datasource: app
                    store: local
                    prefix: second
                  third:
                    datasource: app
                    store: local
                    prefix: third
                """);
        List<String> args = new ArrayList<>(List.of("check", "--all"));
        if (json) {
            args.add("--json");
        }
        Process p = startJar(args.toArray(String[]::new));
        try {
            DbbackupJar.Stopped stopped = DbbackupJar.terminateWhen(p, dir, "the secret command starts",
                    () -> Files.exists(sleepPid) && !Files.readString(sleepPid).isBlank(), 300);
            String out = stopped.out();
            assertThat(stopped.exit()).isEqualTo(143);
            if (json) {
                Map<?, ?> doc = (Map<?, ?>) Json.parse(out);
                assertThat(((Number) doc.get("status")).intValue()).isEqualTo(143);
                assertThat(doc.get("interrupted")).isEqualTo("interrupted by SIGTERM");
                List<?> all = (List<?>) doc.get("checks");
                assertThat(all.stream().filter(r -> "broken".equals(((Map<?, ?>) r).get("job"))).map(r -> ((Number) ((Map<?, ?>) r)
                        .get("exit_code")).intValue())).as("the job checked before the signal").contains(2);
                List<?> rows = all.stream().filter(r -> !"broken".equals(((Map<?, ?>) r).get("job"))).toList();
                Map<?, ?> first = (Map<?, ?>) rows.get(0);
                assertThat(first.get("job")).isEqualTo("app");
                assertThat(first.get("check")).isEqualTo("secrets");
                assertThat(((Number) first.get("exit_code")).intValue()).isEqualTo(143);
                assertThat(rows).hasSize(3);
                for (int i = 1; i < 3; i++) {
                    Map<?, ?> row = (Map<?, ?>) rows.get(i);
                    String job = i == 1 ? "second" : "third";
                    assertThat(row.get("job")).isEqualTo(job);
                    assertThat(row.get("skipped")).isEqualTo(true);
                    assertThat(row.get("ok")).isEqualTo(false);
                    assertThat(((Number) row.get("exit_code")).intValue()).isEqualTo(143);
                    assertThat(row.get("detail")).isEqualTo("interrupted by SIGTERM before the check of job " + job
                            + " began: nothing was checked");
                }
            } else {
                assertThat(out).contains("INTERRUPTED app secrets: interrupted by SIGTERM",
                        "INTERRUPTED second job: interrupted by SIGTERM before the check of job second began: nothing was checked",
                        "INTERRUPTED third job: interrupted by SIGTERM before the check of job third began: nothing was checked",
                        "check --all interrupted by SIGTERM: 0 of 4 jobs passed every check, 1 failed, 1 interrupted; "
                                + "not started: second, third (exit 143); failed: broken");
            }
        } finally {
            p.destroyForcibly();
            if (Files.exists(sleepPid)) {
                ProcessHandle.of(Long.parseLong(Files.readString(sleepPid).strip())).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /**
     * {@code check --all --notify} stopped the same way: the check it stopped is reported as made (1 attempt), each job
     * after it as never started, as backup --all and prune --all report theirs: 0 attempts, and a "what now" that says it
     * never started and gives the check to run, not "check changes nothing" of a check cut short. It said 1 attempt.
     */
    @org.junit.jupiter.api.Test
    void sigtermDuringCheckAllNotifiesEveryJobNotStartedWithNoAttempt() throws Exception {
        Path sleepPid = dir.resolve("sleep.pid");
        Path script = dir.resolve("slow-secret.sh");
        Files.writeString(script, "#!/bin/sh\nsleep 40 &\necho $! > " + sleepPid + "\nwait\necho passphrase\n");
        assertThat(script.toFile().setExecutable(true)).isTrue();
        SqliteFixture.create(dir.resolve("app.db"), 10);
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                stores:
                  local: {type: local, path: store}
                notifications:
                  hook: {type: webhook, url_env: WEBHOOK_URL}
                jobs:
                  app:
                    datasource: app
                    store: local
                    encryption: {passphrase_command: [./slow-secret.sh], scrypt_work_factor: 10}
                    notify: [{notifier: hook, on: failure}]
                  second:
                    datasource: app
                    store: local
                    prefix: second
                    notify: [{notifier: hook, on: failure}]
                """);
        try (io.dbbackup.testkit.WebhookServer hook = new io.dbbackup.testkit.WebhookServer()) {
            Process p = DbbackupJar.startWithTestEngine(dir, Map.of("WEBHOOK_URL", hook.url() + "/check"), "check", "--all", "--notify");
            try {
                DbbackupJar.Stopped stopped = DbbackupJar.terminateWhen(p, dir, "the secret command starts",
                        () -> Files.exists(sleepPid) && !Files.readString(sleepPid).isBlank(), 300);
                assertThat(stopped.exit()).isEqualTo(143);
                assertThat(stopped.out()).contains("INTERRUPTED app secrets: interrupted by SIGTERM",
                        "INTERRUPTED second job: interrupted by SIGTERM before the check of job second began: nothing was checked",
                        "check --all interrupted by SIGTERM: 0 of 2 jobs passed every check, 1 interrupted; not started: second (exit 143)");
                List<Map<?, ?>> reports = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    io.dbbackup.testkit.WebhookServer.Request r = hook.take(java.time.Duration.ofSeconds(5));
                    assertThat(r).as("report " + (i + 1) + " of 2 after " + reports).isNotNull();
                    reports.add((Map<?, ?>) Json.parse(r.body()));
                }
                assertThat(reports.stream().map(r -> r.get("job") + " " + r.get("operation") + " " + r.get("outcome")))
                        .containsExactly("app check interrupted", "second check interrupted");
                assertThat(reports.get(0).get("attempts")).as("the check stopped was started").isEqualTo(1L);
                assertThat(reports.get(1).get("attempts")).as("second made no attempt").isEqualTo(0L);
                assertThat((String) reports.get(1).get("next")).startsWith("The check of job second never started (the run was "
                                + "stopped before it): nothing was written or deleted for it; its backups are as they were: dbbackup ")
                        .contains(" list second\nNext: when the run may go on, run: dbbackup ").endsWith(" check second");
            } finally {
                p.destroyForcibly();
                if (Files.exists(sleepPid)) {
                    ProcessHandle.of(Long.parseLong(Files.readString(sleepPid).strip())).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        }
    }

    /** The built jar as a subprocess with the test-only plugins, in {@code dir}. */
    private Process startJar(String... args) throws Exception {
        return DbbackupJar.startWithTestEngine(dir, Map.of(), args);
    }
}
