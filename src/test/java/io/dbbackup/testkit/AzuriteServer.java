package io.dbbackup.testkit;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * Azurite, Microsoft's Azure Storage emulator (the Blob service only), as a subprocess on a free loopback port with its
 * data in a temp dir and an account of its own ({@link #ACCOUNT}, a random key). The npm package is pinned in
 * {@code tests/azurite/package-lock.json}; {@code bin/test} installs it, and the first test to need it installs it
 * with {@code npm ci} when it is missing (Node.js and npm must be there: bin/test installs them as root).
 * {@link #kill()} ends it like a crash; {@link #start()} brings it back on the same port and data.
 */
public final class AzuriteServer implements AutoCloseable {
    public static final String ACCOUNT = "dbbackuptest";
    private static final Path PACKAGE = Path.of("tests", "azurite").toAbsolutePath();

    public static final String STORE_PASSWORD = "changeit-test";

    private final Path dir;
    private final int port;
    private final String key;
    private final boolean oauth;
    private Process process;

    public AzuriteServer() throws IOException {
        this(false);
    }

    private AzuriteServer(boolean oauth) throws IOException {
        this.dir = Files.createTempDirectory("azurite-");
        this.port = FreePort.pick();
        this.oauth = oauth;
        byte[] raw = new byte[64];
        new SecureRandom().nextBytes(raw);
        this.key = Base64.getEncoder().encodeToString(raw);
        if (oauth) {
            makeCertificate();
        }
        start();
    }

    /**
     * The same emulator over https (a self-signed certificate for 127.0.0.1, trusted through {@link #trustStore()},
     * PKCS12, password {@link #STORE_PASSWORD}) that also takes Entra ID bearer tokens ({@code --oauth basic}: it checks
     * their issuer, audience and lifetime, not their signature).
     */
    public static AzuriteServer oauth() throws IOException {
        return new AzuriteServer(true);
    }

    public Path trustStore() {
        return dir.resolve("trust.p12");
    }

    private void makeCertificate() {
        Shell.ok(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString(), "-days", "2",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1");
        Shell.ok(dir, Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-importcert", "-noprompt", "-alias",
                "azurite", "-file", dir.resolve("cert.pem").toString(), "-keystore", trustStore().toString(),
                "-storetype", "PKCS12", "-storepass", STORE_PASSWORD);
    }

    /** The installed emulator's entry point, installed first when missing. */
    static synchronized Path blobServer() throws IOException {
        Path bin = PACKAGE.resolve("node_modules/azurite/dist/src/blob/main.js");
        if (Files.isRegularFile(bin)) {
            return bin;
        }
        try (FileChannel ch = FileChannel.open(PACKAGE.resolve(".install.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            if (!Files.isRegularFile(bin)) {
                Process p = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(PACKAGE.toFile())
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0 || !Files.isRegularFile(bin)) {
                    throw new IllegalStateException("could not install Azurite (npm ci in " + PACKAGE + "): " + out);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return bin;
    }

    public synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            return;
        }
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("node", blobServer().toString(), "--blobHost",
                "127.0.0.1", "--blobPort", Integer.toString(port), "--location", dir.resolve("data").toString(),
                "--disableTelemetry", "--skipApiVersionCheck"));
        if (oauth) {
            cmd.addAll(java.util.List.of("--cert", dir.resolve("cert.pem").toString(), "--key", dir.resolve("key.pem").toString(),
                    "--oauth", "basic"));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("azurite.log").toFile()));
        pb.environment().put("AZURITE_ACCOUNTS", ACCOUNT + ":" + key);
        process = pb.start();
        if (!FreePort.awaitListening(port, Duration.ofSeconds(60), process::isAlive)) {
            String log = log();
            process.destroyForcibly();
            throw new IllegalStateException("Azurite did not start on port " + port + ":\n" + log);
        }
    }

    /** Ends the server at once, as a crash or a lost connection would. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The account's Blob service URL (path-style, as Azurite serves it). */
    public URI endpoint() {
        return URI.create((oauth ? "https" : "http") + "://127.0.0.1:" + port + "/" + ACCOUNT);
    }

    public String accountKey() {
        return key;
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("azurite.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() {
        kill();
        TempTree.delete(dir);
    }
}
