package io.dbbackup.store.sftp;

import io.dbbackup.core.FilePermissions;
import io.dbbackup.core.Secret;
import io.dbbackup.spi.ConfigSection;
import io.dbbackup.spi.Store;
import io.dbbackup.spi.StoreProvider;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code type: ssh} (alias {@code sftp}): a folder on an SSH server, over SFTP. */
public final class SftpStoreProvider implements StoreProvider {
    @Override
    public String type() {
        return "ssh";
    }

    @Override
    public Set<String> aliases() {
        return Set.of("sftp");
    }

    @Override
    public Store create(ConfigSection s) {
        SftpSettings settings = settings(s);
        return settings == null ? null
                : new SftpStore(settings, s.string("path").map(String::trim).flatMap(SftpStoreProvider::formerTildeFolder).orElse(null));
    }

    /** Validates the section without connecting anywhere; null when a problem was recorded. */
    static SftpSettings settings(ConfigSection s) {
        boolean ok = true;
        Optional<String> host = s.requireString("host");
        int port = s.integer("port", 1, 65535).orElse(22);
        Optional<String> user = s.requireString("user");
        Optional<String> path = s.requireString("path").map(String::trim);
        if (path.isPresent() && path.get().startsWith("~")) {
            Optional<String> remote = loginRelative(path.get());
            if (remote.isEmpty()) {
                s.error("path", "path " + path.get() + ": an SFTP server expands no ~user; give that folder's absolute path"
                        + " (or a path relative to the login folder)");
                ok = false;
            }
            path = remote;
        }
        Path keyFile = s.path("key_file").orElse(null);
        Optional<Secret> passphrase = s.secret("key_passphrase");
        Optional<Secret> password = s.secret("password");
        boolean passwordGiven = s.secretGiven("password");
        if (keyFile == null && !passwordGiven && !s.has("key_file")) { // a key_file refused (key_file: "") is said at it
            s.error("key_file", "give key_file (a private key) or password_env / password_file");
            ok = false;
        }
        if (keyFile != null) {
            Optional<String> unreadable = s.unreadableFile(keyFile);
            if (unreadable.isPresent()) {
                // a secret: missing here, it fails the work of this store only, not every job of the file
                s.unreadableSecretFile("key_file", unreadable.get());
            } else {
                warnIfShared(s, keyFile);
            }
        }
        if (passphrase.isPresent() && keyFile == null) {
            s.error("key_passphrase", "key_passphrase needs key_file");
            ok = false;
        }
        List<String> fingerprints = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        for (String f : s.stringList("host_key_fingerprint")) {
            String n = Fingerprints.normalize(f);
            if (n == null) {
                bad.add("'" + f + "'");
            } else {
                fingerprints.add(n);
            }
        }
        if (!bad.isEmpty()) {
            // one error for the key, however many of its items are wrong: they are one mistake, said once
            s.error("host_key_fingerprint", "host_key_fingerprint must look like SHA256:<43 base64 characters>"
                    + " (as ssh-keygen -lf prints it), got " + String.join(", ", bad));
            ok = false;
        }
        Optional<Path> knownHosts = s.path("known_hosts");
        if (knownHosts.isPresent() && !fingerprints.isEmpty()) {
            s.error("host_key_fingerprint", "give either known_hosts or host_key_fingerprint, not both");
            ok = false;
        }
        String policy = s.choice("host_key_policy", Set.of("strict", "accept-new")).orElse("strict");
        boolean acceptNew = policy.equals("accept-new");
        if (acceptNew && !fingerprints.isEmpty()) {
            s.warn("host_key_policy", "host_key_policy: accept-new has no effect with host_key_fingerprint");
        }
        Path kh = knownHosts.or(() -> s.home().map(h -> h.resolve(".ssh").resolve("known_hosts"))).orElse(null);
        if (kh == null && fingerprints.isEmpty()) {
            s.error("known_hosts", "no known_hosts: the default ~/.ssh/known_hosts needs a home folder, and none is known "
                    + "(HOME is unset and this user has no account entry); give known_hosts or host_key_fingerprint");
            ok = false;
        }
        Optional<Duration> connectTimeout = atLeastOneSecond(s, "connect_timeout", Duration.ofSeconds(15));
        Optional<Duration> timeout = atLeastOneSecond(s, "timeout", Duration.ofSeconds(60));
        ok &= connectTimeout.isPresent() && timeout.isPresent();
        Duration keepalive = s.duration("keepalive_interval").orElse(SftpSettings.KEEPALIVE);
        if (!keepalive.isNegative() && !keepalive.isZero() && keepalive.toMillis() < 1000) {
            s.error("keepalive_interval", "keepalive_interval is at least 1s (or 0 to send no keepalives), got "
                    + keepalive.toMillis() + "ms");
            ok = false;
        }
        Optional<FilePermissions> mode = s.fileMode();
        if (!ok || mode.isEmpty() || host.isEmpty() || user.isEmpty() || path.isEmpty() || (passwordGiven && password.isEmpty())) {
            return null;
        }
        return new SftpSettings(host.get().trim(), port, user.get().trim(), path.get().trim(), keyFile,
                passphrase.orElse(null), password.orElse(null), kh, List.copyOf(fingerprints), acceptNew,
                connectTimeout.get(), timeout.get(), mode.get(), keepalive, credentials(s, keyFile, password.orElse(null)));
    }

    /**
     * The settings a refused login points at, each with its place in the config ({@link ConfigSection#place}, {@link
     * Secret#where}): the user, the key file, the password. Never a secret's value.
     */
    private static String credentials(ConfigSection s, Path keyFile, Secret password) {
        List<String> places = new ArrayList<>();
        places.add(s.place("user"));
        if (keyFile != null) {
            places.add(s.place("key_file"));
        }
        if (password != null) {
            places.add(password.where());
        }
        return String.join("; ", places);
    }

    /**
     * {@code path} with a leading {@code ~} (the login folder, as sftp, scp and rsync read it) as the path relative to
     * the login folder that SFTP means: {@code ~/backups} is {@code backups}, {@code ~} and {@code ~/} are {@code .}. The
     * server does not expand it: sent as written, {@code ~/backups} made a folder named {@code ~} in the login folder.
     * Empty for {@code ~user}, which only the server could resolve.
     */
    static Optional<String> loginRelative(String path) {
        if (path.equals("~") || path.equals("~/")) {
            return Optional.of(".");
        }
        if (path.startsWith("~/")) {
            String rest = path.substring(2).replaceFirst("^/+", "");
            return Optional.of(rest.isEmpty() ? "." : rest);
        }
        return Optional.empty();
    }

    /**
     * Where dbbackup before 2026-12-04 stored the backups of a {@code path} written with {@code ~} or {@code ~/…}: sent
     * unexpanded, it named a folder {@code ~} in the login folder. Empty for any other path.
     */
    static Optional<String> formerTildeFolder(String written) {
        return written.equals("~") || written.startsWith("~/") ? Optional.of(written.replaceFirst("/+$", "")) : Optional.empty();
    }

    /**
     * {@code connect_timeout} or {@code timeout}, {@code fallback} when absent: below 1s is an error at the key. {@code
     * timeout: 0} passed {@code config validate} and failed every connection ("did not answer the start of SFTP for 0 s":
     * the start's watchdog fired at once), {@code connect_timeout: 0} waited on a dead server for ever.
     */
    private static Optional<Duration> atLeastOneSecond(ConfigSection s, String key, Duration fallback) {
        boolean given = s.has(key);
        Optional<Duration> d = s.duration(key);
        if ((given && d.isEmpty()) || d.filter(Duration::isNegative).isPresent()) {
            return Optional.empty(); // said by duration()
        }
        if (d.isPresent() && d.get().toMillis() < 1000) {
            s.error(key, key + " is at least 1s (the default is " + fallback.toSeconds() + "s), got " + d.get().toMillis() + "ms");
            return Optional.empty();
        }
        return Optional.of(d.orElse(fallback));
    }

    private static void warnIfShared(ConfigSection s, Path p) {
        io.dbbackup.core.SharedSecretFile.problem(p).ifPresent(why -> s.warn("key_file", why));
    }
}
