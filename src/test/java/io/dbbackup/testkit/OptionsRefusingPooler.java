package io.dbbackup.testkit;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for PgBouncer's one refusal that matters to the client programs: a session whose start-up packet carries
 * the {@code options} parameter (libpq's {@code PGOPTIONS}) is answered with PgBouncer's own
 * {@code FATAL: unsupported startup parameter: options} and closed; any other session is relayed to the real server.
 */
public final class OptionsRefusingPooler implements AutoCloseable {
    private static final int SSL_REQUEST = 80877103;
    private static final int GSS_REQUEST = 80877104;
    private final ServerSocket server;
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger relayed = new AtomicInteger();

    public OptionsRefusingPooler(int serverPort) throws IOException {
        server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Thread t = new Thread(() -> serve(client, serverPort), "pooler-session");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    // closed
                }
            }
        }, "pooler-accept");
        accept.setDaemon(true);
        accept.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Sessions refused for their {@code options}. */
    public int refused() {
        return refused.get();
    }

    /** Sessions relayed to the server. */
    public int relayed() {
        return relayed.get();
    }

    private void serve(Socket client, int serverPort) {
        try (client) {
            DataInputStream in = new DataInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            byte[] packet;
            while (true) {
                int length = in.readInt();
                packet = new byte[length - 4];
                in.readFully(packet);
                int code = ((packet[0] & 0xff) << 24) | ((packet[1] & 0xff) << 16) | ((packet[2] & 0xff) << 8) | (packet[3] & 0xff);
                if (code != SSL_REQUEST && code != GSS_REQUEST) {
                    break;
                }
                out.write('N');
                out.flush();
            }
            if (parameterNames(packet).contains("\0options\0")) {
                refused.incrementAndGet();
                out.write(error("unsupported startup parameter: options"));
                out.flush();
                return;
            }
            relayed.incrementAndGet();
            try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), serverPort)) {
                DataOutputStream up = new DataOutputStream(upstream.getOutputStream());
                up.writeInt(packet.length + 4);
                up.write(packet);
                up.flush();
                Thread back = new Thread(() -> copy(upstream, client), "pooler-answers");
                back.setDaemon(true);
                back.start();
                copy(client, upstream);
                back.join();
            }
        } catch (IOException | InterruptedException e) {
            // the session ended
        }
    }

    /** The start-up packet's keys and values, each between NULs. */
    private static String parameterNames(byte[] packet) {
        return "\0" + new String(packet, 4, packet.length - 4, StandardCharsets.UTF_8);
    }

    private static void copy(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // one side closed
        }
    }

    private static byte[] error(String message) throws IOException {
        ByteArrayOutputStream fields = new ByteArrayOutputStream();
        for (String f : new String[] {"SFATAL", "VFATAL", "C08P01", "M" + message}) {
            fields.write(f.getBytes(StandardCharsets.UTF_8));
            fields.write(0);
        }
        fields.write(0);
        ByteArrayOutputStream msg = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(msg);
        d.writeByte('E');
        d.writeInt(fields.size() + 4);
        fields.writeTo(d);
        return msg.toByteArray();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
