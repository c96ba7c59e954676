package io.dbbackup.notify;

import io.dbbackup.testkit.FreePort;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A notifier's failed connection says why: the JDK's own words were only "ConnectException" for both cases. */
class HttpNoticeTest {
    private static HttpRequest post(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString("x"))
                .build();
    }

    @Test
    void nothingListeningSaysConnectionRefused() {
        int port = FreePort.pick();
        assertThatThrownBy(() -> HttpNotice.send(HttpNotice.client(Duration.ofSeconds(5)), post("http://127.0.0.1:" + port + "/metrics"),
                "pushgateway http://127.0.0.1:" + port))
                .hasMessage("pushgateway http://127.0.0.1:" + port + " failed: cannot connect to 127.0.0.1:" + port
                        + ": connection refused (nothing listening there?)");
    }

    @Test
    void aHostThatDoesNotResolveSaysSo() {
        assertThatThrownBy(() -> HttpNotice.send(HttpNotice.client(Duration.ofSeconds(5)), post("http://pushgateway.invalid:9091/metrics"),
                "pushgateway http://pushgateway.invalid:9091"))
                .hasMessage("pushgateway http://pushgateway.invalid:9091 failed: cannot resolve host pushgateway.invalid "
                        + "(a wrong name, or DNS down?)");
    }

    /**
     * A server's error page that echoes a secret across the 200th character: cut first, the secret's first part was left
     * in the message, where its mask no longer matched. It is masked first, then the answer is cut.
     */
    @Test
    void aSecretAcrossTheCutOfAnAnswerIsMaskedNotHalved() throws Exception {
        String secret = "hook-SECRET-4f7a9c21e0";
        io.dbbackup.core.Redactor.register(secret);
        String page = "x".repeat(190) + " " + secret + " " + "y".repeat(100);
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", x -> {
            byte[] b = page.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            x.sendResponseHeaders(500, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort();
            assertThatThrownBy(() -> HttpNotice.send(HttpNotice.client(Duration.ofSeconds(5)), post(url + "/hook"), "webhook " + url))
                    .hasMessage("webhook " + url + " answered HTTP 500: " + "x".repeat(190) + " *** " + "y".repeat(5) + "...")
                    .hasMessageNotContaining("hook-SEC");
        } finally {
            server.stop(0);
        }
    }

    /**
     * An authorization header's secret ("Bearer <token>") was masked only whole: a server that says which token it
     * refused ("invalid token <token>") printed it. Its credential is masked alone too.
     */
    @Test
    void theCredentialOfAnAuthorizationSecretIsMaskedWhenAServerEchoesItAlone() throws Exception {
        io.dbbackup.core.Secret auth = new io.dbbackup.core.Secret("Bearer gw-TOKEN-c41e77a0", "env GW_AUTH");
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", x -> {
            String header = x.getRequestHeaders().getFirst("Authorization");
            byte[] b = ("invalid token " + header.substring(header.indexOf(' ') + 1)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            x.sendResponseHeaders(401, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort();
            HttpRequest req = HttpRequest.newBuilder(URI.create(url + "/metrics")).timeout(Duration.ofSeconds(5))
                    .header("Authorization", auth.reveal()).POST(HttpRequest.BodyPublishers.ofString("x")).build();
            assertThatThrownBy(() -> HttpNotice.send(HttpNotice.client(Duration.ofSeconds(5)), req, "pushgateway " + url))
                    .hasMessage("pushgateway " + url + " answered HTTP 401: invalid token ***");
        } finally {
            server.stop(0);
        }
    }
}
