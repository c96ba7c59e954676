package io.dbbackup.cli;

import io.dbbackup.core.Json;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.DbbackupJar;
import io.dbbackup.testkit.DbbackupJar.Stopped;
import io.dbbackup.testkit.Shell;
import io.dbbackup.testkit.SmtpServer;
import io.dbbackup.testkit.WebhookServer;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built jar as a subprocess, signalled in the middle of a dump: the dump's child process is
 * killed, the upload aborted (no object, no temp file, no scratch file), both notifiers hear of the
 * interruption, and the process exits 143 (SIGTERM) / 130 (SIGINT) within a few seconds. The dump
 * is a {@code sh → sleep} child of the test-only {@code fake} engine (test classes and src/test/plugins
 * on the class path).
 */
class SignalIT {
    private static final String WEBHOOK_TOKEN = "T0KEN-b5e1c9d2a7";

    @TempDir
    Path dir;
    SmtpServer smtp;
    WebhookServer webhook;

    @BeforeEach
    void start() throws IOException {
        smtp = SmtpServer.plain();
        webhook = new WebhookServer();
    }

    @AfterEach
    void stop() {
        smtp.close();
        webhook.close();
    }

    @ParameterizedTest
    @CsvSource({"TERM, 143, SIGTERM", "INT, 130, SIGINT"})
    void signalDuringADumpCancelsCleanly(String signal, int expectedExit, String signalName) throws Exception {
        Path pidFile = dir.resolve("dump.pid");
        Path store = dir.resolve("store");
        Path scratch = Files.createDirectories(dir.resolve("scratch"));
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  slow:
                    engine: fake
                    command: [sh, -c, 'echo $$ > %s; head -c 300000 /dev/urandom; exec sleep 600']
                stores:
                  local: {type: local, path: store}
                notifications:
                  mail:
                    type: email
                    smtp_host: 127.0.0.1
                    smtp_port: %d
                    tls: none
                    from: dbbackup@example.com
                    to: ops@example.com
                  hook:
                    type: webhook
                    url_env: WEBHOOK_URL
                jobs:
                  slow:
                    datasource: slow
                    store: local
                    retry: {max_attempts: 3, delay: 1s}
                    notify: [{notifier: mail}, {notifier: hook}]
                  later:
                    datasource: slow
                    store: local
                    prefix: later
                """.formatted(pidFile, smtp.port()));

        Process p = startJar(Map.of("WEBHOOK_URL", webhook.url() + "/hooks/" + WEBHOOK_TOKEN, "DBBACKUP_TMPDIR", scratch.toString()),
                "backup", "slow", "later");
        try {
            long dumpPid = awaitDumpRunning(p, pidFile, store);
            assertThat(ProcessHandle.of(dumpPid)).as("dump child running").isPresent();
            Stopped stopped = signal(p, signal, 20);
            String out = stopped.out();
            String err = stopped.err();
            assertThat(stopped.exit()).isEqualTo(expectedExit);
            assertThat(stopped.ms()).as("exits within a few seconds").isLessThan(5000);
            assertThat(isAlive(dumpPid)).as("dump process " + dumpPid + " killed").isFalse();
            assertThat(files(store)).as("no partial object, sidecar or temp file").isEmpty();
            assertThat(folders(store)).as("no folder the backup made for itself, left empty").isEmpty();
            assertThat(files(scratch)).as("no scratch file").isEmpty();
            assertThat(out).containsPattern("(?m)^slow +INTERRUPTED +1 ").contains("interrupted by " + signalName
                    + "; the partial backup was discarded");
            assertThat(out).as("the job after it never started").containsPattern("(?m)^later +INTERRUPTED +0 ")
                    .contains("interrupted by " + signalName + " before it started: nothing was written");
            assertThat(err).contains("interrupted: cancelling running jobs").doesNotContain("retrying")
                    .doesNotContain(WEBHOOK_TOKEN);

            WebhookServer.Request hook = webhook.take(Duration.ofSeconds(5));
            assertThat(hook).as("webhook notified").isNotNull();
            assertThat(hook.pathAndQuery()).isEqualTo("/hooks/" + WEBHOOK_TOKEN);
            @SuppressWarnings("unchecked")
            Map<String, Object> report = (Map<String, Object>) Json.parse(hook.body());
            assertThat(report).containsEntry("job", "slow").containsEntry("outcome", "interrupted")
                    .containsEntry("succeeded", false);
            MimeMessage[] mails = smtp.await(1, Duration.ofSeconds(5));
            assertThat(mails).hasSize(1);
            assertThat(mails[0].getSubject()).isEqualTo("[dbbackup] INTERRUPTED: backup job slow on " + report.get("host"));
            assertThat(String.valueOf(mails[0].getContent())).contains("interrupted by " + signalName);
        } finally {
            p.destroyForcibly();
            killQuietly(pidFile);
        }
    }

    /**
     * SIGTERM (a pod's deadline) while the dump runs; the job stops at once, and its interruption report goes to a webhook
     * that answers 13 s later (a slow relay; its timeout is 30 s, the pod's grace period 90 s). Before, the run counted
     * the job as "still stopping" 10 s after the signal because its thread was still sending that report, said so in the
     * summary ("the backup was not finished: the job was still stopping 10 s after the signal"), and exited at once,
     * cutting its own report off ("notification failed … interrupted"): on-call never heard of the interruption. Now the
     * report is waited for (its send has its own bound, twice the notifier's timeout) and the summary says what happened.
     */
    @Test
    void aReportStillBeingSentTenSecondsAfterTheSignalIsWaitedForNotCutOff() throws Exception {
        webhook.close();
        webhook = new WebhookServer(Duration.ofSeconds(13));
        Path pidFile = dir.resolve("dump.pid");
        Path store = dir.resolve("store");
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  slow:
                    engine: fake
                    command: [sh, -c, 'echo $$ > %s; head -c 300000 /dev/urandom; exec sleep 600']
                stores:
                  local: {type: local, path: store}
                notifications:
                  hook:
                    type: webhook
                    url_env: WEBHOOK_URL
                jobs:
                  slow:
                    datasource: slow
                    store: local
                    notify: [{notifier: hook}]
                """.formatted(pidFile));
        Process p = startJar(Map.of("WEBHOOK_URL", webhook.url() + "/hooks/" + WEBHOOK_TOKEN), "backup", "slow");
        try {
            awaitDumpRunning(p, pidFile, store);
            Stopped stopped = signal(p, "TERM", 40);
            assertThat(stopped.exit()).isEqualTo(143);
            assertThat(stopped.err()).as("the report was sent, not cut off").contains("notification sent job=slow notifier=hook")
                    .doesNotContain("notification failed");
            assertThat(stopped.out()).containsPattern("(?m)^slow +INTERRUPTED +1 ")
                    .contains("interrupted by SIGTERM; the partial backup was discarded").doesNotContain("still stopping");
            assertThat(stopped.ms()).as("waited for the 13 s answer").isGreaterThanOrEqualTo(12_000);
            WebhookServer.Request hook = webhook.take(Duration.ofSeconds(1));
            assertThat(hook).as("webhook notified").isNotNull();
            assertThat(hook.body()).contains("\"outcome\":\"interrupted\"");
            assertThat(files(store)).as("no partial object, sidecar or temp file").isEmpty();
        } finally {
            p.destroyForcibly();
            killQuietly(pidFile);
        }
    }

    /**
     * SIGTERM while a copy job copies a backup (read slowly from the test-only faulty store): the upload is aborted (no
     * object, no sidecar, no temp file in the copy's store), the interruption is mailed, exit 143 within seconds.
     */
    @org.junit.jupiter.api.Test
    void sigtermDuringACopyLeavesNothingInTheCopysStore() throws Exception {
        Shell.ok(dir, "sqlite3", dir.resolve("app.db").toString(),
                "create table blobs(b); insert into blobs select randomblob(1048576) from generate_series(1, 4);");
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db, compression: none}
                stores:
                  slow: {type: faulty, path: store, slow_reads: true}
                  offsite: {type: local, path: offsite}
                notifications:
                %s
                jobs:
                  nightly: {datasource: app, store: slow}
                  offsite:
                    copy_of: nightly
                    store: offsite
                    notify: [{notifier: ops, on: failure}]
                """.formatted(SmtpServer.notifierYaml("ops", smtp.port())));
        Cli.Result made = new Cli().workingDir(dir).run("-c", dir.resolve("config.yaml").toString(), "backup", "nightly");
        assertThat(made.exit()).as(made.toString()).isZero();
        Path offsite = dir.resolve("offsite");

        Process p = startJar("backup", "offsite");
        try {
            Stopped stopped = DbbackupJar.terminateWhen(p, dir, "the copy starts writing",
                    () -> files(offsite).stream().anyMatch(f -> f.getFileName().toString().startsWith(".dbbackup-tmp-")), 300);
            assertThat(stopped.exit()).isEqualTo(143);
            assertThat(stopped.ms()).as("exits within a few seconds").isLessThan(5000);
            assertThat(files(offsite)).as("no object, sidecar or temp file in the copy's store").isEmpty();
            assertThat(folders(offsite)).as("no folder the copy made for itself, left empty").isEmpty();
            assertThat(stopped.out()).containsPattern("(?m)^offsite +INTERRUPTED +1 ");
            MimeMessage[] mails = smtp.await(1, Duration.ofSeconds(5));
            assertThat(mails).hasSize(1);
            assertThat(mails[0].getSubject()).startsWith("[dbbackup] INTERRUPTED: backup job offsite on ");
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * SIGKILL (the out-of-memory killer, a pod's grace period running out) gives the process no chance to abort
     * its upload: the temporary file stays in the store. Prune removes it once it has not been written to for a
     * day, and never sooner (it could be another run's upload in progress); the dry run only shows it.
     */
    @org.junit.jupiter.api.Test
    void anUploadLeftByAKilledBackupIsRemovedByPruneOnceItIsADayOld() throws Exception {
        Path pidFile = dir.resolve("dump.pid");
        Path store = dir.resolve("store");
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  slow:
                    engine: fake
                    command: [sh, -c, 'echo $$ > %s; head -c 300000 /dev/urandom; exec sleep 600']
                stores:
                  local: {type: local, path: store}
                jobs:
                  slow:
                    datasource: slow
                    store: local
                    retention: {keep_last: 3}
                """.formatted(pidFile));
        Process p = startJar("backup", "slow");
        Path temp;
        try {
            awaitDumpRunning(p, pidFile, store);
            assertThat(signal(p, "KILL", 20).exit()).isEqualTo(137);
            temp = files(store).stream().filter(f -> f.getFileName().toString().startsWith(".dbbackup-tmp-"))
                    .findFirst().orElseThrow(() -> new AssertionError("the killed upload's temporary file"));
        } finally {
            p.destroyForcibly();
            killQuietly(pidFile);
        }
        String key = store.relativize(temp.getParent()) + "/" + temp.getFileName().toString()
                .replaceFirst("^\\.dbbackup-tmp-", "").replaceFirst("\\.[0-9a-f-]{36}$", "");
        java.time.Instant killed = Files.getLastModifiedTime(temp).toInstant();
        // a later write in the job's folder (a next run's): the age is judged on the store's clock too, and this
        // tells it is at least two days after the kill
        Path later = Files.writeString(temp.resolveSibling("later-write.txt"), "x");
        Files.setLastModifiedTime(later, java.nio.file.attribute.FileTime.from(killed.plus(Duration.ofHours(48))));

        Cli.Result soon = new Cli().workingDir(dir).clock(Clock.fixed(killed.plus(Duration.ofHours(23)), ZoneOffset.UTC))
                .run("-c", "config.yaml", "prune", "slow");
        assertThat(soon.exit()).as(soon.toString()).isZero();
        assertThat(soon.out()).doesNotContain("abandoned");
        assertThat(temp).as("23 h without a write could still be a run in progress").exists();

        Clock dayLater = Clock.fixed(killed.plus(Duration.ofHours(24)).plusSeconds(1), ZoneOffset.UTC);
        Cli.Result dry = new Cli().workingDir(dir).clock(dayLater).run("-c", "config.yaml", "prune", "slow", "--dry-run");
        assertThat(dry.exit()).as(dry.toString()).isZero();
        assertThat(dry.out()).contains("abandoned uploads (not written to for 24 h, left by a process that was killed): would remove 1")
                .containsPattern("(?m)^  remove\\? .*  " + java.util.regex.Pattern.quote(key) + "  \\[.* so far: ");
        Cli.Result json = new Cli().workingDir(dir).clock(dayLater).run("-c", "config.yaml", "prune", "slow", "--dry-run", "--json");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> abandoned = (List<Map<String, Object>>) ((Map<String, Object>) Json.parse(json.out())).get("abandoned_uploads");
        assertThat(abandoned).singleElement().satisfies(u -> {
            assertThat(u).containsEntry("key", key).containsEntry("upload", store.relativize(temp).toString());
            assertThat(((Number) u.get("size")).longValue()).isEqualTo(Files.size(temp));
        });
        assertThat(temp).as("a dry run removes nothing").exists();

        Cli.Result real = new Cli().workingDir(dir).clock(dayLater).run("-c", "config.yaml", "prune", "slow");
        assertThat(real.exit()).as(real.toString()).isZero();
        assertThat(real.out()).contains("removed 1").containsPattern("(?m)^  removed .*  " + java.util.regex.Pattern.quote(key));
        assertThat(real.err()).contains("removed an abandoned upload");
        assertThat(files(store)).containsExactly(later);
    }

    /**
     * A process killed outright also leaves its scratch folder (an option file with a password, a SQLite snapshot, an
     * extracted cluster can be in it): the next run that opens an operation in the same place removes it, once its
     * process is gone — the lock that process held is what says so, not its age — and leaves folders it did not claim.
     */
    @org.junit.jupiter.api.Test
    void aScratchFolderLeftByAKilledProcessIsRemovedByTheNextRunOnceTheProcessIsGone() throws Exception {
        Path pidFile = dir.resolve("dump.pid");
        Path store = dir.resolve("store");
        Path scratch = Files.createDirectories(dir.resolve("scratch"));
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  slow:
                    engine: fake
                    command: [sh, -c, 'echo $$ > %s; head -c 300000 /dev/urandom; exec sleep 600']
                  quick:
                    engine: fake
                    command: [sh, -c, 'echo quick']
                stores:
                  local: {type: local, path: store}
                jobs:
                  slow: {datasource: slow, store: local}
                  quick: {datasource: quick, store: local, prefix: quick}
                """.formatted(pidFile));
        java.nio.file.attribute.FileTime longAgo = java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(Duration.ofMinutes(10)));
        Path foreign = Files.createDirectories(scratch.resolve("dbbackup-4242-not-claimed"));
        Files.setLastModifiedTime(Files.writeString(foreign.resolve("keep.txt"), "x"), longAgo);
        Path young = Files.createDirectories(scratch.resolve("dbbackup-4243-backup-young"));
        Files.createFile(young.resolve(".lock")); // a process gone, or one about to lock it: within the grace minute

        Process p = startJar(Map.of("DBBACKUP_TMPDIR", scratch.toString()), "backup", "slow");
        Path killedFolder;
        try {
            awaitDumpRunning(p, pidFile, store);
            try (Stream<Path> s = Files.list(scratch)) {
                killedFolder = s.filter(f -> f.getFileName().toString().startsWith("dbbackup-" + p.pid() + "-")).findFirst()
                        .orElseThrow(() -> new AssertionError("the running backup's scratch folder"));
            }
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(killedFolder)))
                    .as("the owner's alone").isEqualTo("rwx------");
            Files.setLastModifiedTime(killedFolder.resolve(".lock"), longAgo); // old: only its lock keeps it
            Cli.Result whileAlive = quick(scratch, 1).run("-c", "config.yaml", "backup", "quick");
            assertThat(whileAlive.exit()).as(whileAlive.toString()).isZero();
            assertThat(killedFolder).as("a live process's folder is left").exists();

            signal(p, "KILL", 20);
        } finally {
            p.destroyForcibly();
            killQuietly(pidFile);
        }
        assertThat(killedFolder.resolve(".lock")).as("SIGKILL: nothing cleaned up").exists();

        Cli.Result next = quick(scratch, 2).run("-c", "config.yaml", "backup", "quick");
        assertThat(next.exit()).as(next.toString()).isZero();
        assertThat(next.err()).contains("removed the scratch folder of a dbbackup process that ended without removing it")
                .contains(killedFolder.getFileName().toString());
        assertThat(killedFolder).doesNotExist();
        assertThat(young).as("a lock file within its first minute").exists();
        assertThat(foreign.resolve("keep.txt")).as("not claimed by a lock: not ours to remove").exists();

        Files.setLastModifiedTime(young.resolve(".lock"), longAgo);
        Cli.Result later = quick(scratch, 3).run("-c", "config.yaml", "backup", "quick");
        assertThat(later.exit()).as(later.toString()).isZero();
        assertThat(young).doesNotExist();
        try (Stream<Path> s = Files.list(scratch)) {
            assertThat(s.toList()).containsExactly(foreign);
        }
    }

    /**
     * A physical restore killed half way leaves a data directory with part of the cluster's files, which must never be
     * started: the next restore into it names it as a killed restore's (with the backup and when it began), writes
     * nothing, and a restore into the emptied folder leaves no marker behind.
     */
    @org.junit.jupiter.api.Test
    void aPhysicalRestoreKilledHalfWayIsNamedAsSuchByTheNextOne() throws Exception {
        String config = """
                datasources:
                  cluster: {engine: fake, physical: true, size: 400000, restore_duration: %s}
                stores:
                  local: {type: local, path: store}
                jobs:
                  phys: {datasource: cluster, store: local}
                """;
        Files.writeString(dir.resolve("config.yaml"), config.formatted("60s"));
        Cli.Result backup = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "phys");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        Path pgdata = dir.resolve("restored");

        Process p = startJar("restore", "phys", "--pgdata", pgdata.toString());
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(pgdata.resolve("part-01")) && System.nanoTime() < deadline && p.isAlive()) {
                Thread.sleep(20);
            }
            assertThat(p.isAlive()).as("the restore is writing files: %s", Files.exists(dir.resolve("err.txt"))
                    ? Files.readString(dir.resolve("err.txt")) : "").isTrue();
            assertThat(signal(p, "KILL", 20).exit()).isEqualTo(137);
        } finally {
            p.destroyForcibly();
        }
        List<Path> left = files(pgdata);
        assertThat(left).as("what SIGKILL left").hasSizeBetween(3, 20)
                .anySatisfy(f -> assertThat(f.getFileName().toString()).isEqualTo(".dbbackup-restore-unfinished"));

        Cli.Result again = new Cli().workingDir(dir).run("-c", "config.yaml", "restore", "phys", "--pgdata", pgdata.toString());
        assertThat(again.exit()).as(again.toString()).isEqualTo(1);
        assertThat(again.err()).contains("holds a restore that did not finish (key=cluster/cluster-")
                .contains("started=").contains("killed, or is still running").contains("empty the folder and restore again")
                .doesNotContain("\n\n");
        assertThat(files(pgdata)).as("nothing written").containsExactlyInAnyOrderElementsOf(left);

        for (Path f : left) {
            Files.delete(f);
        }
        Files.writeString(dir.resolve("config.yaml"), config.formatted("0s"));
        Cli.Result restore = new Cli().workingDir(dir).run("-c", "config.yaml", "restore", "phys", "--pgdata", pgdata.toString());
        assertThat(restore.exit()).as(restore.toString()).isZero();
        assertThat(files(pgdata)).hasSize(20).noneSatisfy(f -> assertThat(f.getFileName().toString()).startsWith(".dbbackup"));
    }

    /**
     * A SQLite restore killed while it writes its temporary file beside the target leaves that file (as large as the
     * database) and its lock file: the next restore into the same target removes both, says so, and restores; the
     * target is the backup's database, and nothing of either restore is left beside it.
     */
    @org.junit.jupiter.api.Test
    void aSqliteRestoreKilledHalfWayLeavesATemporaryFileTheNextOneRemoves() throws Exception {
        Path source = dir.resolve("app.db");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + source);
             java.sql.Statement st = c.createStatement()) {
            st.execute("create table t (b blob)");
            for (int i = 0; i < 96; i++) {
                st.execute("insert into t values (randomblob(1048576))"); // incompressible: a long write
            }
        }
        Path targetDir = Files.createDirectories(dir.resolve("restored"));
        Path target = targetDir.resolve("app.db");
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db, compression: none}
                  restored: {engine: sqlite, path: restored/app.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  app: {datasource: app, store: local}
                """);
        Cli.Result backup = new Cli().workingDir(dir).run("-c", "config.yaml", "backup", "app");
        assertThat(backup.exit()).as(backup.toString()).isZero();

        Process p = startJar("restore", "app", "--to", "restored", "--auto-confirm");
        List<Path> left;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (p.isAlive() && System.nanoTime() < deadline && files(targetDir).stream()
                    .noneMatch(f -> f.getFileName().toString().matches("\\.dbbackup-restore-app\\.db\\.[0-9a-f-]{36}"))) {
                Thread.sleep(2);
            }
            assertThat(p.isAlive()).as("the restore is writing its temporary file").isTrue();
            signal(p, "KILL", 20);
        } finally {
            p.destroyForcibly();
        }
        left = files(targetDir);
        assertThat(left).as("what SIGKILL left").hasSize(2)
                .anySatisfy(f -> assertThat(f.getFileName().toString()).matches("\\.dbbackup-restore-app\\.db\\.[0-9a-f-]{36}"))
                .anySatisfy(f -> assertThat(f.getFileName().toString()).matches("\\.dbbackup-restore-app\\.db\\.[0-9a-f-]{36}\\.lock"));

        Cli.Result again = new Cli().workingDir(dir).run("-c", "config.yaml", "restore", "app", "--to", "restored", "--auto-confirm");
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.err()).contains("removed the temporary file of a restore that did not finish")
                .contains(left.stream().filter(f -> !f.toString().endsWith(".lock")).findFirst().orElseThrow().getFileName().toString());
        assertThat(files(targetDir)).containsExactly(target);
        try (java.sql.Connection a = java.sql.DriverManager.getConnection("jdbc:sqlite:" + source);
             java.sql.Connection b = java.sql.DriverManager.getConnection("jdbc:sqlite:" + target);
             java.sql.ResultSet ra = a.createStatement().executeQuery("select b from t order by rowid");
             java.sql.ResultSet rb = b.createStatement().executeQuery("select b from t order by rowid")) {
            int rows = 0;
            while (ra.next()) {
                assertThat(rb.next()).isTrue();
                assertThat(rb.getBytes(1)).as("row %d", rows).isEqualTo(ra.getBytes(1));
                rows++;
            }
            assertThat(rb.next()).isFalse();
            assertThat(rows).isEqualTo(96);
        }
    }

    /** An in-process run with its scratch folders in {@code scratch}, {@code minutes} ahead (each backup its own key). */
    private Cli quick(Path scratch, int minutes) {
        return new Cli().workingDir(dir).env("DBBACKUP_TMPDIR", scratch.toString())
                .clock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(minutes)));
    }

    /**
     * The daily check (verify --all --notify, run by a CronJob with a deadline) stopped by SIGTERM mid-read: it used to
     * exit at once with no summary and no notification. The job it stopped is reported as interrupted, notified, and
     * the process exits 143 within seconds (SIGINT: 130). Its report carries the signal's exit code, not one of the
     * audit's (2 or 3: a finding about the backups).
     */
    @ParameterizedTest
    @CsvSource({"TERM, 143, SIGTERM", "INT, 130, SIGINT"})
    void signalDuringVerifyAllReportsAndNotifiesTheInterruptedCheck(String signal, int expectedExit, String signalName)
            throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  noise:
                    engine: fake
                    command: [sh, -c, 'head -c 3000000 /dev/urandom']
                stores:
                  local: {type: local, path: store}
                notifications:
                  hook:
                    type: webhook
                    url_env: WEBHOOK_URL
                jobs:
                  noise:
                    datasource: noise
                    store: local
                    notify: [{notifier: hook, on: always}]
                """);
        Process backup = startJar(Map.of("WEBHOOK_URL", webhook.url() + "/hooks/" + WEBHOOK_TOKEN), "backup", "noise");
        assertThat(backup.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(backup.exitValue()).as(Files.readString(dir.resolve("err.txt"))).isZero();
        assertThat(webhook.take(Duration.ofSeconds(5))).as("the backup's own report").isNotNull();

        // 3 MB read at 256 KiB/s: about 12 s, stopped once the read is under way (not after a fixed 3 s: a JVM slow to
        // start on a loaded machine got the SIGTERM before its handler was set and ended without a word)
        Process p = startJar(Map.of("WEBHOOK_URL", webhook.url() + "/hooks/" + WEBHOOK_TOKEN),
                "--limit-download", "256KiB", "verify", "--all", "--notify");
        try {
            awaitReading(p, dir.resolve("store"), "noise-");
            Thread.sleep(500);
            assertThat(p.isAlive()).as("still reading").isTrue();
            Stopped stopped = signal(p, signal, 20);
            assertThat(stopped.exit()).isEqualTo(expectedExit);
            assertThat(stopped.ms()).as("exits within a few seconds").isLessThan(5000);
            assertThat(stopped.out()).contains("INTERRUPTED noise/noise-").contains("interrupted by " + signalName
                    + ": the check of noise/noise-").contains("verify --all interrupted by " + signalName
                    + ": 0 of 1 job verified (0 of 0 backups), 1 interrupted (exit " + expectedExit + ")");
            WebhookServer.Request hook = webhook.take(Duration.ofSeconds(5));
            assertThat(hook).as("the interrupted check is notified").isNotNull();
            @SuppressWarnings("unchecked")
            Map<String, Object> report = (Map<String, Object>) Json.parse(hook.body());
            assertThat(report).containsEntry("job", "noise").containsEntry("succeeded", false)
                    .as("a signal's, as a backup's: not a finding about the backups").containsEntry("outcome", "interrupted");
            assertThat(((Number) report.get("exit_code")).intValue()).as("the signal's code").isEqualTo(expectedExit);
            assertThat(hook.body()).contains("interrupted by " + signalName);
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * {@code check --notify} of a physical job signalled while it waits for the WAL segment it made the server close (the
     * server's archive_command, {@code true}, never brings it to the store): its report said FAILURE, with the wait's
     * timeout as its error ("did not arrive … within 60 s") though the check was stopped after a second, and on-call was
     * paged for a broken archive. It is INTERRUPTED, with the signal's exit code, as a backup's or a verify's report is.
     */
    @ParameterizedTest
    @CsvSource({"TERM, 143, SIGTERM", "INT, 130, SIGINT"})
    void signalWhileCheckWaitsForWalIsReportedAsInterrupted(String signal, int expectedExit, String signalName) throws Exception {
        try (io.dbbackup.testkit.PostgresServer pg = io.dbbackup.testkit.PostgresServer.start(
                io.dbbackup.testkit.PostgresServer.DEFAULT_VERSION,
                Map.of("archive_mode", "on", "archive_command", "true", "wal_level", "replica"), Map.of())) {
            pg.writePasswordFile(dir.resolve("pg.password"));
            Files.writeString(dir.resolve("config.yaml"), """
                    datasources:
                      pg:
                        engine: postgres
                        method: physical
                        cluster: main
                        host: 127.0.0.1
                        port: %d
                        user: postgres
                        password_file: pg.password
                    stores:
                      local: {type: local, path: store}
                    notifications:
                      hook:
                        type: webhook
                        url_env: WEBHOOK_URL
                    jobs:
                      phys:
                        datasource: pg
                        store: local
                        notify: [{notifier: hook, on: failure}]
                    """.formatted(pg.port()));
            String archived = "select archived_count from pg_stat_archiver";
            long before = Long.parseLong(pg.queryOne("postgres", archived));
            Process p = startJar(Map.of("WEBHOOK_URL", webhook.url() + "/hooks/" + WEBHOOK_TOKEN), "check", "phys", "--notify");
            try {
                // the check switched WAL (archive_command 'true' counts the segment archived at once) and now waits for it
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (Long.parseLong(pg.queryOne("postgres", archived)) == before) {
                    assertThat(p.isAlive()).as("still running: " + Files.readString(dir.resolve("err.txt"))).isTrue();
                    assertThat(System.nanoTime()).as("the check switches WAL within 30 s").isLessThan(deadline);
                    Thread.sleep(50);
                }
                Thread.sleep(700); // into its wait, which polls the archive every 500 ms
                assertThat(p.isAlive()).as("waiting for the segment").isTrue();
                Stopped stopped = signal(p, signal, 20);
                assertThat(stopped.exit()).isEqualTo(expectedExit);
                assertThat(stopped.ms()).as("exits within a few seconds").isLessThan(5000);
                assertThat(stopped.out()).contains("ok     phys datasource: ").contains("ok     phys store: ")
                        .containsPattern("INTERRUPTED phys wal archiving: interrupted by " + signalName
                                + " while waiting for WAL segment 0{7}1[0-9A-F]{16} to arrive in main/wal/: WAL archiving was not checked")
                        .doesNotContain("within 60 s")
                        .as("the closing line gives the process's code").contains("interrupted by " + signalName + ": 0 of 1 job passed every check, 1 interrupted (exit "
                                + expectedExit + ")");
                WebhookServer.Request hook = webhook.take(Duration.ofSeconds(5));
                assertThat(hook).as("the interrupted check is notified").isNotNull();
                @SuppressWarnings("unchecked")
                Map<String, Object> report = (Map<String, Object>) Json.parse(hook.body());
                assertThat(report).containsEntry("job", "phys").containsEntry("operation", "check")
                        .containsEntry("succeeded", false)
                        .as("a signal's, as a backup's: not a finding about WAL archiving").containsEntry("outcome", "interrupted");
                assertThat(((Number) report.get("exit_code")).intValue()).isEqualTo(expectedExit);
                assertThat(String.valueOf(report.get("error"))).contains("interrupted by " + signalName)
                        .doesNotContain("within 60 s");
            } finally {
                p.destroyForcibly();
            }
        }
    }

    /**
     * A prune stopped by a CronJob's deadline (SIGTERM) mid-way: it used to exit at once, without a word or a
     * notification. It stops between two backups (each deleted whole, sidecars and all, or not at all), says what it
     * deleted, notifies, and exits 143.
     */
    @Test
    void sigtermDuringPruneStopsBetweenBackupsReportsAndNotifies() throws Exception {
        sixSmallBackups("slow_deletes: true", "retention: {keep_last: 1}", "failure");
        Path store = dir.resolve("store");

        // 5 deletes of 700 ms each: stopped after the first or second (the first awaited: on a loaded machine the JVM
        // may take longer to start than a fixed sleep, and a SIGTERM before its handler is set ends it without a word)
        Process p = startJar(Map.of("WEBHOOK_URL", webhook.url() + "/hooks/" + WEBHOOK_TOKEN), "prune", "noise", "--notify");
        try {
            Stopped stopped = terminateWhen(p, "err.txt", "pruned", 0);
            assertThat(stopped.exit()).isEqualTo(143);
            assertThat(stopped.err()).contains("prune of job noise stopped before noise/noise-").contains("after deleting noise/noise-")
                    .contains("every backup is whole");
            List<String> left = artifacts(store);
            assertThat(left).as("some deleted, the rest left").hasSizeBetween(2, 5);
            List<String> sidecars = files(store).stream().map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".sha256")).map(n -> n.substring(0, n.length() - ".sha256".length())).sorted().toList();
            assertThat(sidecars).as("every backup whole: a sidecar for each artifact left, none for a deleted one").isEqualTo(left);
            WebhookServer.Request hook = webhook.take(Duration.ofSeconds(5));
            assertThat(hook).as("the interrupted prune is notified").isNotNull();
            assertThat(hook.body()).contains("stopped before noise/noise-");
            assertThat(Json.parse(hook.body())).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                    .containsEntry("job", "noise").containsEntry("succeeded", false).containsEntry("outcome", "interrupted");
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * verify --all-backups --notify stopped by SIGTERM between two backups' checks (each check's last step, reading the
     * manifest, runs to its end, so the signal finds no read to cut): the loop stopped, and the job was reported and
     * notified as a success though its older backups were never read. Now it is interrupted like a check that was cut:
     * an {@code INTERRUPTED} line that says how many backups were not checked, notified as interrupted, exit 143.
     */
    @Test
    void sigtermBetweenTwoBackupsOfVerifyAllBackupsIsNoSuccess() throws Exception {
        sixSmallBackups("slow_manifests: true", "verify: false", "always");

        // 6 checks of about 0.7 s each, nearly all of it in the manifest's read that nothing stops: signalled once the
        // first is done, the signal lands inside the second's manifest read (or, rarely, in its short read of the backup)
        Process p = startJar(Map.of("WEBHOOK_URL", webhook.url() + "/hooks/" + WEBHOOK_TOKEN),
                "verify", "noise", "--all-backups", "--notify");
        try {
            Stopped stopped = terminateWhen(p, "out.txt", "ok     noise/", 200);
            String out = stopped.out();
            assertThat(stopped.exit()).isEqualTo(143);
            long ok = out.lines().filter(l -> l.startsWith("ok     noise/")).count();
            assertThat(ok).as("stopped before the last").isBetween(1L, 5L);
            assertThat(out).contains("INTERRUPTED noise/noise-").contains("interrupted by SIGTERM")
                    .contains("verify interrupted by SIGTERM: 0 of 1 job verified (" + ok + " of " + ok + (ok == 1 ? " backup)" : " backups)") + ", 1 interrupted (exit 143)");
            WebhookServer.Request hook = webhook.take(Duration.ofSeconds(5));
            assertThat(hook).as("the job is notified").isNotNull();
            assertThat(Json.parse(hook.body())).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                    .containsEntry("job", "noise").containsEntry("succeeded", false).containsEntry("outcome", "interrupted");
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * verify --all --notify stopped by SIGTERM during its first job's read: it used to report only the next job, and
     * not the jobs after it. As drill --all and backup --all: each job not started is an {@code INTERRUPTED} line (JSON:
     * a row with exit 143 and {@code "skipped": true}), notified as interrupted, and named on the closing line.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void sigtermDuringVerifyAllReportsAndNotifiesEveryJobNotStarted(boolean json) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  noise:
                    engine: fake
                    command: [sh, -c, 'head -c 3000000 /dev/urandom']
                  small:
                    engine: fake
                    command: [sh, -c, 'head -c 2000 /dev/urandom']
                stores:
                  local: {type: local, path: store}
                notifications:
                  hook:
                    type: webhook
                    url_env: WEBHOOK_URL
                jobs:
                  noise:
                    datasource: noise
                    store: local
                    notify: [{notifier: hook, on: failure}]
                  second:
                    datasource: small
                    store: local
                    notify: [{notifier: hook, on: failure}]
                  third:
                    datasource: small
                    store: local
                    prefix: third
                    notify: [{notifier: hook, on: failure}]
                """);
        Map<String, String> env = Map.of("WEBHOOK_URL", webhook.url() + "/hooks/" + WEBHOOK_TOKEN);
        Process backup = startJar(env, "backup", "--all");
        assertThat(backup.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(backup.exitValue()).as(Files.readString(dir.resolve("err.txt"))).isZero();

        // 3 MB read at 128 KiB/s: about 23 s, stopped once the first job's read is under way (verify logs nothing before
        // a read ends; a fixed 4 s could end a JVM slow to start before its handler was set, without a word)
        List<String> args = new ArrayList<>(List.of("--limit-download", "128KiB", "verify", "--all", "--notify"));
        if (json) {
            args.add("--json");
        }
        Process p = startJar(env, args.toArray(String[]::new));
        try {
            awaitReading(p, dir.resolve("store"), "noise-");
            Thread.sleep(500);
            assertThat(p.isAlive()).as("still reading the first job's backup").isTrue();
            Stopped stopped = terminate(p);
            assertThat(stopped.exit()).isEqualTo(143);
            String out = stopped.out();
            if (json) {
                Map<?, ?> doc = (Map<?, ?>) Json.parse(out);
                List<?> rows = (List<?>) doc.get("backups");
                assertThat(rows).hasSize(3);
                assertThat(((Map<?, ?>) rows.get(0)).get("skipped")).as("the job it stopped was started").isNull();
                for (int i = 1; i < 3; i++) {
                    Map<?, ?> row = (Map<?, ?>) rows.get(i);
                    assertThat(row.get("job")).isEqualTo(i == 1 ? "second" : "third");
                    assertThat(row.get("skipped")).isEqualTo(true);
                    assertThat(row.get("ok")).isEqualTo(false);
                    assertThat(((Number) row.get("exit")).intValue()).isEqualTo(143);
                    assertThat(row.get("error")).isEqualTo("interrupted by SIGTERM before the check of job " + row.get("job")
                            + " began: nothing was read");
                }
            } else {
                assertThat(out).contains("INTERRUPTED noise/noise-",
                        "INTERRUPTED interrupted by SIGTERM before the check of job second began: nothing was read",
                        "INTERRUPTED interrupted by SIGTERM before the check of job third began: nothing was read",
                        "verify --all interrupted by SIGTERM: 0 of 3 jobs verified (0 of 0 backups), 1 interrupted; not started: second, third (exit 143)");
            }
            List<Map<?, ?>> reports = reportBodies(3);
            assertThat(reports.stream().map(r -> r.get("job") + " " + r.get("outcome")))
                    .containsExactly("noise interrupted", "second interrupted", "third interrupted");
            assertThat(reports.get(0).get("attempts")).as("the check stopped was started").isEqualTo(1L);
            for (Map<?, ?> notStarted : reports.subList(1, 3)) { // never started, as backup --all's and prune --all's
                String job = (String) notStarted.get("job");
                assertThat(notStarted.get("attempts")).as(job + " made no attempt").isEqualTo(0L);
                assertThat((String) notStarted.get("next")).as(job).startsWith("The verify of job " + job + " never started (the "
                                + "run was stopped before it): nothing was written or deleted for it; its backups are as they were: ")
                        .contains(" list " + job + "\nNext: when the run may go on, run: dbbackup ").endsWith(" verify " + job);
            }
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * prune --all --notify stopped by SIGTERM during its first job's deletes: it used to log a warning and stop, the
     * jobs after it in no output and not notified, the closing line's exit code not the process's. As drill --all: each
     * job not started is an {@code INTERRUPTED} line (JSON: a row with exit 143 and {@code "skipped": true}), notified as
     * interrupted, and named on the closing line.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void sigtermDuringPruneAllReportsAndNotifiesEveryJobNotStarted(boolean json) throws Exception {
        Path scratch = Files.createDirectories(dir.resolve("scratch"));
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  noise:
                    engine: fake
                    command: [sh, -c, 'head -c 2000 /dev/urandom']
                stores:
                  slow: {type: faulty, path: store, slow_deletes: true}
                notifications:
                  hook:
                    type: webhook
                    url_env: WEBHOOK_URL
                jobs:
                  noise:
                    datasource: noise
                    store: slow
                    retention: {keep_last: 1}
                    notify: [{notifier: hook, on: failure}]
                  second:
                    datasource: noise
                    store: slow
                    prefix: second
                    retention: {keep_last: 1}
                    notify: [{notifier: hook, on: failure}]
                  third:
                    datasource: noise
                    store: slow
                    prefix: third
                    retention: {keep_last: 1}
                    notify: [{notifier: hook, on: failure}]
                """);
        for (int minutes = -12; minutes <= -2; minutes += 2) {
            Cli.Result made = quick(scratch, minutes).run("-c", "config.yaml", "backup", minutes < -8 ? "--all" : "noise");
            assertThat(made.exit()).as(made.toString()).isZero();
        }
        assertThat(artifacts(dir.resolve("store/second"))).hasSize(2);
        assertThat(artifacts(dir.resolve("store/third"))).hasSize(2);
        List<String> args = new ArrayList<>(List.of("prune", "--all", "--notify"));
        if (json) {
            args.add("--json");
        }
        // 5 deletes of 700 ms each for the first job: stopped after its first
        Process p = startJar(Map.of("WEBHOOK_URL", webhook.url() + "/hooks/" + WEBHOOK_TOKEN), args.toArray(String[]::new));
        try {
            Stopped stopped = terminateWhen(p, "err.txt", "pruned", 0);
            assertThat(stopped.exit()).isEqualTo(143);
            String out = stopped.out();
            assertThat(stopped.err()).doesNotContain("pruned job=second", "pruned job=third");
            assertThat(artifacts(dir.resolve("store/second"))).as("the jobs not started keep their backups").hasSize(2);
            assertThat(artifacts(dir.resolve("store/third"))).as("the jobs not started keep their backups").hasSize(2);
            if (json) {
                List<?> rows = (List<?>) Json.parse(out);
                assertThat(rows).hasSize(3);
                assertThat(((Map<?, ?>) rows.get(0)).get("skipped")).as("the job it stopped was started").isNull();
                assertThat(((Number) ((Map<?, ?>) rows.get(0)).get("exit")).intValue()).isEqualTo(143);
                for (int i = 1; i < 3; i++) {
                    Map<?, ?> row = (Map<?, ?>) rows.get(i);
                    assertThat(row.get("job")).isEqualTo(i == 1 ? "second" : "third");
                    assertThat(row.get("skipped")).isEqualTo(true);
                    assertThat(row.get("ok")).isEqualTo(false);
                    assertThat(((Number) row.get("exit")).intValue()).isEqualTo(143);
                    assertThat(row.get("error")).isEqualTo("interrupted by SIGTERM before the prune of job " + row.get("job")
                            + " began: nothing was deleted");
                    assertThat(row.get("notify_failed")).isEqualTo(List.of());
                }
            } else {
                assertThat(out).contains("INTERRUPTED job noise: prune of job noise stopped before noise/noise-",
                        "INTERRUPTED interrupted by SIGTERM before the prune of job second began: nothing was deleted",
                        "INTERRUPTED interrupted by SIGTERM before the prune of job third began: nothing was deleted",
                        "prune --all interrupted by SIGTERM: 0 of 3 jobs pruned, 1 interrupted; not started: second, third (exit 143)");
            }
            List<Map<?, ?>> reports = reportBodies(3);
            assertThat(reports.stream().map(r -> r.get("job") + " " + r.get("outcome")))
                    .containsExactly("noise interrupted", "second interrupted", "third interrupted");
            assertThat((String) reports.get(0).get("next")).startsWith("The prune stopped; the backups it had not deleted yet are kept: ");
            assertThat(reports.get(0).get("attempts")).as("the prune stopped was started").isEqualTo(1L);
            for (Map<?, ?> notStarted : reports.subList(1, 3)) { // never started: not "the prune stopped"
                String job = (String) notStarted.get("job");
                assertThat(notStarted.get("attempts")).as(job + " made no attempt").isEqualTo(0L);
                assertThat((String) notStarted.get("next")).as(job).startsWith("The prune of job " + job + " never started (the run "
                                + "was stopped before it): nothing was written or deleted for it; its backups are as they were: dbbackup ")
                        .contains(" list " + job + "\nNext: when the run may go on, run: dbbackup ").endsWith(" prune " + job);
            }
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * prune --all --notify by mail, SIGTERM while its first job deletes (700 ms a delete): exit 143 within seconds; the job
     * it stopped deleted only whole backups, the ones its decision chose and its mail names (the rest kept, each with its
     * sidecars), the jobs after it deleted nothing; the summary names them, and each one's mail says it never started,
     * with 0 attempts, and what to run.
     */
    @Test
    void sigtermDuringPruneAllMailsWhatEachJobDid() throws Exception {
        Path scratch = Files.createDirectories(dir.resolve("scratch"));
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  noise:
                    engine: fake
                    command: [sh, -c, 'head -c 2000 /dev/urandom']
                stores:
                  slow: {type: faulty, path: store, slow_deletes: true}
                notifications:
                %s
                jobs:
                  noise:
                    datasource: noise
                    store: slow
                    retention: {keep_last: 1}
                    notify: [{notifier: mail, on: failure}]
                  second:
                    datasource: noise
                    store: slow
                    prefix: second
                    retention: {keep_last: 1}
                    notify: [{notifier: mail, on: failure}]
                  third:
                    datasource: noise
                    store: slow
                    prefix: third
                    retention: {keep_last: 1}
                    notify: [{notifier: mail, on: failure}]
                """.formatted(SmtpServer.notifierYaml("mail", smtp.port()).stripTrailing()));
        for (int minutes = -12; minutes <= -2; minutes += 2) {
            Cli.Result made = quick(scratch, minutes).run("-c", "config.yaml", "backup", minutes < -8 ? "--all" : "noise");
            assertThat(made.exit()).as(made.toString()).isZero();
        }
        List<String> noiseBefore = artifacts(dir.resolve("store/noise"));
        assertThat(noiseBefore).hasSize(6);
        List<Path> othersBefore = new ArrayList<>(files(dir.resolve("store/second")));
        othersBefore.addAll(files(dir.resolve("store/third")));
        assertThat(artifacts(dir.resolve("store/second"))).hasSize(2);

        Process p = startJar(Map.of(), "prune", "--all", "--notify");
        try {
            Stopped stopped = terminateWhen(p, "err.txt", "pruned", 0);
            assertThat(stopped.exit()).as("SIGTERM's code, DESIGN.md").isEqualTo(143);
            assertThat(stopped.ms()).as("exits within a few seconds").isLessThan(5000);
            assertThat(stopped.out()).contains("INTERRUPTED job noise: prune of job noise stopped before noise/noise-",
                    "prune --all interrupted by SIGTERM: 0 of 3 jobs pruned, 1 interrupted; not started: second, third (exit 143)");
            List<Path> othersAfter = new ArrayList<>(files(dir.resolve("store/second")));
            othersAfter.addAll(files(dir.resolve("store/third")));
            assertThat(othersAfter).as("the jobs not started deleted nothing, sidecars included").isEqualTo(othersBefore);

            MimeMessage[] mails = smtp.await(3, Duration.ofSeconds(10));
            assertThat(mails).hasSize(3);
            Map<String, String> bodies = new java.util.TreeMap<>();
            for (MimeMessage m : mails) {
                assertThat(m.getSubject()).startsWith("[dbbackup] INTERRUPTED: prune of job ");
                bodies.put(m.getSubject().split(" ")[5], String.valueOf(m.getContent()).replace("\r\n", "\n"));
            }
            assertThat(bodies.keySet()).containsExactly("noise", "second", "third");
            String noise = bodies.get("noise");
            assertThat(noise).containsPattern("(?m)^Attempts: +1$");
            java.util.regex.Matcher said = java.util.regex.Pattern.compile("after deleting (.+?); every backup is whole").matcher(noise);
            assertThat(said.find()).as("the mail names what the prune deleted: " + noise).isTrue();
            List<String> deleted = java.util.Arrays.stream(said.group(1).split(", "))
                    .map(k -> k.substring(k.lastIndexOf('/') + 1)).sorted().toList();
            List<String> left = artifacts(dir.resolve("store/noise"));
            assertThat(deleted).as("deleted: among the 5 its decision chose, never the newest").isNotEmpty()
                    .isSubsetOf(noiseBefore.subList(0, 5));
            List<String> expectedLeft = new ArrayList<>(noiseBefore);
            expectedLeft.removeAll(deleted);
            assertThat(left).as("exactly what the mail says it deleted is gone").isEqualTo(expectedLeft);
            List<String> sidecars = files(dir.resolve("store/noise")).stream().map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".sha256")).map(n -> n.substring(0, n.length() - ".sha256".length())).sorted().toList();
            assertThat(sidecars).as("every backup left whole, none deleted half").isEqualTo(left);
            for (String job : List.of("second", "third")) {
                assertThat(bodies.get(job)).as(job).containsPattern("(?m)^Attempts: +0$")
                        .contains("interrupted by SIGTERM before the prune of job " + job + " began: nothing was deleted",
                                "The prune of job " + job + " never started (the run was stopped before it)",
                                "Next: when the run may go on, run: dbbackup ")
                        .containsPattern("run: dbbackup .* prune " + job + "\n");
            }
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * prune --all --notify by mail, SIGTERM while its first job still lists its backups (a listing that runs to its end,
     * 2 s): that job had not begun to delete, so it deletes nothing after the signal, nor do the jobs after it; exit 143,
     * every backup of every job still there, and the first job's mail says it deleted nothing.
     */
    @Test
    void sigtermWhilePruneAllListsDeletesNothing() throws Exception {
        Path scratch = Files.createDirectories(dir.resolve("scratch"));
        String config = """
                datasources:
                  noise:
                    engine: fake
                    command: [sh, -c, 'head -c 2000 /dev/urandom']
                stores:
                  slow: {type: faulty, path: store%s}
                notifications:
                %s
                jobs:
                  noise:
                    datasource: noise
                    store: slow
                    retention: {keep_last: 1}
                    notify: [{notifier: mail, on: failure}]
                  second:
                    datasource: noise
                    store: slow
                    prefix: second
                    retention: {keep_last: 1}
                    notify: [{notifier: mail, on: failure}]
                """;
        String mail = SmtpServer.notifierYaml("mail", smtp.port()).stripTrailing();
        Files.writeString(dir.resolve("config.yaml"), config.formatted("", mail));
        for (int minutes = -6; minutes <= -2; minutes += 2) {
            Cli.Result made = quick(scratch, minutes).run("-c", "config.yaml", "backup", "--all");
            assertThat(made.exit()).as(made.toString()).isZero();
        }
        List<Path> before = files(dir.resolve("store"));
        assertThat(artifacts(dir.resolve("store"))).hasSize(6);
        Files.writeString(dir.resolve("config.yaml"), config.formatted(", slow_listing: true", mail));

        Process p = startJar(Map.of(), "prune", "--all", "--notify");
        try {
            Stopped stopped = DbbackupJar.terminateWhen(p, dir, "the first job's listing is under way",
                    () -> Files.exists(dir.resolve("store/.listing")), 300);
            assertThat(stopped.exit()).as("SIGTERM's code, DESIGN.md").isEqualTo(143);
            assertThat(stopped.ms()).as("exits within a few seconds").isLessThan(5000);
            assertThat(stopped.err()).doesNotContain("pruned job=");
            assertThat(files(dir.resolve("store")).stream().filter(f -> !f.getFileName().toString().startsWith(".")).toList())
                    .as("nothing deleted: no job had begun to delete").isEqualTo(before);
            assertThat(stopped.out()).contains("not started: second (exit 143)");
            MimeMessage[] mails = smtp.await(2, Duration.ofSeconds(10));
            assertThat(mails).hasSize(2);
            Map<String, String> bodies = new java.util.TreeMap<>();
            for (MimeMessage m : mails) {
                assertThat(m.getSubject()).startsWith("[dbbackup] INTERRUPTED: prune of job ");
                bodies.put(m.getSubject().split(" ")[5], String.valueOf(m.getContent()).replace("\r\n", "\n"));
            }
            assertThat(bodies.get("noise")).containsPattern("(?m)^Attempts: +1$").contains("nothing deleted")
                    .doesNotContain("after deleting");
            assertThat(bodies.get("second")).containsPattern("(?m)^Attempts: +0$").contains("never started");
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * verify --all --notify by mail, SIGTERM while it reads its first job's backup: exit 143 within seconds, the store as it
     * was (verify never writes or deletes), the summary names the jobs not started, the first job's mail says the check it
     * made (1 attempt) did not finish, and each job not started says so, with 0 attempts and the verify to run.
     */
    @Test
    void sigtermDuringVerifyAllMailsWhatEachJobDid() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  noise:
                    engine: fake
                    command: [sh, -c, 'head -c 3000000 /dev/urandom']
                  small:
                    engine: fake
                    command: [sh, -c, 'head -c 2000 /dev/urandom']
                stores:
                  local: {type: local, path: store}
                notifications:
                %s
                jobs:
                  noise:
                    datasource: noise
                    store: local
                    notify: [{notifier: mail, on: failure}]
                  second:
                    datasource: small
                    store: local
                    prefix: second
                    notify: [{notifier: mail, on: failure}]
                  third:
                    datasource: small
                    store: local
                    prefix: third
                    notify: [{notifier: mail, on: failure}]
                """.formatted(SmtpServer.notifierYaml("mail", smtp.port()).stripTrailing()));
        Cli.Result made = quick(Files.createDirectories(dir.resolve("scratch")), 0).run("-c", "config.yaml", "backup", "--all");
        assertThat(made.exit()).as(made.toString()).isZero();
        List<Path> before = files(dir.resolve("store"));
        Map<Path, Long> sizes = new java.util.HashMap<>();
        for (Path f : before) {
            sizes.put(f, Files.size(f));
        }

        Process p = startJar(Map.of(), "--limit-download", "128KiB", "verify", "--all", "--notify");
        try {
            awaitReading(p, dir.resolve("store"), "noise-");
            Thread.sleep(500);
            assertThat(p.isAlive()).as("still reading the first job's backup").isTrue();
            Stopped stopped = terminate(p);
            assertThat(stopped.exit()).as("SIGTERM's code, DESIGN.md").isEqualTo(143);
            assertThat(stopped.ms()).as("exits within a few seconds").isLessThan(5000);
            assertThat(stopped.out()).contains("INTERRUPTED noise/noise-",
                    "verify --all interrupted by SIGTERM: 0 of 3 jobs verified (0 of 0 backups), 1 interrupted; not started: second, third (exit 143)");
            assertThat(files(dir.resolve("store"))).as("nothing written or deleted").isEqualTo(before);
            for (Path f : before) {
                assertThat(Files.size(f)).as(f.toString()).isEqualTo(sizes.get(f));
            }

            MimeMessage[] mails = smtp.await(3, Duration.ofSeconds(10));
            assertThat(mails).hasSize(3);
            Map<String, String> bodies = new java.util.TreeMap<>();
            for (MimeMessage m : mails) {
                assertThat(m.getSubject()).startsWith("[dbbackup] INTERRUPTED: verify of job ");
                bodies.put(m.getSubject().split(" ")[5], String.valueOf(m.getContent()).replace("\r\n", "\n"));
            }
            assertThat(bodies.keySet()).containsExactly("noise", "second", "third");
            assertThat(bodies.get("noise")).containsPattern("(?m)^Attempts: +1$")
                    .containsPattern("interrupted by SIGTERM: the check of noise/noise-\\d{8}-\\d{6}\\S* did not finish");
            for (String job : List.of("second", "third")) {
                assertThat(bodies.get(job)).as(job).containsPattern("(?m)^Attempts: +0$")
                        .contains("interrupted by SIGTERM before the check of job " + job + " began: nothing was read",
                                "The verify of job " + job + " never started (the run was stopped before it)")
                        .containsPattern("run: dbbackup .* verify " + job + "\n");
            }
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * A copy job waits for its source job of the same run; the source is stuck in a call deaf to the cancellation (its
     * store's commit) when SIGTERM comes, so both are still "stopping" 10 s later and reported without waiting. The source
     * made its attempt (1, "still stopping"); the copy never began one: it is reported as a job the signal kept from
     * starting, with 0 attempts, not as 1 attempt whose "unfinished upload is left for prune's clean-up" (it uploaded
     * nothing).
     */
    @Test
    void aCopyJobWaitingForItsStuckSourceIsReportedAsNeverStarted() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  noise:
                    engine: fake
                    command: [sh, -c, 'head -c 2000 /dev/urandom']
                stores:
                  stuck: {type: faulty, path: store, stuck_commit: true}
                  offsite: {type: local, path: offsite}
                notifications:
                  hook:
                    type: webhook
                    url_env: WEBHOOK_URL
                jobs:
                  src:
                    datasource: noise
                    store: stuck
                    notify: [{notifier: hook, on: failure}]
                  cp:
                    copy_of: src
                    store: offsite
                    notify: [{notifier: hook, on: failure}]
                """);
        Process p = startJar(Map.of("WEBHOOK_URL", webhook.url() + "/hooks/" + WEBHOOK_TOKEN), "backup", "--all");
        try {
            Stopped stopped = DbbackupJar.terminateWhen(p, dir, "the source's commit hangs",
                    () -> Files.exists(dir.resolve("store/.commit-stuck")), 0);
            assertThat(stopped.exit()).isEqualTo(143);
            assertThat(stopped.out()).containsPattern("(?m)^src +INTERRUPTED +1 .*the job was still stopping 10 s after the signal")
                    .containsPattern("(?m)^cp +INTERRUPTED +0 .*interrupted by SIGTERM before it started: nothing was written")
                    .contains("1 interrupted, 1 not started (exit 143)");
            assertThat(files(dir.resolve("offsite"))).as("the copy wrote nothing").isEmpty();
            Map<Object, Map<?, ?>> byJob = new java.util.HashMap<>();
            for (Map<?, ?> r : reportBodies(2)) {
                byJob.put(r.get("job"), r);
            }
            assertThat(byJob.keySet()).containsExactlyInAnyOrder("src", "cp");
            assertThat(byJob.get("src").get("attempts")).isEqualTo(1L);
            Map<?, ?> cp = byJob.get("cp");
            assertThat(cp.get("attempts")).as("the copy never began an attempt").isEqualTo(0L);
            assertThat((String) cp.get("error")).isEqualTo("interrupted by SIGTERM before it started: nothing was written");
            assertThat((String) cp.get("next")).startsWith("The backup of job cp never started (the run was stopped before it)")
                    .endsWith(" backup cp");
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * Waits (at most 30 s, the jar running) until its {@code file} (out.txt or err.txt) says {@code marker}, then
     * {@code settleMs} more, and sends SIGTERM to the jar still running.
     */
    private Stopped terminateWhen(Process p, String file, String marker, long settleMs) throws Exception {
        return DbbackupJar.terminateWhen(p, dir, file + " says '" + marker + "'",
                () -> Files.readString(dir.resolve(file)).contains(marker), settleMs);
    }

    /**
     * Waits (at most 30 s, the jar running) until the jar holds a backup under {@code store} whose file name starts with
     * {@code name} open (Linux: its /proc/PID/fd), not a sidecar or a folder it lists: a check is reading it, long after
     * the signal handlers were set at start.
     */
    private static void awaitReading(Process p, Path store, String name) throws Exception {
        Path real = store.toRealPath();
        Path fds = Path.of("/proc", String.valueOf(p.pid()), "fd");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            assertThat(p.isAlive()).as("still running").isTrue();
            assertThat(System.nanoTime()).as("a backup in " + store + " is read within 30 s").isLessThan(deadline);
            try (Stream<Path> open = Files.list(fds)) {
                if (open.anyMatch(fd -> {
                    try {
                        Path target = Files.readSymbolicLink(fd);
                        String file = target.getFileName().toString();
                        return target.startsWith(real) && file.startsWith(name) && !file.endsWith(".sha256")
                                && !file.endsWith(".manifest.json");
                    } catch (IOException e) {
                        return false; // closed meanwhile
                    }
                })) {
                    return;
                }
            } catch (IOException e) {
                // the process is ending: the next round says so
            }
            Thread.sleep(20);
        }
    }

    /** SIGTERM to {@code p}, its exit awaited at most 20 s. */
    private Stopped terminate(Process p) throws Exception {
        return signal(p, "TERM", 20);
    }

    /** {@code kill -SIGNAL} to {@code p}; asserts it exits within {@code seconds}; how it ended, timed from the signal. */
    private Stopped signal(Process p, String signal, int seconds) throws Exception {
        return DbbackupJar.signal(p, dir, signal, seconds);
    }

    /** The next {@code n} webhook reports, parsed. */
    private List<Map<?, ?>> reportBodies(int n) throws Exception {
        List<Map<?, ?>> got = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            WebhookServer.Request hook = webhook.take(Duration.ofSeconds(5));
            assertThat(hook).as("report " + (i + 1) + " of " + n + " after " + got).isNotNull();
            got.add((Map<?, ?>) Json.parse(hook.body()));
        }
        return got;
    }

    /**
     * Job {@code noise} (2000 random bytes) on a {@code faulty} store {@code slow} with {@code fault} (a YAML
     * {@code key: value}), its own {@code setting} and a webhook notice {@code on}, and six of its backups two minutes
     * apart, made in-process.
     */
    private void sixSmallBackups(String fault, String setting, String on) throws IOException {
        Path scratch = Files.createDirectories(dir.resolve("scratch"));
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  noise:
                    engine: fake
                    command: [sh, -c, 'head -c 2000 /dev/urandom']
                stores:
                  slow: {type: faulty, path: store, %s}
                notifications:
                  hook:
                    type: webhook
                    url_env: WEBHOOK_URL
                jobs:
                  noise:
                    datasource: noise
                    store: slow
                    %s
                    notify: [{notifier: hook, on: %s}]
                """.formatted(fault, setting, on));
        for (int minutes = -12; minutes <= -2; minutes += 2) {
            Cli.Result made = quick(scratch, minutes).run("-c", "config.yaml", "backup", "noise");
            assertThat(made.exit()).as(made.toString()).isZero();
        }
        assertThat(artifacts(dir.resolve("store"))).hasSize(6);
    }

    private static List<String> artifacts(Path store) throws IOException {
        return files(store).stream().map(f -> f.getFileName().toString())
                .filter(n -> !n.endsWith(".sha256") && !n.endsWith(".manifest.json") && !n.startsWith(".")).sorted().toList();
    }

    /**
     * A job failing and waiting to retry when a deadline's SIGTERM comes: the report says interrupted and still carries
     * why it was retrying (it used to say only "interrupted", the tool's error lost).
     */
    @Test
    void sigtermWhileWaitingToRetryKeepsTheFailureItWasRetrying() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  broken:
                    engine: fake
                    command: [sh, -c, 'head -c 1000 /dev/urandom; echo "pg_dump: error: simulated failure" >&2; exit 1']
                stores:
                  local: {type: local, path: store}
                jobs:
                  broken:
                    datasource: broken
                    store: local
                    retry: {max_attempts: 3, delay: 60s}
                """);
        Process p = startJar("backup", "broken");
        try {
            Stopped stopped = terminateWhen(p, "err.txt", "retrying", 0);
            assertThat(stopped.exit()).isEqualTo(143);
            assertThat(stopped.out()).containsPattern("(?m)^broken +INTERRUPTED +1 ").contains("interrupted by SIGTERM")
                    .contains("attempt 1 had failed: ").contains("simulated failure");
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * F9: a secret's {@code *_command} that hangs (a secret manager's CLI stuck on the network) held SIGTERM for up to its
     * own 30 s limit (exit 143 came 26 s after the signal, the interruption mail only then: past a 30 s grace period).
     * Now the signal kills the program and what it started at once.
     */
    @Test
    void sigtermWhileASecretCommandHangsKillsItsProcessTreeAndExitsAtOnce() throws Exception {
        Path sleepPid = writeHangingSecretCommand();
        Files.writeString(dir.resolve("config.yaml"), hangingSecretConfig("5m", smtp.port()));
        Process p = startJar("backup", "app");
        try {
            long pid = awaitPid(p, sleepPid);
            Stopped stopped = signal(p, "TERM", 40);
            assertThat(stopped.exit()).isEqualTo(143);
            assertThat(stopped.ms()).as("exits within a few seconds of SIGTERM (was 26 s)").isLessThan(8000);
            assertThat(isAlive(pid)).as("the secret command's child " + pid + " killed").isFalse();
            assertThat(stopped.out()).containsPattern("(?m)^app +INTERRUPTED +1 ");
            MimeMessage[] mails = smtp.await(1, Duration.ofSeconds(5));
            assertThat(mails).as("the interruption is mailed").hasSize(1);
            assertThat(mails[0].getSubject()).startsWith("[dbbackup] INTERRUPTED: backup job app");
        } finally {
            p.destroyForcibly();
            killQuietly(sleepPid);
        }
    }

    /** F9: with {@code timeout: 3s} the same job failed "timed out after 3s" only after 30 s. */
    @Test
    void aJobTimeoutKillsAHangingSecretCommand() throws Exception {
        Path sleepPid = writeHangingSecretCommand();
        Files.writeString(dir.resolve("config.yaml"), hangingSecretConfig("2s", smtp.port()));
        long t0 = System.nanoTime();
        Process p = startJar("backup", "app");
        try {
            boolean exited = p.waitFor(60, TimeUnit.SECONDS);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            String out = Files.readString(dir.resolve("out.txt"));
            System.out.println("---- secret command, timeout 2s: exit " + (exited ? p.exitValue() : "none") + " after " + ms
                    + " ms\n" + out + Files.readString(dir.resolve("err.txt")));
            assertThat(exited).isTrue();
            assertThat(p.exitValue()).isEqualTo(2);
            assertThat(out).contains("job app timed out after 2s");
            assertThat(ms).as("the 2 s timeout ends the job (it took 30 s: the command's own limit)").isLessThan(12000);
            assertThat(isAlive(Long.parseLong(Files.readString(sleepPid).strip()))).as("the secret command's child killed")
                    .isFalse();
            assertThat(smtp.await(1, Duration.ofSeconds(5))).as("the failure is mailed").hasSize(1);
        } finally {
            p.destroyForcibly();
            killQuietly(sleepPid);
        }
    }

    /**
     * Two jobs of {@code backup --all --parallel 2} need one datasource's passphrase, whose command hangs: job "slow" runs
     * it, job "fast" (started a second later, after "other") waits for that read. Fast's own 2 s timeout ends its wait on
     * time and its failure is reported; slow's 8 s timeout kills slow's program. Fast used to wait for slow's program
     * (the secret's read was synchronized around it) and fail only when slow's timeout killed it.
     */
    @Test
    void aJobWaitingForAnotherJobsHangingSecretCommandTimesOutOnTime() throws Exception {
        Path script = dir.resolve("slow-secret.sh");
        Path pids = dir.resolve("sleep.pids");
        Files.writeString(script, "#!/bin/sh\nsleep 40 &\necho $! >> " + pids + "\nwait\necho passphrase\n");
        script.toFile().setExecutable(true);
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app:
                    engine: fake
                    size: 1000
                    encryption: {passphrase_command: [./slow-secret.sh], scrypt_work_factor: 10}
                  other: {engine: fake, size: 1000, duration: 1s}
                stores:
                  local: {type: local, path: store}
                jobs:
                  slow: {datasource: app, store: local, prefix: slow, timeout: 8s}
                  other: {datasource: other, store: local}
                  fast: {datasource: app, store: local, prefix: fast, timeout: 2s}
                """);
        long t0 = System.nanoTime();
        Process p = startJar("backup", "--all", "--parallel", "2");
        try {
            boolean exited = p.waitFor(60, TimeUnit.SECONDS);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            String out = Files.readString(dir.resolve("out.txt"));
            System.out.println("---- shared hanging secret, --parallel 2: exit " + (exited ? p.exitValue() : "none") + " after "
                    + ms + " ms\n" + out + Files.readString(dir.resolve("err.txt")));
            assertThat(exited).isTrue();
            assertThat(p.exitValue()).as("some jobs failed").isEqualTo(4);
            assertThat(out).containsPattern("(?m)^other +ok ");
            assertThat(out).contains("job slow timed out after 8s");
            java.util.regex.Matcher fast = java.util.regex.Pattern
                    .compile("(?m)^fast +FAILED +1 +(\\d+\\.\\d)s .*job fast timed out after 2s").matcher(out);
            assertThat(fast.find()).as("fast's timeout reported").isTrue();
            assertThat(Double.parseDouble(fast.group(1))).as("fast ends on its own 2 s timeout, not slow's 8 s").isLessThan(4.0);
            assertThat(Files.readAllLines(pids)).as("the command ran once, for slow").hasSize(1)
                    .allSatisfy(pid -> assertThat(isAlive(Long.parseLong(pid.strip()))).as("its child killed").isFalse());
        } finally {
            p.destroyForcibly();
            if (Files.exists(pids)) {
                for (String pid : Files.readAllLines(pids)) {
                    ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        }
    }

    /** {@code slow-secret.sh}: starts {@code sleep 40}, writes its pid, waits for it, then prints a passphrase. */
    private Path writeHangingSecretCommand() throws IOException {
        Path sleepPid = dir.resolve("sleep.pid");
        Path script = dir.resolve("slow-secret.sh");
        Files.writeString(script, "#!/bin/sh\nsleep 40 &\necho $! > " + sleepPid + "\nwait\necho passphrase\n");
        script.toFile().setExecutable(true);
        return sleepPid;
    }

    private String hangingSecretConfig(String timeout, int smtpPort) throws Exception {
        io.dbbackup.testkit.SqliteFixture.create(dir.resolve("app.db"), 10);
        return """
                datasources:
                  app: {engine: sqlite, path: app.db}
                stores:
                  local: {type: local, path: store}
                notifications:
                %s
                jobs:
                  app:
                    datasource: app
                    store: local
                    timeout: %s
                    encryption: {passphrase_command: [./slow-secret.sh], scrypt_work_factor: 10}
                    notify: [{notifier: mail}]
                """.formatted(SmtpServer.notifierYaml("mail", smtpPort), timeout);
    }

    private static long awaitPid(Process p, Path pidFile) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("dbbackup exited early with " + p.exitValue());
            }
            if (Files.exists(pidFile) && !Files.readString(pidFile).isBlank()) {
                Thread.sleep(300);
                return Long.parseLong(Files.readString(pidFile).strip());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the secret command did not start");
    }

    private static void killQuietly(Path pidFile) {
        try {
            if (Files.exists(pidFile)) {
                ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).ifPresent(ProcessHandle::destroyForcibly);
            }
        } catch (IOException | NumberFormatException ignored) {
            // nothing to clean up
        }
    }

    private Process startJar(String... args) throws Exception {
        return startJar(Map.of(), args);
    }

    /** The built jar as a subprocess with the test-only engine, in {@code dir}. */
    private Process startJar(Map<String, String> env, String... args) throws Exception {
        return DbbackupJar.startWithTestEngine(dir, env, args);
    }

    /** Waits until the dump child wrote its pid and the upload's temp file exists in the store. */
    private static long awaitDumpRunning(Process p, Path pidFile, Path store) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("dbbackup exited early with " + p.exitValue());
            }
            if (Files.exists(pidFile) && !Files.readString(pidFile).isBlank()
                    && files(store).stream().anyMatch(f -> f.getFileName().toString().startsWith(".dbbackup-tmp-"))) {
                Thread.sleep(300); // let the dump reach its sleep
                return Long.parseLong(Files.readString(pidFile).strip());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the dump did not start within 30 s");
    }

    /** Alive and not a zombie, by /proc. */
    private static boolean isAlive(long pid) throws IOException {
        Path stat = Path.of("/proc", String.valueOf(pid), "stat");
        if (!Files.exists(stat)) {
            return false;
        }
        try {
            String s = Files.readString(stat, StandardCharsets.UTF_8);
            return !s.substring(s.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return false;
        }
    }

    private static List<Path> files(Path root) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    /** The folders below {@code root} (not itself, which the store made too and removes when it empties). */
    private static List<Path> folders(Path root) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> !p.equals(root) && Files.isDirectory(p)).toList();
        }
    }
}
