package io.dbbackup.store.s3;

import io.dbbackup.testkit.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * S3 over https (what AWS, R2 and most services are): s3proxy with a self-signed certificate, the built jar in a
 * JVM that trusts it through the standard {@code javax.net.ssl.trustStore} properties. A multipart backup, its
 * listing, a verification and a restore go through TLS; a JVM that does not trust the certificate fails the
 * backup with a clear line and stores nothing.
 */
class S3TlsCliIT {
    static S3ProxyServer s3;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws IOException {
        s3 = S3ProxyServer.tls();
        Files.createDirectories(s3.dataDir().resolve("tls")); // the filesystem backend's bucket
    }

    @AfterAll
    static void stop() {
        if (s3 != null) {
            s3.close();
        }
    }

    private record Run(int exit, String out, String err) {
    }

    private Run dbbackup(boolean trusting, String... args) throws Exception {
        return dbbackup(s3, trusting, args);
    }

    private Run dbbackup(S3ProxyServer s3, boolean trusting, String... args) throws Exception {
        Path jar = Path.of(System.getProperty("dbbackup.jar", "target/dbbackup.jar")).toAbsolutePath();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (trusting) {
            cmd.addAll(List.of("-Djavax.net.ssl.trustStore=" + s3.trustStore(), "-Djavax.net.ssl.trustStoreType=PKCS12",
                    "-Djavax.net.ssl.trustStorePassword=" + S3ProxyServer.STORE_PASSWORD));
        }
        cmd.addAll(List.of("-jar", jar.toString(), "-c", dir.resolve("config.yaml").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        pb.environment().put("S3_ACCESS", s3.accessKey());
        pb.environment().put("S3_SECRET", s3.secretKey());
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), Files.readString(dir.resolve("out.txt")), Files.readString(dir.resolve("err.txt")));
    }

    private List<Path> stored() throws IOException {
        try (Stream<Path> s = Files.walk(s3.dataDir().resolve("tls"))) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @Test
    void aMultipartBackupListVerifyAndRestoreGoThroughTls() throws Exception {
        Path db = dir.resolve("app.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("create table t(b blob)");
            st.execute("with recursive n(x) as (select 1 union all select x + 1 from n where x < 12) "
                    + "insert into t select randomblob(1048576) from n"); // 12 MiB that do not compress: 3 parts
        }
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                  copy: {engine: sqlite, path: copy.db}
                stores:
                  s3:
                    type: s3
                    endpoint: %s
                    path_style: true
                    bucket: tls
                    access_key_env: S3_ACCESS
                    secret_key_env: S3_SECRET
                    part_size: 5MiB
                jobs:
                  app: {datasource: app, store: s3, prefix: nightly}
                """.formatted(s3.endpoint()));
        assertThat(s3.endpoint().getScheme()).isEqualTo("https");

        Run untrusted = dbbackup(false, "backup", "app");
        assertThat(untrusted.exit()).as(untrusted.toString()).isNotZero();
        System.out.println("untrusted: " + untrusted.err());
        assertThat(untrusted.err()).contains("the server's TLS certificate was not accepted (unable to find valid certification "
                + "path to requested target); for a private CA give the JVM a trust store (-Djavax.net.ssl.trustStore=");
        assertThat(stored()).as("nothing stored without trust").isEmpty();

        Run backup = dbbackup(true, "backup", "app");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        List<Path> files = stored();
        Path object = files.stream().filter(p -> p.getFileName().toString().endsWith(".sqlite.gz")).findFirst()
                .orElseThrow(() -> new AssertionError("the backup object in " + files));
        String sidecar = Files.readString(object.resolveSibling(object.getFileName() + ".sha256"), StandardCharsets.UTF_8);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(object)));
        assertThat(sidecar).startsWith(sha + "  ");
        assertThat(Files.size(object)).isGreaterThan(10L << 20);

        Run list = dbbackup(true, "list", "app");
        assertThat(list.exit()).as(list.toString()).isZero();
        assertThat(list.out()).contains(object.getFileName().toString());
        Run verify = dbbackup(true, "verify", "app");
        assertThat(verify.exit()).as(verify.toString()).isZero();
        Run restore = dbbackup(true, "restore", "app", "--to", "copy");
        assertThat(restore.exit()).as(restore.toString()).isZero();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("copy.db")); Statement st = c.createStatement();
             var rs = st.executeQuery("select count(*), sum(length(b)) from t")) {
            assertThat(rs.getLong(1)).isEqualTo(12);
            assertThat(rs.getLong(2)).isEqualTo(12L << 20);
        }
    }

    /**
     * An endpoint on an IPv6 address, as users write it ({@code https://[::1]:PORT}), with a certificate for the IP
     * address ::1: the TLS host check, the signing (host header) and path-style addressing take the bracketed host.
     * A backup, its listing and a restore work, and the store is named with the brackets.
     */
    @Test
    void anEndpointOnIpv6LoopbackOverTls() throws Exception {
        try (S3ProxyServer v6 = S3ProxyServer.onIpv6Loopback(true)) {
            Files.createDirectories(v6.dataDir().resolve("ipv6"));
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.db")); Statement st = c.createStatement()) {
                st.execute("create table t(b blob)");
                st.execute("insert into t select randomblob(1000)");
            }
            assertThat(v6.endpoint().toString()).startsWith("https://[::1]:");
            Files.writeString(dir.resolve("config.yaml"), """
                    datasources:
                      app: {engine: sqlite, path: app.db}
                      copy: {engine: sqlite, path: copy.db}
                    stores:
                      s3:
                        type: s3
                        endpoint: %s
                        path_style: true
                        bucket: ipv6
                        access_key_env: S3_ACCESS
                        secret_key_env: S3_SECRET
                    jobs:
                      app: {datasource: app, store: s3, prefix: nightly}
                    """.formatted(v6.endpoint()));
            Run backup = dbbackup(v6, true, "backup", "app");
            assertThat(backup.exit()).as(backup.toString()).isZero();
            assertThat(backup.out() + backup.err()).contains("[::1]:" + v6.endpoint().getPort());
            Run list = dbbackup(v6, true, "list", "app");
            assertThat(list.exit()).as(list.toString()).isZero();
            assertThat(list.out()).contains("app-");
            Run restore = dbbackup(v6, true, "restore", "app", "--to", "copy");
            assertThat(restore.exit()).as(restore.toString()).isZero();
            assertThat(dir.resolve("copy.db")).exists();
        }
    }
}
