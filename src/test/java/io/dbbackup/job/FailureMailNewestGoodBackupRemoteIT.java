package io.dbbackup.job;

import io.dbbackup.store.s3.S3Fixture;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.Leftovers;
import io.dbbackup.testkit.S3ProxyServer;
import io.dbbackup.testkit.SmtpServer;
import io.dbbackup.testkit.SshServer;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The failure mail's newest good backup on the real remote stores, listed through its own instance of the job's store
 * ({@code StoreConfig.another}): S3 (s3proxy) and SFTP (the test sshd). A good backup, then failing runs (the fake
 * engine fails every attempt); the mail names the good backup's key, and a failing run leaves no thread, file or
 * connection to the store behind that the one before did not.
 */
class FailureMailNewestGoodBackupRemoteIT {
    private static final String SMTP_PASSWORD = "s3cr3t-Remote-Pa55";
    private static final Instant DAY_ONE = Instant.parse("2026-12-06T03:00:00Z");

    @TempDir
    Path dir;
    SmtpServer smtp;

    @BeforeEach
    void start() {
        smtp = SmtpServer.plain().user("ops@example.com", "ops", SMTP_PASSWORD);
    }

    @AfterEach
    void stop() throws InterruptedException {
        smtp.close();
        // the JDK's keep-alive cache lets its idle connections and its timer go after 5 s: not into the next test
        for (long end = System.nanoTime() + 10_000_000_000L; System.nanoTime() < end
                && Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("Keep-Alive-Timer")); ) {
            Thread.sleep(100);
        }
    }

    private void config(String store, String dsOptions) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: fake%s}
                stores:
                  remote: %s
                jobs:
                  app:
                    datasource: app
                    store: remote
                    notify: [{notifier: ops, on: failure}]
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
                """.formatted(dsOptions, store, smtp.port()));
    }

    /**
     * One good backup into {@code store} at DAY_ONE, then two failing runs a day later: each mail names the good backup;
     * the second run leaves what the first left (threads, open files, connections to {@code storePort}).
     */
    private void namesTheGoodBackup(Cli cli, String store, int storePort) throws Exception {
        config(store, "");
        Cli.Result ok = cli.clock(Clock.fixed(DAY_ONE, ZoneOffset.UTC)).run("-c", "config.yaml", "backup", "app", "--no-progress");
        assertThat(ok.exit()).as(ok.toString()).isZero();
        var m = Pattern.compile("app/app-\\d{8}-\\d{6}\\.sql\\S*").matcher(ok.out() + ok.err());
        assertThat(m.find()).as(ok.toString()).isTrue();
        String good = m.group().replaceAll("[),;.]+$", "");
        assertThat(good).startsWith("app/app-20261206-030000.sql");

        config(store, ", fail_attempts: 1000, attempts_file: app.attempts");
        Cli failing = cli.clock(Clock.fixed(DAY_ONE.plus(Duration.ofHours(26)), ZoneOffset.UTC));
        Cli.Result first = failing.run("-c", "config.yaml", "backup", "app", "--no-progress");
        assertThat(first.exit()).as(first.toString()).isEqualTo(2);
        String line = "\nWhat now:\n  newest good backup: " + good + " (taken 2026-12-06 03:00 UTC, 1d 02h ago)\n";
        assertThat(body(mails(1)[0])).contains(line);
        Leftovers baseline = Leftovers.steady(10, dir);
        long connections = Leftovers.connectionsTo(storePort);

        Cli.Result second = failing.run("-c", "config.yaml", "backup", "app", "--no-progress");
        assertThat(second.exit()).as(second.toString()).isEqualTo(2);
        assertThat(body(mails(2)[1])).contains(line);
        assertThat(warnings(second)).as("warnings the store gives on creation, once").isEqualTo(warnings(first));
        Leftovers after = Leftovers.settledTo(baseline, 10, dir);
        long open = Leftovers.connectionsTo(storePort);
        for (long end = System.nanoTime() + 8_000_000_000L; open > connections && System.nanoTime() < end; ) {
            Thread.sleep(200); // an idle connection of the JDK's keep-alive cache goes after 5 s; a leaked one stays
            open = Leftovers.connectionsTo(storePort);
        }
        assertThat(open).as("connections to the store after the second failing run").isLessThanOrEqualTo(connections);
        assertThat(after.withoutSockets().diff(baseline.withoutSockets())).as("what the second failing run left").isEmpty();
        assertThat(Thread.getAllStackTraces().keySet()).as("the listing's thread ended")
                .noneMatch(t -> t.getName().startsWith(NewestGoodBackup.THREAD));
    }

    private static java.util.List<String> warnings(Cli.Result r) {
        return (r.out() + r.err()).lines().filter(l -> l.contains("WARN")).map(l -> l.replaceFirst("^\\S+Z ", "")).toList();
    }

    private MimeMessage[] mails(int count) {
        MimeMessage[] mails = smtp.await(count, Duration.ofSeconds(30));
        assertThat(mails).as("the failure mails").hasSize(count);
        return mails;
    }

    private static String body(MimeMessage mail) throws Exception {
        String body = String.valueOf(mail.getContent()).replace("\r\n", "\n");
        System.out.println(body);
        return body;
    }

    @Test
    void onS3TheMailNamesTheNewestGoodBackup() throws Exception {
        try (S3ProxyServer s3 = new S3ProxyServer(); var admin = S3Fixture.admin(s3)) {
            admin.createBucket(b -> b.bucket("newest"));
            Cli cli = new Cli().workingDir(dir).env("SMTP_PASSWORD", SMTP_PASSWORD)
                    .env("S3_ACCESS", s3.accessKey()).env("S3_SECRET", s3.secretKey());
            namesTheGoodBackup(cli, "{type: s3, endpoint: %s, bucket: newest, path_style: true, access_key_env: S3_ACCESS, "
                    .formatted(s3.endpoint()) + "secret_key_env: S3_SECRET}", s3.endpoint().getPort());
        }
    }

    /**
     * A store secret given as {@code secret_key_command} (a secret manager's CLI, rate-limited and audited) is read once
     * per run: the report's own store instance reuses the value the run read, the program is not run again for it. The
     * program appends a line to a counter in this test's own folder; a good run reads it once, a failing run with its
     * mail once too (it ran twice: once for the backup's upload, once more for the report's listing).
     */
    @Test
    void aSecretCommandRunsOncePerRunThoughTheReportListsTheStoreThroughItsOwnInstance() throws Exception {
        try (S3ProxyServer s3 = new S3ProxyServer(); var admin = S3Fixture.admin(s3)) {
            admin.createBucket(b -> b.bucket("counted"));
            Path counter = dir.resolve("secret-command.runs");
            Path program = dir.resolve("secret.sh");
            Files.writeString(program, "#!/bin/sh\necho run >> '" + counter + "'\nprintf '%s\\n' '" + s3.secretKey() + "'\n");
            program.toFile().setExecutable(true);
            String store = "{type: s3, endpoint: %s, bucket: counted, path_style: true, access_key_env: S3_ACCESS, "
                    .formatted(s3.endpoint()) + "secret_key_command: ./secret.sh}";
            Cli cli = new Cli().workingDir(dir).env("SMTP_PASSWORD", SMTP_PASSWORD).env("S3_ACCESS", s3.accessKey());

            config(store, "");
            Cli.Result ok = cli.clock(Clock.fixed(DAY_ONE, ZoneOffset.UTC)).run("-c", "config.yaml", "backup", "app", "--no-progress");
            assertThat(ok.exit()).as(ok.toString()).isZero();
            assertThat(Files.readAllLines(counter)).as("the program's runs for a good backup").hasSize(1);

            // the dump fails after 2 s: the backup's upload has read the secret by then (a dump failing at once may stop
            // the program before it has printed, and the report then runs it as the first read that ends)
            config(store, ", command: [sh, -c, 'printf partial; sleep 2; echo cannot dump >&2; exit 3']");
            Cli.Result failed = cli.clock(Clock.fixed(DAY_ONE.plus(Duration.ofHours(26)), ZoneOffset.UTC))
                    .run("-c", "config.yaml", "backup", "app", "--no-progress");
            assertThat(failed.exit()).as(failed.toString()).isEqualTo(2);
            String mail = body(mails(1)[0]);
            assertThat(mail).as("the backup failed for its dump, its read of the secret not cut short").contains("cannot dump")
                    .doesNotContain("secret_key_command");
            assertThat(mail).as("the report listed the store with the secret")
                    .containsPattern("\n  newest good backup: app/app-20261206-030000\\.sql\\S* \\(taken 2026-12-06 03:00 UTC");
            assertThat(Files.readAllLines(counter)).as("the program's runs after the failing run with its report").hasSize(2);
            assertThat(failed.out() + failed.err()).doesNotContain(s3.secretKey());

            // guard, as before: config validate only checks that the program exists; a dry run reads the secret once
            Cli.Result validate = cli.run("-c", "config.yaml", "config", "validate");
            assertThat(validate.exit()).as(validate.toString()).isZero();
            assertThat(Files.readAllLines(counter)).as("the program's runs after config validate").hasSize(2);
            Cli.Result dryRun = cli.run("-c", "config.yaml", "prune", "app", "--dry-run");
            assertThat(dryRun.exit()).as(dryRun.toString()).isZero();
            assertThat(Files.readAllLines(counter)).as("the program's runs after prune --dry-run").hasSize(3);
        }
    }

    /**
     * A dump that fails at once, while the store's {@code secret_key_command} (a slow secret manager: 2 s) still runs
     * for the backup's check of its key: the failure stops the program, and the error reported (mail's Error line, the
     * log's ERROR line, the exit code) is the dump's own, not the secret program's "was stopped: cancelled (backup
     * failed: …)", which would send the one on call to the secret manager instead of the database.
     */
    @Test
    void aDumpFailingAtOnceIsTheErrorNotTheSecretCommandItStopped() throws Exception {
        try (S3ProxyServer s3 = new S3ProxyServer(); var admin = S3Fixture.admin(s3)) {
            admin.createBucket(b -> b.bucket("blamed"));
            Path program = dir.resolve("secret.sh");
            Files.writeString(program, "#!/bin/sh\nsleep 2\nprintf '%s\\n' '" + s3.secretKey() + "'\n");
            program.toFile().setExecutable(true);
            String store = "{type: s3, endpoint: %s, bucket: blamed, path_style: true, access_key_env: S3_ACCESS, "
                    .formatted(s3.endpoint()) + "secret_key_command: ./secret.sh}";
            Cli cli = new Cli().workingDir(dir).env("SMTP_PASSWORD", SMTP_PASSWORD).env("S3_ACCESS", s3.accessKey());
            config(store, ", command: [sh, -c, 'echo cannot dump >&2; exit 3']");

            Cli.Result failed = cli.run("-c", "config.yaml", "backup", "app", "--no-progress");

            assertThat(failed.exit()).as(failed.toString()).isEqualTo(2);
            String mail = body(mails(1)[0]);
            var error = Pattern.compile("\nError:\n  (.*)\n").matcher(mail);
            assertThat(error.find()).as(mail).isTrue();
            assertThat(error.group(1)).as("the mail's Error line names the dump's failure")
                    .contains("cannot dump").doesNotContain("secret_key_command").doesNotContain("was stopped");
            String errorLog = failed.err().lines().filter(l -> l.contains(" ERROR ")).findFirst().orElse("");
            assertThat(errorLog).as("the log's first ERROR line names the dump's failure\n" + failed)
                    .contains("cannot dump").doesNotContain("secret_key_command");
            String summary = failed.out().lines().filter(l -> l.startsWith("app ")).findFirst().orElse("");
            assertThat(summary).as("the summary's row names the dump's failure\n" + failed)
                    .contains("cannot dump").doesNotContain("secret_key_command");
            assertThat(failed.out() + failed.err()).doesNotContain(s3.secretKey());
        }
    }

    /**
     * The same for a copy job (its source read failing, the copy's S3 store's secret program taking 2 s): the copy job
     * runs on one thread and never cancels after its own failure, so the program always ends before the source's
     * damaged backup is read; the error is the damage. A guard: it passed before any change.
     */
    @Test
    void aCopyWhoseSourceIsDamagedNamesTheDamageNotTheSecretCommand() throws Exception {
        try (S3ProxyServer s3 = new S3ProxyServer(); var admin = S3Fixture.admin(s3)) {
            admin.createBucket(b -> b.bucket("copyblamed"));
            Path program = dir.resolve("secret.sh");
            Files.writeString(program, "#!/bin/sh\nsleep 2\n: > secret.ran\nprintf '%s\\n' '" + s3.secretKey() + "'\n");
            program.toFile().setExecutable(true);
            Files.writeString(dir.resolve("config.yaml"), """
                    datasources:
                      app: {engine: fake}
                    stores:
                      local: {type: local, path: local}
                      remote: {type: s3, endpoint: %s, bucket: copyblamed, path_style: true, access_key_env: S3_ACCESS, secret_key_command: ./secret.sh}
                    jobs:
                      app-local:
                        datasource: app
                        store: local
                      app:
                        copy_of: app-local
                        store: remote
                        notify: [{notifier: ops, on: failure}]
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
                    """.formatted(s3.endpoint(), smtp.port()));
            Cli cli = new Cli().workingDir(dir).env("SMTP_PASSWORD", SMTP_PASSWORD).env("S3_ACCESS", s3.accessKey());
            Cli.Result made = cli.run("-c", "config.yaml", "backup", "app-local", "--no-progress");
            assertThat(made.exit()).as(made.toString()).isZero();
            Path backup;
            try (var files = Files.walk(dir.resolve("local"))) {
                backup = files.filter(f -> f.getFileName().toString().matches("app-\\d{8}-\\d{6}\\.sql[^/]*")
                        && !f.toString().endsWith(".sha256") && !f.toString().endsWith(".json")).findFirst().orElseThrow();
            }
            byte[] bytes = Files.readAllBytes(backup);
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] ^= 0x5a; // damaged, its size kept: its checksum fails
            }
            Files.write(backup, bytes);

            Cli.Result failed = cli.run("-c", "config.yaml", "backup", "app", "--no-progress");

            System.out.println("copy of a damaged source, its store's secret program taking 2 s:\n" + failed);
            assertThat(failed.exit()).as("an integrity failure\n" + failed).isEqualTo(3);
            assertThat(dir.resolve("secret.ran")).as("the copy store's secret program ran to its end").exists();
            String mail = body(mails(1)[0]);
            var error = Pattern.compile("\nError:\n  (.*)\n").matcher(mail);
            assertThat(error.find()).as(mail).isTrue();
            assertThat(error.group(1)).as("the mail's Error line names the source's damage")
                    .contains(backup.getFileName().toString()).doesNotContain("secret_key_command")
                    .doesNotContain("was stopped");
            String errorLog = failed.err().lines().filter(l -> l.contains(" ERROR ")).findFirst().orElse("");
            assertThat(errorLog).as("the log's first ERROR line names the source's damage\n" + failed)
                    .contains(backup.getFileName().toString()).doesNotContain("secret_key_command");
            String summary = failed.out().lines().filter(l -> l.startsWith("app ")).findFirst().orElse("");
            assertThat(summary).as("the summary's row names the source's damage\n" + failed)
                    .isNotEmpty().doesNotContain("secret_key_command").doesNotContain("was stopped");
            assertThat(failed.out() + failed.err()).doesNotContain(s3.secretKey());
        }
    }

    @Test
    void onSftpTheMailNamesTheNewestGoodBackup() throws Exception {
        try (SshServer ssh = new SshServer()) {
            Cli cli = new Cli().workingDir(dir).env("SMTP_PASSWORD", SMTP_PASSWORD);
            namesTheGoodBackup(cli, "{type: sftp, host: 127.0.0.1, port: %d, user: %s, path: /backups, key_file: %s, "
                    .formatted(ssh.port(), ssh.user(), ssh.clientKey()) + "known_hosts: " + ssh.knownHosts() + ", timeout: 5s}",
                    ssh.port());
        }
    }
}
