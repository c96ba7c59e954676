package io.dbbackup.engine.postgres;

import io.dbbackup.core.HostPort;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A physical replication connection ({@code replication=true}) spoken directly in PostgreSQL's
 * frontend/backend protocol 3.0: start-up, authentication ({@link PgAuth}), simple queries and the
 * CopyOut stream of {@code BASE_BACKUP}. Only what a base backup needs; no extended protocol.
 */
final class ReplicationConnection implements AutoCloseable {
    private static final int PROTOCOL_3_0 = 196608;
    private static final int SSL_REQUEST = 80877103;

    /** The socket or Unix-domain channel: closing it ends the connection (and any read blocked on it). */
    private final java.io.Closeable transport;
    private volatile boolean closed;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final Map<String, String> parameters = new LinkedHashMap<>();
    private final List<String> notices = new ArrayList<>();
    private PgVersion version;
    /** Whether the server sent a message yet (a start-up that times out before it did met a server that never answers). */
    private boolean heard;
    /** CopyData bytes received so far (said when the server goes away midway). */
    private long copied;

    private ReplicationConnection(java.io.Closeable transport, DataInputStream in, DataOutputStream out) {
        this.transport = transport;
        this.in = in;
        this.out = out;
    }

    /**
     * Connects, negotiates TLS as {@code tls} says and authenticates as {@code user}. A {@code host} that is a
     * folder (starts with '/') is where the server's Unix-domain socket {@code .s.PGSQL.<port>} lives, as in
     * libpq; TLS is never used there, as in libpq.
     */
    static ReplicationConnection open(String host, int port, String user, PgAuth auth, PgTls tls, Duration connectTimeout)
            throws IOException {
        return open(host, port, new String[] {"user", user, "replication", "true"}, auth, tls, connectTimeout);
    }

    /**
     * Logs in as {@code user} to {@code database} (an ordinary connection, not a replication one) and closes again: the
     * server's refusal is thrown as it sent it ({@link PgServerError}, with its SQLSTATE whatever its {@code lc_messages}),
     * which libpq's tools do not show.
     */
    static void login(String host, int port, String user, String database, PgAuth auth, PgTls tls, Duration connectTimeout)
            throws IOException {
        open(host, port, new String[] {"user", user, "database", database}, auth, tls, connectTimeout).close();
    }

    private static ReplicationConnection open(String host, int port, String[] startup, PgAuth auth, PgTls tls,
            Duration connectTimeout) throws IOException {
        if (host.startsWith("/")) {
            return openUnix(Path.of(host, ".s.PGSQL." + port), startup, auth);
        }
        Socket socket = connect(host, port, connectTimeout);
        boolean answered = false;
        ReplicationConnection c = null;
        try {
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
            if (tls.attempt()) {
                DataOutputStream o = new DataOutputStream(socket.getOutputStream());
                o.writeInt(8);
                o.writeInt(SSL_REQUEST);
                o.flush();
                int answer = socket.getInputStream().read();
                answered = true;
                if (answer == 'S') {
                    socket = tls.wrap(socket, host, port);
                } else if (answer == 'N') {
                    tls.refused(host, port);
                } else {
                    throw new IOException("PostgreSQL at " + HostPort.of(host, port) + " answered the TLS request with " + answer);
                }
            }
            c = new ReplicationConnection(socket,
                    new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 17)),
                    new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 8192)));
            c.startup(startup, auth);
            socket.setSoTimeout(0);
            return c;
        } catch (java.net.SocketTimeoutException e) {
            socket.close();
            if (answered || c != null && c.heard) {
                throw e;
            }
            throw new AddressNotReached(SilentServer.words(host, port, connectTimeout), e);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static ReplicationConnection openUnix(Path socketFile, String[] startup, PgAuth auth) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            try {
                ch.connect(UnixDomainSocketAddress.of(socketFile));
            } catch (IOException e) {
                throw new AddressNotReached("could not connect to server on socket \"" + socketFile + "\": " + e.getMessage(), e);
            }
            ReplicationConnection c = new ReplicationConnection(ch,
                    new DataInputStream(new BufferedInputStream(Channels.newInputStream(ch), 1 << 17)),
                    new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(ch), 8192)));
            c.startup(startup, auth);
            return c;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Tries every address of {@code host} in turn, as libpq does (localhost may be ::1 first and 127.0.0.1 next). */
    private static Socket connect(String host, int port, Duration timeout) throws IOException {
        IOException last = null;
        for (InetAddress address : InetAddress.getAllByName(host)) {
            Socket socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                socket.setKeepAlive(true); // as libpq (keepalives=1): a spread checkpoint can keep the line quiet for minutes
                socket.setReceiveBufferSize(1 << 20);
                socket.connect(new InetSocketAddress(address, port), (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
                return socket;
            } catch (IOException e) {
                socket.close();
                if (last != null) {
                    e.addSuppressed(last);
                }
                last = e;
            }
        }
        throw last != null ? new AddressNotReached(last.getMessage(), last) : new IOException("no address for " + host);
    }

    /**
     * Nothing answered at the address: the connection was refused, timed out, or found no route or no socket file; the
     * message is the system's words ({@code Connection refused}), the cause what the socket threw.
     */
    static final class AddressNotReached extends IOException {
        // also a port that took the connection and sent nothing within the connect timeout (SilentServer.words)
        AddressNotReached(String message, IOException cause) {
            super(message, cause);
        }
    }

    private void startup(String[] startup, PgAuth auth) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream b = new DataOutputStream(body);
        b.writeInt(PROTOCOL_3_0);
        List<String> params = new ArrayList<>(List.of(startup));
        // UTF8: the server's messages (and the role's error texts) arrive in the encoding they are read in
        params.addAll(List.of("application_name", "dbbackup", "client_encoding", "UTF8"));
        for (String s : params) {
            b.write(s.getBytes(StandardCharsets.UTF_8));
            b.write(0);
        }
        b.write(0);
        out.writeInt(body.size() + 4);
        body.writeTo(out);
        out.flush();
        while (true) {
            Message m = next();
            switch (m.type) {
                case 'R' -> {
                    byte[] reply = auth.answer(m.body);
                    if (reply != null) {
                        send('p', reply);
                    }
                }
                case 'K' -> {
                    // BackendKeyData: a base backup is stopped by closing the socket, not by a cancel request
                }
                case 'Z' -> {
                    return;
                }
                default -> throw new IOException("unexpected message '" + (char) m.type + "' while connecting");
            }
        }
    }

    /** A run-time parameter the server reported at start-up ({@code server_version}, ...), or null. */
    String parameter(String name) {
        return parameters.get(name);
    }

    /** The server's version: the number asked once (SHOW works on a replication connection since PostgreSQL 10). */
    PgVersion serverVersion() throws IOException {
        if (version == null) {
            String text = parameter("server_version");
            version = PgVersion.ofServer(Integer.parseInt(queryRow("SHOW server_version_num").get(0).strip()),
                    text == null ? "?" : text.strip().split("\\s")[0]);
        }
        return version;
    }

    /** The notices (warnings) the server sent so far, as "SEVERITY: message". */
    List<String> notices() {
        return notices;
    }

    /** Runs a command that answers with one row; its columns as text (null for SQL NULL). */
    List<String> queryRow(String sql) throws IOException {
        query(sql);
        List<String> row = null;
        while (true) {
            Message m = next();
            switch (m.type) {
                case 'D' -> {
                    if (row == null) {
                        row = dataRow(m.body);
                    }
                }
                case 'T', 'C', 'I' -> {
                    // row description, command complete, empty query
                }
                case 'Z' -> {
                    if (row == null) {
                        throw new IOException("'" + sql + "' returned no row");
                    }
                    return row;
                }
                default -> throw new IOException("unexpected message '" + (char) m.type + "' after " + sql);
            }
        }
    }

    /** The CopyData payloads of a COPY OUT answer, handed to {@code sink} in order. */
    interface CopySink {
        void copyData(byte[] buf, int len) throws IOException;
    }

    /**
     * Sends {@code sql} and passes every CopyData message of its answer to {@code sink} (the buffer is
     * reused: copy what you keep); the result rows around the COPY (BASE_BACKUP's positions) are not kept.
     */
    void copyOut(String sql, CopySink sink) throws IOException {
        try {
            query(sql);
            byte[] buf = new byte[1 << 16];
            while (true) {
                int type = in.readUnsignedByte();
                int len = length();
                if (type == 'd') {
                    if (len > buf.length) {
                        buf = new byte[Math.max(len, buf.length * 2)];
                    }
                    in.readFully(buf, 0, len);
                    copied += len;
                    sink.copyData(buf, len);
                    continue;
                }
                Message m = finish(type, len);
                if (m == null) {
                    continue;
                }
                switch (m.type) {
                    case 'T', 'D', 'C', 'H', 'c' -> {
                        // the positions' rows, command complete, copy out response, copy done
                    }
                    case 'Z' -> {
                        return;
                    }
                    default -> throw new IOException("unexpected message '" + (char) m.type + "' during " + sql);
                }
            }
        } catch (EOFException e) {
            throw new IOException("PostgreSQL closed the replication connection before the end of its answer (after "
                    + copied + " bytes; the server's log says why)", e);
        }
    }

    private void query(String sql) throws IOException {
        byte[] q = sql.getBytes(StandardCharsets.UTF_8);
        byte[] body = java.util.Arrays.copyOf(q, q.length + 1);
        send('Q', body);
    }

    /** One frontend message: type, length, body. */
    private void send(char type, byte[] body) throws IOException {
        out.writeByte(type);
        out.writeInt(body.length + 4);
        out.write(body);
        out.flush();
    }

    /** A message's body length, checked: the replication protocol sends nothing near 64 MiB in one message. */
    private int length() throws IOException {
        int len = in.readInt() - 4;
        if (len < 0 || len > (1 << 26)) {
            throw new IOException("PostgreSQL sent a message of length " + len + ": not the replication protocol");
        }
        return len;
    }

    private record Message(int type, byte[] body) {
    }

    /** The next message that is not a notice or an asynchronous report; an ErrorResponse throws. */
    private Message next() throws IOException {
        while (true) {
            int type = in.readUnsignedByte();
            heard = true;
            Message m = finish(type, length());
            if (m != null) {
                return m;
            }
        }
    }

    /**
     * Reads the body of a message whose type and length were read; null for what may come at any time: a
     * notice (kept), a notification, a setting's value (kept: start-up reports them all, later ones changes).
     */
    private Message finish(int type, int len) throws IOException {
        byte[] body = new byte[len];
        in.readFully(body);
        if (type == 'E') {
            throw PgServerError.of(body);
        }
        if (type == 'N') {
            PgServerError notice = PgServerError.of(body);
            notices.add(notice.severity() + ": " + notice.getMessage());
            return null;
        }
        if (type == 'S') {
            // a reported setting: at start-up, or changed later (e.g. by a configuration reload); kept, not an answer
            String[] kv = cstrings(body);
            if (kv.length >= 2) {
                parameters.put(kv[0], kv[1]);
            }
            return null;
        }
        return type == 'A' ? null : new Message(type, body);
    }

    private static List<String> dataRow(byte[] body) {
        ByteBuffer b = ByteBuffer.wrap(body);
        int n = b.getShort() & 0xffff;
        List<String> cols = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int len = b.getInt();
            cols.add(len < 0 ? null : new String(body, b.position(), len, StandardCharsets.UTF_8));
            b.position(b.position() + Math.max(len, 0));
        }
        return cols;
    }

    static String[] cstrings(byte[] body) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < body.length; i++) {
            if (body[i] == 0) {
                out.add(new String(body, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return out.toArray(String[]::new);
    }

    /** Closes the connection: from another thread, this stops a running BASE_BACKUP at once. */
    void abort() {
        closed = true;
        try {
            transport.close();
        } catch (IOException ignored) {
            // closing is all that is wanted
        }
    }

    @Override
    public void close() {
        try {
            if (!closed) {
                send('X', new byte[0]);
            }
        } catch (IOException ignored) {
            // the server may already be gone
        } finally {
            abort();
        }
    }
}
