package io.dbbackup.store.sftp;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Log;
import io.dbbackup.core.StoredObject;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.Upload;
import io.dbbackup.testkit.SshServer;
import io.dbbackup.testkit.TestBytes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Issue 5's SFTP acceptance lines against Apache MINA SSHD. */
class SftpAcceptanceIT {
    SshServer ssh;
    final StringWriter logText = new StringWriter();

    @TempDir
    Path tmp;

    @BeforeEach
    void start() throws Exception {
        ssh = new SshServer();
    }

    @AfterEach
    void stop() {
        ssh.close();
    }

    OperationContext ctx() {
        return new OperationContext(new Cancellation(),
                new Log(new PrintWriter(logText, true), Log.Format.TEXT, Log.Level.DEBUG, Clock.systemUTC()), tmp);
    }

    SftpSettings keyAuth(Path knownHosts, boolean acceptNew) {
        return new SftpSettings(ssh.host(), ssh.port(), ssh.user(), "/backups", ssh.clientKey(), null, null, knownHosts,
                List.of(), acceptNew, Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    @Test
    void changedHostKeyIsRefusedShowingBothFingerprints() throws Exception {
        Path knownHosts = ssh.knownHosts();
        String oldFp = ssh.hostKeyFingerprint();
        try (SftpStore store = new SftpStore(keyAuth(knownHosts, false))) {
            store.put("a.txt", "a".getBytes(StandardCharsets.UTF_8), ctx());
        }
        ssh.stop();
        ssh.changeHostKey();
        ssh.start();
        String newFp = ssh.hostKeyFingerprint();
        assertThat(newFp).isNotEqualTo(oldFp);
        for (boolean acceptNew : List.of(false, true)) { // accept-new never accepts a changed key
            try (SftpStore store = new SftpStore(keyAuth(knownHosts, acceptNew))) {
                Throwable t = catchThrowable(() -> store.list(""));
                assertThat(t).isInstanceOf(DbBackupException.class);
                assertThat(((DbBackupException) t).retryable()).isFalse();
                System.out.println("SFTP changed host key: " + t.getMessage());
                assertThat(t.getMessage()).contains("CHANGED").contains(oldFp).contains(newFp).doesNotContain("\n");
            }
        }
        // the same with a pinned fingerprint
        SftpSettings pinned = new SftpSettings(ssh.host(), ssh.port(), ssh.user(), "/backups", ssh.clientKey(), null, null,
                tmp.resolve("unused"), List.of(oldFp), false, Duration.ofSeconds(10), Duration.ofSeconds(30));
        try (SftpStore store = new SftpStore(pinned)) {
            Throwable t = catchThrowable(() -> store.list(""));
            assertThat(t).isInstanceOf(DbBackupException.class);
            assertThat(t.getMessage()).contains(oldFp).contains(newFp);
        }
    }

    @Test
    void unknownHostKeyIsRefusedWithTheFingerprintToPinUnlessAcceptNew() throws Exception {
        Path knownHosts = tmp.resolve("ssh/known_hosts");
        String fp = ssh.hostKeyFingerprint();
        try (SftpStore store = new SftpStore(keyAuth(knownHosts, false))) {
            Throwable t = catchThrowable(() -> store.list(""));
            assertThat(t).isInstanceOf(DbBackupException.class);
            System.out.println("SFTP unknown host key: " + t.getMessage());
            assertThat(t.getMessage()).contains("not known").contains("host_key_fingerprint: \"" + fp + "\"");
        }
        assertThat(knownHosts).doesNotExist();
        Log previous = Log.get(); // connections are lazy and log to the process log
        StringWriter processLog = captureProcessLog();
        try (SftpStore store = new SftpStore(keyAuth(knownHosts, true))) {
            store.put("a.txt", "a".getBytes(StandardCharsets.UTF_8), ctx());
        } finally {
            Log.set(previous);
        }
        assertThat(Files.readString(knownHosts)).startsWith("[127.0.0.1]:" + ssh.port() + " ");
        assertThat(processLog.toString()).contains("accept-new").contains(fp);
        try (SftpStore store = new SftpStore(keyAuth(knownHosts, false))) { // now known: strict works
            assertThat(store.list("")).extracting(StoredObject::key).containsExactly("a.txt");
        }
        SftpSettings pinned = new SftpSettings(ssh.host(), ssh.port(), ssh.user(), "/backups", ssh.clientKey(), null, null,
                tmp.resolve("unused"), List.of(fp), false, Duration.ofSeconds(10), Duration.ofSeconds(30));
        try (SftpStore store = new SftpStore(pinned)) {
            assertThat(store.list("")).hasSize(1);
        }
    }

    /**
     * accept-new in a pod with a read-only root filesystem and HOME=/ (OpenShift): ~/.ssh cannot be made. The error said
     * only the folder's name again; now why, and the two ways that work there (pin the fingerprint, mount known_hosts).
     * /sys stands in for the read-only root (even root may not create a folder there).
     */
    @Test
    void acceptNewWhereKnownHostsCannotBeWrittenSaysWhyAndWhatToDo() throws Exception {
        String fp = ssh.hostKeyFingerprint();
        try (SftpStore store = new SftpStore(keyAuth(Path.of("/sys/.ssh/known_hosts"), true))) {
            Throwable t = catchThrowable(() -> store.list(""));
            assertThat(t).isInstanceOf(DbBackupException.class);
            assertThat(t.getMessage()).contains("/sys/.ssh/known_hosts").contains("not permitted")
                    .contains("host_key_fingerprint: \"" + fp + "\"").contains("known_hosts:");
        }
    }

    /** The connection dies mid-upload: the write fails and the final name never appears, not even partially. */
    @Test
    void partialUploadNeverAppearsUnderTheFinalName() throws Exception {
        SftpSettings settings = SftpFixture.withPassword(ssh.host(), ssh.port(), ssh.user(), "/backups", ssh.password(),
                List.of(ssh.hostKeyFingerprint()));
        SftpStore store = new SftpStore(settings);
        Upload up = store.upload("db/db-20261123-140000.sql.gz", ctx());
        AtomicLong written = new AtomicLong();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        Future<Throwable> outcome = writer.submit(() -> {
            try {
                OutputStream counting = new java.io.FilterOutputStream(up.stream()) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                        written.addAndGet(len);
                    }
                };
                TestBytes.write(counting, 4L << 30, 11);
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        Path finalFile = ssh.root().resolve("backups/db/db-20261123-140000.sql.gz");
        while (written.get() < 8L << 20) {
            Thread.sleep(10);
            assertThat(finalFile).doesNotExist();
        }
        ssh.stop();
        Throwable failure = outcome.get(2, TimeUnit.MINUTES);
        writer.shutdown();
        assertThat(failure).isInstanceOf(IOException.class);
        System.out.println("SFTP connection lost mid-upload: " + failure.getMessage());
        up.abort(); // cannot reach the server: the temporary file stays, hidden
        assertThat(finalFile).doesNotExist();
        ssh.start();
        assertThat(store.list("")).as("listing skips the temporary file").isEmpty();
        assertThat(store.stat("db/db-20261123-140000.sql.gz")).isEmpty();
        assertThat(ssh.files()).allSatisfy(f -> assertThat(f.getFileName().toString())
                .startsWith(".db-20261123-140000.sql.gz" + SftpStore.PART));
        store.close();
        assertThat(logText.toString()).doesNotContain(ssh.password());
        assertThat(failure.toString()).doesNotContain(ssh.password());
    }

    /** The login's password and, as key_file, a new encrypted key (its .pub beside it) whose passphrase is not given. */
    private SftpSettings passwordAndAnEncryptedKeyWithoutPassphrase() throws Exception {
        Path key = io.dbbackup.testkit.SshKeys.generate(tmp.resolve("enc/id_ed25519"), "ed25519", "pp-" + java.util.UUID.randomUUID());
        return new SftpSettings(ssh.host(), ssh.port(), ssh.user(), "/backups", key, null,
                new io.dbbackup.core.Secret(ssh.password(), "env SFTP_PASSWORD"), tmp.resolve("unused"),
                List.of(ssh.hostKeyFingerprint()), false, Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    /** Makes the process log (where lazy connections log) write to the returned text; the caller sets the previous back. */
    private static StringWriter captureProcessLog() {
        StringWriter processLog = new StringWriter();
        Log.set(new Log(new PrintWriter(processLog, true), Log.Format.TEXT, Log.Level.INFO, Clock.systemUTC()));
        return processLog;
    }

    /**
     * key_file and a password, the key encrypted and its passphrase not given (its .pub beside it): the password alone
     * logs in, with a warning that names the key's problem (never the password). The key's failure to load ended the
     * connection before the password was tried.
     */
    @Test
    void anEncryptedKeyWithoutItsPassphraseLeavesThePasswordToLogIn() throws Exception {
        SftpSettings s = passwordAndAnEncryptedKeyWithoutPassphrase();
        Path key = s.keyFile();
        Log previous = Log.get(); // connections are lazy and log to the process log
        StringWriter processLog = captureProcessLog();
        try (SftpStore store = new SftpStore(s)) {
            store.put("a.txt", "a".getBytes(StandardCharsets.UTF_8), ctx());
            assertThat(store.list("")).extracting(StoredObject::key).containsExactly("a.txt");
        } finally {
            Log.set(previous);
        }
        assertThat(processLog.toString()).contains("cannot load key_file " + key).contains("it is encrypted")
                .contains("the password alone").doesNotContain(ssh.password());
    }

    /**
     * The same, and the connection is lost and made again (a retry, a dropped session): the key's warning is printed
     * once, for the first connection; it was printed again at every connection.
     */
    @Test
    void theWarningOfAKeyThatCannotBeLoadedIsPrintedOnceNotAtEveryConnection() throws Exception {
        SftpSettings s = passwordAndAnEncryptedKeyWithoutPassphrase();
        Path key = s.keyFile();
        Log previous = Log.get(); // connections are lazy and log to the process log
        StringWriter processLog = captureProcessLog();
        try (SftpStore store = new SftpStore(s)) {
            store.put("a.txt", "a".getBytes(StandardCharsets.UTF_8), ctx());
            ssh.stop();
            ssh.start();
            catchThrowable(() -> store.list("")); // may still go to the lost connection, which it drops
            assertThat(store.list("")).extracting(StoredObject::key).containsExactly("a.txt");
        } finally {
            Log.set(previous);
        }
        assertThat(processLog.toString().split("cannot load key_file", -1)).as(processLog.toString()).hasSize(2);
    }

    @Test
    void passwordAuthenticationAndRelativeRoot() throws Exception {
        SftpSettings settings = SftpFixture.withPassword(ssh.host(), ssh.port(), ssh.user(), "rel/root", ssh.password(),
                List.of(ssh.hostKeyFingerprint()));
        try (SftpStore store = new SftpStore(settings)) {
            store.put("x/y.txt", "y".getBytes(StandardCharsets.UTF_8), ctx());
            assertThat(store.list("x/")).extracting(StoredObject::key).containsExactly("x/y.txt");
        }
        assertThat(ssh.root().resolve("rel/root/x/y.txt")).hasContent("y");
    }
}
