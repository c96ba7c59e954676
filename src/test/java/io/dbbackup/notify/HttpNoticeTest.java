package io.dbbackup.notify;

import io.dbbackup.config.Config;
import io.dbbackup.spi.Notifier;
import io.dbbackup.testkit.FreePort;
import io.dbbackup.testkit.Leftovers;
import io.dbbackup.testkit.Notifiers;
import io.dbbackup.testkit.WebhookServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A notifier's failed connection says why: the JDK's own words were only "ConnectException" for both cases. */
class HttpNoticeTest {
    private static HttpRequest post(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString("x"))
                .build();
    }

    /** The selector threads of this JVM's JDK HTTP clients and their epoll descriptors: one of each per live client. */
    static int[] clients() {
        Leftovers now = Leftovers.now();
        return new int[] {now.threads().getOrDefault("HttpClient-#-SelectorManager", 0),
                (int) now.fds().stream().filter(f -> f.equals("anon_inode:[eventpoll]")).count()};
    }

    /**
     * Each notifier built its own JDK HTTP client, which cannot be closed on Java 17: each left its selector thread and
     * its descriptors until a garbage collection, one per notifier of each config load (each run of a process that runs
     * many, a test JVM's). Webhooks and Pushgateways of different timeouts (a request's own, not the client's) now share
     * one client: notices of 4 loads of 2 notifiers each leave at most one selector thread (and epoll fd) more than before.
     */
    @Test
    void noticesOfManyNotifiersShareOneHttpClient(@TempDir Path dir) throws Exception {
        try (WebhookServer server = new WebhookServer()) {
            int[] before = clients();
            List<Notifier> kept = new ArrayList<>(); // reachable, as a running process holds its config: no GC ends a client
            for (int i = 1; i <= 4; i++) {
                Config c = Notifiers.load(dir, Map.of("HOOK_URL", server.url() + "/hook/" + i), """
                        hook: {type: webhook, url_env: HOOK_URL, timeout: %ds}
                        metrics: {type: pushgateway, url: %s, timeout: %ds}
                        """.formatted(i, server.url(), 10 + i));
                for (String name : List.of("hook", "metrics")) {
                    Notifier n = c.notifiers().get(name).notifier();
                    n.send(Notifiers.success(), Notifiers.CLOCK);
                    kept.add(n);
                }
            }
            assertThat(server.drain()).as("requests received").hasSize(8);
            int[] after = clients();
            assertThat(after[0]).as("HttpClient-#-SelectorManager threads after 8 notices of 8 notifiers (%d before)", before[0])
                    .isLessThanOrEqualTo(before[0] + 1);
            assertThat(after[1]).as("eventpoll descriptors after 8 notices of 8 notifiers (%d before)", before[1])
                    .isLessThanOrEqualTo(before[1] + 1);
            assertThat(kept).hasSize(8);
        }
    }

    /**
     * The shared client has no connect timeout of its own: a notifier's {@code timeout} (the request's) bounds the
     * connection, and a connect that does not complete fails within it saying so, as the client's connect timeout did.
     * The hung connect is a loopback listener that never accepts, its accept queue filled until a probe's connect hangs
     * too: Linux (since 4.4) drops a SYN to a listener whose accept queue is full, whatever {@code tcp_abort_on_overflow}
     * says (that setting acts only on a handshake's last ACK; this test passed with it at 1 in a network namespace). The
     * queue is filled until a probe hangs, not by a fixed count, and that the probe hung is asserted, not assumed: a
     * system that refused instead fails here, saying so. A non-routable address (10.255.255.1) is no use: a sandbox's
     * transparent proxy answered it at once here.
     */
    @Test
    void aConnectThatHangsFailsWithinTheNotifiersTimeout(@TempDir Path dir) throws Exception {
        try (java.net.ServerSocket full = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            List<java.net.Socket> queued = new ArrayList<>();
            try {
                boolean hung = false;
                for (int i = 0; i < 16 && !hung; i++) { // never accepted: once its queue is full, a connect hangs
                    java.net.Socket s = new java.net.Socket();
                    try {
                        s.connect(full.getLocalSocketAddress(), 300);
                        queued.add(s);
                    } catch (java.net.SocketTimeoutException e) {
                        s.close();
                        hung = true;
                    }
                }
                assertThat(hung).as("a connect to a loopback listener whose accept queue is full hangs (its SYN dropped)")
                        .isTrue();
                String url = "http://127.0.0.1:" + full.getLocalPort();
                Notifier n = Notifiers.notifier(dir, Map.of("HOOK_URL", url + "/hook"), "hook: {type: webhook, url_env: HOOK_URL, timeout: 1s}",
                        "hook");
                long start = System.nanoTime();
                assertThatThrownBy(() -> n.send(Notifiers.success(), Notifiers.CLOCK))
                        .hasMessage("webhook " + url + " failed: HttpConnectTimeoutException: HTTP connect timed out");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("time to fail").isLessThan(Duration.ofMillis(1900));
            } finally {
                for (java.net.Socket s : queued) {
                    s.close();
                }
            }
        }
    }

    /** The shared client has no connect timeout: a request without its notifier's timeout could wait for ever. */
    @Test
    void aRequestWithoutATimeoutIsRefused() {
        assertThatThrownBy(() -> HttpNotice.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:9/hook"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), "webhook http://127.0.0.1:9"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a notice's request needs its notifier's timeout");
    }

    @Test
    void nothingListeningSaysConnectionRefused() {
        int port = FreePort.pick();
        assertThatThrownBy(() -> HttpNotice.send(post("http://127.0.0.1:" + port + "/metrics"),
                "pushgateway http://127.0.0.1:" + port))
                .hasMessage("pushgateway http://127.0.0.1:" + port + " failed: cannot connect to 127.0.0.1:" + port
                        + ": connection refused (nothing listening there?)");
    }

    @Test
    void aHostThatDoesNotResolveSaysSo() {
        assertThatThrownBy(() -> HttpNotice.send(post("http://pushgateway.invalid:9091/metrics"),
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
            assertThatThrownBy(() -> HttpNotice.send(post(url + "/hook"), "webhook " + url))
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
            assertThatThrownBy(() -> HttpNotice.send(req, "pushgateway " + url))
                    .hasMessage("pushgateway " + url + " answered HTTP 401: invalid token ***");
        } finally {
            server.stop(0);
        }
    }
}
