package io.dbbackup.store.sftp;

import io.dbbackup.core.HostPort;
import io.dbbackup.core.Log;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.transport.verification.HostKeyVerifier;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;

/**
 * Verifies the server's host key against pinned fingerprints or an OpenSSH known_hosts file. It
 * never trusts silently: an unknown key is refused with the fingerprint to pin (unless
 * {@code host_key_policy: accept-new}, which records it in known_hosts), a changed key is refused
 * with both the expected and the offered fingerprints. {@link #problem()} holds the reason after a
 * refusal, since sshj only reports "could not verify".
 */
final class HostKeyCheck implements HostKeyVerifier {
    private final SftpSettings cfg;
    private final Log log;
    private final KnownHosts knownHosts;
    private volatile String problem;

    HostKeyCheck(SftpSettings cfg, Log log) throws IOException {
        this.cfg = cfg;
        this.log = log;
        this.knownHosts = cfg.fingerprints().isEmpty() ? new KnownHosts(cfg.knownHosts().toFile()) : null;
    }

    String problem() {
        return problem;
    }

    @Override
    public boolean verify(String hostname, int port, PublicKey key) {
        if (knownHosts != null) {
            return knownHosts.verify(hostname, port, key);
        }
        String offered = Fingerprints.of(key);
        if (cfg.fingerprints().contains(offered)) {
            return true;
        }
        problem = "ssh host key of " + hostPort() + " has changed or is not the pinned one: host_key_fingerprint is "
                + String.join(" / ", cfg.fingerprints()) + " but the server offered " + KeyType.fromKey(key) + " "
                + offered + "; refusing to connect (if the server's key was changed on purpose, update host_key_fingerprint)";
        return false;
    }

    @Override
    public List<String> findExistingAlgorithms(String hostname, int port) {
        return knownHosts == null ? List.of() : knownHosts.findExistingAlgorithms(hostname, port);
    }

    private String hostPort() {
        return HostPort.of(cfg.host(), cfg.port());
    }

    private final class KnownHosts extends OpenSSHKnownHosts {
        KnownHosts(File file) throws IOException {
            super(file);
        }

        /**
         * A key that a line for this host marks {@code @revoked} is refused whatever other lines say, as OpenSSH does
         * (sshj passes over the revoked line and accepts the key from a plain one).
         */
        @Override
        public boolean verify(String hostname, int port, PublicKey key) {
            KeyType type = KeyType.fromKey(key);
            String host = port == 22 ? hostname.toLowerCase(java.util.Locale.ROOT) : "[" + hostname.toLowerCase(java.util.Locale.ROOT) + "]:" + port;
            String offered = Fingerprints.of(key);
            for (KnownHostEntry e : entries()) {
                try {
                    String line = e.getLine();
                    if (line != null && line.trim().startsWith("@revoked") && e.appliesTo(type, host)
                            && offered.equals(Fingerprints.ofKnownHostsLine(line))) {
                        problem = "ssh host key of " + hostPort() + " is REVOKED in " + khFile + " (" + type + " "
                                + offered + "); refusing to connect (the key is marked @revoked: ask the server's admin"
                                + " for its new key, and replace the old one in " + khFile + ")";
                        return false;
                    }
                } catch (IOException ignored) {
                    // an unreadable entry revokes nothing
                }
            }
            return super.verify(hostname, port, key);
        }

        @Override
        protected boolean hostKeyUnverifiableAction(String hostname, PublicKey key) {
            if (knownByAnotherKey(hostname)) {
                // sshj only compares keys of the offered type: a server known by an ECDSA key that offers ed25519 (a
                // man-in-the-middle without a key of the known type) is not new, and accept-new must not trust it
                return hostKeyChangedAction(hostname, key);
            }
            String fp = Fingerprints.of(key);
            if (cfg.acceptNew()) {
                try {
                    Path parent = khFile.toPath().toAbsolutePath().getParent();
                    if (parent != null) {
                        Files.createDirectories(parent);
                    }
                    HostEntry entry = new HostEntry(null, hostname, KeyType.fromKey(key), key);
                    entries().add(entry);
                    write(entry);
                    HostKeyCheck.this.log.warn("ssh host key of " + hostPort() + " was not known; accepted and added to known_hosts "
                            + "(host_key_policy: accept-new)", "fingerprint", KeyType.fromKey(key) + " " + fp,
                            "known_hosts", khFile);
                    return true;
                } catch (IOException e) {
                    problem = "ssh host key of " + hostPort() + " is not known (" + KeyType.fromKey(key) + " " + fp
                            + ") and cannot be added to " + khFile + " (" + io.dbbackup.core.FileFailure.reason(e)
                            + "; a read-only root filesystem?): check it with the server's admin, then pin it with"
                            + " host_key_fingerprint: \"" + fp + "\" or give known_hosts: a file that lists it (a mounted secret)";
                    return false;
                }
            }
            problem = "ssh host key of " + hostPort() + " is not known (" + KeyType.fromKey(key) + " " + fp
                    + "); check it with the server's admin (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), then pin it with"
                    + " host_key_fingerprint: \"" + fp + "\", add the line " + knownHostsLine(hostname, key) + " to " + khFile
                    + ", or set host_key_policy: accept-new to trust it on first use";
            return false;
        }

        /** Whether a plain line (no {@code @} marker) lists {@code hostname} ({@code [host]:port} off port 22), whatever its key type. */
        private boolean knownByAnotherKey(String hostname) {
            for (KnownHostEntry e : entries()) {
                try {
                    String line = e.getLine();
                    if (line != null && !line.trim().startsWith("@") && e.appliesTo(hostname)) {
                        return true;
                    }
                } catch (IOException ignored) {
                    // an unreadable entry lists no host
                }
            }
            return false;
        }

        /**
         * The known_hosts line for the key, as OpenSSH writes it: {@code hostname} is sshj's, already
         * {@code [host]:port} for a port other than 22 ({@code [::1]:2222 ssh-ed25519 AAAA...}).
         */
        private String knownHostsLine(String hostname, PublicKey key) {
            try {
                return new HostEntry(null, hostname, KeyType.fromKey(key), key).getLine();
            } catch (IOException | RuntimeException e) {
                return hostname + " " + KeyType.fromKey(key) + " ...";
            }
        }

        @Override
        protected boolean hostKeyChangedAction(String hostname, PublicKey key) {
            List<String> expected = new ArrayList<>();
            KeyType type = KeyType.fromKey(key);
            for (KnownHostEntry e : entries()) {
                try {
                    if (e.appliesTo(hostname) && e.getLine() != null) {
                        String fp = Fingerprints.ofKnownHostsLine(e.getLine());
                        expected.add(e.getType() + " " + fp);
                    }
                } catch (IOException ignored) {
                    // an unreadable entry is not the one we are looking for
                }
            }
            problem = "ssh host key of " + hostPort() + " has CHANGED: " + khFile + " expects "
                    + (expected.isEmpty() ? "another key" : String.join(" / ", expected)) + " but the server offered "
                    + type + " " + Fingerprints.of(key) + "; refusing to connect (possible man-in-the-middle; if the key"
                    + " was changed on purpose, update " + khFile + ")";
            return false;
        }
    }
}
