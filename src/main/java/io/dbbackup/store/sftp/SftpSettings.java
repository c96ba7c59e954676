package io.dbbackup.store.sftp;

import io.dbbackup.core.FilePermissions;
import io.dbbackup.core.HostPort;
import io.dbbackup.core.Secret;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A validated {@code type: ssh} store section.
 *
 * @param path         the store's root folder on the server (absolute, or relative to the login folder)
 * @param keyFile      private key for public-key authentication, or null
 * @param password     password for password authentication, or null
 * @param knownHosts   OpenSSH known_hosts file checked when no fingerprint is pinned (null with a fingerprint and no home folder)
 * @param fingerprints pinned host key fingerprints ({@code SHA256:...}); when set, known_hosts is not used
 * @param acceptNew    {@code host_key_policy: accept-new}: an unknown host is added to known_hosts
 * @param mode         {@code file_mode}: of the files the store creates on the server (its folders: x where r is set)
 * @param keepalive    {@code keepalive_interval}: how often an SSH keepalive goes to the server; zero sends none
 * @param credentials  what a refused login says to check: the settings that log in, each with its config place, e.g.
 *                     {@code stores.nas.user at config.yaml:5:11, stores.nas.password_env at config.yaml:7:19, read from
 *                     env NAS_PW}
 */
record SftpSettings(String host, int port, String user, String path, Path keyFile, Secret keyPassphrase,
                    Secret password, Path knownHosts, List<String> fingerprints, boolean acceptNew,
                    Duration connectTimeout, Duration timeout, FilePermissions mode, Duration keepalive,
                    String credentials) {
    /** The default {@code keepalive_interval}, as OpenSSH's {@code ServerAliveInterval} is often set. */
    static final Duration KEEPALIVE = Duration.ofSeconds(15);
    /** What a refused login says to check when the settings did not come from a config. */
    static final String CREDENTIALS = "user, key_file and password";

    SftpSettings(String host, int port, String user, String path, Path keyFile, Secret keyPassphrase,
                 Secret password, Path knownHosts, List<String> fingerprints, boolean acceptNew,
                 Duration connectTimeout, Duration timeout, FilePermissions mode, Duration keepalive) {
        this(host, port, user, path, keyFile, keyPassphrase, password, knownHosts, fingerprints, acceptNew, connectTimeout,
                timeout, mode, keepalive, CREDENTIALS);
    }

    SftpSettings(String host, int port, String user, String path, Path keyFile, Secret keyPassphrase, Secret password,
                 Path knownHosts, List<String> fingerprints, boolean acceptNew, Duration connectTimeout, Duration timeout,
                 FilePermissions mode) {
        this(host, port, user, path, keyFile, keyPassphrase, password, knownHosts, fingerprints, acceptNew, connectTimeout,
                timeout, mode, KEEPALIVE);
    }

    /** Owner-only files and folders. */
    SftpSettings(String host, int port, String user, String path, Path keyFile, Secret keyPassphrase, Secret password,
                 Path knownHosts, List<String> fingerprints, boolean acceptNew, Duration connectTimeout, Duration timeout) {
        this(host, port, user, path, keyFile, keyPassphrase, password, knownHosts, fingerprints, acceptNew, connectTimeout,
                timeout, FilePermissions.OWNER_ONLY);
    }

    SftpSettings withKeepalive(Duration interval) {
        return new SftpSettings(host, port, user, path, keyFile, keyPassphrase, password, knownHosts, fingerprints, acceptNew,
                connectTimeout, timeout, mode, interval, credentials);
    }

    /** Whether {@link #credentials} names the config places (and the password's source), not {@link #CREDENTIALS}. */
    boolean placed() {
        return !CREDENTIALS.equals(credentials);
    }

    String where() {
        return user + "@" + HostPort.bracketed(host) + (port == 22 ? "" : ":" + port);
    }

    String describe() {
        return "sftp " + where() + ":" + path;
    }
}
