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

/**
 * A TCP relay to a real server that drops the connection once {@code cutAfter} bytes of an answer went back to the
 * client, on the first {@code times} connections that carry that many: a network that breaks mid-download (a NAT
 * timeout, a load balancer restart), injected between a real client and a real server.
 */
public final class CuttingRelay implements AutoCloseable {
    private final ServerSocket server;
    private final AtomicInteger cut = new AtomicInteger();
    private final int times;

    public CuttingRelay(URI target, long cutAfter, int times) throws IOException {
        this.times = times;
        server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket upstream = new Socket();
                    upstream.connect(new InetSocketAddress(target.getHost(), target.getPort()));
                    pump(client.getInputStream(), upstream.getOutputStream(), -1, client, upstream);
                    pump(upstream.getInputStream(), client.getOutputStream(), cutAfter, client, upstream);
                } catch (IOException e) {
                    // closed
                }
            }
        }, "cutting-relay");
        accept.setDaemon(true);
        accept.start();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** How many connections were dropped so far. */
    public int cut() {
        return Math.min(cut.get(), times);
    }

    private void pump(InputStream in, OutputStream out, long cutAfter, Socket a, Socket b) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            long seen = 0;
            try (a; b) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    if (cutAfter >= 0 && seen + n > cutAfter && cut.get() < times) {
                        out.write(buf, 0, (int) Math.max(0, cutAfter - seen));
                        out.flush();
                        cut.incrementAndGet();
                        return; // closes both sockets
                    }
                    seen += n;
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed
            }
        }, "cutting-relay-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
