package io.dbbackup.testkit;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** A local HTTP server on a free loopback port that records every request and answers {@link #status}. */
public final class WebhookServer implements AutoCloseable {
    /** One request as received: method, path with query, headers (lower-case names), body. */
    public record Request(String method, String pathAndQuery, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            List<String> v = headers.get(name.toLowerCase());
            return v == null || v.isEmpty() ? null : v.get(0);
        }
    }

    private final HttpServer server;
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private volatile int status = 200;
    /** The threads that answer side by side when answers are delayed; null otherwise (the server's own thread). */
    private final java.util.concurrent.ExecutorService answering;

    public WebhookServer() throws IOException {
        this(Duration.ZERO);
    }

    /**
     * A server that answers each request {@code delay} after it arrived (a slow endpoint, a mail relay's pace), several at
     * once: a request is recorded when it arrives, before the wait.
     */
    public WebhookServer(Duration delay) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        answering = delay.isZero() ? null : java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "webhook-server");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(answering);
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                Map<String, List<String>> headers = exchange.getRequestHeaders().entrySet().stream()
                        .collect(Collectors.toMap(e -> e.getKey().toLowerCase(), Map.Entry::getValue));
                requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(), headers, body));
                if (!delay.isZero()) {
                    try {
                        Thread.sleep(delay.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                byte[] answer = (status / 100 == 2 ? "ok" : status == 404 ? "no route for " + exchange.getRequestURI()
                        : "no_service").getBytes(StandardCharsets.UTF_8); // a 404 echoes the path, as many servers do
                exchange.sendResponseHeaders(status, answer.length);
                exchange.getResponseBody().write(answer);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void status(int status) {
        this.status = status;
    }

    /** The next request, or null after {@code wait}. */
    public Request take(Duration wait) throws InterruptedException {
        return requests.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    public List<Request> drain() {
        List<Request> out = new java.util.ArrayList<>();
        requests.drainTo(out);
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
        if (answering != null) {
            answering.shutdownNow();
        }
    }
}
