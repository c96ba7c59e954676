package io.dbbackup.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server that takes requests and never answers them (a store whose frontend hangs before the first byte), except
 * the first {@code answered}: each gets the start of a 1,000,000-byte answer (100 bytes) and then its connection is
 * closed, so that a reader asks for the rest again (a ranged request), which then goes unanswered.
 */
public final class SilentHttpServer implements AutoCloseable {
    public static final int LENGTH = 1_000_000;
    public static final int SENT = 100;

    private final ServerSocket server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    private final AtomicInteger requests = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    public SilentHttpServer(int answered) throws IOException {
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    open.add(s);
                    s.getInputStream().read(new byte[16384]);
                    if (requests.incrementAndGet() <= answered) {
                        s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: " + LENGTH + "\r\nETag: \"e1\"\r\n\r\n"
                                + "x".repeat(SENT)).getBytes(StandardCharsets.US_ASCII));
                        s.getOutputStream().flush();
                        s.close();
                    }
                    // else: silent, the connection stays open
                } catch (IOException ignored) {
                    // closed
                }
            }
        }, "silent-http");
        t.setDaemon(true);
        t.start();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** Requests received so far. */
    public int requests() {
        return requests.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
