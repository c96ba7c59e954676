package io.dbbackup.notify.email;

import io.dbbackup.core.Secret;
import io.dbbackup.spi.ConfigSection;
import io.dbbackup.spi.Notifier;
import io.dbbackup.spi.NotifierProvider;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code type: email}: SMTP with STARTTLS (default on port 587), implicit TLS ({@code tls: implicit},
 * default on port 465) or none; {@code username}/{@code username_env}, {@code password_env}/{@code
 * password_file}; {@code to} as a string, a comma list or a YAML list.
 */
public final class EmailNotifierProvider implements NotifierProvider {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    static final String DEFAULT_SUBJECT_PREFIX = "[dbbackup]";

    @Override
    public String type() {
        return "email";
    }

    @Override
    public Notifier create(ConfigSection s) {
        Optional<String> host = s.requireString("smtp_host");
        Optional<Integer> port = s.integer("smtp_port", 1, 65535);
        TlsMode tls = tlsMode(s, port);
        int effectivePort = port.orElse(tls == TlsMode.IMPLICIT ? 465 : 587);
        // read as text first, also when absent, so an unknown key's hint offers "username" too, not only its secret forms
        String username = s.string("username").orElse(null);
        Secret usernameSecret = s.has("username") ? null : s.secret("username").orElse(null);
        // a username key given but refused (username_env: [a]) is given: its own error, not also "a password needs a username"
        boolean userGiven = username != null || usernameSecret != null || s.secretGiven("username");
        Secret password = s.secret("password").orElse(null);
        if (password != null && !userGiven) {
            s.error("password", "a password needs a username (username, username_env, username_file or username_command)");
        }
        if (userGiven && password == null && !s.secretGiven("password")) {
            s.error("username", "a username needs a password (password_env, password_file or password_command)");
        }
        Optional<String> from = s.requireString("from");
        from.ifPresent(f -> checkAddress(s, "from", f));
        List<String> to = s.stringList("to");
        if (to.isEmpty() && !s.has("to")) {
            s.error("to", "missing required key 'to' (one address, a comma-separated list or a YAML list)");
        } else if (to.isEmpty() && !s.refused("to")) {
            s.error("to", "must name at least one address");
        }
        to.forEach(t -> checkAddress(s, "to", t));
        Duration timeout = s.duration("timeout").filter(d -> !d.isZero()).orElse(DEFAULT_TIMEOUT);
        String prefix = s.string("subject_prefix").orElse(DEFAULT_SUBJECT_PREFIX);
        Path caFile = s.path("ca_file").orElse(null);
        // as the notifier's password_file: a mount gone missing fails this notifier's mail, never the backups
        Optional.ofNullable(caFile).flatMap(s::unreadableFile).ifPresent(why -> s.unreadableSecretFile("ca_file", why));
        if (caFile != null && tls == TlsMode.NONE) {
            s.warn("ca_file", "is ignored: TLS is off for this server");
        }
        if (password != null && tls == TlsMode.NONE && host.isPresent() && !io.dbbackup.core.Loopback.is(host.get())) {
            s.warn("password_env", "the SMTP password would cross the network unencrypted (tls: none); use STARTTLS or implicit TLS");
        }
        if (host.isEmpty() || from.isEmpty() || to.isEmpty()) {
            return null;
        }
        return new EmailNotifier(new EmailSettings(s.name(), host.get(), effectivePort, tls, username, usernameSecret, password,
                from.get(), to, timeout, prefix, caFile));
    }

    /** {@code tls} wins; else {@code use_tls} (true = STARTTLS); else implicit on 465, STARTTLS on 587, none elsewhere. */
    private static TlsMode tlsMode(ConfigSection s, Optional<Integer> port) {
        Optional<String> tls = s.choice("tls", Set.of("starttls", "implicit", "none"));
        Optional<Boolean> useTls = s.bool("use_tls");
        if (tls.isPresent()) {
            TlsMode mode = TlsMode.valueOf(tls.get().toUpperCase(java.util.Locale.ROOT));
            if (useTls.isPresent() && useTls.get() != (mode != TlsMode.NONE)) {
                s.error("use_tls", "contradicts tls: " + tls.get() + " (give only one of them)");
            }
            return mode;
        }
        if (useTls.isPresent()) {
            if (!useTls.get()) {
                return TlsMode.NONE;
            }
            return port.orElse(587) == 465 ? TlsMode.IMPLICIT : TlsMode.STARTTLS;
        }
        if (port.isEmpty() || port.get() == 587) {
            return TlsMode.STARTTLS;
        }
        return port.get() == 465 ? TlsMode.IMPLICIT : TlsMode.NONE;
    }

    private static void checkAddress(ConfigSection s, String key, String address) {
        try {
            new InternetAddress(address, true).validate();
        } catch (AddressException e) {
            s.errorAtItem(key, address, "'" + address + "' is not a valid email address");
        }
    }
}
