package io.dbbackup.store.sftp;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Human;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.sftp.SFTPClient;
import net.schmizz.sshj.sftp.SFTPEngine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Starts the SFTP subsystem on a logged-in connection. A login whose session runs something other than SFTP (a login
 * shell or a startup file such as {@code .bashrc} that prints text, {@code nologin} run as the shell of an external
 * {@code sftp-server}, a {@code ForceCommand} that is not {@code internal-sftp}) fails in one line saying what the server
 * sent, as OpenSSH's sftp does ("Received message too long"), and the wait for the server's first answer is bounded by
 * {@code timeout}: sshj waits for it without end.
 */
final class SftpStart {
    /** How long to collect what a session that is not SFTP prints. */
    private static final long TEXT_WAIT_MILLIS = 2_000;
    private static final int TEXT_MAX = 300;

    private final SftpSettings cfg;

    SftpStart(SftpSettings cfg) {
        this.cfg = cfg;
    }

    SFTPClient start(SSHClient c) throws IOException {
        SFTPEngine engine;
        try {
            engine = new SFTPEngine(c);
        } catch (IOException e) {
            throw DbBackupException.permanent(prefix() + "the server refused the sftp subsystem (" + SftpStore.reason(e)
                    + "): its sshd_config needs 'Subsystem sftp internal-sftp' (or sftp-server) for this login", null);
        }
        engine.setTimeoutMs((int) cfg.timeout().toMillis());
        AtomicBoolean settled = new AtomicBoolean();
        AtomicBoolean timedOut = new AtomicBoolean();
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(cfg.timeout().toMillis());
            } catch (InterruptedException e) {
                return;
            }
            if (settled.compareAndSet(false, true)) {
                timedOut.set(true);
                try {
                    c.getSocket().close(); // the only way out of sshj's wait for the first answer
                } catch (IOException | RuntimeException ignored) {
                    // closing
                }
            }
        }, "sftp-start");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            engine.init();
        } catch (IOException e) {
            if (timedOut.get() || !settled.compareAndSet(false, true)) {
                throw timedOut(e);
            }
            String text = printed(c);
            if (!text.isEmpty()) {
                throw DbBackupException.permanent(prefix() + "the server sent text instead of SFTP: \"" + text + "\" (the"
                        + " login's shell, a startup file such as .bashrc, or a ForceCommand prints it: the login needs"
                        + " SFTP, e.g. ForceCommand internal-sftp, or a shell that prints nothing in a session that is"
                        + " not interactive)", null);
            }
            if (dropped(c, e)) { // the connection itself dropped (a reset, a middlebox): a retry may well work
                throw connectFailed("the connection dropped while SFTP started (" + SftpStore.reason(e) + ")", e);
            }
            throw DbBackupException.permanent(prefix() + "the server's session is not SFTP (" + SftpStore.reason(e)
                    + "): a ForceCommand or the login's shell runs something else, e.g. rrsync or nologin; the login"
                    + " needs SFTP, e.g. ForceCommand internal-sftp (the server's log says what ran)", null);
        } finally {
            watchdog.interrupt();
        }
        if (!settled.compareAndSet(false, true)) {
            throw timedOut(null);
        }
        return new SFTPClient(engine);
    }

    /**
     * Whether the connection itself failed under SFTP's start, not the session: the transport says so, or the failure is
     * a socket's or the transport's (its reader thread may not have marked the connection closed yet).
     */
    static boolean dropped(SSHClient c, Throwable e) {
        if (!c.isConnected()) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.SocketException || t instanceof net.schmizz.sshj.transport.TransportException) {
                return true;
            }
        }
        return false;
    }

    /** {@code sftp cannot start SFTP on U@H: WHY}; after words that name the store, {@code cannot start SFTP: WHY}. */
    private SftpStore.ConnectFailed connectFailed(String why, IOException e) {
        return new SftpStore.ConnectFailed(cfg.describe(), prefix().substring(0, prefix().length() - 2), "cannot start SFTP",
                ": " + why, e);
    }

    private String prefix() {
        return "sftp cannot start SFTP on " + cfg.where() + ": ";
    }

    private IOException timedOut(IOException e) {
        return connectFailed("the server did not answer the start of SFTP for " + Human.settingSpaced(cfg.timeout())
                + " (a ForceCommand or the login's shell that runs something other than SFTP and waits, or a stalled"
                + " connection; 'timeout' sets how long)", e);
    }

    /**
     * What a new session of the sftp subsystem prints before it is sent anything, as one line of text: the words of a
     * shell or command that is not SFTP. Empty when it prints nothing (or the server refuses a second session).
     */
    static String printed(SSHClient c) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Session s = c.startSession()) {
            Session.Subsystem sub = s.startSubsystem("sftp");
            InputStream in = sub.getInputStream();
            long deadline = System.currentTimeMillis() + TEXT_WAIT_MILLIS;
            long quietSince = Long.MAX_VALUE;
            while (out.size() < TEXT_MAX && System.currentTimeMillis() < deadline) {
                int n = in.available();
                if (n > 0) {
                    byte[] b = new byte[Math.min(n, TEXT_MAX - out.size())];
                    int read = in.read(b);
                    if (read < 0) {
                        break;
                    }
                    out.write(b, 0, read);
                    quietSince = System.currentTimeMillis();
                } else if (sub.isEOF() || !sub.isOpen() || System.currentTimeMillis() - quietSince > 300) {
                    break;
                } else {
                    Thread.sleep(50);
                }
            }
        } catch (IOException | RuntimeException e) {
            // no second session: nothing to show
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return text(out.toByteArray());
    }

    /** {@code bytes} as one line: control characters as spaces, runs of spaces as one, at most 200 characters. */
    static String text(byte[] bytes) {
        String t = new String(bytes, StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}", " ").replaceAll("\\s+", " ").trim();
        return t.length() > 200 ? t.substring(0, 200) + "…" : t;
    }
}
