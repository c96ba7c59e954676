package io.dbbackup.engine.mysql;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * TLS settings of a connection. {@code mode} follows MySQL's {@code --ssl-mode} names (lower case);
 * MariaDB's clients have no such option, so {@link #args} translates it for them.
 */
public record Tls(String mode, Path ca, Path cert, Path key) {
    public static final Set<String> MODES = Set.of("disabled", "preferred", "required", "verify_ca", "verify_identity");
    /** TLS required, the certificate not checked: the mode MariaDB's clients do not enforce ({@link #unenforcedBy}). */
    static final String REQUIRED = "required";

    /** The session's cipher, one row {@code Ssl_cipher <name>}, the name empty on an unencrypted connection. */
    static final String CIPHER_QUERY = "SHOW SESSION STATUS LIKE 'Ssl_cipher'";

    public static Tls none() {
        return new Tls(null, null, null, null);
    }

    /**
     * Whether a client of {@code family} may connect unencrypted although this mode requires TLS: MariaDB's clients (10.11)
     * have no option that requires TLS without checking the certificate, and {@code --ssl} ({@code required}) connects
     * without TLS to a server that offers none (exit 0, empty {@code Ssl_cipher}), so the session must be checked. MySQL's
     * {@code --ssl-mode=REQUIRED} and MariaDB's {@code --ssl-verify-server-cert} refuse such a server themselves.
     */
    public boolean unenforcedBy(ClientFamily family) {
        return family == ClientFamily.MARIADB && REQUIRED.equals(mode);
    }

    /** Whether the rows of {@link #CIPHER_QUERY} ({@code -N -B}) tell of an encrypted session. */
    static boolean encrypted(List<List<String>> rows) {
        return rows.stream().anyMatch(r -> r.size() > 1 && r.get(0).equalsIgnoreCase("Ssl_cipher") && !r.get(1).isBlank());
    }

    /** Client options for a client of {@code family}. */
    public List<String> args(ClientFamily family) {
        List<String> a = new ArrayList<>();
        if (mode != null) {
            if (family == ClientFamily.MYSQL) {
                a.add("--ssl-mode=" + mode.toUpperCase(Locale.ROOT));
            } else {
                switch (mode) {
                    case "disabled" -> a.add("--skip-ssl");
                    case "preferred" -> { }
                    case "required" -> a.add("--ssl");
                    default -> { // verify_ca, verify_identity: MariaDB checks the chain and the host name together
                        a.add("--ssl");
                        a.add("--ssl-verify-server-cert");
                    }
                }
            }
        }
        if (ca != null) {
            a.add("--ssl-ca=" + ca);
        }
        if (cert != null) {
            a.add("--ssl-cert=" + cert);
        }
        if (key != null) {
            a.add("--ssl-key=" + key);
        }
        return a;
    }
}
