package io.dbbackup.notify.email;

import io.dbbackup.core.HostPort;
import io.dbbackup.core.Redactor;
import io.dbbackup.notify.SendLimit;
import io.dbbackup.spi.JobReport;
import io.dbbackup.spi.Notifier;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Address;
import jakarta.mail.SendFailedException;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Sends one plain-text mail per job report over SMTP. The server's certificate and host name are
 * always checked when TLS is on; STARTTLS is required, never a silent fall-back to clear text.
 * Connects on each send (a backup run sends a handful of mails at most).
 */
final class EmailNotifier implements Notifier {
    private final EmailSettings settings;

    EmailNotifier(EmailSettings settings) {
        this.settings = settings;
    }

    @Override
    public void send(JobReport report, java.time.Clock clock) throws IOException {
        ReportMail mail = ReportMail.of(report, settings.subjectPrefix());
        try {
            Session session = Session.getInstance(properties());
            MimeMessage msg = new MimeMessage(session);
            msg.setFrom(address(settings.from()));
            for (String to : settings.to()) {
                msg.addRecipient(Message.RecipientType.TO, address(to));
            }
            msg.setSubject(mail.subject(), StandardCharsets.UTF_8.name());
            msg.setSentDate(Date.from(clock.instant()));
            msg.setHeader("Auto-Submitted", "auto-generated");
            msg.setHeader("X-Dbbackup-Job", report.job());
            msg.setHeader("X-Dbbackup-Outcome", report.outcome().name().toLowerCase(Locale.ROOT));
            msg.setText(mail.body(), StandardCharsets.UTF_8.name());
            String login = settings.login();
            String password = settings.password() == null ? null : settings.password().reveal();
            within(() -> {
                try (Transport t = session.getTransport("smtp")) {
                    t.connect(settings.host(), settings.port(), login, password);
                    t.sendMessage(msg, msg.getAllRecipients());
                }
            });
        } catch (SendFailedException e) {
            Address[] sent = e.getValidSentAddresses();
            String why = refusals(e);
            if (sent == null || sent.length == 0) {
                throw new IOException("cannot send mail via " + describe() + ": " + why, e);
            }
            throw new IOException("mail sent to " + list(sent) + " only via " + describe() + ": " + why, e);
        } catch (MessagingException e) {
            throw new IOException("cannot send mail via " + describe() + ": " + reason(e), e);
        }
    }

    /**
     * {@code text} ("Name <a@b>" or "a@b") as an address whose display name is RFC 2047-encoded: parsed alone, a name
     * such as "Sicherung Müller" went into the From or To header as raw 8-bit bytes, which a relay without SMTPUTF8 may
     * refuse or mangle.
     */
    private static InternetAddress address(String text) throws jakarta.mail.internet.AddressException {
        InternetAddress a = new InternetAddress(text);
        if (a.getPersonal() != null) {
            try {
                a.setPersonal(a.getPersonal(), StandardCharsets.UTF_8.name());
            } catch (java.io.UnsupportedEncodingException e) {
                throw new IllegalStateException(e); // UTF-8 is always there
            }
        }
        return a;
    }

    /** The SMTP exchange; its own thread so that {@link #within} can give it up. */
    @FunctionalInterface
    private interface Exchange {
        void run() throws MessagingException;
    }

    /**
     * Runs {@code exchange} on a thread of its own and gives it up after twice the {@code timeout} ({@link SendLimit}).
     * A given-up exchange is left to its socket timeouts on a daemon thread (a blocked read cannot be interrupted); it
     * sends nothing more of ours.
     */
    private void within(Exchange exchange) throws IOException, MessagingException {
        java.util.concurrent.FutureTask<Void> task = new java.util.concurrent.FutureTask<>(() -> {
            exchange.run();
            return null;
        });
        Thread t = new Thread(task, "smtp-" + settings.name());
        t.setDaemon(true);
        t.start();
        Throwable failed = SendLimit.await(task, settings.timeout(), "cannot send mail via " + describe(), "exchange",
                "mail via " + describe() + " interrupted");
        if (failed instanceof MessagingException m) {
            throw m;
        }
        if (failed != null) {
            throw new IOException("cannot send mail via " + describe() + ": " + failed, failed);
        }
    }

    Properties properties() throws IOException {
        Properties p = new Properties();
        String timeout = String.valueOf(settings.timeout().toMillis());
        p.put("mail.smtp.host", settings.host());
        p.put("mail.smtp.port", String.valueOf(settings.port()));
        p.put("mail.smtp.connectiontimeout", timeout);
        p.put("mail.smtp.timeout", timeout);
        p.put("mail.smtp.writetimeout", timeout);
        p.put("mail.smtp.auth", String.valueOf(settings.authenticates()));
        // one address the server refuses (a deleted mailbox) must not stop the failure mail for everybody else
        p.put("mail.smtp.sendpartial", "true");
        switch (settings.tls()) {
            case STARTTLS -> {
                p.put("mail.smtp.starttls.enable", "true");
                p.put("mail.smtp.starttls.required", "true");
            }
            case IMPLICIT -> p.put("mail.smtp.ssl.enable", "true");
            case NONE -> {
            }
        }
        if (settings.tls() != TlsMode.NONE) {
            p.put("mail.smtp.ssl.checkserveridentity", "true");
            if (settings.caFile() != null) {
                p.put("mail.smtp.ssl.socketFactory", socketFactory());
            }
        }
        return p;
    }

    /** Trusts exactly the certificates in {@code ca_file} (a private CA or a self-signed server). */
    private SSLSocketFactory socketFactory() throws IOException {
        if (!Files.isReadable(settings.caFile())) {
            throw new IOException("cannot read ca_file " + settings.caFile() + (Files.exists(settings.caFile())
                    ? " (permission denied)" : " (no such file)"));
        }
        try (InputStream in = Files.newInputStream(settings.caFile())) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            if (i == 0) {
                throw new IOException(settings.caFile() + " holds no PEM certificate");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use ca_file " + settings.caFile() + ": " + e.getMessage(), e);
        }
    }

    private static String list(Address[]... lists) {
        return String.join(", ", Arrays.stream(lists).filter(Objects::nonNull)
                .flatMap(Arrays::stream).map(EmailNotifier::shown).toList());
    }

    /** {@code a} as written in the config: a display name decoded, not as its RFC 2047 form in the header. */
    private static String shown(Address a) {
        return a instanceof InternetAddress i ? i.toUnicodeString() : a.toString();
    }

    /**
     * "recipient X refused: 550 5.1.1 no such user" for each address the server refused (its own answer to RCPT TO),
     * then "not sent to Y (...)" for accepted ones the mail still did not reach, "; " between them; the exception's
     * {@link #reason} when it names no address.
     */
    static String refusals(SendFailedException e) {
        Map<String, String> answers = new HashMap<>();
        for (Exception n = e.getNextException(); n != null; n = n instanceof MessagingException m ? m.getNextException() : null) {
            if (n instanceof SMTPAddressFailedException f && f.getAddress() != null && f.getMessage() != null) {
                answers.putIfAbsent(f.getAddress().toString(), f.getMessage().strip());
            }
        }
        List<String> parts = new ArrayList<>();
        for (Address a : e.getInvalidAddresses() == null ? new Address[0] : e.getInvalidAddresses()) {
            String answer = answers.get(a.toString());
            parts.add("recipient " + shown(a) + " refused" + (answer == null || answer.isEmpty() ? "" : ": " + answer));
        }
        if (e.getValidUnsentAddresses() != null && e.getValidUnsentAddresses().length > 0) {
            parts.add("not sent to " + list(e.getValidUnsentAddresses()) + " (" + reason(e) + ")");
        }
        return parts.isEmpty() ? reason(e) : Redactor.redact(String.join("; ", parts).replace('\n', ' ').replace('\r', ' '));
    }

    /** The failure's own message and, when different, its root cause's (connection refused, TLS...). */
    static String reason(Exception e) {
        String top = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = top;
        if (root != e && root.getMessage() != null && !top.contains(root.getMessage().strip())) {
            text = top + " (" + root.getClass().getSimpleName() + ": " + root.getMessage().strip() + ")";
        }
        return Redactor.redact(text.replace('\n', ' ').replace('\r', ' '));
    }

    @Override
    public String describe() {
        String tls = switch (settings.tls()) {
            case STARTTLS -> "starttls";
            case IMPLICIT -> "tls";
            case NONE -> "no tls";
        };
        return "smtp " + HostPort.of(settings.host(), settings.port()) + " (" + tls + ")";
    }
}
