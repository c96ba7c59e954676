package io.dbbackup.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Debian's OpenSSH server ({@code /usr/sbin/sshd}, package openssh-server) on a free loopback port,
 * run as {@code nobody} through {@code setpriv} with its own config, host key and authorized_keys in a
 * temp folder (a non-root sshd can only log in its own user). SFTP is {@code internal-sftp}; the
 * folder {@link #dataDir()} belongs to nobody. Public-key authentication with an ed25519 key.
 */
public final class OpenSshServer implements AutoCloseable {
    private final Path dir;
    private final Path data;
    private final int port;
    private final Path clientKey;
    private final Path hostKey;
    private Process process;

    /** Empty, or the size of the tmpfs the data folder is, in the server's own mount namespace (a full disk). */
    private final String dataSize;
    /** The address it listens on: 127.0.0.1, or ::1 ({@link #onIpv6Loopback()}). */
    private final String address;
    /** The password of a keyboard-interactive-only server, or null. */
    private final String password;
    /** Its PAM service, {@code /etc/pam.d/<name>} (removed at close), or null. */
    private final Path pamService;
    /** The command of its sftp subsystem: {@code internal-sftp} (with {@code -u} when a umask is given) or another. */
    private final String subsystem;

    public OpenSshServer() throws IOException {
        this("");
    }

    /**
     * A server whose data folder is a tmpfs of {@code dataSize} (e.g. {@code 2m}) mounted in a mount namespace
     * of the server's own: the disk the server fills up, seen by nothing else.
     */
    public OpenSshServer(String dataSize) throws IOException {
        this(dataSize, "", false);
    }

    /** A server whose SFTP subsystem creates files under {@code umask} (internal-sftp's {@code -u}), e.g. {@code 077}. */
    public static OpenSshServer withSftpUmask(String umask) throws IOException {
        return new OpenSshServer("", umask, false);
    }

    /**
     * A server whose sftp subsystem is {@code command} (e.g. Debian's default {@code /usr/lib/openssh/sftp-server}),
     * which sshd runs through the login's shell: {@code nobody}'s is {@code /usr/sbin/nologin}, which prints "This
     * account is currently not available." instead.
     */
    public static OpenSshServer withSftpSubsystem(String command) throws IOException {
        return new OpenSshServer("", false, "127.0.0.1", command);
    }

    /**
     * A server whose internal-sftp starts in {@link #dataDir()} ({@code -d}), as a backup drop's server starts its
     * logins in their folder: a relative path is inside it.
     */
    public static OpenSshServer withSftpStartInData() throws IOException {
        return new OpenSshServer("", false, "127.0.0.1", "internal-sftp -d %DATA%");
    }

    /**
     * A server whose sshd_config also has {@code lines} (e.g. {@code ClientAliveInterval 1}); {@code %DIR%} in them is
     * the server's own folder, where a test may put files they name (a {@code Banner}) before {@link #stop()} and
     * {@link #start()}.
     */
    public static OpenSshServer withConfig(String... lines) throws IOException {
        return new OpenSshServer("", false, "127.0.0.1", "internal-sftp", List.of(lines));
    }

    /** A server listening on the IPv6 loopback address {@code ::1} only; {@link #knownHosts()} names it {@code [::1]:port}. */
    public static OpenSshServer onIpv6Loopback() throws IOException {
        return new OpenSshServer("", "", false, "::1");
    }

    /**
     * A server that logs in with keyboard-interactive alone ({@code PasswordAuthentication no}, no public keys), which
     * asks for {@link #password()} through PAM, as a server that allows only one-time-password or PAM logins does. sshd
     * takes its PAM service's name from the name it is started under (a link to it here), so the service is one of its
     * own in /etc/pam.d (written as root, removed at {@link #close()}): pam_exec checks the password against a file, as
     * {@code nobody} (the user this sshd runs as, whose account has no password).
     */
    public static OpenSshServer withKeyboardInteractiveOnly() throws IOException {
        return new OpenSshServer("", "", true);
    }

    private OpenSshServer(String dataSize, String sftpUmask, boolean keyboardInteractive) throws IOException {
        this(dataSize, sftpUmask, keyboardInteractive, "127.0.0.1");
    }

    private OpenSshServer(String dataSize, String sftpUmask, boolean keyboardInteractive, String address) throws IOException {
        this(dataSize, keyboardInteractive, address, "internal-sftp" + (sftpUmask.isEmpty() ? "" : " -u " + sftpUmask));
    }

    private OpenSshServer(String dataSize, boolean keyboardInteractive, String address, String subsystem)
            throws IOException {
        this(dataSize, keyboardInteractive, address, subsystem, List.of());
    }

    private OpenSshServer(String dataSize, boolean keyboardInteractive, String address, String subsystem, List<String> extra)
            throws IOException {
        this.dataSize = dataSize;
        this.subsystem = subsystem;
        this.address = address;
        dir = Files.createTempDirectory(Path.of("/tmp"), "openssh-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        data = Files.createDirectories(dir.resolve("data"));
        UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(data, users.lookupPrincipalByName("nobody"));
        port = FreePort.pick();
        clientKey = SshKeys.generate(dir.resolve("client/id_ed25519"), "ed25519", null);
        hostKey = SshKeys.generate(dir.resolve("host/ssh_host_ed25519_key"), "ed25519", null);
        Files.setOwner(hostKey, users.lookupPrincipalByName("nobody"));
        Files.copy(dir.resolve("client/id_ed25519.pub"), dir.resolve("authorized_keys"));
        Files.setPosixFilePermissions(dir.resolve("authorized_keys"), PosixFilePermissions.fromString("rw-r--r--"));
        if (keyboardInteractive) {
            password = "kbd-" + java.util.UUID.randomUUID();
            Files.writeString(dir.resolve("password"), password + "\n");
            Path check = dir.resolve("check-password.sh");
            Files.writeString(check, "#!/bin/sh\nread -r given\n[ \"$given\" = \"$(cat " + dir.resolve("password") + ")\" ]\n");
            Files.setPosixFilePermissions(check, PosixFilePermissions.fromString("rwxr-xr-x"));
            String service = "dbbackup-test-" + dir.getFileName();
            pamService = Path.of("/etc/pam.d", service);
            Files.writeString(pamService, String.join("\n",
                    "auth required pam_exec.so expose_authtok quiet " + check,
                    "auth required pam_permit.so",
                    "account required pam_permit.so",
                    "session required pam_permit.so",
                    "password required pam_deny.so", ""));
            Files.createSymbolicLink(dir.resolve(service), Path.of("/usr/sbin/sshd"));
        } else {
            password = null;
            pamService = null;
        }
        Files.writeString(dir.resolve("sshd_config"), String.join("\n",
                "Port " + port,
                "ListenAddress " + address,
                "HostKey " + hostKey,
                "PidFile " + dir.resolve("sshd.pid"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "StrictModes no",
                "UsePAM yes",
                "PubkeyAuthentication " + (keyboardInteractive ? "no" : "yes"),
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication " + (keyboardInteractive ? "yes" : "no"),
                "Subsystem sftp " + subsystem.replace("%DATA%", data.toString()),
                "LogLevel INFO",
                String.join("\n", extra).replace("%DIR%", dir.toString()),
                ""));
        try {
            start();
        } catch (IOException | RuntimeException e) {
            close(); // the PAM service goes too
            throw e;
        }
    }

    public synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> command = new java.util.ArrayList<>();
        if (!dataSize.isEmpty()) {
            command.addAll(List.of("unshare", "-m", "--propagation", "private", "bash", "-c",
                    "mount -t tmpfs -o size=" + dataSize + ",mode=0755,uid=$(id -u nobody) tmpfs " + data + " && exec \"$@\"",
                    "sshd-on-tmpfs"));
        }
        command.addAll(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                pamService == null ? "/usr/sbin/sshd" : dir.resolve(pamService.getFileName()).toString(), "-D", "-e", "-f", dir.resolve("sshd_config").toString()));
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("sshd.log").toFile()))
                .start();
        if (!FreePort.awaitListening(java.net.InetAddress.getByName(address), port, Duration.ofSeconds(20), process::isAlive)) {
            String log = log();
            process.destroyForcibly();
            throw new IllegalStateException("sshd did not start on port " + port + ":\n" + log);
        }
    }

    /** Lets the key whose public half is {@code publicKey} log in too. */
    public void authorize(Path publicKey) throws IOException {
        Files.writeString(dir.resolve("authorized_keys"), Files.readString(publicKey).trim() + "\n",
                java.nio.file.StandardOpenOption.APPEND);
    }

    /** Ends every client's session of this server (their connections drop) while it goes on listening. */
    public synchronized void dropSessions() {
        // below the listener, per connection: "sshd: nobody [priv]" → "nobody@notty" (holds the socket) → internal-sftp
        process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * {@link #dropSessions}, returning once the session processes are gone: their sockets are closed by then, while the
     * client may not have noticed yet (a cut the client learns of from its next request).
     */
    public synchronized void cutSessions() {
        List<ProcessHandle> sessions = process.toHandle().descendants().toList();
        sessions.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : sessions) {
            try {
                h.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("session process " + h.pid() + " did not end", e);
            }
        }
    }

    /**
     * Stops every client's session processes (SIGSTOP) while the server goes on listening: their connections go silent,
     * as one a NAT or firewall forgot, which the client learns of only when a request gets no answer. {@link #cutSessions}
     * ends them.
     */
    public synchronized void freezeSessions() throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("kill", "-STOP"));
        process.toHandle().descendants().forEach(h -> command.add(Long.toString(h.pid())));
        if (command.size() > 2 && new ProcessBuilder(command).inheritIO().start().waitFor() != 0) {
            throw new IllegalStateException("could not stop the session processes: " + command);
        }
    }

    /**
     * Stops the whole server (SIGSTOP), its listener and every session: a new connection is still taken by the kernel, but
     * the server says nothing on it, as a host that hangs (swapping, a dead NFS mount under sshd). {@link #thaw} wakes it.
     */
    public synchronized void freeze() throws IOException, InterruptedException {
        signalAll("-STOP");
    }

    /** Wakes the server {@link #freeze} stopped (SIGCONT), its listener and sessions. */
    public synchronized void thaw() throws IOException, InterruptedException {
        signalAll("-CONT");
    }

    private void signalAll(String signal) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("kill", signal, Long.toString(process.pid())));
        process.toHandle().descendants().forEach(h -> command.add(Long.toString(h.pid())));
        if (new ProcessBuilder(command).inheritIO().start().waitFor() != 0) {
            throw new IllegalStateException("could not signal the server's processes: " + command);
        }
    }

    /** The server's processes below its listener: a few per client connection while it is open, none once all closed. */
    public synchronized long sessionProcesses() {
        return process.toHandle().descendants().filter(ProcessHandle::isAlive).count();
    }

    public synchronized void stop() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public String host() {
        return address;
    }

    public int port() {
        return port;
    }

    /** The only user a non-root sshd can log in. */
    public String user() {
        return "nobody";
    }

    /** The password of a {@link #withKeyboardInteractiveOnly()} server. */
    public String password() {
        return password;
    }

    public Path clientKey() {
        return clientKey;
    }

    /** An absolute folder on the server the user may write. */
    public Path dataDir() {
        return data;
    }

    public String hostKeyFingerprint() throws IOException {
        return SshKeys.fingerprint(Path.of(hostKey + ".pub"));
    }

    public Path knownHosts() throws IOException {
        String[] pub = Files.readString(Path.of(hostKey + ".pub")).trim().split("\\s+");
        Path kh = dir.resolve("known_hosts");
        Files.writeString(kh, "[" + address + "]:" + port + " " + pub[0] + " " + pub[1] + "\n");
        return kh;
    }

    public List<Path> files() {
        if (!dataSize.isEmpty()) { // the tmpfs is seen only in the server's mount namespace
            Shell.Result r = Shell.run(dir, "nsenter", "--target", Long.toString(process.pid()), "--mount",
                    "find", data.toString(), "-type", "f");
            return r.output().lines().filter(l -> !l.isBlank()).map(Path::of).sorted().toList();
        }
        try (Stream<Path> s = Files.walk(data)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("sshd.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() {
        stop();
        if (pamService != null) {
            try {
                Files.deleteIfExists(pamService);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        TempTree.delete(dir);
    }
}
