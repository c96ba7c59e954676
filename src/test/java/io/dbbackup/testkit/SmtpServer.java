package io.dbbackup.testkit;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * GreenMail as a real SMTP server on a free loopback port: plain SMTP or SMTPS (implicit TLS) with a
 * certificate for {@code localhost}/{@code 127.0.0.1} made by keytool ({@link #caPem()} is what a
 * client must trust), or plain SMTP behind a STARTTLS front with that certificate. {@link #user} adds a
 * login the server checks.
 */
public final class SmtpServer implements AutoCloseable {
    private static final String STORE_PASSWORD = "changeit";
    private static Path tlsDir;

    private final GreenMail greenMail;
    private final boolean tls;
    private StartTlsFront front;

    private SmtpServer(boolean tls) {
        this(tls, "127.0.0.1");
    }

    private SmtpServer(boolean tls, String address) {
        this.tls = tls;
        ServerSetup setup = new ServerSetup(0, address, tls ? ServerSetup.PROTOCOL_SMTPS : ServerSetup.PROTOCOL_SMTP);
        greenMail = new GreenMail(setup);
        greenMail.start();
    }

    public static SmtpServer plain() {
        return new SmtpServer(false);
    }

    /** Plain SMTP listening on the IPv6 loopback address {@code ::1} alone. */
    public static SmtpServer plainOnIpv6Loopback() {
        return new SmtpServer(false, "::1");
    }

    /** SMTPS; the keystore must be set before GreenMail's TLS factory first loads (once per JVM). */
    public static synchronized SmtpServer implicitTls() throws IOException, InterruptedException {
        keystore();
        return new SmtpServer(true);
    }

    /**
     * Plain GreenMail behind a {@link StartTlsFront}: clients must STARTTLS (with the certificate of
     * {@link #caPem()}) before anything but EHLO; the mail itself is GreenMail's to take.
     */
    public static synchronized SmtpServer startTls() throws IOException, InterruptedException {
        Path ks = keystore();
        SmtpServer s = new SmtpServer(false);
        try {
            s.front = new StartTlsFront(s.greenMail.getSmtp().getPort(), ks, STORE_PASSWORD);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private static Path keystore() throws IOException, InterruptedException {
        if (tlsDir == null) {
            tlsDir = Files.createTempDirectory("greenmail-tls");
            Path ks = tlsDir.resolve("server.p12");
            run(List.of("keytool", "-genkeypair", "-keystore", ks.toString(), "-storetype", "PKCS12",
                    "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD, "-alias", "greenmail", "-keyalg", "RSA",
                    "-keysize", "2048", "-validity", "2", "-dname", "CN=localhost",
                    "-ext", "SAN=dns:localhost,ip:127.0.0.1"));
            run(List.of("keytool", "-exportcert", "-rfc", "-keystore", ks.toString(), "-storepass", STORE_PASSWORD,
                    "-alias", "greenmail", "-file", tlsDir.resolve("ca.pem").toString()));
            System.setProperty("greenmail.tls.keystore.file", ks.toString());
            System.setProperty("greenmail.tls.keystore.password", STORE_PASSWORD);
            System.setProperty("greenmail.tls.key.password", STORE_PASSWORD);
        }
        return tlsDir.resolve("server.p12");
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    /** What clients sent before STARTTLS ({@link #startTls()} only): never a login, never mail. */
    public List<String> clearText() {
        return front.clearText();
    }

    /** The PEM certificate a client must trust for {@link #implicitTls()} and {@link #startTls()}. */
    public Path caPem() {
        return tlsDir.resolve("ca.pem");
    }

    public SmtpServer user(String email, String login, String password) {
        greenMail.setUser(email, login, password);
        return this;
    }

    /**
     * The YAML of an email notifier {@code name} under {@code notifications:} (indented for it) that mails
     * ops@example.com through SMTP on {@code port} without TLS or login: this server's port, or one where nothing
     * listens.
     */
    public static String notifierYaml(String name, int port) {
        return """
                  %s:
                    type: email
                    smtp_host: 127.0.0.1
                    smtp_port: %d
                    tls: none
                    from: dbbackup@example.com
                    to: ops@example.com
                    timeout: 5s
                """.formatted(name, port);
    }

    public int port() {
        if (front != null) {
            return front.port();
        }
        return tls ? greenMail.getSmtps().getPort() : greenMail.getSmtp().getPort();
    }

    public MimeMessage[] messages() {
        return greenMail.getReceivedMessages();
    }

    /** Waits until at least {@code count} messages arrived; returns them all. */
    public MimeMessage[] await(int count, Duration wait) {
        greenMail.waitForIncomingEmail(wait.toMillis(), count);
        return messages();
    }

    @Override
    public void close() {
        if (front != null) {
            try {
                front.close();
            } catch (IOException ignored) {
                // stopping anyway
            }
        }
        greenMail.stop();
    }
}
