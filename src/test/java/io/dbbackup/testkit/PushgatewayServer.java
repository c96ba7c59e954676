package io.dbbackup.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * Prometheus' Pushgateway (Debian's {@code prometheus-pushgateway}) as a subprocess on a free loopback port, without
 * persistence. {@link #value} reads one series back from its {@code /metrics}, as Prometheus would scrape it.
 */
public final class PushgatewayServer implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/prometheus-pushgateway");

    private final int port = FreePort.pick();
    private final Process process;
    private final HttpClient http = HttpClient.newHttpClient();

    public PushgatewayServer() throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: install the Debian package prometheus-pushgateway (bin/test does as root)");
        }
        process = new ProcessBuilder(BINARY.toString(), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                if (get("/-/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                close();
                throw new IOException("the Pushgateway did not start on port " + port);
            }
            Thread.sleep(50);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** What Prometheus would scrape from it. */
    public String scrape() throws IOException, InterruptedException {
        return get("/metrics").body();
    }

    /**
     * The value of the series {@code metric} whose labels include every {@code label="value"} pair given (e.g.
     * {@code dbbackup_job="app"}), if the Pushgateway holds it.
     */
    public Optional<Double> value(String metric, String... labels) throws IOException, InterruptedException {
        return scrape().lines().filter(l -> l.startsWith(metric + "{"))
                .filter(l -> Arrays.stream(labels).allMatch(l::contains))
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
