package io.dbbackup.notify.email;

import io.dbbackup.core.Secret;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code notifications.<name>} of {@code type: email}, validated. {@code username} (written in the config) or
 * {@code usernameSecret} ({@code username_env}/{@code _file}/{@code _command}, read when a mail is sent),
 * {@code password} and {@code caFile} may be null (no authentication; the JVM's trusted CAs).
 */
record EmailSettings(String name, String host, int port, TlsMode tls, String username, Secret usernameSecret, Secret password,
                     String from, List<String> to, Duration timeout, String subjectPrefix, Path caFile) {
    EmailSettings {
        to = List.copyOf(to);
    }

    boolean authenticates() {
        return username != null || usernameSecret != null;
    }

    /** The login, read now when it is a secret. */
    String login() {
        return username != null ? username : usernameSecret == null ? null : usernameSecret.reveal();
    }
}
