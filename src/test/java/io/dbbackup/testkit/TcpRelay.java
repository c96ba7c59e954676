package io.dbbackup.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay between a real client and a real server on loopback, through which a subclass injects a network's
 * fault: each chunk read from one side may be changed, cut short or end the connection before it goes to the other.
 */
public abstract class TcpRelay implements AutoCloseable {
    private final ServerSocket server;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicInteger droppedIdle = new AtomicInteger();

    protected TcpRelay(URI target) throws IOException {
        this(target, 0);
    }

    /**
     * {@code idleMillis} above 0: also a middlebox (a NAT, a firewall, a load balancer) that drops a connection on which
     * no byte went either way for that long, closing both sides' sockets, as the client sees a forgotten connection on
     * its next packet.
     */
    protected TcpRelay(URI target, long idleMillis) throws IOException {
        server = freshPort();
        Thread accept = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket upstream = new Socket();
                    upstream.connect(new InetSocketAddress(target.getHost(), target.getPort()));
                    AtomicLong last = new AtomicLong(System.nanoTime());
                    pump(client.getInputStream(), upstream.getOutputStream(), true, client, upstream, last);
                    pump(upstream.getInputStream(), client.getOutputStream(), false, client, upstream, last);
                    if (idleMillis > 0) {
                        dropWhenIdle(client, upstream, last, idleMillis);
                    }
                } catch (IOException e) {
                    // closed
                }
            }
        }, getClass().getSimpleName());
        accept.setDaemon(true);
        accept.start();
    }

    /** Every port a relay of this JVM listened on: {@link #freshPort}. */
    private static final java.util.Set<Integer> USED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A listening socket on a loopback port no relay of this JVM had before. Closing a relay stops new connections, not
     * the open ones, and the JDK keeps a client's idle HTTP connections for reuse by host and port: a relay given an
     * earlier one's port answered its client over the earlier relay's connection, still open to the real server, after
     * it was closed (S3StoreIT's "service stops answering" read the rest from it and did not fail).
     */
    private static ServerSocket freshPort() throws IOException {
        java.util.List<ServerSocket> seen = new java.util.ArrayList<>();
        try {
            while (true) {
                ServerSocket s = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
                if (USED.add(s.getLocalPort())) {
                    return s;
                }
                seen.add(s); // held open until a fresh one is found, so the same port is not handed out again
            }
        } finally {
            for (ServerSocket s : seen) {
                s.close();
            }
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** How many connections it dropped for being idle. */
    public int droppedIdle() {
        return droppedIdle.get();
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

    private void dropWhenIdle(Socket client, Socket upstream, AtomicLong last, long idleMillis) {
        Thread watch = new Thread(() -> {
            while (!client.isClosed()) {
                if (System.nanoTime() - last.get() > idleMillis * 1_000_000) {
                    droppedIdle.incrementAndGet();
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
        }, getClass().getSimpleName() + "-watch");
        watch.setDaemon(true);
        watch.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    private void pump(InputStream in, OutputStream out, boolean toServer, Socket a, Socket b, AtomicLong last) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            long seen = 0;
            try (a; b) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    last.set(System.nanoTime());
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
