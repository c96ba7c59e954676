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

    public static Tls none() {
        return new Tls(null, null, null, null);
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
