package io.dbbackup.store.sftp;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Secret;
import io.dbbackup.testkit.FreePort;
import io.dbbackup.testkit.OpenSshServer;
import io.dbbackup.testkit.SshKeys;
import io.dbbackup.testkit.TempTree;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.subsystem.SubsystemFactory;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The SFTP store against OpenSSH servers set up as operators set up backup drops, not as a plain login with a shell. */
class SftpServerSetupsIT {

    /**
     * Debian's default {@code Subsystem sftp /usr/lib/openssh/sftp-server} runs through the login's shell; a backup login
     * with {@code /usr/sbin/nologin} (or a .bashrc that prints, or a ForceCommand that is not SFTP) answers with text.
     * sshj read its first four bytes as a packet length: "Indicated packet length 1416128883 too large", under "sftp stat
     * … failed". Now the error quotes what the server sent and what to change, and is not retried.
     */
    @Test
    void aLoginWhoseShellPrintsTextSaysWhatTheServerSentInsteadOfSftp() throws Exception {
        try (OpenSshServer ssh = OpenSshServer.withSftpSubsystem("/usr/lib/openssh/sftp-server");
             SftpStore store = new SftpStore(SftpFixture.withKey(ssh.host(), ssh.port(), ssh.user(),
                     ssh.dataDir().toString(), ssh.clientKey(), ssh.knownHosts()))) {
            long started = System.nanoTime();
            Throwable t = catchThrowable(() -> store.stat("db/db-20261204-120000.sql.gz"));
            assertThat(t).isInstanceOf(DbBackupException.class);
            assertThat(((DbBackupException) t).retryable()).isFalse();
            assertThat(t.getMessage())
                    .startsWith("sftp cannot start SFTP on nobody@127.0.0.1:" + ssh.port() + ": the server sent text instead of SFTP:"
                            + " \"This account is currently not available.\"")
                    .contains("ForceCommand internal-sftp")
                    .doesNotContain("packet length").doesNotContain("\n");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        }
    }

    /**
     * {@code path: ~/backups}, as users write it for sftp, scp and rsync, is the login folder's {@code backups} (the
     * server's start folder, {@code internal-sftp -d} here): sent as written, the backups went to a folder named
     * {@code ~} inside it, where nobody looking at {@code ~/backups} finds them.
     */
    @Test
    void aTildePathIsInTheLoginFolderNotInAFolderNamedTilde() throws Exception {
        try (OpenSshServer ssh = OpenSshServer.withSftpStartInData()) {
            Path dir = Files.createTempDirectory("tilde-");
            try {
                io.dbbackup.config.Config c = io.dbbackup.store.StoreConfigs.load(dir, """
                            type: sftp
                            host: %s
                            port: %d
                            user: %s
                            path: "~/backups"
                            key_file: %s
                            known_hosts: %s
                        """.formatted(ssh.host(), ssh.port(), ssh.user(), ssh.clientKey(), ssh.knownHosts()), java.util.Map.of());
                try (io.dbbackup.spi.Store store = c.stores().get("main").store()) {
                    store.put("app/app-20261204-120000.sql.gz", "dump".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                            new io.dbbackup.spi.OperationContext(new io.dbbackup.spi.Cancellation(), new io.dbbackup.core.Log(
                                    new java.io.PrintWriter(new java.io.StringWriter(), true), io.dbbackup.core.Log.Format.TEXT,
                                    io.dbbackup.core.Log.Level.DEBUG, java.time.Clock.systemUTC()), dir));
                    assertThat(store.list("")).extracting(io.dbbackup.core.StoredObject::key)
                            .containsExactly("app/app-20261204-120000.sql.gz");
                }
                assertThat(ssh.files()).containsExactly(ssh.dataDir().resolve("backups/app/app-20261204-120000.sql.gz"));
            } finally {
                TempTree.delete(dir);
            }
        }
    }

    /**
     * Backups an older dbbackup stored for {@code path: ~/backups} sit in a folder named {@code ~} in the login folder:
     * after the upgrade the store reads {@code backups}, so the first login says where they are and how to move them
     * (restore day would otherwise find "no backups"). Nothing is moved by dbbackup.
     */
    @Test
    void backupsInTheFormerTildeFolderAreNamedWithHowToMoveThem() throws Exception {
        try (OpenSshServer ssh = OpenSshServer.withSftpStartInData()) {
            Path dir = Files.createTempDirectory("tilde-");
            java.io.StringWriter logged = new java.io.StringWriter();
            io.dbbackup.core.Log previous = io.dbbackup.core.Log.get();
            io.dbbackup.core.Log.set(new io.dbbackup.core.Log(new java.io.PrintWriter(logged, true),
                    io.dbbackup.core.Log.Format.TEXT, io.dbbackup.core.Log.Level.INFO, java.time.Clock.systemUTC()));
            try {
                Path old = ssh.dataDir().resolve("~/backups/app/app-20261201-120000.sql.gz");
                Files.createDirectories(old.getParent());
                Files.write(old, new byte[] {1});
                String yaml = """
                            type: sftp
                            host: %s
                            port: %d
                            user: %s
                            path: "%s"
                            key_file: %s
                            known_hosts: %s
                        """;
                for (String path : java.util.List.of("backups", "~/backups")) {
                    io.dbbackup.config.Config c = io.dbbackup.store.StoreConfigs.load(dir, yaml.formatted(ssh.host(), ssh.port(),
                            ssh.user(), path, ssh.clientKey(), ssh.knownHosts()), java.util.Map.of());
                    try (io.dbbackup.spi.Store store = c.stores().get("main").store()) {
                        assertThat(store.list("")).isEmpty();
                        assertThat(store.list("")).isEmpty(); // the second listing: the hint is said once
                    }
                }
                assertThat(logged.toString().lines().filter(l -> l.contains("a folder named '~'")))
                        .singleElement().asString()
                        .contains("(~/backups)", "mkdir -p backups && mv '~/backups'/* backups/");
                assertThat(old).exists();
            } finally {
                io.dbbackup.core.Log.set(previous);
                TempTree.delete(dir);
            }
        }
    }

    /**
     * A session that takes the sftp subsystem and then never answers (a ForceCommand that waits for input, a menu
     * script): sshj waits for the answer to SFTP's first request without end, so the backup hung until killed. Now the
     * wait is the store's {@code timeout}, and the error says so.
     */
    @Test
    void aSessionThatNeverStartsSftpFailsAfterTheTimeoutInsteadOfHanging() throws Exception {
        Path dir = Files.createTempDirectory("silent-sshd-");
        org.apache.sshd.server.SshServer sshd = org.apache.sshd.server.SshServer.setUpDefaultServer();
        try {
            SftpStore store = new SftpStore(startWithSubsystem(sshd, dir, Silent::new)); // closed after the server: a hung start holds the store's lock
            try {
                long started = System.nanoTime();
                java.util.concurrent.Future<Throwable> outcome = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r);
                    t.setDaemon(true);
                    return t;
                }).submit(() -> catchThrowable(() -> store.stat("db/db-20261204-120000.sql.gz")));
                Throwable t = outcome.get(30, java.util.concurrent.TimeUnit.SECONDS); // hung for good before
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(15));
                assertThat(t).isInstanceOf(java.io.IOException.class);
                assertThat(t.getMessage()).contains("sftp cannot start SFTP on backup@127.0.0.1:" + sshd.getPort()
                        + ": the server did not answer the start of SFTP for 3 s").contains("'timeout' sets how long")
                        .doesNotContain("\n");
            } finally {
                sshd.stop(true);
                store.close();
            }
        } finally {
            sshd.stop(true);
            TempTree.delete(dir);
        }
    }

    /**
     * A connection that drops while SFTP starts (a reset, a middlebox) is not a login whose session runs something else:
     * it is retried, and the error says the connection dropped.
     */
    @Test
    void aConnectionThatDropsWhileSftpStartsIsRetriedNotCalledNotSftp() throws Exception {
        Path dir = Files.createTempDirectory("dropping-sshd-");
        org.apache.sshd.server.SshServer sshd = org.apache.sshd.server.SshServer.setUpDefaultServer();
        try (SftpStore store = new SftpStore(startWithSubsystem(sshd, dir, Silent::dropping))) {
            Throwable t = catchThrowable(() -> store.stat("db/db-20261204-120000.sql.gz"));
            assertThat(t).isInstanceOf(java.io.IOException.class);
            // said by SftpStart, or by the store's own reading of a closed connection around it
            assertThat(t.getMessage()).contains("backup@127.0.0.1:" + sshd.getPort())
                    .containsAnyOf("the connection dropped while SFTP started", "the connection was closed")
                    .doesNotContain("not SFTP").doesNotContain("\n");
        } finally {
            sshd.stop(true);
            TempTree.delete(dir);
        }
    }

    /** Starts {@code sshd} (password pw for backup) whose sftp subsystem is {@code subsystem}; the store's settings, timeout 3 s. */
    private static SftpSettings startWithSubsystem(org.apache.sshd.server.SshServer sshd, Path dir,
                                                   java.util.function.Supplier<Command> subsystem) throws Exception {
        Path hostKey = SshKeys.generate(dir.resolve("host/ssh_host_ecdsa_key"), "ecdsa", null);
        sshd.setHost("127.0.0.1");
        sshd.setPort(FreePort.pick());
        sshd.setKeyPairProvider(new FileKeyPairProvider(hostKey));
        sshd.setPasswordAuthenticator((u, p, session) -> "backup".equals(u) && "pw".equals(p));
        sshd.setSubsystemFactories(List.of(new SubsystemFactory() {
            @Override
            public String getName() {
                return "sftp";
            }

            @Override
            public Command createSubsystem(ChannelSession channel) {
                return subsystem.get();
            }
        }));
        sshd.start();
        SftpSettings s = SftpFixture.withPassword("127.0.0.1", sshd.getPort(), "backup", "/backups", "pw",
                List.of(SshKeys.fingerprint(Path.of(hostKey + ".pub"))));
        return new SftpSettings(s.host(), s.port(), s.user(), s.path(), null, null, new Secret("pw", "test"), s.knownHosts(),
                s.fingerprints(), false, Duration.ofSeconds(10), Duration.ofSeconds(3));
    }

    /** A subsystem that takes every byte and says nothing; {@link #dropping} instead drops the whole connection at its start. */
    private static class Silent implements Command {
        static Silent dropping() {
            return new Silent() {
                @Override
                public void start(ChannelSession channel, Environment env) {
                    channel.getSession().close(true);
                }
            };
        }

        @Override
        public void setInputStream(InputStream in) {
        }

        @Override
        public void setOutputStream(OutputStream out) {
        }

        @Override
        public void setErrorStream(OutputStream err) {
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
        }

        @Override
        public void start(ChannelSession channel, Environment env) {
        }

        @Override
        public void destroy(ChannelSession channel) {
        }
    }

    private static io.dbbackup.spi.OperationContext ctx(java.io.StringWriter log) {
        return new io.dbbackup.spi.OperationContext(new io.dbbackup.spi.Cancellation(), new io.dbbackup.core.Log(
                new java.io.PrintWriter(log, true), io.dbbackup.core.Log.Format.TEXT, io.dbbackup.core.Log.Level.DEBUG,
                java.time.Clock.systemUTC()), Path.of("/tmp"));
    }

    /**
     * sshd's {@code ClientAliveInterval 1} / {@code ClientAliveCountMax 2} ends a client that does not answer its
     * probes within 3 s; an upload whose dump sends nothing for 10 s (pg_dump waiting on a lock) keeps its connection
     * and lands.
     */
    @Test
    void aServerThatDropsClientsThatDoNotAnswerKeepsAnUploadIdleFor10Seconds() throws Exception {
        try (OpenSshServer ssh = OpenSshServer.withConfig("ClientAliveInterval 1", "ClientAliveCountMax 2");
             SftpStore store = new SftpStore(SftpFixture.withKey(ssh.host(), ssh.port(), ssh.user(),
                     ssh.dataDir().toString(), ssh.clientKey(), ssh.knownHosts()))) {
            java.io.StringWriter log = new java.io.StringWriter();
            byte[] chunk = new byte[1 << 20];
            try (var upload = store.upload("db/idle.dump", ctx(log))) {
                upload.stream().write(chunk);
                upload.stream().flush();
                Thread.sleep(10_000);
                upload.stream().write(chunk);
                upload.commit();
            }
            assertThat(Files.size(ssh.dataDir().resolve("db/idle.dump"))).as(() -> "log:\n" + log + "\nsshd:\n" + ssh.log())
                    .isEqualTo(2L << 20);
        }
    }

    /**
     * A server with a pre-login {@code Banner} (legal text, as many companies require): the login works and the text
     * is not in dbbackup's log (it is meant for people typing a password).
     */
    @Test
    void aPreLoginBannerDoesNotStopTheLoginAndStaysOutOfTheLog() throws Exception {
        try (OpenSshServer ssh = OpenSshServer.withConfig("Banner %DIR%/banner.txt")) {
            Path banner = ssh.dataDir().getParent().resolve("banner.txt");
            Files.writeString(banner, "AUTHORIZED USE ONLY. Activity is monitored.\n");
            java.io.StringWriter log = new java.io.StringWriter();
            try (SftpStore store = new SftpStore(SftpFixture.withKey(ssh.host(), ssh.port(), ssh.user(),
                    ssh.dataDir().toString(), ssh.clientKey(), ssh.knownHosts()))) {
                store.put("db/b.dump", new byte[] {1, 2, 3}, ctx(log));
                assertThat(store.stat("db/b.dump")).isPresent();
            }
            assertThat(log.toString()).doesNotContain("AUTHORIZED");
        }
    }

    /**
     * A server at its {@code MaxStartups} limit (connections still logging in; here 1, held by another client) drops the
     * next connection before the SSH handshake: several jobs with stores on one server connecting at once. Before, the
     * error was sshj's "Server closed connection during identification exchange" under "sftp stat … failed: sftp cannot
     * connect to …", or, when the drop came a moment later, "the connection was closed (… a shorter keepalive_interval
     * than its limit keeps it …)": a connection that never opened, blamed on idle time. Now it says the server closed it
     * during the handshake and what commonly does that.
     */
    @Test
    void aConnectionTheServerDropsAtTheHandshakeSaysSoNotIdleNorKeepalive() throws Exception {
        try (OpenSshServer ssh = OpenSshServer.withConfig("MaxStartups 1");
             java.net.Socket holding = loggingIn(ssh);
             SftpStore store = new SftpStore(SftpFixture.withKey(ssh.host(), ssh.port(), ssh.user(),
                     ssh.dataDir().toString(), ssh.clientKey(), ssh.knownHosts()))) {
            Throwable e = catchThrowable(() -> store.stat("db/x.dump"));
            assertThat(e).as(() -> "sshd:\n" + ssh.log()).isInstanceOf(java.io.IOException.class)
                    .isNotInstanceOf(DbBackupException.class)
                    .hasMessage("sftp cannot connect to " + ssh.host() + ":" + ssh.port() + ": the server closed the"
                            + " connection during the SSH handshake (an sshd at its MaxStartups limit of connections still"
                            + " logging in drops the next ones: many jobs or hosts connecting to it at once; or a firewall,"
                            + " fail2ban or TCP wrappers refusing this host: the server's log says which)");
        }
    }

    /** A connection the server counts as logging in (it sent its banner), once the startup check's own probe is gone. */
    private static java.net.Socket loggingIn(OpenSshServer ssh) throws Exception {
        for (int i = 0; i < 50; i++) {
            java.net.Socket s = new java.net.Socket(ssh.host(), ssh.port());
            byte[] b = new byte[64];
            int n = s.getInputStream().read(b);
            if (n > 0 && new String(b, 0, n, java.nio.charset.StandardCharsets.US_ASCII).startsWith("SSH-")) {
                return s;
            }
            s.close(); // "Exceeded MaxStartups": the startup check's probe still counted
            Thread.sleep(100);
        }
        throw new IllegalStateException("the server dropped every connection:\n" + ssh.log());
    }
}
