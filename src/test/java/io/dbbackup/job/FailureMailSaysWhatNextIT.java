package io.dbbackup.job;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SmtpServer;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failure mail tells the on-call reader what state the store is in and what to run next, each command repeating the
 * run's {@code -c FILE} (pasted without it, a command reads the default config). Real failing runs through the CLI, the
 * mail through GreenMail. It used to give the cause and the exit code only.
 */
class FailureMailSaysWhatNextIT {
    private static final String SMTP_PASSWORD = "s3cr3t-Next-Pa55";

    @TempDir
    Path dir;
    SmtpServer smtp;

    @BeforeEach
    void start() {
        smtp = SmtpServer.plain().user("ops@example.com", "ops", SMTP_PASSWORD);
    }

    @AfterEach
    void stop() {
        smtp.close();
    }

    private Cli.Result run(String config, String... args) throws Exception {
        Files.writeString(dir.resolve("etc-dbbackup.yaml"), config + """
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
                """.formatted(smtp.port()));
        Cli.Result r = new Cli().workingDir(dir).env("SMTP_PASSWORD", SMTP_PASSWORD).run(args);
        System.out.println(r.out() + r.err());
        return r;
    }

    private String mail() throws Exception {
        MimeMessage[] mails = smtp.await(1, Duration.ofSeconds(15));
        assertThat(mails).as("the failure mail").hasSize(1);
        String body = String.valueOf(mails[0].getContent()).replace("\r\n", "\n");
        System.out.println(body);
        assertThat(body).doesNotContain(SMTP_PASSWORD);
        return body;
    }

    @Test
    void aFailedBackupSaysNothingWasStoredAndTheCommandsWithItsConfig() throws Exception {
        Cli.Result r = run("""
                datasources:
                  broken: {engine: fake, fail_attempts: 1000, attempts_file: broken.attempts}
                stores:
                  local: {type: local, path: store, fsync: false}
                jobs:
                  app:
                    datasource: broken
                    store: local
                    retry: {max_attempts: 1}
                    notify: [{notifier: ops, on: failure}]
                """, "-c", "etc-dbbackup.yaml", "backup", "app");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        String body = mail();
        assertThat(body).contains("\nWhat now:\n"
                + "  newest good backup: none in local " + dir.resolve("store") + " under broken/\n"
                + "  This run stored no backup; the job's earlier backups are untouched (a failed backup deletes none): "
                + "dbbackup -c etc-dbbackup.yaml list app\n"
                + "  Next: fix the cause above, then run: dbbackup -c etc-dbbackup.yaml backup app\n");
    }

    /**
     * The job's timeout stops the read-back of a stored backup: the backup stays (see JobRunnerIT), and the mail names
     * it with its key and says how to read it back. It had no key, and read as if nothing was stored.
     */
    @Test
    void aTimeoutDuringTheReadBackNamesTheBackupThatStays() throws Exception {
        Cli.Result r = run("""
                datasources:
                  a: {engine: fake, size: 4000000}
                stores:
                  slow: {type: faulty, path: store, slow_reads: true}
                jobs:
                  app:
                    datasource: a
                    store: slow
                    verify: true
                    timeout: 2s
                    notify: [{notifier: ops, on: failure}]
                """, "-c", "etc-dbbackup.yaml", "backup", "app");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        String body = mail();
        assertThat(body).containsPattern("\nKey: +a/a-\\d{8}-\\d{6}\\.sql[^\n]*\n").contains("Size:");
        String key = body.lines().filter(l -> l.startsWith("Key:")).findFirst().orElseThrow().substring(11).strip();
        String file = key.substring(key.lastIndexOf('/') + 1);
        assertThat(body).contains("timed out after 2s; backup was stored as " + key + " but its read-back was stopped: it "
                        + "stays, not read back (dbbackup -c etc-dbbackup.yaml verify app " + file + " reads it)")
                .contains("  This run's backup is stored as " + key + "; the job's earlier backups are there too: "
                        + "dbbackup -c etc-dbbackup.yaml list app\n"
                        + "  Next: fix the cause above; read this backup back with: dbbackup -c etc-dbbackup.yaml verify app "
                        + file + "\n");
        assertThat(r.out()).contains("backup was stored as " + key);
    }
}
