package io.dbbackup.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real HTTP proxy for tests: Debian's tinyproxy in the foreground on a free loopback port, logging every connection
 * it opens to a file the test reads ({@link #log}).
 */
public final class TinyProxy implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final Process process;

    public TinyProxy() throws IOException {
        dir = Files.createTempDirectory("tinyproxy-");
        dir.toFile().setWritable(true, false); // tinyproxy drops root for nobody, who writes the log here
        port = FreePort.pick();
        Path conf = dir.resolve("tinyproxy.conf");
        Files.writeString(conf, """
                Port %d
                Listen 127.0.0.1
                Timeout 60
                LogFile "%s"
                LogLevel Info
                MaxClients 50
                Allow 127.0.0.1
                DisableViaHeader Yes
                """.formatted(port, dir.resolve("tinyproxy.log")));
        process = new ProcessBuilder("tinyproxy", "-d", "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.txt").toFile()).start();
        if (!FreePort.awaitListening(port, Duration.ofSeconds(10), process::isAlive)) {
            String out = Files.readString(dir.resolve("stdout.txt"));
            close();
            throw new IllegalStateException("tinyproxy did not start on port " + port + ":\n" + out);
        }
    }

    /** {@code http://127.0.0.1:PORT}, for HTTP_PROXY/HTTPS_PROXY. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** What it logged so far (each connection it opened: {@code opening connection to HOST:PORT}). */
    public String log() throws IOException {
        Path log = dir.resolve("tinyproxy.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        TempTree.delete(dir);
    }
}
