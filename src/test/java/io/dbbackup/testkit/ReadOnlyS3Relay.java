package io.dbbackup.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An S3 key that may only read, in front of a real S3 service (s3proxy has no policies): GET and HEAD requests go
 * through to the server, every PUT, POST and DELETE is answered {@code 403 AccessDenied} as AWS answers a key without
 * s3:PutObject or s3:DeleteObject, and recorded ({@link #refused}). One request per connection ({@code Connection:
 * close} both ways). A fault injected at the HTTP level, the only mock of this kind in the tests.
 */
public final class ReadOnlyS3Relay implements AutoCloseable {
    private static final byte[] DENIED = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code>"
            + "<Message>Access Denied</Message></Error>").getBytes(StandardCharsets.UTF_8);

    private final URI upstream;
    private final ServerSocket server;
    private final List<String> refused = new CopyOnWriteArrayList<>();
    private final List<String> passed = new CopyOnWriteArrayList<>();

    /** Which requests ({@code METHOD /bucket/key}, without the query) are refused; the others go through (their head
     * only: a request with a body, a PUT, is for a relay that refuses it). */
    private final java.util.function.Predicate<String> refuse;
    private final String status;
    private final byte[] body;

    public ReadOnlyS3Relay(URI upstream) throws IOException {
        this(upstream, l -> !(l.startsWith("GET ") || l.startsWith("HEAD ")), "403 Forbidden", DENIED);
    }

    /**
     * A relay that answers the requests {@code refuse} matches ({@code METHOD /bucket/key}) with {@code status} (e.g.
     * {@code 403 Forbidden}) and the S3 error {@code code} and {@code message}, as a service whose Object Lock refuses a
     * delete does; every other request goes through.
     */
    public static ReadOnlyS3Relay refusing(URI upstream, java.util.function.Predicate<String> refuse, String status,
                                           String code, String message) throws IOException {
        return new ReadOnlyS3Relay(upstream, refuse, status, ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>"
                + code + "</Code><Message>" + message + "</Message></Error>").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A relay that answers the requests {@code refuse} matches ({@code METHOD /account/container/blob}) as the Azure Blob
     * service answers the delete of a blob an immutability policy or legal hold holds: {@code 409 Conflict}, the error
     * {@code code} in {@code x-ms-error-code} and the body, with Azure's {@code message}, request id and time lines.
     */
    public static ReadOnlyS3Relay azureRefusing(URI upstream, java.util.function.Predicate<String> refuse, String code,
                                                String message) throws IOException {
        String id = java.util.UUID.randomUUID().toString();
        String time = java.time.Instant.now().toString().replaceFirst("Z$", "0000Z");
        ReadOnlyS3Relay relay = new ReadOnlyS3Relay(upstream, refuse, "409 Conflict", ("\uFEFF<?xml version=\"1.0\" "
                + "encoding=\"utf-8\"?><Error><Code>" + code + "</Code><Message>" + message + "\nRequestId:" + id
                + "\nTime:" + time + "</Message></Error>").getBytes(StandardCharsets.UTF_8));
        relay.refusalHeaders = "Server: Windows-Azure-Blob/1.0 Microsoft-HTTPAPI/2.0\r\nx-ms-request-id: " + id
                + "\r\nx-ms-version: 2021-08-06\r\nx-ms-error-code: " + code + "\r\n";
        return relay;
    }

    /** Adds {@code header} ({@code Name: value}) to the answers to the passed requests {@code on} matches. */
    public ReadOnlyS3Relay answerHeader(java.util.function.Predicate<String> on, String header) {
        this.annotate = on;
        this.answerHeader = header;
        return this;
    }

    private volatile String refusalHeaders = "";
    private volatile java.util.function.Predicate<String> annotate = l -> false;
    private volatile String answerHeader = "";

    private ReadOnlyS3Relay(URI upstream, java.util.function.Predicate<String> refuse, String status, byte[] body)
            throws IOException {
        this.refuse = refuse;
        this.status = status;
        this.body = body;
        this.upstream = upstream;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "read-only-s3-relay");
        accept.setDaemon(true);
        accept.start();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** The request lines ({@code PUT /bucket/key}) refused so far. */
    public List<String> refused() {
        return List.copyOf(refused);
    }

    /** The request lines passed to the server so far. */
    public List<String> passed() {
        return List.copyOf(passed);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread t = new Thread(() -> serve(client), "read-only-s3-relay-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            String head = readHead(in);
            if (head == null) {
                return;
            }
            String requestLine = head.substring(0, head.indexOf("\r\n"));
            String method = requestLine.substring(0, requestLine.indexOf(' '));
            String target = requestLine.split(" ")[1];
            String line = method + " " + target.replaceFirst("\\?.*", "");
            if (!refuse.test(line)) {
                passed.add(line);
                forward(head, client, annotate.test(line) ? answerHeader + "\r\n" : "");
                return;
            }
            refused.add(line);
            if (!header(head, "expect").equalsIgnoreCase("100-continue")) {
                skipBody(head, in);
            }
            OutputStream out = client.getOutputStream();
            out.write(("HTTP/1.1 " + status + "\r\nContent-Type: application/xml\r\nContent-Length: " + body.length
                    + "\r\n" + refusalHeaders + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
        } catch (IOException e) {
            // the client went away
        }
    }

    private void forward(String head, Socket client, String extra) throws IOException {
        try (Socket up = new Socket(upstream.getHost(), upstream.getPort())) {
            OutputStream upOut = up.getOutputStream();
            upOut.write(withConnectionClose(head).getBytes(StandardCharsets.ISO_8859_1));
            upOut.flush();
            InputStream upIn = up.getInputStream();
            String answer = readHead(upIn);
            if (answer == null) {
                return;
            }
            OutputStream out = client.getOutputStream();
            String closing = withConnectionClose(answer);
            out.write((closing.substring(0, closing.length() - 2) + extra + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            upIn.transferTo(out);
            out.flush();
        }
    }

    /** The head with any Connection header replaced by {@code Connection: close}. */
    private static String withConnectionClose(String head) {
        StringBuilder b = new StringBuilder();
        for (String l : head.split("\r\n")) {
            if (!l.toLowerCase(Locale.ROOT).startsWith("connection:")) {
                b.append(l).append("\r\n");
            }
        }
        return b.append("Connection: close\r\n\r\n").toString();
    }

    private static String header(String head, String name) {
        for (String l : head.split("\r\n")) {
            int colon = l.indexOf(':');
            if (colon > 0 && l.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return l.substring(colon + 1).trim();
            }
        }
        return "";
    }

    private static void skipBody(String head, InputStream in) throws IOException {
        if (header(head, "transfer-encoding").equalsIgnoreCase("chunked")) {
            while (true) {
                String size = readLine(in);
                long n = Long.parseLong(size.split(";")[0].trim(), 16);
                in.skipNBytes(n);
                readLine(in);
                if (n == 0) {
                    return;
                }
            }
        }
        String length = header(head, "content-length");
        if (!length.isEmpty()) {
            in.skipNBytes(Long.parseLong(length));
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** Bytes up to and without the blank line that ends an HTTP head; null at end of stream. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) ? state + 1 : (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            if (state == 4) {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.substring(0, s.length() - 2); // keep the last header's CRLF
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
