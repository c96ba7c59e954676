package io.dbbackup.engine.postgres;

import io.dbbackup.core.HostPort;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * libpq's {@code sslmode} for the built-in replication client, with libpq's defaults: {@code prefer}
 * when none is set, the root certificate {@code ~/.postgresql/root.crt} when none is named (and, as in
 * libpq, when that file exists the server's certificate is checked against it even under
 * {@code prefer}/{@code require}). {@code allow} and client certificates are {@link LibpqOnly}:
 * pg_basebackup (libpq itself) does those.
 */
final class PgTls {
    private final String mode;
    private final Path root;

    private PgTls(String mode, Path root) {
        this.mode = mode;
        this.root = root;
    }

    /** The TLS behaviour of a datasource; {@code home} is the user's home folder (libpq's default files). */
    static PgTls of(PostgresSettings s, Path home) throws LibpqOnly {
        String mode = s.sslmode() == null ? "prefer" : s.sslmode();
        if (!java.util.List.of("disable", "prefer", "require", "verify-ca", "verify-full").contains(mode)) {
            throw new LibpqOnly("sslmode " + mode);
        }
        if (s.sslcert() != null || s.sslkey() != null
                || (home != null && Files.exists(home.resolve(".postgresql/postgresql.crt")))) {
            throw new LibpqOnly("a client certificate");
        }
        Path root = s.sslrootcert();
        if (root == null && home != null && Files.isRegularFile(home.resolve(".postgresql/root.crt"))) {
            root = home.resolve(".postgresql/root.crt");
        }
        if (root != null && root.toString().equals("system")) {
            mode = "verify-full";
        }
        return new PgTls(mode, root);
    }

    /** Whether to ask the server for TLS at all. */
    boolean attempt() {
        return !mode.equals("disable");
    }

    /** The server answered the TLS request with 'N': fine under {@code prefer}, a failure otherwise. */
    void refused(String host, int port) throws IOException {
        if (!mode.equals("prefer")) {
            throw PgServerError.client("0A000", "server does not support SSL, but SSL was required (sslmode "
                    + mode + ", " + HostPort.of(host, port) + ")");
        }
    }

    /** The TLS handshake over the connected socket; the certificate checked as the mode says. */
    Socket wrap(Socket plain, String host, int port) throws IOException {
        boolean verify = mode.startsWith("verify") || root != null;
        try {
            TrustManager trust;
            if (!verify) {
                trust = new TrustAll();
            } else if (root != null && root.toString().equals("system")) {
                TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                f.init((KeyStore) null);
                trust = f.getTrustManagers()[0];
            } else {
                if (root == null || !Files.isRegularFile(root)) {
                    throw PgServerError.client("0A000", "root certificate file \"" + (root == null ? "~/.postgresql/root.crt" : root)
                            + "\" does not exist: either provide the file (sslrootcert) or change sslmode to disable server certificate verification");
                }
                KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
                ks.load(null, null);
                int n = 0;
                try (InputStream in = Files.newInputStream(root)) {
                    for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        ks.setCertificateEntry("root" + n++, c);
                    }
                }
                TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                f.init(ks);
                trust = f.getTrustManagers()[0];
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {trust}, null);
            SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(plain, host, port, true);
            if (mode.equals("verify-full")) {
                SSLParameters p = s.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                s.setSSLParameters(p);
            }
            s.startHandshake();
            return s;
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS with " + HostPort.of(host, port) + ": " + e.getMessage(), e);
        } catch (javax.net.ssl.SSLException e) {
            if (mode.equals("prefer")) {
                // libpq then tries again without TLS: leave it to libpq
                throw new LibpqOnly("a TLS handshake that failed under sslmode prefer (" + e.getMessage() + ")");
            }
            throw PgServerError.client("28000", "TLS with " + HostPort.of(host, port) + " failed (sslmode " + mode + "): " + e.getMessage());
        }
    }

    /** {@code prefer}/{@code require} without a root certificate: encrypted, not authenticated (libpq's behaviour). */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
