package io.dbbackup.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * s3proxy (jar copied by the pom to {@code target/test-servers/s3proxy.jar}, system property
 * {@code s3proxy.jar}) as a subprocess on a free loopback port, with the filesystem backend in a temp
 * dir. {@link #kill()} ends it like a crash (SIGKILL); {@link #start()} brings it back on the same port
 * and data.
 */
public final class S3ProxyServer implements AutoCloseable {
    public static final String REGION = "us-east-1";

    private final Path dir;
    private final Path data;
    private final int port;
    private final String identity = "AKID" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase();
    private final String credential = "s3cr3t-" + UUID.randomUUID();
    private final boolean tls;
    /** The address it listens on: 127.0.0.1, or ::1 ({@link #onIpv6Loopback}). */
    private final String address;
    private Process process;

    public S3ProxyServer() throws IOException {
        this(false, "127.0.0.1");
    }

    private S3ProxyServer(boolean tls, String address) throws IOException {
        this.address = address;
        this.dir = Files.createTempDirectory("s3proxy-");
        this.data = Files.createDirectories(dir.resolve("data"));
        this.port = FreePort.pick();
        this.tls = tls;
        if (tls) {
            makeKeys();
        }
        start();
    }

    /**
     * The same server over https only, with a self-signed certificate for 127.0.0.1: clients trust it through
     * {@link #trustStore()} (PKCS12, password {@link #STORE_PASSWORD}).
     */
    public static S3ProxyServer tls() throws IOException {
        return new S3ProxyServer(true, "127.0.0.1");
    }

    /**
     * A server listening on the IPv6 loopback address {@code ::1} alone ({@link #endpoint()}: {@code http://[::1]:PORT});
     * with {@code tls}, its certificate is for the IP address ::1.
     */
    public static S3ProxyServer onIpv6Loopback(boolean tls) throws IOException {
        return new S3ProxyServer(tls, "::1");
    }

    /** The address in a URL: {@code 127.0.0.1} or {@code [::1]}. */
    private String urlHost() {
        return address.contains(":") ? "[" + address + "]" : address;
    }

    public static final String STORE_PASSWORD = "changeit-test";

    public Path trustStore() {
        return dir.resolve("trust.p12");
    }

    private void makeKeys() throws IOException {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Path keys = dir.resolve("keys.p12");
        Path cert = dir.resolve("cert.pem");
        keytool(keytool, "-genkeypair", "-alias", "s3proxy", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=" + (address.contains(":") ? "localhost" : address), "-ext", "SAN=ip:" + address, "-keystore", keys.toString(), "-storetype", "PKCS12",
                "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
        keytool(keytool, "-exportcert", "-rfc", "-alias", "s3proxy", "-keystore", keys.toString(), "-storetype", "PKCS12",
                "-storepass", STORE_PASSWORD, "-file", cert.toString());
        keytool(keytool, "-importcert", "-noprompt", "-alias", "s3proxy", "-file", cert.toString(), "-keystore",
                trustStore().toString(), "-storetype", "PKCS12", "-storepass", STORE_PASSWORD);
    }

    private static void keytool(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new IOException("keytool failed: " + String.join(" ", cmd) + "\n" + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    public synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            return;
        }
        String jar = System.getProperty("s3proxy.jar", "target/test-servers/s3proxy.jar");
        if (!Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("s3proxy jar not found at " + jar + " (mvn generate-test-resources copies it)");
        }
        Path props = dir.resolve("s3proxy.properties");
        Files.writeString(props, String.join("\n",
                tls ? "s3proxy.secure-endpoint=https://" + urlHost() + ":" + port + "\ns3proxy.keystore-path=" + dir.resolve("keys.p12")
                        + "\ns3proxy.keystore-password=" + STORE_PASSWORD : "s3proxy.endpoint=http://" + urlHost() + ":" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + identity,
                "s3proxy.credential=" + credential,
                "s3proxy.ignore-unknown-headers=true",
                "jclouds.provider=filesystem-nio2",
                "jclouds.filesystem.basedir=" + data,
                ""), StandardCharsets.UTF_8);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-jar", jar, "--properties", props.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("s3proxy.log").toFile()));
        process = pb.start();
        if (!FreePort.awaitListening(InetAddress.getByName(address), port, Duration.ofSeconds(60), process::isAlive)) {
            String log = log();
            process.destroyForcibly();
            throw new IllegalStateException("s3proxy did not start on port " + port + ":\n" + log);
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

    public URI endpoint() {
        return URI.create((tls ? "https" : "http") + "://" + urlHost() + ":" + port);
    }

    public String accessKey() {
        return identity;
    }

    public String secretKey() {
        return credential;
    }

    /** The folder the filesystem backend keeps buckets in. */
    public Path dataDir() {
        return data;
    }

    /** Every file under the backend's folder, for checking that nothing was left behind. */
    public List<Path> files() {
        try (Stream<Path> s = Files.walk(data)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("s3proxy.log"));
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
