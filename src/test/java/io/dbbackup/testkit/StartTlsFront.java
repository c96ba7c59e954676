package io.dbbackup.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * STARTTLS in front of a plain GreenMail SMTP server, which has no STARTTLS of its own (greenmail#135).
 * The clear-text start of a session (greeting, EHLO, STARTTLS; anything else is refused with 530) is
 * answered here and recorded ({@link #clearText()}); after the TLS handshake, with the keystore's
 * certificate, the session is relayed byte for byte to a fresh connection to GreenMail (whose greeting is
 * consumed, as the client sends EHLO again at once), so every command after STARTTLS is GreenMail's to
 * answer: EHLO, AUTH, MAIL, RCPT, DATA, QUIT.
 */
final class StartTlsFront implements AutoCloseable {
    private final ServerSocket server;
    private final int backendPort;
    private final SSLContext tls;
    private final List<String> clearText = Collections.synchronizedList(new ArrayList<>());
    private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());

    StartTlsFront(int backendPort, Path keystore, String password) throws IOException {
        this.backendPort = backendPort;
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = java.nio.file.Files.newInputStream(keystore)) {
                ks.load(in, password.toCharArray());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password.toCharArray());
            tls = SSLContext.getInstance("TLS");
            tls.init(kmf.getKeyManagers(), null, null);
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "starttls-front");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** The commands clients sent before TLS began, in order. */
    List<String> clearText() {
        synchronized (clearText) {
            return List.copyOf(clearText);
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                Thread t = new Thread(() -> session(s), "starttls-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void session(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            reply(out, "220 localhost ESMTP (STARTTLS front)");
            while (true) {
                String line = readLine(in);
                if (line == null) {
                    return;
                }
                clearText.add(line);
                String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
                switch (verb) {
                    case "EHLO" -> reply(out, "250-localhost\r\n250-8BITMIME\r\n250 STARTTLS");
                    case "HELO" -> reply(out, "250 localhost");
                    case "QUIT" -> {
                        reply(out, "221 bye");
                        return;
                    }
                    case "STARTTLS" -> {
                        reply(out, "220 2.0.0 Ready to start TLS");
                        relay(client);
                        return;
                    }
                    default -> reply(out, "530 5.7.0 Must issue a STARTTLS command first");
                }
            }
        } catch (IOException e) {
            // the client went away or failed the handshake (a client that does not trust the certificate)
        }
    }

    private void relay(Socket client) throws IOException {
        SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(client, "localhost", client.getPort(), true);
        secure.setUseClientMode(false);
        secure.startHandshake();
        try (secure; Socket backend = new Socket(InetAddress.getLoopbackAddress(), backendPort)) {
            sockets.add(backend);
            InputStream fromBackend = backend.getInputStream();
            String greeting = readLine(fromBackend);
            if (greeting == null || !greeting.startsWith("220")) {
                throw new IOException("GreenMail greeted with " + greeting);
            }
            Thread up = new Thread(() -> pump(secure, backend), "starttls-up");
            up.setDaemon(true);
            up.start();
            pump(backend, secure);
        }
    }

    private static void pump(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException e) {
            // one side closed
        } finally {
            try {
                to.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** One CRLF-terminated line, byte by byte so that nothing after it is consumed; null at end of stream. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                String s = line.toString(StandardCharsets.US_ASCII);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(b);
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (sockets) {
            for (Socket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }
    }
}
