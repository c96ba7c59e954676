package io.dbbackup.engine.postgres;

import io.dbbackup.testkit.FreePort;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** libpq's {@code timeout expired} is said as a silent server only when the port takes a connection. */
class SilentServerTest {
    private static String libpq(int port) {
        return "pg_dump: error: connection to server at \"127.0.0.1\", port " + port + " failed: timeout expired; check "
                + "datasources.pg.host at config.yaml:4:11\n";
    }

    @Test
    void aTimeoutAtAPortThatTakesConnectionsIsSaidAsASilentServer() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            int port = s.getLocalPort();
            assertThat(SilentServer.explain(libpq(port), Duration.ofSeconds(30))).isEqualTo("pg_dump: error: connection to "
                    + "server at \"127.0.0.1\", port " + port + " failed: timeout expired: the server at 127.0.0.1:" + port
                    + " accepted the connection but did not answer within 30 s: is it PostgreSQL? (another service on that "
                    + "port, a proxy or load balancer with no server behind it, or a server that hangs); check "
                    + "datasources.pg.host at config.yaml:4:11\n");
        }
    }

    @Test
    void aTimeoutAtAPortNothingTakesStaysAsLibpqSaidIt() {
        int closed = FreePort.pick();
        assertThat(SilentServer.explain(libpq(closed), Duration.ofSeconds(30))).isEqualTo(libpq(closed));
        assertThat(SilentServer.explain("psql: error: connection to server at \"127.0.0.1\", port 5432 failed: Connection "
                + "refused", Duration.ofSeconds(30))).endsWith("Connection refused");
        assertThat(SilentServer.explain(null, Duration.ofSeconds(30))).isNull();
    }
}
