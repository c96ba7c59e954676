package io.dbbackup.engine.postgres;

import io.dbbackup.core.HostPort;
import io.dbbackup.core.Human;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server whose port took the TCP connection and then sent nothing within the connect timeout: a black-holed port behind a
 * proxy or load balancer, another service on that port, a hung server. libpq says only {@code timeout expired}, as for a
 * port whose connection was never taken; the built-in replication client's socket says {@code Read timed out}. Both get
 * {@link #words}: what happened and what to suspect.
 */
final class SilentServer {
    /** How long a second connection of our own may take to tell a port that takes connections from one that does not. */
    private static final int PROBE_MILLIS = 3000;

    /** libpq's (English) line: {@code connection to server at "db" (10.0.0.5), port 5432 failed: timeout expired}. */
    private static final Pattern LIBPQ_TIMEOUT = Pattern.compile(
            "connection to server at \"([^\"\n]+)\"(?: \\(([^)\n]+)\\))?, port (\\d+) failed: timeout expired");

    private SilentServer() {
    }

    /**
     * {@code the server at HOST:PORT accepted the connection but did not answer within 30 s: is it PostgreSQL? …}: the words
     * after a timeout that came after the connection was taken.
     */
    static String words(String host, int port, Duration within) {
        return "the server at " + HostPort.of(host, port) + " accepted the connection but did not answer within "
                + Human.settingSpaced(within) + ": is it PostgreSQL? (another service on that port, a proxy or load balancer "
                + "with no server behind it, or a server that hangs)";
    }

    /**
     * {@code stderr} with {@code ": " + }{@link #words} after libpq's first {@code … failed: timeout expired} when the port
     * takes a connection now ({@link #accepts}): libpq's timeout then ran out after its connection was taken, waiting for
     * the server's first answer. As it was otherwise (no such line, or nothing takes the connection: unreachable).
     */
    static String explain(String stderr, Duration within) {
        if (stderr == null) {
            return null;
        }
        Matcher m = LIBPQ_TIMEOUT.matcher(stderr);
        if (!m.find()) {
            return stderr;
        }
        String host = m.group(1);
        int port = Integer.parseInt(m.group(3));
        if (!accepts(m.group(2) != null ? m.group(2) : host, port)) {
            return stderr;
        }
        return stderr.substring(0, m.end()) + ": " + words(host, port, within) + stderr.substring(m.end());
    }

    /** Whether a TCP connection to {@code host}:{@code port} is taken within {@link #PROBE_MILLIS} (closed at once). */
    static boolean accepts(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), PROBE_MILLIS);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
