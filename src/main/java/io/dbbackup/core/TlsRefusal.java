package io.dbbackup.core;

/** Tells a TLS handshake refused over the server's certificate (permanent) from one the network cut short. */
public final class TlsRefusal {
    private TlsRefusal() {
    }

    /**
     * The innermost reason of a TLS handshake that failed over the server's certificate (untrusted, expired, for
     * another name), or null: a handshake cut short by the network is not one, and stays retryable.
     */
    public static String reason(Throwable e) {
        boolean handshake = false;
        boolean certificate = false;
        Throwable last = null;
        for (Throwable c = e; c != null; c = c.getCause()) {
            handshake |= c instanceof javax.net.ssl.SSLHandshakeException;
            certificate |= c instanceof java.security.cert.CertificateException || c instanceof java.security.cert.CertPathBuilderException
                    || c instanceof java.security.cert.CertPathValidatorException;
            last = c;
        }
        if (!handshake || !certificate) {
            return null;
        }
        String m = last.getMessage() == null ? last.getClass().getSimpleName() : last.getMessage().replaceAll("\\s+", " ").trim();
        return m.replaceFirst("^[\\w.$]+Exception: ", "");
    }

    /** What a user does about it, for any store reached over TLS. */
    public static final String ADVICE = "for a private CA give the JVM a trust store (-Djavax.net.ssl.trustStore=… "
            + "in JDK_JAVA_OPTIONS), or fix 'endpoint'";
}
