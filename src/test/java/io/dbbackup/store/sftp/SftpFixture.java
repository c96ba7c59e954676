package io.dbbackup.store.sftp;

import io.dbbackup.core.Secret;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** SFTP store settings for tests. */
final class SftpFixture {
    private SftpFixture() {
    }

    static SftpSettings withKey(String host, int port, String user, String path, Path key, Path knownHosts) {
        return new SftpSettings(host, port, user, path, key, null, null, knownHosts, List.of(), false,
                Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    /** {@link #withKey(String, int, String, String, Path, Path)} waiting {@code timeout} for an answer. */
    static SftpSettings withKey(String host, int port, String user, String path, Path key, Path knownHosts, Duration timeout) {
        return new SftpSettings(host, port, user, path, key, null, null, knownHosts, List.of(), false,
                Duration.ofSeconds(10), timeout);
    }

    static SftpSettings withPassword(String host, int port, String user, String path, String password, List<String> pins) {
        return new SftpSettings(host, port, user, path, null, null, new Secret(password, "test"),
                Path.of("/nonexistent/known_hosts"), pins, false, Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    /** {@code s} with {@code file_mode} {@code mode}. */
    static SftpSettings withMode(SftpSettings s, io.dbbackup.core.FilePermissions mode) {
        return new SftpSettings(s.host(), s.port(), s.user(), s.path(), s.keyFile(), s.keyPassphrase(), s.password(),
                s.knownHosts(), s.fingerprints(), s.acceptNew(), s.connectTimeout(), s.timeout(), mode);
    }
}
