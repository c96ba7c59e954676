package io.dbbackup.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP port on loopback that accepts every connection and never writes a byte (a black-holed port behind a load balancer,
 * a service that is no database or SSH server, a hung daemon): what a client sent is read and dropped; connections stay
 * open until {@link #close}.
 */
public final class SilentServer implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();

    public SilentServer() throws IOException {
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    open.add(s);
                    accepted.incrementAndGet();
                    Thread drain = new Thread(() -> {
                        byte[] b = new byte[8192];
                        try {
                            while (s.getInputStream().read(b) >= 0) {
                                // dropped
                            }
                        } catch (IOException ignored) {
                            // closed
                        }
                    }, "silent-drain");
                    drain.setDaemon(true);
                    drain.start();
                } catch (IOException ignored) {
                    // closed
                }
            }
        }, "silent-server");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
