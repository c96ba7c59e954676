package io.dbbackup.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;

/**
 * A TCP relay between a real client and a real server on loopback, through which a subclass injects a network's
 * fault: each chunk read from one side may be changed, cut short or end the connection before it goes to the other.
 */
public abstract class TcpRelay implements AutoCloseable {
    private final ServerSocket server;
    private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);

    protected TcpRelay(URI target) throws IOException {
        server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket upstream = new Socket();
                    upstream.connect(new InetSocketAddress(target.getHost(), target.getPort()));
                    pump(client.getInputStream(), upstream.getOutputStream(), true, client, upstream);
                    pump(upstream.getInputStream(), client.getOutputStream(), false, client, upstream);
                } catch (IOException e) {
                    // closed
                }
            }
        }, getClass().getSimpleName());
        accept.setDaemon(true);
        accept.start();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /**
     * How many of the {@code n} bytes in {@code buf} (bytes {@code seen} on of this connection's direction) go on;
     * fewer than {@code n} then ends the connection. {@code toServer}: the client's request, else the server's answer.
     */
    protected abstract int pass(boolean toServer, byte[] buf, int n, long seen);

    /**
     * For {@link #pass}: holds the calling connection silent — it neither reads on nor forwards, and nothing is closed —
     * until the relay is closed (a black-holed path), then returns 0, which ends that connection.
     */
    protected final int silenceUntilClosed() {
        try {
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private void pump(InputStream in, OutputStream out, boolean toServer, Socket a, Socket b) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            long seen = 0;
            try (a; b) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    int pass = pass(toServer, buf, n, seen);
                    out.write(buf, 0, pass);
                    out.flush();
                    if (pass < n) {
                        return; // closes both sockets
                    }
                    seen += n;
                }
            } catch (IOException e) {
                // one side closed
            }
        }, getClass().getSimpleName() + "-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        closed.countDown();
        server.close();
    }
}
