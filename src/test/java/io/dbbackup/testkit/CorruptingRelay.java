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
 * A TCP relay to a real server that flips one bit of what the client sends, at byte {@code offset} of the first
 * {@code times} connections that carry that many bytes (past any request's headers, inside a large body): the
 * fault of a bad NIC or a broken middlebox, injected between a real client and a real server.
 */
public final class CorruptingRelay implements AutoCloseable {
    private final ServerSocket server;
    private final AtomicInteger flipped = new AtomicInteger();
    private final int times;

    public CorruptingRelay(URI target, long offset, int times) throws IOException {
        this.times = times;
        server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket upstream = new Socket();
                    upstream.connect(new InetSocketAddress(target.getHost(), target.getPort()));
                    pump(client.getInputStream(), upstream.getOutputStream(), offset, client, upstream);
                    pump(upstream.getInputStream(), client.getOutputStream(), -1, client, upstream);
                } catch (IOException e) {
                    // closed
                }
            }
        }, "corrupting-relay");
        accept.setDaemon(true);
        accept.start();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** How many bits were flipped so far. */
    public int flipped() {
        return Math.min(flipped.get(), times);
    }

    private void pump(InputStream in, OutputStream out, long flipAt, Socket a, Socket b) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            long seen = 0;
            try (a; b) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    if (flipAt >= seen && flipAt < seen + n && flipped.getAndIncrement() < times) {
                        buf[(int) (flipAt - seen)] ^= 0x01;
                    }
                    seen += n;
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed
            }
        }, "corrupting-relay-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
