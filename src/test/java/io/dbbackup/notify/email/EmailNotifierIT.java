package io.dbbackup.notify.email;

import io.dbbackup.spi.Notifier;
import io.dbbackup.testkit.Notifiers;
import io.dbbackup.testkit.SmtpServer;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The email notifier against GreenMail: plain SMTP with AUTH, SMTPS (implicit TLS) with a checked certificate,
 * STARTTLS with a checked certificate (GreenMail behind a STARTTLS front), STARTTLS required. */
class EmailNotifierIT {
    private static final String PASSWORD = "Mail-Pa55word-9f3e";
    private static final Map<String, String> ENV = Map.of("SMTP_PASSWORD", PASSWORD, "SMTP_USER", "backup-bot");

    @TempDir
    Path dir;

    @Test
    void implicitTlsWithAuthAndACommaListOfRecipients() throws Exception {
        try (SmtpServer smtp = SmtpServer.implicitTls().user("bot@example.com", "backup-bot", PASSWORD)) {
            Notifier n = Notifiers.notifier(dir, ENV, """
                    ops:
                      type: email
                      smtp_host: localhost
                      smtp_port: %d
                      tls: implicit
                      ca_file: %s
                      username_env: SMTP_USER
                      password_env: SMTP_PASSWORD
                      from: dbbackup@example.com
                      to: ops@example.com, dba@example.com
                      subject_prefix: "[prod]"
                    """.formatted(smtp.port(), smtp.caPem()), "ops");
            assertThat(n.describe()).isEqualTo("smtp localhost:" + smtp.port() + " (tls)");
            n.send(Notifiers.success(), Notifiers.CLOCK);
            MimeMessage[] mails = smtp.await(2, Duration.ofSeconds(10));
            assertThat(mails).hasSize(2);
            assertThat(Arrays.stream(mails).map(m -> recipients(m))).containsOnly("ops@example.com, dba@example.com");
            MimeMessage m = mails[0];
            assertThat(m.getSubject()).isEqualTo("[prod] OK: backup job appdb on db-host-1");
            assertThat(m.getHeader("Auto-Submitted")[0]).isEqualTo("auto-generated");
            assertThat(m.getHeader("X-Dbbackup-Outcome")[0]).isEqualTo("success");
            String body = String.valueOf(m.getContent());
            assertThat(body).contains("Job:        appdb", "Outcome:    succeeded", "Host:       db-host-1",
                    "Started:    2026-11-23 03:00:00 UTC", "Finished:   2026-11-23 03:00:12 UTC", "Duration:   12.3 s",
                    "Attempts:   1", "Key:        prod/appdb/appdb-20261123-030000.sql.zst",
                    "Size:       117.7 MiB (123456789 bytes)").doesNotContain(PASSWORD);
            String text = body.replace("\r\n", "\n");
            assertThat(text).contains("Datasource: appdb-pg\n", "Exit code:  0 (ok)\n");
            // "Datasource:" is the longest label: every value starts in the column after it, as in a table
            java.util.List<String> head = text.lines().takeWhile(l -> !l.isEmpty()).toList();
            assertThat(head).hasSizeGreaterThanOrEqualTo(12)
                    .allSatisfy(l -> assertThat(l).as("mail body line").matches("[A-Z][a-z ]+: +\\S.*")
                            .matches(".{11} \\S.*"));
        }
    }

    /**
     * A relay that refuses one recipient (a deleted mailbox: 550 to its RCPT only), as internal relays do: the mail
     * still goes to the others, and the failure names who did not get it. It used to reach nobody.
     */
    @Test
    void oneRefusedRecipientDoesNotStopTheMailForTheOthers() throws Exception {
        try (RefusingSmtp smtp = new RefusingSmtp("left-company@example.com")) {
            Notifier n = plainNotifier(smtp.port(), "[ops@example.com, left-company@example.com, dba@example.com]");
            // the reason read "(250 queued (SMTPAddressFailedException: 550 5.1.1 no such user))": the server's last
            // answer, then the refusal wrapped in a class name
            assertThatThrownBy(() -> n.send(Notifiers.failure(), Notifiers.CLOCK)).isInstanceOf(IOException.class)
                    .hasMessage("mail sent to ops@example.com, dba@example.com only via smtp 127.0.0.1:" + smtp.port()
                            + " (no tls): recipient left-company@example.com refused: 550 5.1.1 no such user");
            assertThat(smtp.delivered()).containsExactly("ops@example.com", "dba@example.com");
            assertThat(smtp.data()).contains("Subject: [dbbackup] FAILED: backup job appdb");
        }
    }

    /** The only recipient refused: no mail at all, and the failure says who was refused and the server's words. */
    @Test
    void theOnlyRecipientRefusedIsNamedWithTheServersAnswer() throws Exception {
        try (RefusingSmtp smtp = new RefusingSmtp("left-company@example.com")) {
            Notifier n = plainNotifier(smtp.port(), "[left-company@example.com]");
            assertThatThrownBy(() -> n.send(Notifiers.failure(), Notifiers.CLOCK)).isInstanceOf(IOException.class)
                    .hasMessage("cannot send mail via smtp 127.0.0.1:" + smtp.port()
                            + " (no tls): recipient left-company@example.com refused: 550 5.1.1 no such user");
            assertThat(smtp.delivered()).isEmpty();
        }
    }

    /**
     * A server that answers, but a byte at a time (a tarpit, a broken middlebox): each read is within {@code timeout},
     * so the send went on for as long as the server liked (here 40 bytes at 300 ms: 12 s for a 1 s timeout), holding up
     * the run's summary and exit, and an interruption's mail past a pod's grace period. The whole send is bounded.
     */
    @Test
    void aServerThatAnswersAByteAtATimeIsGivenUpAfterTwiceTheTimeout() throws Exception {
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (java.net.Socket s = server.accept()) {
                    for (byte b : "220 tarpit.example.com ESMTP take your time\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)) {
                        s.getOutputStream().write(b);
                        s.getOutputStream().flush();
                        Thread.sleep(300);
                    }
                } catch (IOException | InterruptedException e) {
                    // the client gave up
                }
            }, "tarpit-smtp");
            t.setDaemon(true);
            t.start();
            Notifier n = Notifiers.notifier(dir, ENV, """
                    ops:
                      type: email
                      smtp_host: 127.0.0.1
                      smtp_port: %d
                      tls: none
                      from: dbbackup@example.com
                      to: ops@example.com
                      timeout: 1s
                    """.formatted(server.getLocalPort()), "ops");
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> n.send(Notifiers.failure(), Notifiers.CLOCK)).isInstanceOf(IOException.class)
                    .hasMessageContaining("smtp 127.0.0.1:" + server.getLocalPort()).hasMessageContaining("within 2s");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
        }
    }

    /** A minimal SMTP server that answers 550 to one recipient and accepts the rest (fault injection). */
    private static final class RefusingSmtp implements AutoCloseable {
        private final java.net.ServerSocket server = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress());
        private final java.util.List<String> delivered = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final StringBuilder data = new StringBuilder();
        private final Thread thread;

        RefusingSmtp(String refused) throws IOException {
            thread = new Thread(() -> serve(refused), "refusing-smtp");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return server.getLocalPort();
        }

        java.util.List<String> delivered() throws InterruptedException {
            thread.join(10_000);
            return delivered;
        }

        synchronized String data() {
            return data.toString();
        }

        private void serve(String refused) {
            try (java.net.Socket s = server.accept();
                 java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                         java.nio.charset.StandardCharsets.US_ASCII));
                 java.io.PrintWriter out = new java.io.PrintWriter(new java.io.OutputStreamWriter(s.getOutputStream(),
                         java.nio.charset.StandardCharsets.US_ASCII), true)) {
                java.util.List<String> accepted = new java.util.ArrayList<>();
                out.print("220 refusing-smtp\r\n");
                out.flush();
                for (String line; (line = in.readLine()) != null; ) {
                    String cmd = line.toUpperCase(java.util.Locale.ROOT);
                    if (cmd.startsWith("EHLO") || cmd.startsWith("HELO")) {
                        out.print("250 refusing-smtp\r\n");
                    } else if (cmd.startsWith("RCPT TO:")) {
                        String to = line.substring(line.indexOf('<') + 1, line.indexOf('>'));
                        if (to.equals(refused)) {
                            out.print("550 5.1.1 no such user\r\n");
                        } else {
                            accepted.add(to);
                            out.print("250 ok\r\n");
                        }
                    } else if (cmd.equals("DATA")) {
                        out.print("354 go on\r\n");
                        out.flush();
                        for (String d; (d = in.readLine()) != null && !d.equals("."); ) {
                            synchronized (this) {
                                data.append(d).append('\n');
                            }
                        }
                        delivered.addAll(accepted);
                        out.print("250 queued\r\n");
                    } else if (cmd.equals("QUIT")) {
                        out.print("221 bye\r\n");
                        out.flush();
                        return;
                    } else {
                        out.print("250 ok\r\n");
                    }
                    out.flush();
                }
            } catch (IOException e) {
                // the client went away
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    /** {@code smtp_host: ::1} and {@code "[::1]"} reach a relay on the IPv6 loopback address; it is named [::1]:PORT. */
    @Test
    void aRelayOnIpv6LoopbackBareOrInBrackets() throws Exception {
        try (SmtpServer smtp = SmtpServer.plainOnIpv6Loopback()) {
            for (String host : new String[] {"::1", "\"[::1]\""}) {
                Notifier n = Notifiers.notifier(dir, ENV, """
                        ops:
                          type: email
                          smtp_host: %s
                          smtp_port: %d
                          use_tls: false
                          from: dbbackup@example.com
                          to: ops@example.com
                        """.formatted(host, smtp.port()), "ops");
                assertThat(n.describe()).startsWith("smtp [::1]:" + smtp.port() + " ");
                n.send(Notifiers.failure(), Notifiers.CLOCK);
            }
            assertThat(smtp.await(2, Duration.ofSeconds(10))).hasSize(2);
        }
    }

    @Test
    void failureMailCarriesTheErrorAndTheToolsLastLines() throws Exception {
        try (SmtpServer smtp = SmtpServer.plain()) {
            Notifier n = plainNotifier(smtp.port(), "[ops@example.com]");
            n.send(Notifiers.failure(), Notifiers.CLOCK);
            MimeMessage m = smtp.await(1, Duration.ofSeconds(10))[0];
            assertThat(m.getSubject()).isEqualTo("[dbbackup] FAILED: backup job appdb on db-host-1");
            assertThat(m.getSentDate().toInstant()).as("Date: the clock given, not the machine's").isEqualTo(Notifiers.CLOCK.instant());
            assertThat(String.valueOf(m.getContent()).replace("\r\n", "\n")).contains("Outcome:    FAILED", "Attempts:   3", "Duration:   1m35s",
                    "Error:\n  backup of postgres appdb failed: pg_dump failed (exit 1): pg_dump: error: connection refused",
                    "Last lines of the tool's error output:\n  | pg_dump: error: connection to server at \"db\" (10.0.0.5), port 5432 failed\n"
                            + "  | pg_dump: error: connection refused");
        }
    }

    /**
     * A display name outside ASCII in {@code from} or {@code to} went into the header as raw 8-bit bytes (a relay without
     * SMTPUTF8 may refuse or mangle the mail); it is RFC 2047-encoded, as the subject is, and reads back as written.
     */
    @Test
    void nonAsciiDisplayNamesAreEncodedInTheHeaders() throws Exception {
        try (SmtpServer smtp = SmtpServer.plain()) {
            Notifier n = plainNotifier(smtp.port(), "[\"Équipe DBA <dba@example.com>\"]",
                    "\"Sicherung Müller <dbbackup@example.com>\"");
            n.send(Notifiers.failure(), Notifiers.CLOCK);
            MimeMessage m = smtp.await(1, Duration.ofSeconds(10))[0];
            String from = m.getHeader("From")[0];
            String to = m.getHeader("To")[0];
            assertThat(from + to).as("raw headers: From " + from + ", To " + to).matches("\\p{ASCII}*");
            assertThat(from).contains("=?UTF-8?");
            assertThat(((jakarta.mail.internet.InternetAddress) m.getFrom()[0]).getPersonal()).isEqualTo("Sicherung Müller");
            assertThat(((jakarta.mail.internet.InternetAddress) m.getAllRecipients()[0]).getPersonal()).isEqualTo("Équipe DBA");
            assertThat(((jakarta.mail.internet.InternetAddress) m.getAllRecipients()[0]).getAddress()).isEqualTo("dba@example.com");
        }
    }

    @Test
    void implicitTlsRefusesAServerItDoesNotTrust() throws Exception {
        try (SmtpServer smtp = SmtpServer.implicitTls()) {
            Notifier n = Notifiers.notifier(dir, ENV, """
                    ops:
                      type: email
                      smtp_host: localhost
                      smtp_port: %d
                      tls: implicit
                      password_env: SMTP_PASSWORD
                      username: backup-bot
                      from: dbbackup@example.com
                      to: ops@example.com
                      timeout: 5s
                    """.formatted(smtp.port()), "ops");
            assertThatThrownBy(() -> n.send(Notifiers.success(), Notifiers.CLOCK)).isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot send mail via smtp localhost:" + smtp.port())
                    .hasMessageContaining("certification path").hasMessageNotContaining(PASSWORD);
            assertThat(smtp.messages()).isEmpty();
        }
    }

    @Test
    void startTlsIsRequiredNeverAFallBackToClearText() throws Exception {
        try (SmtpServer smtp = SmtpServer.plain().user("bot@example.com", "backup-bot", PASSWORD)) {
            Notifier n = Notifiers.notifier(dir, ENV, """
                    ops:
                      type: email
                      smtp_host: 127.0.0.1
                      smtp_port: %d
                      use_tls: true
                      username: backup-bot
                      password_env: SMTP_PASSWORD
                      from: dbbackup@example.com
                      to: ops@example.com
                      timeout: 5s
                    """.formatted(smtp.port()), "ops");
            assertThat(n.describe()).endsWith("(starttls)");
            assertThatThrownBy(() -> n.send(Notifiers.failure(), Notifiers.CLOCK)).isInstanceOf(IOException.class)
                    .hasMessageContaining("STARTTLS").hasMessageNotContaining(PASSWORD);
            assertThat(smtp.messages()).isEmpty();
        }
    }

    @Test
    void startTlsWithACheckedCertificateLogsInAndSendsOnlyInsideTls() throws Exception {
        try (SmtpServer smtp = SmtpServer.startTls().user("bot@example.com", "backup-bot", PASSWORD)) {
            Notifier n = startTlsNotifier(smtp, "ca_file: " + smtp.caPem());
            assertThat(n.describe()).isEqualTo("smtp localhost:" + smtp.port() + " (starttls)");
            n.send(Notifiers.failure(), Notifiers.CLOCK);
            MimeMessage[] mails = smtp.await(1, Duration.ofSeconds(10));
            assertThat(mails).hasSize(1);
            assertThat(mails[0].getSubject()).isEqualTo("[dbbackup] FAILED: backup job appdb on db-host-1");
            assertThat(recipients(mails[0])).isEqualTo("ops@example.com");
            assertThat(smtp.clearText()).as("in clear text only the greeting and STARTTLS; the login and the mail went inside TLS")
                    .hasSize(2).last().isEqualTo("STARTTLS");
            assertThat(smtp.clearText().get(0)).startsWith("EHLO ");
        }
    }

    @Test
    void startTlsRefusesAServerItDoesNotTrustBeforeLoggingIn() throws Exception {
        try (SmtpServer smtp = SmtpServer.startTls().user("bot@example.com", "backup-bot", PASSWORD)) {
            Notifier n = startTlsNotifier(smtp, "# no ca_file: the JDK's trust store");
            assertThatThrownBy(() -> n.send(Notifiers.success(), Notifiers.CLOCK)).isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot send mail via smtp localhost:" + smtp.port())
                    .hasMessageContaining("certification path").hasMessageNotContaining(PASSWORD);
            assertThat(smtp.messages()).isEmpty();
            assertThat(smtp.clearText()).last().isEqualTo("STARTTLS");
        }
    }

    /** An email notifier for a relay on {@code port} without TLS or a login, mailing {@code to} (a YAML list). */
    private Notifier plainNotifier(int port, String to) throws Exception {
        return plainNotifier(port, to, "dbbackup@example.com");
    }

    /** As above, from {@code from} (a YAML scalar). */
    private Notifier plainNotifier(int port, String to, String from) throws Exception {
        return Notifiers.notifier(dir, ENV, """
                ops:
                  type: email
                  smtp_host: 127.0.0.1
                  smtp_port: %d
                  use_tls: false
                  from: %s
                  to: %s
                """.formatted(port, from, to), "ops");
    }

    /** An email notifier for {@code smtp} with required STARTTLS and a login, plus {@code trust} (a config line). */
    private Notifier startTlsNotifier(SmtpServer smtp, String trust) throws Exception {
        return Notifiers.notifier(dir, ENV, """
                ops:
                  type: email
                  smtp_host: localhost
                  smtp_port: %d
                  tls: starttls
                  %s
                  username_env: SMTP_USER
                  password_env: SMTP_PASSWORD
                  from: dbbackup@example.com
                  to: ops@example.com
                  timeout: 10s
                """.formatted(smtp.port(), trust), "ops");
    }

    private static String recipients(MimeMessage m) {
        try {
            return String.join(", ", Arrays.stream(m.getAllRecipients()).map(Object::toString).toList());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
