package io.dbbackup.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A middlebox (a NAT, a firewall, a load balancer) that drops a TCP connection on which no byte went either way for
 * {@code idleMillis}: both sides' sockets are closed, as the client sees a forgotten connection on its next packet.
 */
public final class IdleDroppingRelay implements AutoCloseable {
    private final ServerSocket server;
    private final AtomicInteger dropped = new AtomicInteger();

    public IdleDroppingRelay(URI target, long idleMillis) throws IOException {
        server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket upstream = new Socket();
                    upstream.connect(new InetSocketAddress(target.getHost(), target.getPort()));
                    AtomicLong last = new AtomicLong(System.nanoTime());
                    pump(client.getInputStream(), upstream.getOutputStream(), last, client, upstream);
                    pump(upstream.getInputStream(), client.getOutputStream(), last, client, upstream);
                    Thread watch = new Thread(() -> {
                        while (!client.isClosed()) {
                            if (System.nanoTime() - last.get() > idleMillis * 1_000_000) {
                                dropped.incrementAndGet();
                                closeQuietly(client);
                                closeQuietly(upstream);
                                return;
                            }
                            try {
                                Thread.sleep(50);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    }, "IdleDroppingRelay-watch");
                    watch.setDaemon(true);
                    watch.start();
                } catch (IOException e) {
                    // closed
                }
            }
        }, "IdleDroppingRelay");
        accept.setDaemon(true);
        accept.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** How many connections it dropped for being idle. */
    public int dropped() {
        return dropped.get();
    }

    private static void pump(InputStream in, OutputStream out, AtomicLong last, Socket a, Socket b) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try (a; b) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    last.set(System.nanoTime());
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed
            }
        }, "IdleDroppingRelay-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
