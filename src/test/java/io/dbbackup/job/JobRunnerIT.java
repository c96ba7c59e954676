package io.dbbackup.job;

import io.dbbackup.core.Json;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SmtpServer;
import io.dbbackup.testkit.WebhookServer;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job runner through the real CLI ({@code Main.run}) with GreenMail as the SMTP server; faults
 * come from the test-only {@code fake} engine and {@code faulty} store (src/test/.../testkit).
 */
class JobRunnerIT {
    private static final String SMTP_PASSWORD = "s3cr3t-Smtp-Pa55";

    @TempDir
    Path dir;
    SmtpServer smtp;
    Map<String, String> env;

    @BeforeEach
    void start() {
        smtp = SmtpServer.plain().user("ops@example.com", "ops", SMTP_PASSWORD);
        env = Map.of("SMTP_PASSWORD", SMTP_PASSWORD);
    }

    @AfterEach
    void stop() {
        smtp.close();
    }

    private String notifications(int port) {
        return """
                notifications:
                  ops:
                    type: email
                    smtp_host: 127.0.0.1
                    smtp_port: %d
                    tls: none
                    username: ops
                    password_env: SMTP_PASSWORD
                    from: dbbackup@example.com
                    to: ops@example.com
                    timeout: 5s
                  audit:
                    type: email
                    smtp_host: 127.0.0.1
                    smtp_port: %d
                    tls: none
                    from: dbbackup@example.com
                    to: [audit@example.com]
                    subject_prefix: "[backup-audit]"
                """.formatted(port, port);
    }

    private Path config(String text) throws IOException {
        Path f = dir.resolve("config.yaml");
        Files.writeString(f, text);
        return f;
    }

    /** One in-process run with its wall time. */
    record Run(int code, String out, String err, long millis) {
        String all() {
            return out + err;
        }
    }

    private Run dbbackup(String... args) {
        Cli cli = new Cli().workingDir(dir);
        env.forEach(cli::env);
        long t0 = System.nanoTime();
        Cli.Result r = cli.run(args);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("---- dbbackup " + String.join(" ", args) + " -> exit " + r.exit() + " in " + ms + " ms\n"
                + r.out() + r.err());
        return new Run(r.exit(), r.out(), r.err(), ms);
    }

    @Test
    void sixJobsInParallelWithRetriesAndNotifications() throws Exception {
        config("""
                datasources:
                  a: {engine: fake, size: 300000, duration: 300ms}
                  b: {engine: fake, size: 300000, duration: 300ms}
                  c: {engine: fake, size: 300000, duration: 300ms}
                  d: {engine: fake, size: 300000, duration: 300ms}
                  flaky: {engine: fake, size: 300000, fail_attempts: 1, attempts_file: flaky.attempts}
                  broken: {engine: fake, fail_attempts: 1000, attempts_file: broken.attempts}
                stores:
                  local: {type: local, path: store, fsync: false}
                %s
                jobs:
                  a-success-mail:
                    datasource: a
                    store: local
                    notify: [{notifier: ops, on: failure}, {notifier: audit, on: success}]
                  b-always-mail:
                    datasource: b
                    store: local
                    notify: [{notifier: audit, on: always}]
                  c-failure-only:
                    datasource: c
                    store: local
                    notify: [{notifier: ops, on: failure}]
                  d-no-notify:
                    datasource: d
                    store: local
                  flaky:
                    datasource: flaky
                    store: local
                    retry: {max_attempts: 3, delay: 1s, backoff_multiplier: 2}
                    notify: [{notifier: ops}]
                  broken:
                    datasource: broken
                    store: local
                    retry: {max_attempts: 3, delay: 200ms, backoff_multiplier: 2, max_delay: 300ms}
                    notify: [{notifier: ops, on: failure}]
                """.formatted(notifications(smtp.port())));

        Run r = dbbackup("backup", "--all", "--parallel", "3");

        assertThat(r.code()).as("some jobs failed -> 4").isEqualTo(4);
        for (String job : List.of("a-success-mail", "b-always-mail", "c-failure-only", "d-no-notify", "flaky", "broken")) {
            assertThat(r.out()).containsPattern("(?m)^" + job + " +(ok|FAILED) ");
        }
        assertThat(r.out()).containsPattern("(?m)^flaky +ok +2 ").containsPattern("(?m)^broken +FAILED +3 ")
                .contains("5 of 6 jobs succeeded (exit 4)");

        List<Long> flaky = attempts("flaky.attempts");
        assertThat(flaky).hasSize(2);
        long flakyPause = flaky.get(1) - flaky.get(0);
        System.out.println("flaky job: retried after " + flakyPause + " ms (delay 1s, equal jitter: 500..1000 ms)");
        assertThat(flakyPause).isBetween(450L, 1600L);
        List<Long> broken = attempts("broken.attempts");
        assertThat(broken).as("max_attempts").hasSize(3);
        System.out.println("broken job: pauses " + (broken.get(1) - broken.get(0)) + " ms, " + (broken.get(2) - broken.get(1)) + " ms");
        assertThat(broken.get(1) - broken.get(0)).isGreaterThanOrEqualTo(90L);
        assertThat(broken.get(2) - broken.get(1)).as("capped by max_delay 300ms, at least half").isBetween(140L, 1000L);
        assertThat(r.err()).contains("retrying").contains("job=flaky");

        MimeMessage[] mails = smtp.await(3, Duration.ofSeconds(10));
        Thread.sleep(500); // nothing more may arrive
        mails = smtp.messages();
        List<String> subjects = Arrays.stream(mails).map(JobRunnerIT::subject).sorted().toList();
        System.out.println("mails: " + subjects);
        assertThat(subjects).hasSize(3);
        List<MimeMessage> failures = Arrays.stream(mails).filter(m -> subject(m).contains("FAILED")).toList();
        assertThat(failures).hasSize(1);
        MimeMessage failure = failures.get(0);
        assertThat(subject(failure)).startsWith("[dbbackup] FAILED: backup job broken on ");
        assertThat(failure.getAllRecipients()[0].toString()).isEqualTo("ops@example.com");
        String body = body(failure);
        System.out.println(body);
        assertThat(body).contains("Job:        broken").contains("Attempts:   3").contains("Host:")
                .contains("Started:").contains("Duration:")
                // the summary names the first error line, not whatever the tool said last
                .contains("fake-dump failed (exit 1): fake-dump: error: injected failure on attempt 3")
                .contains("| fake-dump: FATAL: could not dump broken")
                // where it was going, and this job's own exit code (the run, of several jobs, exits 4)
                .containsPattern("Exit code:  2 \\(system error\\)\\R").containsPattern("Datasource: broken\\R")
                .containsPattern("Store: +local \\(local \\S+store under broken/\\)\\R");
        List<MimeMessage> successes = Arrays.stream(mails).filter(m -> subject(m).contains(" OK: ")).toList();
        assertThat(successes).extracting(JobRunnerIT::subject).allMatch(s -> s.startsWith("[backup-audit] OK: backup job "))
                .anyMatch(s -> s.contains(" a-success-mail ")).anyMatch(s -> s.contains(" b-always-mail "));
        String ok = body(successes.get(0));
        assertThat(ok).contains("Outcome:    succeeded").containsPattern("Key: +[^ ]+/[^ ]+-\\d{8}-\\d{6}\\.sql\\.gz")
                .containsPattern("Size: +.* \\(\\d+ bytes\\)");
        assertThat(r.all()).doesNotContain(SMTP_PASSWORD);
        assertThat(String.join("\n", subjects) + body + ok).doesNotContain(SMTP_PASSWORD);
    }

    @Test
    void jsonSummaryListsEveryJob() throws Exception {
        config("""
                datasources:
                  a: {engine: fake}
                  broken: {engine: fake, fail_attempts: 1000, attempts_file: broken.attempts}
                stores:
                  local: {type: local, path: store, fsync: false}
                jobs:
                  a: {datasource: a, store: local}
                  broken: {datasource: broken, store: local}
                """);
        Run r = dbbackup("backup", "a", "broken", "--json");
        assertThat(r.code()).isEqualTo(4);
        @SuppressWarnings("unchecked")
        Map<String, Object> summary = (Map<String, Object>) Json.parse(r.out());
        assertThat(summary.get("status")).isEqualTo(4L);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> jobs = (List<Map<String, Object>>) summary.get("jobs");
        assertThat(jobs).extracting(j -> j.get("job") + "=" + j.get("status")).containsExactly("a=ok", "broken=failed");
    }

    @Test
    void allJobsFailingExits2() throws Exception {
        config("""
                datasources:
                  x: {engine: fake, fail_attempts: 1000, attempts_file: x.attempts}
                  y: {engine: fake, fail_attempts: 1000, attempts_file: y.attempts}
                stores:
                  local: {type: local, path: store, fsync: false}
                jobs:
                  x: {datasource: x, store: local}
                  y: {datasource: y, store: local}
                """);
        assertThat(dbbackup("backup", "--all").code()).isEqualTo(2);
    }

    @Test
    void fourJobsInParallelTakeClearlyLessThanFourTimesOne() throws Exception {
        StringBuilder ds = new StringBuilder();
        StringBuilder jobs = new StringBuilder();
        for (int i = 1; i <= 4; i++) {
            ds.append("  d").append(i).append(": {engine: fake, size: 1000000, duration: 1500ms}\n");
            jobs.append("  j").append(i).append(": {datasource: d").append(i).append(", store: local, prefix: p")
                    .append(i).append("}\n");
        }
        config("datasources:\n" + ds + "stores:\n  local: {type: local, path: store, fsync: false}\njobs:\n" + jobs);
        dbbackup("backup", "j1"); // warm-up: class loading, JIT
        Run one = dbbackup("backup", "j2");
        assertThat(one.code()).isZero();
        Run four = dbbackup("backup", "--all", "--parallel", "4");
        assertThat(four.code()).isZero();
        assertThat(four.out()).contains("4 of 4 jobs succeeded");
        System.out.printf("wall time: one job %d ms; four jobs with --parallel 4: %d ms (4 x one = %d ms, ratio %.2f)%n",
                one.millis(), four.millis(), 4 * one.millis(), four.millis() / (4.0 * one.millis()));
        assertThat(four.millis()).isLessThan(2 * one.millis());
    }

    @Test
    void verifyCatchesAnObjectCorruptedInTheStore() throws Exception {
        config("""
                datasources:
                  a: {engine: fake, size: 200000}
                stores:
                  rotten: {type: faulty, path: store, corrupt: true}
                %s
                jobs:
                  a:
                    datasource: a
                    store: rotten
                    verify: true
                    retry: {max_attempts: 3, delay: 100ms}
                    notify: [{notifier: ops, on: failure}]
                """.formatted(notifications(smtp.port())));
        Run r = dbbackup("backup", "a");
        assertThat(r.code()).as("integrity failure").isEqualTo(3);
        assertThat(r.out()).containsPattern("(?m)^a +FAILED +1 ");
        assertThat(r.out()).contains("verification of a/a-").contains("after upload failed: checksum mismatch");
        assertThat(r.err()).doesNotContain("retrying");
        // the corrupt object and its sidecars are gone: restore cannot pick it as the newest, prune cannot count it
        assertThat(r.err()).contains("removed the backup that failed verification");
        assertThat(storeFiles()).as("no backup left behind").isEmpty();
        assertThat(smtp.await(1, Duration.ofSeconds(10))).hasSize(1)
                .allMatch(m -> subject(m).contains("FAILED") && body(m).contains("verification"));
    }

    /**
     * A corrupt backup among several jobs: the run exits 3, never 4 ("some failed") — a script or pager that treats 4 as
     * "one store was down" must not miss a backup that fails its checksum. Alike with --parallel.
     */
    @Test
    void aCorruptBackupAmongSeveralJobsExits3NotPartial() throws Exception {
        config("""
                datasources:
                  a: {engine: fake, size: 200000}
                stores:
                  rotten: {type: faulty, path: store, corrupt: true}
                  local: {type: local, path: store2}
                jobs:
                  a: {datasource: a, store: rotten, verify: true}
                  b: {datasource: a, store: local, verify: true}
                """);
        Run r = dbbackup("backup", "--all");
        assertThat(r.code()).as(r.all()).isEqualTo(3);
        assertThat(r.out()).containsPattern("(?m)^a +FAILED +1 ").containsPattern("(?m)^b +ok ")
                .contains("1 of 2 jobs succeeded (exit 3)");
        Thread.sleep(1100); // the next run names new keys
        Run parallel = dbbackup("backup", "--all", "--parallel", "2");
        assertThat(parallel.code()).as(parallel.all()).isEqualTo(3);
    }

    /**
     * The job's timeout running out during {@code verify: true}'s read-back (a slow store) stops the read, which found
     * nothing: the stored backup stays, with a warning that it was not read back, and the job fails for its timeout. It
     * used to be deleted as if it had failed verification, leaving the night without a backup.
     */
    @Test
    void aTimeoutDuringTheReadBackLeavesTheStoredBackupInPlace() throws Exception {
        config("""
                datasources:
                  a: {engine: fake, size: 4000000}
                stores:
                  slow: {type: faulty, path: store, slow_reads: true}
                jobs:
                  a: {datasource: a, store: slow, verify: true, timeout: 2s}
                """);
        Run r = dbbackup("backup", "a");
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.out()).contains("timed out after 2s");
        assertThat(r.err()).contains("the read-back was stopped before it finished: the backup stays")
                .doesNotContain("removed the backup");
        assertThat(storeFiles()).as("the backup and its sidecars").hasSize(3);
    }

    /**
     * The read-back's bytes damaged on the way, the stored object intact (a store audit's flipped GET): the backup used
     * to be deleted, the night left without one. A second read passes, and the backup is kept with a warning.
     */
    @Test
    void aReadBackDamagedOnTheWayIsReadAgainAndTheSoundBackupKept() throws Exception {
        config("""
                datasources:
                  a: {engine: fake, size: 200000}
                stores:
                  flaky: {type: faulty, path: store, damage_first_read: true}
                jobs:
                  a: {datasource: a, store: flaky, verify: true}
                """);
        Run r = dbbackup("backup", "a");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("a second read of the same object passed").contains("checksum mismatch")
                .doesNotContain("removed the backup");
        assertThat(storeFiles()).as("the backup and its sidecars").hasSize(3);
    }

    @Test
    void verifyPassesOnAnIntactObject() throws Exception {
        config("""
                datasources:
                  a: {engine: fake, size: 200000}
                stores:
                  sound: {type: faulty, path: store, corrupt: false}
                jobs:
                  a: {datasource: a, store: sound, verify: true}
                """);
        Run r = dbbackup("backup", "a");
        assertThat(r.code()).isZero();
        assertThat(r.err()).contains("backup verified");
    }

    @Test
    void perJobTimeoutCancelsTheDump() throws Exception {
        config("""
                datasources:
                  slow: {engine: fake, size: 100000, duration: 60s}
                stores:
                  local: {type: local, path: store, fsync: false}
                %s
                jobs:
                  slow:
                    datasource: slow
                    store: local
                    timeout: 1s
                    notify: [{notifier: ops}]
                """.formatted(notifications(smtp.port())));
        Run r = dbbackup("backup", "slow");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.millis()).as("cancelled at 1s, not after 60s").isLessThan(10_000);
        assertThat(r.out()).contains("timed out after 1s");
        assertThat(storeFiles()).as("no partial object or temp file").isEmpty();
        assertThat(smtp.await(1, Duration.ofSeconds(10))).hasSize(1).allMatch(m -> body(m).contains("timed out after 1s"));
    }

    @Test
    void perJobTimeoutStopsTheUploadEvenWhenTheEngineIgnoresCancellation() throws Exception {
        config("""
                datasources:
                  stubborn: {engine: fake, size: 20000000, duration: 30s, ignore_cancel: true}
                stores:
                  local: {type: local, path: store, fsync: false}
                jobs:
                  stubborn: {datasource: stubborn, store: local, timeout: 1s}
                """);
        Run r = dbbackup("backup", "stubborn");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).contains("timed out after 1s");
        assertThat(r.millis()).as("the upload stops at the timeout, the dump at its next write").isLessThan(5_000);
        assertThat(storeFiles()).isEmpty();
    }

    /**
     * A notifier named by two rules that both match (on: always beside on: failure, or one line written twice, a
     * merged YAML anchor) sent the same mail twice: each notifier hears a run once.
     */
    @Test
    void aNotifierNamedByTwoMatchingRulesSendsOneMail() throws Exception {
        config("""
                datasources:
                  broken: {engine: fake, fail_attempts: 1000, attempts_file: broken.attempts}
                  a: {engine: fake}
                stores:
                  local: {type: local, path: store, fsync: false}
                %s
                jobs:
                  broken:
                    datasource: broken
                    store: local
                    notify: [{notifier: ops, on: always}, {notifier: ops, on: failure}, {notifier: audit, on: failure}]
                  a:
                    datasource: a
                    store: local
                    notify: [{notifier: ops, on: success}, {notifier: ops, on: success}]
                """.formatted(notifications(smtp.port())));
        Run r = dbbackup("backup", "--all");
        assertThat(r.code()).as(r.all()).isEqualTo(4);
        smtp.await(4, Duration.ofSeconds(3)); // waits out any duplicate
        assertThat(smtp.messages()).extracting(m -> m.getAllRecipients()[0] + " " + m.getSubject())
                .containsExactlyInAnyOrder("ops@example.com [dbbackup] FAILED: backup job broken on " + Notifications.host(),
                        "audit@example.com [backup-audit] FAILED: backup job broken on " + Notifications.host(),
                        "ops@example.com [dbbackup] OK: backup job a on " + Notifications.host());
    }

    @Test
    void smtpServerDownDoesNotChangeASuccessfulBackup() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        config("""
                datasources:
                  a: {engine: fake}
                stores:
                  local: {type: local, path: store, fsync: false}
                %s
                jobs:
                  a:
                    datasource: a
                    store: local
                    notify: [{notifier: ops, on: always}]
                """.formatted(notifications(closedPort)));
        Run r = dbbackup("backup", "a");
        assertThat(r.code()).isZero();
        assertThat(r.err()).contains("WARN").contains("notification failed (the backup result is unchanged)")
                .contains("notifier=ops").contains("127.0.0.1:" + closedPort).doesNotContain(SMTP_PASSWORD);
    }

    @Test
    void failedNotificationsShowInTheSummaryUnderTheirJobAndInJsonWithoutChangingTheExitCode() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String token = "T0KEN-in-the-path-9f3e";
        try (WebhookServer hook = new WebhookServer()) {
            hook.status(500);
            env = Map.of("SMTP_PASSWORD", SMTP_PASSWORD, "HOOK_URL", hook.url() + "/services/" + token);
            config("""
                    datasources:
                      a: {engine: fake}
                      b: {engine: fake}
                      c: {engine: fake}
                      d: {engine: fake}
                      e: {engine: fake}
                      broken: {engine: fake, fail_attempts: 1000, attempts_file: broken.attempts}
                    stores:
                      local: {type: local, path: store, fsync: false}
                    %s
                      hook: {type: webhook, url_env: HOOK_URL, timeout: 5s}
                    jobs:
                      a: {datasource: a, store: local, notify: [{notifier: hook, on: always}, {notifier: ops, on: always}]}
                      b: {datasource: b, store: local}
                      c: {datasource: c, store: local, notify: [{notifier: hook, on: always}]}
                      d: {datasource: d, store: local, notify: [{notifier: hook, on: always}]}
                      e: {datasource: e, store: local, notify: [{notifier: hook, on: success}, {notifier: ops, on: always}]}
                      broken: {datasource: broken, store: local, notify: [{notifier: hook, on: failure}]}
                    """.formatted(notifications(closedPort)));
            Run r = dbbackup("backup", "a", "b", "broken");
            assertThat(r.code()).as("some jobs failed: 4, as without notifiers").isEqualTo(4);
            String hookFailed = "  notify failed: hook: webhook " + hook.url() + " answered HTTP 500: no_service";
            assertThat(r.out()).containsPattern("(?m)^a +ok .*\\n" + java.util.regex.Pattern.quote(hookFailed)
                            + "\\n  notify failed: ops: .*127\\.0\\.0\\.1:" + closedPort + ".*\\nb +ok ")
                    .containsPattern("(?m)^broken +FAILED .*\\n" + java.util.regex.Pattern.quote(hookFailed) + "\\n")
                    .contains("2 of 3 jobs succeeded (exit 4); failed: broken; 3 notifications not sent (the exit code is unchanged)")
                    .doesNotContain(token).doesNotContain(SMTP_PASSWORD);
            assertThat(hook.drain()).hasSize(2);

            Run ok = dbbackup("backup", "e", "--json"); // each run its own jobs: two runs of a job in one second would clash
            assertThat(ok.code()).as("the backup succeeded; its notifications did not").isZero();
            assertThat(ok.out()).doesNotContain(token).doesNotContain(SMTP_PASSWORD);
            @SuppressWarnings("unchecked")
            Map<String, Object> summary = (Map<String, Object>) Json.parse(ok.out());
            assertThat(summary.get("status")).isEqualTo(0L);
            @SuppressWarnings("unchecked")
            Map<String, Object> e = ((List<Map<String, Object>>) summary.get("jobs")).get(0);
            assertThat(e).containsEntry("job", "e").containsEntry("status", "ok");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> failed = (List<Map<String, Object>>) e.get("notify_failed");
            assertThat(failed).extracting(f -> f.get("notifier")).containsExactly("hook", "ops");
            assertThat(failed.get(0)).containsEntry("reason", "webhook " + hook.url() + " answered HTTP 500: no_service");
            assertThat((String) failed.get(1).get("reason")).contains("127.0.0.1:" + closedPort);

            hook.status(200);
            hook.drain();
            Run sent = dbbackup("backup", "c", "broken", "--json"); // every notification goes out: empty lists
            assertThat(sent.code()).isEqualTo(4);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> jobs = (List<Map<String, Object>>) ((Map<String, Object>) Json.parse(sent.out())).get("jobs");
            assertThat(jobs).extracting(j -> j.get("job") + "=" + j.get("notify_failed")).containsExactly("c=[]", "broken=[]");
            assertThat(hook.drain()).hasSize(2);
            Run human = dbbackup("backup", "d"); // its notification goes out: no line, no count
            assertThat(human.out()).doesNotContain("notify failed").doesNotContain("not sent")
                    .contains("1 of 1 job succeeded (exit 0)\n");
        }
    }

    /**
     * {@code backup --prune} stored the backup and then its prune failed: the FAILED mail had no Key/Size lines (the key
     * was only inside the error text) and the webhook's JSON said {@code "size": null}. Both name the stored backup now.
     */
    @Test
    void aFailureAfterTheBackupWasStoredNamesItsKeyAndSize() throws Exception {
        try (WebhookServer hook = new WebhookServer()) {
            env = Map.of("SMTP_PASSWORD", SMTP_PASSWORD, "HOOK_URL", hook.url() + "/hook");
            config("""
                    datasources:
                      a: {engine: fake}
                    stores:
                      local: {type: local, path: store, fsync: false}
                    %s
                      hook: {type: webhook, url_env: HOOK_URL, timeout: 5s}
                    jobs:
                      a:
                        datasource: a
                        store: local
                        retention: {keep_last: 1}
                        notify: [{notifier: ops, on: failure}, {notifier: hook, on: failure}]
                    """.formatted(notifications(smtp.port())));
            // a backup named by a clock ten years ahead: the next prune refuses to run
            Cli.Result ahead = new Cli().workingDir(dir).env("SMTP_PASSWORD", SMTP_PASSWORD).env("HOOK_URL", hook.url() + "/hook")
                    .clock(java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofDays(3650))).run("backup", "a");
            assertThat(ahead.exit()).as(ahead.toString()).isZero();
            Run r = dbbackup("backup", "a", "--prune");
            assertThat(r.code()).as(r.all()).isEqualTo(2);
            java.util.regex.Matcher stored = java.util.regex.Pattern.compile("backup stored as (a/a-\\d{8}-\\d{6}\\.sql\\.gz) but pruning failed")
                    .matcher(r.out());
            assertThat(stored.find()).as(r.all()).isTrue();
            String key = stored.group(1);
            long size = Files.size(dir.resolve("store").resolve(key));

            String mail = body(smtp.await(1, Duration.ofSeconds(10))[0]).replace("\r\n", "\n");
            assertThat(mail).contains("Outcome:    FAILED", "Key:        " + key + "\n", "Size:       ", "(" + size + " bytes)\n",
                    "Error:\n  backup stored as " + key + " but pruning failed");
            @SuppressWarnings("unchecked")
            Map<String, Object> json = (Map<String, Object>) Json.parse(hook.take(Duration.ofSeconds(10)).body());
            assertThat(json).containsEntry("outcome", "failure").containsEntry("key", key).containsEntry("size", size);
        }
    }

    @Test
    void wrongSmtpPasswordIsAWarningAndNeverShown() throws Exception {
        env = Map.of("SMTP_PASSWORD", "not-the-Right-0ne");
        config("""
                datasources:
                  a: {engine: fake}
                stores:
                  local: {type: local, path: store, fsync: false}
                %s
                jobs:
                  a: {datasource: a, store: local, notify: [{notifier: ops, on: success}]}
                """.formatted(notifications(smtp.port())));
        Run r = dbbackup("backup", "a");
        assertThat(r.code()).isZero();
        assertThat(r.err()).contains("notification failed").doesNotContain("not-the-Right-0ne");
        assertThat(smtp.messages()).isEmpty();
    }

    private List<Path> storeFiles() throws IOException {
        Path store = dir.resolve("store");
        if (!Files.exists(store)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(store)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    private List<Long> attempts(String file) throws IOException {
        return Files.readAllLines(dir.resolve(file)).stream().map(Long::parseLong).toList();
    }

    static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String body(MimeMessage m) {
        try {
            return String.valueOf(m.getContent());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
