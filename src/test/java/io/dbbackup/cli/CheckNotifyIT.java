package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.SmtpServer;
import io.dbbackup.testkit.SqliteFixture;
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
 * {@code check --notify}: the mail path a failure would take, tested before a failure does, through a real SMTP
 * server (GreenMail); a notifier that cannot send fails the check.
 */
class CheckNotifyIT {
    @TempDir
    Path dir;
    SmtpServer smtp;

    @BeforeEach
    void setUp() throws Exception {
        smtp = SmtpServer.plain();
        SqliteFixture.create(dir.resolve("app.db"), 50);
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                  gone: {engine: sqlite, path: gone.db}
                stores:
                  local: {type: local, path: store}
                notifications:
                %s%s
                jobs:
                  app:
                    datasource: app
                    store: local
                    notify:
                      - {notifier: ops, on: failure}
                  gone:
                    datasource: gone
                    store: local
                    notify:
                      - {notifier: ops, on: failure}
                  unheard:
                    datasource: app
                    store: local
                    prefix: unheard
                    notify:
                      - {notifier: nowhere, on: failure}
                """.formatted(SmtpServer.notifierYaml("ops", smtp.port()), SmtpServer.notifierYaml("nowhere", 1)));
    }

    @AfterEach
    void stop() {
        smtp.close();
    }

    @Test
    void eachNotifierOfTheJobGetsTheTestReportWhateverItsRule() throws Exception {
        Cli cli = new Cli().workingDir(dir);
        Cli.Result none = cli.run("-c", "config.yaml", "check", "app");
        assertThat(none.exit()).isZero();
        assertThat(smtp.messages()).isEmpty(); // without --notify nobody hears of it

        Cli.Result r = cli.run("-c", "config.yaml", "check", "app", "gone", "--notify");
        assertThat(r.exit()).as(r.toString()).isEqualTo(4);
        assertThat(r.out()).contains("ok     app notifier ops: test report sent via ")
                .contains("ok     gone notifier ops: test report sent via ");
        MimeMessage[] mails = smtp.await(2, Duration.ofSeconds(10));
        assertThat(mails).hasSize(2);
        assertThat(mails[0].getSubject() + " | " + mails[1].getSubject())
                .contains("OK: check of job app on ").contains("FAILED: check of job gone on ");
        for (MimeMessage m : mails) {
            String body = String.valueOf(m.getContent()).replace("\r\n", "\n");
            assertThat(body).contains("Operation:  check").doesNotContain("Key:");
            if (m.getSubject().contains("FAILED")) {
                assertThat(body).contains("datasource: " + dir.resolve("gone.db") + " does not exist").doesNotContain("Result:")
                        .contains("Exit code:  2 (system error)\n"); // the job's own, not the run's 4
            } else { // the test report says what was checked
                assertThat(body).contains("Result:\n  ok secrets: every secret a backup needs was read\n  ok datasource: ",
                        "\n  ok store: ").contains("Exit code:  0 (ok)\n");
            }
        }
    }

    @Test
    void aNotifierThatCannotSendFailsTheCheck() {
        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "check", "unheard", "--notify");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.out()).contains("ok     unheard store: ").contains("FAILED unheard notifier nowhere: ")
                .contains("0 of 1 job passed every check (exit 2)");
    }
}
