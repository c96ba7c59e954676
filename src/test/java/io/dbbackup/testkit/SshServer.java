package io.dbbackup.testkit;

import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.server.config.keys.AuthorizedKeysAuthenticator;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.SftpFileSystemAccessor;
import org.apache.sshd.sftp.server.SftpSubsystemProxy;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channel;
import java.nio.file.CopyOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * Apache MINA SSHD in-process with the SFTP subsystem on a free loopback port. The SFTP root is a
 * temp folder ({@link #root()}, seen as {@code /} by clients); user {@link #user()} logs in with
 * {@link #password()} or the key {@link #clientKey()} (ssh-keygen ECDSA). {@link #stop()} drops every
 * connection at once; {@link #start()} restarts on the same port; {@link #changeHostKey()} swaps in a
 * new host key. {@link #withoutPosixRename()} leaves {@code posix-rename@openssh.com} out of the extensions the server
 * announces (servers that only rename onto a free name); {@link #failRenames} makes chosen renames fail.
 */
public final class SshServer implements AutoCloseable {
    private final Path dir;
    private final Path root;
    private final int port;
    private final String user = "backup";
    private final String password = "pw-" + UUID.randomUUID();
    private final Path clientKey;
    private Path hostKey;
    private org.apache.sshd.server.SshServer sshd;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final boolean posixRename;
    private volatile java.util.function.Predicate<String> failingRenames = r -> false;

    public SshServer() throws IOException {
        this(true);
    }

    /** A server that does not announce {@code posix-rename@openssh.com}: a rename never replaces an existing file. */
    public static SshServer withoutPosixRename() throws IOException {
        return new SshServer(false);
    }

    private SshServer(boolean posixRename) throws IOException {
        this.posixRename = posixRename;
        dir = Files.createTempDirectory("sshd-");
        root = Files.createDirectories(dir.resolve("root"));
        port = FreePort.pick();
        clientKey = SshKeys.generate(dir.resolve("client/id_ecdsa"), "ecdsa", null);
        Files.copy(dir.resolve("client/id_ecdsa.pub"), dir.resolve("authorized_keys"));
        hostKey = SshKeys.generate(dir.resolve("host-1/ssh_host_ecdsa_key"), "ecdsa", null);
        start();
    }

    public synchronized void start() throws IOException {
        if (sshd != null && sshd.isStarted()) {
            return;
        }
        sshd = org.apache.sshd.server.SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(port);
        sshd.setKeyPairProvider(new FileKeyPairProvider(hostKey));
        sshd.setPasswordAuthenticator((u, p, s) -> user.equals(u) && password.equals(p));
        sshd.setPublickeyAuthenticator(new AuthorizedKeysAuthenticator(dir.resolve("authorized_keys")) {
            @Override
            public boolean authenticate(String username, java.security.PublicKey key,
                                        org.apache.sshd.server.session.ServerSession session) {
                return user.equals(username) && super.authenticate(username, key, session);
            }
        });
        SftpSubsystemFactory sftp = new SftpSubsystemFactory();
        if (!posixRename) {
            sshd.getProperties().put(org.apache.sshd.sftp.SftpModuleProperties.OPENSSH_EXTENSIONS.getName(),
                    org.apache.sshd.sftp.server.AbstractSftpSubsystemHelper.DEFAULT_OPEN_SSH_EXTENSIONS.stream()
                            .filter(x -> !x.getName().equals("posix-rename@openssh.com"))
                            .map(x -> x.getName() + "=" + x.getVersion()).collect(java.util.stream.Collectors.joining(",")));
        }
        // record what reaches the disk: MINA's own fsync on close is off, so a sync seen here was asked for
        sshd.getProperties().put(SftpFileSystemAccessor.PROP_AUTO_SYNC_FILE_ON_CLOSE, false);
        sftp.setFileSystemAccessor(new SftpFileSystemAccessor() {
            @Override
            public void syncFileData(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file, String handle,
                                     Channel channel) throws IOException {
                SftpFileSystemAccessor.super.syncFileData(subsystem, fileHandle, file, handle, channel);
                requests.add("fsync " + file.getFileName());
            }

            @Override
            public void renameFile(SftpSubsystemProxy subsystem, Path oldPath, Path newPath, Collection<CopyOption> opts)
                    throws IOException {
                if (failingRenames.test(oldPath.getFileName() + " " + newPath.getFileName())) {
                    requests.add("refused rename " + oldPath.getFileName() + " " + newPath.getFileName());
                    throw new IOException("rename refused by the test"); // SSH_FX_FAILURE, as a full or failing disk
                }
                SftpFileSystemAccessor.super.renameFile(subsystem, oldPath, newPath, opts);
                requests.add("rename " + oldPath.getFileName() + " " + newPath.getFileName() + " " + opts.stream().sorted(
                        Comparator.comparing(Object::toString)).toList());
            }

            @Override
            public void removeFile(SftpSubsystemProxy subsystem, Path path, boolean isDirectory) throws IOException {
                SftpFileSystemAccessor.super.removeFile(subsystem, path, isDirectory);
                requests.add("remove " + path.getFileName());
            }
        });
        sshd.setSubsystemFactories(List.of(sftp));
        sshd.setFileSystemFactory(new VirtualFileSystemFactory(root));
        sshd.start();
    }

    /** Stops the server, closing every session at once. */
    public synchronized void stop() {
        if (sshd != null) {
            try {
                sshd.stop(true);
            } catch (IOException ignored) {
                // stopping
            }
        }
    }

    /** Makes the renames {@code which} accepts ({@code "OLD NEW"}, file names) fail: the server answers with an error. */
    public void failRenames(java.util.function.Predicate<String> which) {
        failingRenames = which;
    }

    /** Replaces the host key (the server must be restarted to use it). */
    public synchronized void changeHostKey() throws IOException {
        hostKey = SshKeys.generate(dir.resolve("host-" + UUID.randomUUID() + "/ssh_host_ecdsa_key"), "ecdsa", null);
    }

    /** What the SFTP server did to its disk, in order: {@code fsync NAME} (asked by a client), {@code rename OLD NEW [OPTIONS]}, {@code remove NAME}. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public Path clientKey() {
        return clientKey;
    }

    /** The host key's fingerprint as {@code ssh-keygen -lf} prints it. */
    public String hostKeyFingerprint() throws IOException {
        return SshKeys.fingerprint(Path.of(hostKey + ".pub"));
    }

    /** A known_hosts file trusting the current host key. */
    public Path knownHosts() throws IOException {
        String[] pub = Files.readString(Path.of(hostKey + ".pub")).trim().split("\\s+");
        Path kh = dir.resolve("known_hosts-" + UUID.randomUUID());
        Files.writeString(kh, "[127.0.0.1]:" + port + " " + pub[0] + " " + pub[1] + "\n");
        return kh;
    }

    /** The folder clients see as {@code /}. */
    public Path root() {
        return root;
    }

    public List<Path> files() {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        stop();
        TempTree.delete(dir);
    }
}
