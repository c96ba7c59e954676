package io.dbbackup.store.sftp;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.HostPort;
import io.dbbackup.core.Human;
import io.dbbackup.core.Log;
import io.dbbackup.core.Redactor;
import io.dbbackup.core.ShellWords;
import io.dbbackup.core.StoredObject;
import io.dbbackup.core.UnfinishedUpload;
import io.dbbackup.spi.Deadline;
import io.dbbackup.spi.KeyTakenException;
import io.dbbackup.spi.NoSuchKeyException;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.Store;
import io.dbbackup.spi.StoreClosedException;
import io.dbbackup.spi.Upload;
import net.schmizz.keepalive.KeepAliveProvider;
import net.schmizz.sshj.DefaultConfig;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.sftp.FileAttributes;
import net.schmizz.sshj.sftp.FileMode;
import net.schmizz.sshj.sftp.OpenMode;
import net.schmizz.sshj.sftp.RemoteFile;
import net.schmizz.sshj.sftp.RemoteResourceInfo;
import net.schmizz.sshj.sftp.Response;
import net.schmizz.sshj.sftp.SFTPClient;
import net.schmizz.sshj.sftp.SFTPEngine;
import net.schmizz.sshj.sftp.SFTPException;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.keyprovider.KeyProvider;
import net.schmizz.sshj.userauth.method.AuthMethod;
import net.schmizz.sshj.userauth.method.AuthKeyboardInteractive;
import net.schmizz.sshj.userauth.method.AuthPassword;
import net.schmizz.sshj.userauth.method.AuthPublickey;
import net.schmizz.sshj.userauth.method.PasswordResponseProvider;
import net.schmizz.sshj.userauth.password.PasswordFinder;
import net.schmizz.sshj.userauth.password.Resource;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * A folder on an SSH server, over SFTP (sshj). Connects on first use and reconnects after a lost
 * connection: also when an operation finds it dead at its start ({@link #reconnectingOnce}). Closed, it refuses every
 * operation ({@link StoreClosedException}) and never connects again. Uploads go to a hidden temporary name in the key's
 * folder ({@code .<name>.part-<random>}) and are renamed onto the key at commit, replacing an existing object
 * atomically where the server offers {@code posix-rename@openssh.com} (OpenSSH, Apache MINA), elsewhere after renaming
 * it aside ({@link #rename}); temporary names are never listed.
 */
public final class SftpStore implements Store {
    static final String PART = ".part-";
    /** A temporary file's name: a dot, the file name it is written for, {@link #PART}, 8 random hex digits. */
    private static final Pattern TEMP_NAME = Pattern.compile("\\.(.+)" + Pattern.quote(PART) + "[0-9a-f]{8}");
    /** An object {@link #rename} set aside: {@link #TEMP_NAME} followed by {@link #REPLACED}. */
    private static final Pattern ASIDE_NAME = Pattern.compile("\\.(.+)" + Pattern.quote(PART) + "[0-9a-f]{8}"
            + Pattern.quote(".replaced"));
    private static final String POSIX_RENAME = "posix-rename@openssh.com";

    private final SftpSettings cfg;
    private SSHClient ssh;
    /** Read without the lock where only its identity matters ({@link #reconnectingOnce}): a connect holds the lock. */
    private volatile SFTPClient sftp;
    /**
     * Folders this store's uploads made that are not removed yet: those of committed uploads, and those of aborted ones
     * that the server would not remove (they held something, such as the sidecars a backup that failed after its claim
     * deletes next, {@link #removeAbortedFolders}). The {@link #delete} that empties one removes it (a backup deleted
     * after failing its read-back leaves no empty folder); folders that were there before are never removed.
     */
    private final java.util.Set<String> madeFolders = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** A connection was made: the next one is a reconnect, and says so. */
    private boolean connectedBefore;
    /** {@link #close} was called: every operation is refused, and nothing connects again. */
    private boolean closed;
    /** The key_file's problem was logged: once per store (a run), not at every connection (a retry, a reconnect). */
    private boolean keyWarned;

    /**
     * Where an older dbbackup stored this store's backups ({@link SftpStoreProvider#formerTildeFolder}), looked for once
     * after the first login; null when {@code path} has no {@code ~}.
     */
    private String formerTildeFolder;

    SftpStore(SftpSettings cfg) {
        this(cfg, null);
    }

    SftpStore(SftpSettings cfg, String formerTildeFolder) {
        this.cfg = cfg;
        this.formerTildeFolder = formerTildeFolder;
    }

    SftpSettings settingsForTest() {
        return cfg;
    }

    /**
     * The connection, made when there is none. A caller that waited while another's attempt to connect failed (a backup's
     * overwrite check and its upload start together) gets that failure instead of waiting as long again on the same
     * server; a later call tries anew.
     */
    SFTPClient sftp() throws IOException {
        long asked = System.nanoTime();
        synchronized (this) {
            ConnectFailed failed = lastConnectFailure;
            if (failed != null && lastConnectFailedAt - asked > 0 && sftp == null) {
                throw failed;
            }
            try {
                return connected();
            } catch (ConnectFailed e) {
                lastConnectFailure = e;
                lastConnectFailedAt = System.nanoTime();
                throw e;
            }
        }
    }

    /** The last connect that failed ({@link #sftp}) and when it ended ({@link System#nanoTime}). */
    private ConnectFailed lastConnectFailure;
    private long lastConnectFailedAt;

    private SFTPClient connected() throws IOException {
        if (closed) {
            throw new StoreClosedException(cfg.describe());
        }
        if (sftp != null && ssh.isConnected() && ssh.isAuthenticated()) {
            return sftp;
        }
        disconnect();
        DefaultConfig config = new DefaultConfig();
        // keepalive@openssh.com requests, answered by the server: a dump that sends nothing for minutes (pg_dump waiting
        // on a lock) keeps its connection through a NAT or firewall that drops idle ones, and a dead one is noticed
        config.setKeepAliveProvider(KeepAliveProvider.KEEP_ALIVE);
        SSHClient c = new SSHClient(config);
        c.getConnection().getKeepAlive().setKeepAliveInterval((int) cfg.keepalive().toSeconds());
        c.setConnectTimeout((int) cfg.connectTimeout().toMillis());
        // the server's banner and the key exchange within connect_timeout too (or timeout, when shorter), as OpenSSH's
        // ConnectTimeout bounds the banner: a port that takes the connection and sends nothing waited 'timeout' (60 s)
        // for each connection made
        c.setTimeout((int) handshakeTimeout().toMillis());
        HostKeyCheck check = new HostKeyCheck(cfg, Log.get());
        c.addHostKeyVerifier(check);
        try {
            try {
                c.connect(cfg.host(), cfg.port());
                c.setTimeout((int) cfg.timeout().toMillis());
                c.getSocket().setSoTimeout((int) cfg.timeout().toMillis());
            } catch (TransportException e) {
                if (check.problem() != null) {
                    throw DbBackupException.permanent(check.problem(), null);
                }
                throw cannotConnect(e, c);
            } catch (IOException e) {
                throw cannotConnect(e, c);
            }
            logIn(c);
            SFTPClient client = new SftpStart(cfg).start(c); // bounded by timeout, with words of its own
            ssh = c;
            sftp = client;
            if (connectedBefore) {
                Log.get().info("sftp connection to " + HostPort.of(cfg.host(), cfg.port()) + " was lost; reconnected",
                        "store", cfg.describe());
            }
            connectedBefore = true;
            warnOfFormerTildeFolder(client);
            return sftp;
        } catch (IOException | RuntimeException e) {
            try {
                c.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw e;
        }
    }

    /**
     * The login on {@code c}, within {@link #handshakeTimeout} as the banner and key exchange: a server whose login hangs
     * (an authorized-keys command, PAM or a directory service that stopped answering) has its connection closed then,
     * where sshj waited {@code timeout} for each login method and said the authentication failed.
     */
    private void logIn(SSHClient c) throws IOException {
        Deadline login = Deadline.start(handshakeTimeout(), () -> closeQuietly(c));
        try {
            authenticate(c);
        } catch (IOException | RuntimeException e) {
            if (login.expired()) {
                // not as the cause of a DbBackupException: its words (authentication failed) would win
                throw loginUnfinished(e instanceof DbBackupException ? null : e);
            }
            throw e;
        } finally {
            login.cancel();
        }
        if (login.expired()) { // at the moment the login ended: its socket is closed
            throw loginUnfinished(null);
        }
    }

    private ConnectFailed loginUnfinished(Throwable cause) {
        return new ConnectFailed(cfg.describe(), "sftp cannot connect to " + HostPort.of(cfg.host(), cfg.port()),
                "cannot connect", ": the SSH server did not finish the login within " + Human.settingSpaced(handshakeTimeout())
                + " (the key exchange went through, then the login got no answer: an AuthorizedKeysCommand, PAM or a"
                + " directory service on the server that hangs; '" + handshakeTimeoutKey() + "' sets how long)", cause);
    }

    private static void closeQuietly(SSHClient c) {
        try {
            if (c.getSocket() != null) {
                c.getSocket().close();
            }
        } catch (IOException | RuntimeException ignored) {
            // closing: the login waiting on it fails now
        }
    }

    /**
     * Once per store: a folder {@code ~/…} in the login folder, where dbbackup before 2026-12-04 stored the backups of
     * {@code path: ~/…} (it sent the {@code ~} unexpanded), holds backups this store no longer lists, restores or prunes.
     */
    private void warnOfFormerTildeFolder(SFTPClient client) {
        String former = formerTildeFolder;
        formerTildeFolder = null;
        if (former == null) {
            return;
        }
        try {
            FileAttributes a = client.statExistence(former);
            if (a != null && a.getType() == FileMode.Type.DIRECTORY) {
                Log.get().warn("the login folder holds a folder named '~' (" + former + "), where dbbackup before 2026-12-04 "
                        + "stored the backups of path " + former + " (it sent the ~ unexpanded): this store reads " + cfg.path()
                        + " in the login folder now, so backups there are not listed, restored or pruned until moved (in "
                        + "the login folder: mkdir -p " + cfg.path() + " && mv '" + former + "'/* " + cfg.path() + "/)",
                        "store", cfg.describe());
            }
        } catch (IOException | RuntimeException e) {
            // a hint only: a folder that cannot be looked at is no reason to fail the run
        }
    }

    private void authenticate(SSHClient c) throws IOException {
        List<AuthMethod> methods = new ArrayList<>();
        List<String> tried = new ArrayList<>();
        if (cfg.keyFile() != null) {
            KeyProvider kp = null;
            boolean[] encrypted = {false};
            try {
                kp = c.loadKeys(cfg.keyFile().toString(), new PasswordFinder() {
                    @Override
                    public char[] reqPassword(Resource<?> resource) {
                        encrypted[0] = true;
                        return cfg.keyPassphrase() == null ? new char[0] : cfg.keyPassphrase().reveal().toCharArray();
                    }

                    @Override
                    public boolean shouldRetry(Resource<?> resource) {
                        return false;
                    }
                });
                // decrypts: a missing or wrong passphrase fails here, with a clear message. Not getPublic(): it is read
                // from the key's .pub (or the clear part of an OpenSSH key) without decrypting, and the server then
                // accepts the public key and the signature fails as "authentication failed"
                kp.getPrivate();
            } catch (IOException | RuntimeException e) {
                String problem = "sftp cannot load key_file " + cfg.keyFile() + ": "
                        + (cfg.keyPassphrase() == null && encrypted[0]
                                ? "it is encrypted and no passphrase is given (key_passphrase_env or key_passphrase_file)"
                                : Redactor.redact(reason(e)) + (cfg.keyPassphrase() == null ? "" : " (check key_passphrase)"));
                if (cfg.password() == null) {
                    throw DbBackupException.permanent(problem, null);
                }
                // the password may still log in, as it did while the key's failure showed only at the server
                if (!keyWarned) {
                    keyWarned = true;
                    Log.get().warn(problem + "; logging in with the password alone", "store", cfg.describe());
                }
                tried.add("publickey " + cfg.keyFile() + " (not loaded, see the warning)");
                kp = null;
            }
            if (kp != null) {
                methods.add(new AuthPublickey(kp));
                tried.add("publickey " + cfg.keyFile() + offered(kp));
            }
        }
        if (cfg.password() != null) {
            String pw = cfg.password().reveal();
            PasswordFinder password = new PasswordFinder() {
                @Override
                public char[] reqPassword(Resource<?> resource) {
                    return pw.toCharArray();
                }

                @Override
                public boolean shouldRetry(Resource<?> resource) {
                    return false;
                }
            };
            methods.add(new AuthPassword(password));
            // servers with PasswordAuthentication off and logins through PAM ask for the password this way ("Password:")
            methods.add(new AuthKeyboardInteractive(new PasswordResponseProvider(password)));
            // where the password comes from is said once: in "check …" when the config placed it, else here
            tried.add("password and keyboard-interactive" + (cfg.placed() ? "" : " (" + cfg.password().source() + ")"));
        }
        try {
            c.auth(cfg.user(), methods);
        } catch (UserAuthException e) {
            // after words that name the store: "authentication failed (tried …)", the server said once
            String words = "sftp authentication failed for " + cfg.where();
            String rest = " (tried " + String.join(", ", tried) + "); check " + cfg.credentials();
            throw DbBackupException.permanent(words + rest,
                    new io.dbbackup.spi.StoreWordsException(cfg.describe(), words, "authentication failed", rest, null));
        } catch (TransportException e) {
            throw new ConnectFailed(cfg.describe(), "sftp connection to " + HostPort.of(cfg.host(), cfg.port()) + " lost",
                    "the connection was lost", " during authentication: " + reason(e), e);
        }
    }

    /**
     * {@code " (ssh-ed25519 SHA256:…)"}: the type and fingerprint of the public key offered, as {@code ssh-keygen -lf}
     * prints it, to compare with the lines of the server's authorized_keys ({@code ssh-keygen -lf authorized_keys});
     * nothing else of the key. Empty when its public half cannot be read.
     */
    private static String offered(KeyProvider kp) {
        try {
            return " (" + Fingerprints.describe(kp.getPublic()) + ")";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /**
     * The connection could not be made, as one line that says why. A server that closes it during the SSH handshake
     * (sshj: "Server closed connection during identification exchange", or EOF) has refused it, typically sshd over its
     * {@code MaxStartups} (several stores or hosts connecting at once): not a dropped idle connection, which is what
     * {@link #fail} would read an EOF as. After words that name the store ({@code cannot list d/ in sftp u@h:2222:/p}) it
     * says {@code cannot connect: …}, the server said once.
     */
    private ConnectFailed cannotConnect(IOException e, SSHClient c) {
        String why;
        if (handshakeStalled(e) && !bannerCame(c)) {
            why = "no SSH banner within " + Human.settingSpaced(handshakeTimeout()) + " (the port took the connection but"
                    + " no SSH server answered: a hung sshd, another service on that port, or a proxy or load balancer with"
                    + " nothing behind it; '" + handshakeTimeoutKey() + "' sets how long)";
        } else if (handshakeClosed(e)) {
            why = "the server closed the connection during the SSH handshake (an sshd at its MaxStartups limit of"
                    + " connections still logging in drops the next ones: many jobs or hosts connecting to it at once; or a"
                    + " firewall, fail2ban or TCP wrappers refusing this host: the server's log says which)";
        } else if (handshakeStalled(e)) {
            why = "the server did not go through the SSH key exchange: no answer for "
                    + Human.settingSpaced(handshakeTimeout()) + " (the connection stalled; '" + handshakeTimeoutKey()
                    + "' sets how long)";
        } else {
            why = reason(e);
        }
        return new ConnectFailed(cfg.describe(), "sftp cannot connect to " + HostPort.of(cfg.host(), cfg.port()), "cannot connect",
                ": " + why, e);
    }

    /** Whether the server's SSH banner ({@code SSH-2.0-…}) came on {@code c}: sshj has none yet, or fails to cut an empty one. */
    private static boolean bannerCame(SSHClient c) {
        try {
            String version = c.getTransport().getServerVersion();
            return version != null && !version.isEmpty();
        } catch (RuntimeException none) {
            return false;
        }
    }

    /** How long the server's banner and the key exchange may take: {@code connect_timeout}, or {@code timeout} when shorter. */
    private Duration handshakeTimeout() {
        return cfg.timeout().compareTo(cfg.connectTimeout()) < 0 ? cfg.timeout() : cfg.connectTimeout();
    }

    /** The key that sets {@link #handshakeTimeout}. */
    private String handshakeTimeoutKey() {
        return cfg.timeout().compareTo(cfg.connectTimeout()) < 0 ? "timeout" : "connect_timeout";
    }

    private static boolean handshakeClosed(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (String.valueOf(c.getMessage()).contains("closed connection during identification")) {
                return true;
            }
        }
        return closed(e);
    }

    /** The TCP connection was made (a connect timeout is sshj's {@code connect_timeout}), then nothing came back. */
    private static boolean handshakeStalled(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof java.net.SocketTimeoutException && String.valueOf(c.getMessage()).contains("Read timed out")) {
                return true;
            }
        }
        return timedOut(e);
    }

    /**
     * Connecting, logging in or starting SFTP failed: its message says which and why, and {@link #fail} passes it on as
     * it is (the request it was for never went out). Its {@code words} name the server (the line may have no other words
     * naming it); after words that name the store they give way to {@code shorter}.
     */
    static final class ConnectFailed extends io.dbbackup.spi.StoreWordsException {
        ConnectFailed(String store, String words, String shorter, String rest, Throwable cause) {
            super(store, words, shorter, rest, cause);
        }
    }

    /**
     * A transport failure of a request on {@code on} (a connection closed, reset or stalled), which {@link #fail} dropped:
     * {@link #reconnectingOnce} tells by {@code on} whether the operation found its connection dead at its start.
     */
    static final class ConnectionLost extends IOException {
        private final transient SFTPClient on;

        ConnectionLost(SFTPClient on, String message, Throwable cause) {
            super(message, cause);
            this.on = on;
        }
    }

    private interface Operation<T> {
        T run() throws IOException;
    }

    /**
     * {@code op}, once more over a new connection if it failed for the connection it began on being lost, where that one
     * was made before it: a server that dropped an idle connection between two jobs (an sshd restart, its
     * {@code ClientAliveInterval}, a NAT timeout the client learns of only from its next request) fails no job. Only
     * operations whose start writes nothing that stays under a key: a look, a listing, a delete, the open of a read or an
     * upload's temporary file; a connection lost under an upload's data or commit still fails that upload.
     */
    private <T> T reconnectingOnce(Operation<T> op) throws IOException {
        SFTPClient began = sftp; // not under the lock: a caller must reach sftp() while another connects (see there)
        try {
            return op.run();
        } catch (ConnectionLost e) {
            if (began == null || e.on != began) {
                throw e;
            }
            return op.run();
        }
    }

    /**
     * Closes the socket of the connection {@code c} belongs to, if it is still the current one: every request on it
     * fails at once, where a blocked write or a wait for an answer on a stalled connection would wait out
     * {@code timeout} (and a polite disconnect would block on the same full socket). The next use reconnects.
     */
    synchronized void cut(SFTPClient c) {
        if (c == sftp) {
            closeSocket();
        }
    }

    /**
     * A transport failure on {@code c}: if it is still the current connection, reconnect on next use. The socket first:
     * on a stalled connection a polite close would wait for answers (and block on a full socket) all over again.
     */
    synchronized void drop(SFTPClient c) {
        if (c == sftp) {
            closeSocket();
            disconnect();
        }
    }

    private synchronized void closeSocket() {
        if (ssh != null && ssh.getSocket() != null) {
            try {
                ssh.getSocket().close();
            } catch (IOException | RuntimeException ignored) {
                // closing
            }
        }
    }

    private synchronized void disconnect() {
        try {
            if (sftp != null) {
                sftp.close();
            }
        } catch (IOException ignored) {
            // closing
        }
        try {
            if (ssh != null) {
                ssh.close();
            }
        } catch (IOException ignored) {
            // closing
        }
        sftp = null;
        ssh = null;
    }

    String remote(String key) throws IOException {
        if (key.isEmpty() || key.startsWith("/") || key.contains("\\") || key.endsWith("/")) {
            throw new IOException("invalid key: " + key);
        }
        for (String part : key.split("/")) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new IOException("invalid key: " + key);
            }
        }
        return join(cfg.path(), key);
    }

    static String join(String dir, String rest) {
        if (dir.isEmpty() || dir.equals(".")) {
            return rest;
        }
        return dir.endsWith("/") ? dir + rest : dir + "/" + rest;
    }

    static String parent(String path) {
        int i = path.lastIndexOf('/');
        return i < 0 ? "." : i == 0 ? "/" : path.substring(0, i);
    }

    static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    static boolean isTemp(String name) {
        return name.startsWith(".") && name.contains(PART);
    }

    /**
     * The failure {@code e} of a request on {@code on} (null: no connection was made), as one line. A transport failure
     * drops that connection so that the next use connects again; not a newer one: the uploads that share the store
     * (parallel jobs) fail one after the other on a connection that is gone, and the first abort or retry has already
     * connected again.
     */
    IOException fail(SFTPClient on, String action, String path, IOException e) {
        if (e instanceof ConnectFailed || e instanceof StoreClosedException) {
            return e;
        }
        if (e instanceof ReplaceFailed r) {
            IOException said;
            try {
                said = fail(on, action, path, r.refusal());
            } catch (DbBackupException permanent) {
                throw DbBackupException.permanent(permanent.getMessage() + "; " + r.outcome(), null);
            }
            if (r.back() != null && !answered(r.back()) && on != null) {
                drop(on);
            }
            return new IOException(said.getMessage() + "; " + r.outcome(), e);
        }
        if (e instanceof SFTPException s && s.getStatusCode() == Response.StatusCode.PERMISSION_DENIED) {
            throw DbBackupException.permanent("sftp " + action + " " + cfg.where() + ":" + path + " failed: permission denied"
                    + (action.equals("delete") ? " (the login " + cfg.user() + " may not remove files from " + parent(path)
                    + ": that needs write permission on the folder, and where its sticky bit is set, owning the file or the"
                    + " folder)" : ""), null);
        }
        boolean lost = !answered(e) && on != null;
        if (lost) {
            drop(on);
        }
        String why = timedOut(e) ? "the server stopped answering: no answer for " + Human.settingSpaced(cfg.timeout())
                + " (the connection stalled; 'timeout' sets how long)"
                : closed(e) ? "the connection was closed (by the server, or by a firewall, NAT or load balancer between"
                + " that drops idle connections: a shorter keepalive_interval than its limit keeps it; now "
                + (cfg.keepalive().isZero() ? "0, none sent" : Human.settingSpaced(cfg.keepalive())) + ")"
                : reason(action, e);
        String message = "sftp " + action + " " + cfg.where() + ":" + path + " failed: " + why;
        return lost ? new ConnectionLost(on, message, e) : new IOException(message, e);
    }

    /**
     * Whether the server answered (a status other than OK): the session is fine. sshj also reports a connection lost
     * while a request waited for its answer as an {@link SFTPException}, without a status (UNKNOWN).
     */
    static boolean answered(Throwable e) {
        return e instanceof SFTPException s && s.getStatusCode() != Response.StatusCode.UNKNOWN;
    }

    /** Actions that write to the server's disk. */
    private static final java.util.Set<String> WRITES = java.util.Set.of("write", "commit", "create");

    /**
     * The server's reason. OpenSSH's sftp-server speaks SFTP version 3, which has no code for a full disk or an
     * exceeded quota: a write that hits either comes back as a bare "Failure" (SSH_FX_FAILURE), so for a write
     * that is said, with the usual causes; a version 5+ server's own codes are named as such.
     */
    static String reason(String action, IOException e) {
        if (e instanceof SFTPException s) {
            Response.StatusCode code = s.getStatusCode();
            if (code == Response.StatusCode.NO_SPACE_ON_FILESYSTEM) {
                return "no space left on the server's file system";
            }
            if (code == Response.StatusCode.QUOTA_EXCEEDED) {
                return "the user's quota on the server is exceeded";
            }
            if (code == Response.StatusCode.FAILURE && WRITES.contains(action)) {
                return reason(e) + " (the server gave no reason: a full disk or an exceeded quota on the server "
                        + "are the usual causes of a failed write)";
            }
        }
        return reason(e);
    }

    static String reason(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            m = e.getCause() != null && e.getCause() != e ? reason(e.getCause()) : e.getClass().getSimpleName();
        }
        return Redactor.redact(m.replaceAll("\\s+", " ").trim());
    }

    /** The connection ended under the request (sshj's "Broken transport; encountered EOF", a reset): not a stall. */
    static boolean closed(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            String m = String.valueOf(c.getMessage());
            if (m.contains("Broken transport") || m.contains("encountered EOF") || m.contains("Connection reset")
                    || m.contains("Broken pipe")) {
                return true;
            }
        }
        return false;
    }

    /** sshj's wait for an answer (or for the server's window) ran out: a stalled connection. */
    static boolean timedOut(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            String m = String.valueOf(c.getMessage());
            if (c instanceof java.util.concurrent.TimeoutException || m.contains("Timeout expired")
                    || m.contains("Timeout when trying to expand the window size")) {
                return true;
            }
        }
        return false;
    }

    static boolean noSuchFile(Throwable e) {
        return e instanceof SFTPException s && s.getStatusCode() == Response.StatusCode.NO_SUCH_FILE;
    }

    /**
     * Creates {@code dir} and its missing parents with the store's folder mode; adds the ones this call made to
     * {@code made}, deepest first (also those made before a failure). A folder a parallel upload made meanwhile is not
     * this call's.
     */
    void mkdirs(SFTPClient c, String dir, List<String> made) throws IOException {
        if (dir.equals(".") || dir.equals("/") || dir.isEmpty()) {
            return;
        }
        FileAttributes a = c.statExistence(dir);
        if (a != null) {
            if (a.getType() != FileMode.Type.DIRECTORY) {
                // the server's answer, not a lost connection: not an IOException, which closes the session that the
                // job's other uploads (backup --all --parallel) share; and retrying cannot fix it
                throw DbBackupException.permanent("sftp create " + cfg.where() + ":" + dir + " failed: " + dir
                        + " exists and is not a folder (the store needs a folder there: move the file, or change the"
                        + " store's path or the job's prefix)", null);
            }
            return;
        }
        mkdirs(c, parent(dir), made);
        try {
            c.getSFTPEngine().makeDir(dir, permissions(cfg.mode().folder()));
            made.add(0, dir);
        } catch (SFTPException e) {
            FileAttributes again = c.statExistence(dir); // created meanwhile by a parallel upload
            if (again == null) {
                danglingLink(c, dir);
                if (e.getStatusCode() == Response.StatusCode.PERMISSION_DENIED) {
                    // named here: the caller's failure would name the upload's temporary file inside it
                    throw DbBackupException.permanent("sftp create " + cfg.where() + ":" + dir + " failed: permission denied"
                            + " (the login " + cfg.user() + " may not create folders in " + parent(dir) + ")", null);
                }
            }
            if (again == null || again.getType() != FileMode.Type.DIRECTORY) {
                throw e;
            }
        }
        if (!cfg.mode().ownerOnly()) {
            widen(() -> c.getSFTPEngine().setAttributes(dir, permissions(cfg.mode().folder())));
        }
    }

    /**
     * Removes the folders an upload made ({@link #mkdirs}, deepest first) as long as they are empty: a backup that never
     * landed leaves no empty job folder behind, as on the local store. The server's RMDIR refuses a folder that holds
     * something (another job's upload meanwhile): that one and its parents stay.
     */
    static void removeFolders(SFTPClient c, List<String> made) {
        removeFolders(c, made, null);
    }

    /**
     * {@link #removeFolders(SFTPClient, List)} for an aborted upload: the folders the server refused to remove (they hold
     * the sidecars of a backup that failed after its claim, which it deletes next) are remembered, and the
     * {@link #delete} that empties one removes it and its remembered parents.
     */
    void removeAbortedFolders(SFTPClient c, List<String> made) {
        removeFolders(c, made, madeFolders);
    }

    private static void removeFolders(SFTPClient c, List<String> made, java.util.Set<String> refused) {
        for (int i = 0; i < made.size(); i++) {
            try {
                c.rmdir(made.get(i));
            } catch (IOException | RuntimeException notEmptyOrGone) {
                if (refused != null && answered(notEmptyOrGone)) {
                    refused.addAll(made.subList(i, made.size()));
                }
                return; // its parents are not empty either (or the session is gone)
            }
        }
    }

    /** After a delete in {@code dir}: removes it and its parents while they are folders this store made and empty. */
    private void removeEmptiedFolders(SFTPClient c, String dir) {
        while (madeFolders.contains(dir)) {
            try {
                c.rmdir(dir);
            } catch (IOException | RuntimeException notEmptyOrGone) {
                return; // still holds something: the delete of that removes it
            }
            madeFolders.remove(dir);
            dir = parent(dir);
        }
    }

    /** An upload committed into the folders {@code made} for it: the delete that empties one removes it. */
    void landed(List<String> made) {
        madeFolders.addAll(made);
    }

    /**
     * Fails with what is wrong when {@code dir}, which the server would not create and which is not there, is a symbolic
     * link to a folder that does not exist (a volume not mounted): the server's answer to the MKDIR is a bare "Failure".
     */
    private void danglingLink(SFTPClient c, String dir) throws IOException {
        FileAttributes link;
        try {
            link = c.lstat(dir);
        } catch (SFTPException e) {
            return; // nothing there at all: the MKDIR's own failure says what it can
        }
        if (link.getType() == FileMode.Type.SYMLINK) {
            throw DbBackupException.permanent("sftp create " + cfg.where() + ":" + dir + " failed: " + dir
                    + " is a symbolic link to " + c.readlink(dir) + ", which does not exist (create that folder or mount"
                    + " its volume, or change the store's path)", null);
        }
    }

    private interface SetStat {
        void run() throws IOException;
    }

    /**
     * Gives back what the server's umask took from a mode wider than owner-only. A server that refuses to set modes (a
     * file system without them) answers with a status: the store carries on, as on such a file system locally.
     */
    private static void widen(SetStat setStat) throws IOException {
        try {
            setStat.run();
        } catch (SFTPException e) {
            if (!answered(e)) {
                throw e;
            }
        }
    }

    /**
     * Permissions for a file or folder the store creates: OpenSSH's sftp-server creates it with them under its umask
     * (which only takes bits away: owner-only stays owner-only); a mode wider than owner-only is then set with SETSTAT,
     * which it applies as given, before anything is written.
     */
    static FileAttributes permissions(int bits) {
        return new FileAttributes.Builder().withPermissions(bits).build();
    }

    @Override
    public Upload upload(String key, OperationContext ctx) throws IOException {
        return reconnectingOnce(() -> start(key, ctx));
    }

    private Upload start(String key, OperationContext ctx) throws IOException {
        String target = remote(key);
        String dir = parent(target);
        String temp = join(dir.equals(".") ? "" : dir, "." + name(target) + PART + UUID.randomUUID().toString().substring(0, 8));
        SFTPClient c = sftp();
        FileAttributes mode = permissions(cfg.mode().file());
        List<String> made = new ArrayList<>();
        SyncableFile file = create(c, dir, temp, mode, made);
        if (!cfg.mode().ownerOnly()) {
            try {
                widen(() -> file.setAttributes(mode)); // still empty
            } catch (IOException e) {
                try { // the temporary file was made: not left behind for prune's day-old sweep
                    file.close();
                    c.rm(temp);
                    removeFolders(c, made);
                } catch (IOException | RuntimeException ignored) {
                    // the session is gone: prune removes it later
                }
                throw fail(c, "create", temp, e);
            }
        }
        return new SftpUpload(this, c, file, temp, target, ctx, made);
    }

    /**
     * Creates the upload's temporary file {@code temp} in {@code dir} and the folders missing above it (added to
     * {@code made}); on failure the folders made are removed again while empty.
     */
    private SyncableFile create(SFTPClient c, String dir, String temp, FileAttributes mode, List<String> made) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                mkdirs(c, dir, made);
                return SyncableFile.open(c.getSFTPEngine(), temp, EnumSet.of(OpenMode.WRITE, OpenMode.CREAT, OpenMode.EXCL), mode);
            } catch (IOException e) {
                if (noSuchFile(e) && attempt < 3) {
                    continue; // another upload's abort removed a folder it had made, between our look and our open: again
                }
                if (answered(e)) {
                    removeFolders(c, made);
                }
                throw fail(c, "create", temp, e);
            } catch (RuntimeException e) {
                removeFolders(c, made);
                throw e;
            }
        }
    }

    /**
     * Whether the server announced {@code extension} ({@code name@domain}). sshj's own check takes the name and
     * the domain apart and joins them with '@'; passing the whole name to it never matches.
     */
    static boolean offers(SFTPEngine engine, String extension) {
        int at = extension.indexOf('@');
        return engine.supportsServerExtension(extension.substring(0, at), extension.substring(at + 1));
    }

    /**
     * Renames {@code temp} onto {@code target}, replacing it: atomically where the server offers posix-rename; elsewhere
     * (SFTP's own rename does not replace) the old object is first renamed aside ({@link #aside}), the new one renamed in,
     * then the old one deleted: the key is absent between the two renames, but the old object is never deleted before
     * the new one is in. A refused rename in puts the old object back; if that fails too, the error names where it is.
     */
    void rename(SFTPClient c, String temp, String target) throws IOException {
        SFTPEngine engine = c.getSFTPEngine();
        if (offers(engine, POSIX_RENAME)) {
            engine.request(engine.newExtendedRequest(POSIX_RENAME).putString(temp, engine.getSubsystem().getRemoteCharset())
                            .putString(target, engine.getSubsystem().getRemoteCharset()))
                    .retrieve(engine.getTimeoutMs(), TimeUnit.MILLISECONDS).ensureStatusPacketIsOK();
            return;
        }
        String old = aside(target);
        try {
            c.rename(target, old);
        } catch (IOException e) {
            if (!noSuchFile(e)) {
                throw e;
            }
            c.rename(temp, target); // nothing to replace
            return;
        }
        try {
            c.rename(temp, target);
        } catch (IOException e) {
            try {
                c.rename(old, target);
            } catch (IOException | RuntimeException back) {
                e.addSuppressed(back);
                throw new ReplaceFailed(e, back, "the object it was to replace could not be put back (" + reason(back)
                        + ") and is kept as " + old + " (rename it back to " + target + " if that holds no object)");
            }
            throw new ReplaceFailed(e, null, "the old object is back under " + target + "; the new one was not stored");
        }
        try {
            c.rm(old);
        } catch (IOException e) {
            Log.get().warn("replaced an object but could not delete the old one, renamed aside; it is hidden, list and"
                    + " prune name it, delete it once it is not needed", "file", cfg.where() + ":" + old, "error", reason(e));
        }
    }

    /**
     * Where {@link #rename} moves the object it replaces for a moment: {@code .<name>.part-<random>.replaced} beside it,
     * hidden like a temporary file ({@link #isTemp}) but not one ({@link #TEMP_NAME}): prune never takes it for an
     * abandoned upload.
     */
    static String aside(String target) {
        String dir = parent(target);
        return join(dir.equals(".") ? "" : dir, "." + name(target) + PART + UUID.randomUUID().toString().substring(0, 8)
                + REPLACED);
    }

    static final String REPLACED = ".replaced";

    /**
     * A rename in ({@link #rename}) that failed, with what became of the object it was to replace: {@code refusal} is the
     * rename's failure, {@code back} the put-back's (null: the old object is back under its key), {@code outcome} says so.
     */
    static final class ReplaceFailed extends IOException {
        private final transient IOException refusal;
        private final transient Throwable back;
        private final String outcome;

        ReplaceFailed(IOException refusal, Throwable back, String outcome) {
            super(reason(refusal) + "; " + outcome, refusal);
            this.refusal = refusal;
            this.back = back;
            this.outcome = outcome;
        }

        IOException refusal() {
            return refusal;
        }

        Throwable back() {
            return back;
        }

        String outcome() {
            return outcome;
        }
    }

    /**
     * Renames {@code temp} onto {@code target} only if nothing has that name: SFTP's own rename (version 3), which does
     * not replace — OpenSSH makes it a hard link, refused in one step when the name exists. A refusal with the name
     * taken is {@link KeyTakenException}.
     */
    void renameIfAbsent(SFTPClient c, String temp, String target) throws IOException {
        try {
            c.rename(temp, target);
        } catch (SFTPException e) {
            if (c.statExistence(target) != null) {
                throw new KeyTakenException(cfg.where() + ":" + target);
            }
            throw e;
        }
    }

    /** A look, then an upload renamed onto the key with {@link #renameIfAbsent}: exact on OpenSSH. */
    @Override
    public boolean putIfAbsent(String key, byte[] content, OperationContext ctx) throws IOException {
        return stat(key).isEmpty() && claim(key, content, ctx);
    }

    /** The conditional write alone, without the look first (tests call it to stand for a run the look missed). */
    boolean claim(String key, byte[] content, OperationContext ctx) throws IOException {
        return Store.writeIfAbsent(this, ((SftpUpload) upload(key, ctx)).onlyIfAbsent(), key, content);
    }

    /**
     * The file's content. A connection that drops or stalls mid-read is resumed from where it broke off, over a new
     * connection (an SFTP read names its offset), up to {@value #RESUMES} times, as S3 and Azure do: a restore of a large
     * backup does not fail for one broken connection. The rest is read only while the file keeps the size and
     * modification time it had when the read began (SFTP has no object versions); the SHA-256 of the whole is checked
     * by the reader as always.
     */
    @Override
    public InputStream open(String key) throws IOException {
        String path = remote(key);
        Opened first = reconnectingOnce(() -> openAt(key, path, 0, null));
        FileAttributes began = first.attributes();
        // a new connection that fails too (a hung server) is said by ResumingInputStream: the read's failure, the byte
        // reached, then this one's
        return new io.dbbackup.spi.ResumingInputStream(first.read(), began.getSize(),
                offset -> openAt(key, path, offset, began).read(), RESUMES, "sftp " + cfg.where() + ":" + path);
    }

    /** The file a read went on with changed since the read began: the rest cannot be read. */
    private static final class FileChanged extends io.dbbackup.spi.ResumingInputStream.NotResumable {
        FileChanged(String message) {
            super(message);
        }
    }

    static final int RESUMES = 3;

    private record Opened(SftpRead read, FileAttributes attributes) {
    }

    /**
     * {@code path} opened for reading from {@code offset}; with {@code began} (a resume), only while it is the file the
     * read began on.
     */
    private Opened openAt(String key, String path, long offset, FileAttributes began) throws IOException {
        RemoteFile f;
        FileAttributes a;
        SFTPClient c = null;
        try {
            c = sftp();
            a = c.statExistence(path);
            if (a == null || a.getType() != FileMode.Type.REGULAR) {
                throw new NoSuchKeyException(key);
            }
            if (began != null && (a.getSize() != began.getSize() || a.getMtime() != began.getMtime())) {
                f = null; // not the file the read began on
            } else {
                f = c.open(path, EnumSet.of(OpenMode.READ));
            }
        } catch (NoSuchKeyException e) {
            throw e;
        } catch (IOException e) {
            if (noSuchFile(e)) {
                throw new NoSuchKeyException(key);
            }
            throw fail(c, "open", path, e);
        }
        if (f == null) {
            // the length the read began with, and the size now when it differs: a file rewritten or cut meanwhile shows
            throw new FileChanged("sftp read " + cfg.where() + ":" + path + " failed: the connection broke at "
                    + io.dbbackup.spi.ResumingInputStream.byteOf(offset, began.getSize())
                    + (a.getSize() == began.getSize() ? "" : " (now " + a.getSize() + " bytes)") + " and the file changed "
                    + "(size or modification time) since the read began, so the rest cannot be read");
        }
        return new Opened(new SftpRead(this, c, f, path, offset), a);
    }

    @Override
    public List<StoredObject> listFolder(String folder) throws IOException {
        Store.requireFolder(folder);
        return reconnectingOnce(() -> listIn(folder));
    }

    private List<StoredObject> listIn(String folder) throws IOException {
        String dir = folder.isEmpty() ? cfg.path() : join(cfg.path(), folder.substring(0, folder.length() - 1));
        List<StoredObject> out = new ArrayList<>();
        SFTPClient c = sftp();
        try {
            FileAttributes a = c.statExistence(dir);
            if (a == null || a.getType() != FileMode.Type.DIRECTORY) {
                return out;
            }
            for (RemoteResourceInfo e : c.ls(dir)) {
                String name = e.getName();
                if (e.isRegularFile() && !isTemp(name) && !name.equals(".") && !name.equals("..")) {
                    FileAttributes at = e.getAttributes();
                    out.add(new StoredObject(folder + name, at.getSize(), Instant.ofEpochSecond(at.getMtime())));
                }
            }
        } catch (IOException e) {
            throw fail(c, "list", dir, e);
        }
        out.sort(Comparator.comparing(StoredObject::key));
        return out;
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
        return list(prefix, false);
    }

    @Override
    public List<StoredObject> listReadable(String prefix) throws IOException {
        return list(prefix, true);
    }

    private List<StoredObject> list(String prefix, boolean skipUnreadable) throws IOException {
        return reconnectingOnce(() -> objects(prefix, skipUnreadable));
    }

    private List<StoredObject> objects(String prefix, boolean skipUnreadable) throws IOException {
        List<StoredObject> out = new ArrayList<>();
        walk(prefix, false, skipUnreadable, (key, at) -> {
            if (key.startsWith(prefix)) {
                out.add(new StoredObject(key, at.getSize(), Instant.ofEpochSecond(at.getMtime())));
            }
        });
        out.sort(Comparator.comparing(StoredObject::key));
        return out;
    }

    /**
     * The longest name written beside a key: the object {@link #rename} sets aside, {@code .<file name>.part-<random>.replaced}.
     */
    @Override
    public java.util.Optional<String> longestEntryName(String fileName) {
        return java.util.Optional.of("." + fileName + PART + "0".repeat(8) + REPLACED);
    }

    /** The temporary files of uploads under {@code prefix}: {@code .<file name>.part-<random>} beside their key. */
    @Override
    public List<UnfinishedUpload> listUnfinished(String prefix) throws IOException {
        return reconnectingOnce(() -> unfinished(prefix));
    }

    private List<UnfinishedUpload> unfinished(String prefix) throws IOException {
        List<UnfinishedUpload> out = new ArrayList<>();
        walk(prefix, true, false, (tempKey, at) -> {
            UnfinishedUpload.keyOfTemporary(tempKey, TEMP_NAME).filter(key -> key.startsWith(prefix))
                    .ifPresent(key -> out.add(new UnfinishedUpload(key, tempKey, at.getSize(), Instant.ofEpochSecond(at.getMtime()))));
        });
        out.sort(Comparator.comparing(UnfinishedUpload::key));
        return out;
    }

    /**
     * The objects {@link #rename} set aside under {@code prefix} that are still there: {@code .<file name>.part-<random>.replaced}
     * beside their key, left by a process killed between its renames (or whose delete of the old object failed).
     */
    @Override
    public List<UnfinishedUpload> listSetAside(String prefix) throws IOException {
        return reconnectingOnce(() -> setAside(prefix));
    }

    private List<UnfinishedUpload> setAside(String prefix) throws IOException {
        List<UnfinishedUpload> out = new ArrayList<>();
        walk(prefix, true, false, (asideKey, at) -> {
            UnfinishedUpload.keyOfTemporary(asideKey, ASIDE_NAME).filter(key -> key.startsWith(prefix))
                    .ifPresent(key -> out.add(new UnfinishedUpload(key, asideKey, at.getSize(), Instant.ofEpochSecond(at.getMtime()))));
        });
        out.sort(Comparator.comparing(UnfinishedUpload::key));
        return out;
    }

    @Override
    public void removeUnfinished(UnfinishedUpload upload) throws IOException {
        String path = remote(upload.name());
        if (!TEMP_NAME.matcher(name(path)).matches()) {
            throw new IOException("not a temporary file of this store: " + upload.name());
        }
        reconnectingOnce(() -> remove(path));
    }

    /** Deletes the file {@code path}, gone already or not; gives the connection it used. */
    private SFTPClient remove(String path) throws IOException {
        SFTPClient c = null;
        try {
            c = sftp();
            c.rm(path);
        } catch (IOException e) {
            if (!noSuchFile(e)) {
                throw fail(c, "delete", path, e);
            }
        }
        return c;
    }

    /**
     * Every regular file in the deepest folder {@code prefix} names and below it, with its key: the temporary
     * files of uploads when {@code temps}, the stored objects otherwise. Complete or throws — unless
     * {@code skipUnreadable}, which leaves out a folder below the start that this user may not open.
     */
    private void walk(String prefix, boolean temps, boolean skipUnreadable, BiConsumer<String, FileAttributes> visit)
            throws IOException {
        int slash = prefix.lastIndexOf('/');
        String startKey = slash < 0 ? "" : prefix.substring(0, slash);
        String start = startKey.isEmpty() ? cfg.path() : join(cfg.path(), startKey);
        SFTPClient c = sftp();
        try {
            FileAttributes a = c.statExistence(start);
            if (a == null || a.getType() != FileMode.Type.DIRECTORY) {
                return;
            }
            walk(c, start, startKey, prefix, temps, skipUnreadable, visit);
        } catch (IOException e) {
            throw fail(c, "list", start, e);
        }
    }

    private void walk(SFTPClient c, String dir, String dirKey, String prefix, boolean temps, boolean skipUnreadable,
                      BiConsumer<String, FileAttributes> visit) throws IOException {
        for (RemoteResourceInfo e : c.ls(dir)) {
            String name = e.getName();
            if (name.equals(".") || name.equals("..")) {
                continue;
            }
            String key = dirKey.isEmpty() ? name : dirKey + "/" + name;
            if (e.isDirectory()) {
                if (prefix.startsWith(key + "/") || (key + "/").startsWith(prefix) || key.startsWith(prefix)) {
                    try {
                        walk(c, e.getPath(), key, prefix, temps, skipUnreadable, visit);
                    } catch (SFTPException denied) {
                        if (!skipUnreadable || denied.getStatusCode() != Response.StatusCode.PERMISSION_DENIED) {
                            throw denied;
                        }
                    }
                }
            } else if (e.isRegularFile() && isTemp(name) == temps) {
                visit.accept(key, e.getAttributes());
            }
        }
    }

    @Override
    public Optional<StoredObject> stat(String key) throws IOException {
        String path = remote(key);
        return reconnectingOnce(() -> statOf(key, path));
    }

    private Optional<StoredObject> statOf(String key, String path) throws IOException {
        SFTPClient c = null;
        try {
            c = sftp();
            FileAttributes a = c.statExistence(path);
            if (a == null || a.getType() != FileMode.Type.REGULAR) {
                return Optional.empty();
            }
            return Optional.of(new StoredObject(key, a.getSize(), Instant.ofEpochSecond(a.getMtime())));
        } catch (IOException e) {
            throw fail(c, "stat", path, e);
        }
    }

    /** The store's {@code path} when the server has nothing there (a path relative to the login folder included). */
    @Override
    public Optional<String> missingRoot() throws IOException {
        String root = cfg.path();
        if (root.isEmpty() || root.equals(".")) {
            return Optional.empty();
        }
        return reconnectingOnce(() -> {
            SFTPClient c = null;
            try {
                c = sftp();
                return c.statExistence(root) == null ? Optional.of(root) : Optional.<String>empty();
            } catch (IOException e) {
                throw fail(c, "stat", root, e);
            }
        });
    }

    @Override
    public void delete(String key) throws IOException {
        String path = remote(key);
        removeEmptiedFolders(reconnectingOnce(() -> remove(path)), parent(path));
    }

    @Override
    public String describe() {
        return cfg.describe();
    }

    /**
     * {@code 'echo "LINE" > PATH' on USER@HOST (ssh -p PORT)}: the file's path on the server, to run in a shell there; a
     * store path relative to the login folder is said as such. (An account that may only use SFTP writes the file here
     * and puts it there.)
     */
    @Override
    public String howToWrite(String key, String line) {
        String path = join(cfg.path(), key);
        String login = cfg.user() + "@" + cfg.host();
        return ShellWords.echoInto(line, path) + " "
                + (path.startsWith("/") ? "on " + login : "in the login folder of " + login)
                + (cfg.port() == 22 ? "" : " (ssh -p " + cfg.port() + ")");
    }

    /**
     * The folder on the server, however the store's path and the job's prefix split it and however the path is spelled
     * ({@code /srv/backups/}, {@code /srv//backups}): one folder whichever login reaches it, except for a path relative
     * to the login folder, which is each user's own.
     */
    @Override
    public String location(String folder) {
        String path = normalize(join(cfg.path(), folder));
        return "sftp " + HostPort.of(cfg.host().toLowerCase(java.util.Locale.ROOT), cfg.port()) + " "
                + (path.startsWith("/") ? "" : "~" + cfg.user() + "/") + path;
    }

    /** {@code path} without empty and {@code .} segments, {@code ..} applied where it can be. */
    static String normalize(String path) {
        boolean absolute = path.startsWith("/");
        java.util.Deque<String> parts = new java.util.ArrayDeque<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..") && !parts.isEmpty() && !parts.peekLast().equals("..")) {
                parts.removeLast();
            } else if (!(part.equals("..") && absolute)) {
                parts.addLast(part);
            }
        }
        return (absolute ? "/" : "") + String.join("/", parts);
    }

    @Override
    public synchronized void close() {
        closed = true;
        disconnect();
    }
}
