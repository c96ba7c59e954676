package io.dbbackup.store.sftp;

import io.dbbackup.core.Secret;
import io.dbbackup.spi.Store;
import io.dbbackup.spi.CredentialedStoreContract;
import io.dbbackup.testkit.IdleDroppingRelay;
import io.dbbackup.testkit.OpenSshServer;
import io.dbbackup.testkit.SshKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The store contract against Debian's OpenSSH server (internal-sftp, ed25519 keys, known_hosts). */
class SftpOpenSshIT extends CredentialedStoreContract {
    static OpenSshServer ssh;
    static Path strangerKey;
    static final String STRANGER_PASSPHRASE = "stranger-pass-" + UUID.randomUUID();

    @BeforeAll
    static void startServer() throws Exception {
        ssh = new OpenSshServer();
        strangerKey = SshKeys.generate(Files.createTempDirectory("stranger").resolve("id_ed25519"), "ed25519",
                STRANGER_PASSPHRASE);
    }

    @AfterAll
    static void stopServer() {
        if (ssh != null) {
            ssh.close();
        }
    }

    @Override
    protected long largeSize() {
        return 20 * MiB;
    }

    @Override
    protected Store createStore() throws Exception {
        return new SftpStore(SftpFixture.withKey(ssh.host(), ssh.port(), ssh.user(),
                ssh.dataDir().resolve("t-" + UUID.randomUUID()).toString(), ssh.clientKey(), ssh.knownHosts()));
    }

    /** A key the server does not know, protected by a passphrase (the secret that must not leak). */
    @Override
    protected boolean claimWithoutLooking(String key, byte[] content) throws java.io.IOException {
        return ((SftpStore) store).claim(key, content, ctx());
    }

    @Override
    protected Store createStoreWithBadCredentials() throws Exception {
        return new SftpStore(new SftpSettings(ssh.host(), ssh.port(), ssh.user(), ssh.dataDir().toString(), strangerKey,
                new Secret(STRANGER_PASSPHRASE, "test"), null, ssh.knownHosts(), List.of(), false,
                Duration.ofSeconds(10), Duration.ofSeconds(30)));
    }

    @Override
    protected List<String> badCredentialSecrets() {
        return List.of(STRANGER_PASSPHRASE);
    }

    @Override
    protected void assertNoLeftovers(Store store) {
        assertThat(ssh.files()).as("temporary upload files on the server")
                .noneMatch(p -> p.getFileName().toString().contains(SftpStore.PART));
    }

    /**
     * What the store creates on the server is its owner's alone: the upload's temporary file is 0600 before its first
     * byte (the mode goes with the OPEN), the stored object and its sidecar are 0600, the folders the store makes (its
     * own path among them) 0700 — where the server's umask (022 here) made them 0644 / 0755 before (fails without).
     */
    @Test
    void filesAndFoldersTheStoreCreatesOnTheServerAreOwnerOnly() throws Exception {
        Path root = ssh.dataDir().resolve("modes-" + UUID.randomUUID());
        try (Store store = new SftpStore(SftpFixture.withKey(ssh.host(), ssh.port(), ssh.user(), root.toString(),
                ssh.clientKey(), ssh.knownHosts()))) {
            try (var upload = store.upload("prod/app/app-20260101-040000.sql.gz", ctx())) {
                Path temp = ssh.files().stream().filter(p -> p.startsWith(root) && p.getFileName().toString().contains(SftpStore.PART))
                        .findFirst().orElseThrow();
                assertThat(Files.size(temp)).isZero();
                assertThat(mode(temp)).as("the temporary file before its first byte").isEqualTo("rw-------");
                upload.stream().write("dump".getBytes());
                upload.commit();
            }
            assertThat(store.putIfAbsent("prod/app/app-20260101-040000.sql.gz.sha256", "x".getBytes(), ctx())).isTrue();
        }
        assertThat(mode(root.resolve("prod/app/app-20260101-040000.sql.gz"))).isEqualTo("rw-------");
        assertThat(mode(root.resolve("prod/app/app-20260101-040000.sql.gz.sha256"))).isEqualTo("rw-------");
        for (Path d : List.of(root, root.resolve("prod"), root.resolve("prod/app"))) {
            assertThat(mode(d)).as(d.toString()).isEqualTo("rwx------");
        }
        assertThat(mode(ssh.dataDir())).as("the folder that existed keeps its mode").isEqualTo("rwxr-xr-x");
    }

    /**
     * {@code file_mode: "0640"} against a server whose SFTP umask is 077 (internal-sftp -u 077, as a hardened server
     * has): the umask took the group's bits from the OPEN and the MKDIR, the store gives them back before the first
     * byte — files 0640, folders 0750, as asked.
     */
    @Test
    void aWiderFileModeHoldsUnderAServerUmaskThatTakesTheGroupsBits() throws Exception {
        try (OpenSshServer strict = OpenSshServer.withSftpUmask("077")) {
            Path root = strict.dataDir().resolve("wide");
            SftpSettings s = SftpFixture.withKey(strict.host(), strict.port(), strict.user(), root.toString(),
                    strict.clientKey(), strict.knownHosts());
            try (Store store = new SftpStore(SftpFixture.withMode(s, io.dbbackup.core.FilePermissions.parse("0640")));
                 Store plain = new SftpStore(SftpFixture.withKey(strict.host(), strict.port(), strict.user(),
                         strict.dataDir().resolve("plain").toString(), strict.clientKey(), strict.knownHosts()))) {
                store.put("prod/app/app-20260101-040000.sql.gz", new byte[] {1, 2}, ctx());
                plain.put("a/b.sql", new byte[] {1}, ctx());
            }
            assertThat(mode(root.resolve("prod/app/app-20260101-040000.sql.gz"))).as(strict.log()).isEqualTo("rw-r-----");
            for (Path d : List.of(root, root.resolve("prod"), root.resolve("prod/app"))) {
                assertThat(mode(d)).as(d.toString()).isEqualTo("rwxr-x---");
            }
            assertThat(mode(strict.dataDir().resolve("plain/a/b.sql"))).as("the server's umask is in force").isEqualTo("rw-------");
        }
    }

    private static String mode(Path p) throws java.io.IOException {
        return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    /**
     * The server's disk fills up during an upload (a 2 MiB tmpfs under OpenSSH, whose SFTP version 3 has no code
     * for it): the error names the file and says what a bare "Failure" on a write usually means, and the partial
     * upload is removed.
     */
    @Test
    void aFullServerDiskFailsTheUploadSayingWhatItUsuallyMeansAndLeavesNothing() throws Exception {
        try (OpenSshServer full = new OpenSshServer("2m");
             Store store = new SftpStore(SftpFixture.withKey(full.host(), full.port(), full.user(),
                     full.dataDir().toString(), full.clientKey(), full.knownHosts()))) {
            byte[] data = new byte[4 << 20];
            new java.util.Random(3).nextBytes(data);
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> {
                try (var upload = store.upload("db/big.dump", ctx())) {
                    upload.stream().write(data);
                    upload.commit();
                }
            });
            assertThat(t).as(full.log()).isInstanceOf(java.io.IOException.class)
                    .hasMessageContaining(full.dataDir() + "/db/")
                    .hasMessageContaining("failed: Failure (the server gave no reason: a full disk or an exceeded quota");
            assertThat(full.files()).as("nothing left on the server's disk").isEmpty();
        }
    }
    /**
     * known_hosts marks the server's key {@code @revoked} (a key that leaked: OpenSSH refuses it whatever other lines
     * say), while an older line for the host still lists the same key: the store refuses to connect, with one line that
     * says the key is revoked, and nothing is written. It connected and uploaded before (sshj passes over the revoked
     * line and accepts the plain one).
     */
    @Test
    void aHostKeyRevokedInKnownHostsIsRefusedEvenWhereAnotherLineListsIt() throws Exception {
        String[] pub = Files.readString(ssh.knownHosts()).trim().split("\\s+");
        Path kh = scratch.resolve("known_hosts");
        Files.writeString(kh, "@revoked * " + pub[1] + " " + pub[2] + "\n" + String.join(" ", pub) + "\n");
        Path root = ssh.dataDir().resolve("revoked-" + UUID.randomUUID());
        try (Store store = new SftpStore(SftpFixture.withKey(ssh.host(), ssh.port(), ssh.user(), root.toString(),
                ssh.clientKey(), kh))) {
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> store.put("db/a.dump", new byte[] {1}, ctx()));
            assertThat(t).isInstanceOf(io.dbbackup.core.DbBackupException.class);
            assertThat(((io.dbbackup.core.DbBackupException) t).retryable()).isFalse();
            assertThat(t.getMessage()).doesNotContain("\n").contains("REVOKED").contains(ssh.hostKeyFingerprint())
                    .contains(kh.toString());
        }
        assertThat(root).doesNotExist();
    }

    /**
     * known_hosts lists the server under a key of another type (ECDSA) and the server offers an ed25519 key (a
     * man-in-the-middle that has no key of the known type, or a server set up anew): refused as a CHANGED key, naming
     * the known and the offered fingerprints, with {@code host_key_policy: accept-new} too, which adds nothing. Before,
     * strict said "is not known … set host_key_policy: accept-new to trust it on first use", and accept-new trusted the
     * key and added it to known_hosts: the server was not new.
     */
    @Test
    void aKeyOfAnotherTypeThanKnownHostsListsForTheHostIsRefusedAsChangedEvenWithAcceptNew() throws Exception {
        Path ecdsa = SshKeys.generate(scratch.resolve("other-type/ssh_host_ecdsa_key"), "ecdsa", null);
        String[] pub = Files.readString(Path.of(ecdsa + ".pub")).trim().split("\\s+");
        Path kh = scratch.resolve("known_hosts_other_type");
        String known = "[" + ssh.host() + "]:" + ssh.port() + " " + pub[0] + " " + pub[1] + "\n";
        Files.writeString(kh, known);
        Path root = ssh.dataDir().resolve("other-type-" + UUID.randomUUID());
        for (boolean acceptNew : new boolean[] {false, true}) {
            try (Store store = new SftpStore(new SftpSettings(ssh.host(), ssh.port(), ssh.user(), root.toString(),
                    ssh.clientKey(), null, null, kh, List.of(), acceptNew, Duration.ofSeconds(10), Duration.ofSeconds(30)))) {
                Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> store.put("db/a.dump", new byte[] {1}, ctx()));
                assertThat(t).as("accept-new " + acceptNew).isInstanceOf(io.dbbackup.core.DbBackupException.class);
                assertThat(((io.dbbackup.core.DbBackupException) t).retryable()).isFalse();
                assertThat(t.getMessage()).as("accept-new " + acceptNew).doesNotContain("\n")
                        .contains("has CHANGED: " + kh + " expects ecdsa-sha2-nistp256 " + SshKeys.fingerprint(Path.of(ecdsa + ".pub"))
                                + " but the server offered ssh-ed25519 " + ssh.hostKeyFingerprint())
                        .contains("possible man-in-the-middle").doesNotContain("accept-new");
            }
            assertThat(Files.readString(kh)).as("known_hosts, accept-new " + acceptNew).isEqualTo(known);
        }
        assertThat(root).doesNotExist();
    }

    /**
     * A backup the login may not delete (prune, in a folder another user owns): the error says which login may not
     * remove files from which folder and what that needs, not only "permission denied"; the file stays.
     */
    @Test
    void aDeleteTheServerRefusesNamesTheFolderAndWhatItNeeds() throws Exception {
        Path root = ssh.dataDir().resolve("locked-" + UUID.randomUUID());
        try (Store store = new SftpStore(SftpFixture.withKey(ssh.host(), ssh.port(), ssh.user(), root.toString(),
                ssh.clientKey(), ssh.knownHosts()))) {
            store.put("db/a.dump", new byte[] {1}, ctx());
            io.dbbackup.testkit.Shell.ok(scratch, "chown", "root:root", root.resolve("db").toString());
            io.dbbackup.testkit.Shell.ok(scratch, "chmod", "755", root.resolve("db").toString());
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> store.delete("db/a.dump"));
            assertThat(t).isInstanceOf(io.dbbackup.core.DbBackupException.class).hasMessage("sftp delete nobody@"
                    + ssh.host() + ":" + ssh.port() + ":" + root + "/db/a.dump failed: permission denied (the login nobody"
                    + " may not remove files from " + root + "/db: that needs write permission on the folder, and where"
                    + " its sticky bit is set, owning the file or the folder)");
        }
        assertThat(root.resolve("db/a.dump")).exists();
    }

    /**
     * An encrypted key_file, its {@code .pub} beside it as ssh-keygen leaves it, and the key authorized on the server:
     * without key_passphrase, or with a wrong one, the error says that the key could not be decrypted and points at
     * key_passphrase (never the passphrase itself). It said "authentication failed ... check user, key_file and
     * password": sshj read the public half from the .pub and the server accepted it, the signature then failed.
     */
    @Test
    void anEncryptedKeyWithoutItsPassphraseSaysSoInsteadOfAnAuthenticationFailure() throws Exception {
        String passphrase = "right-" + UUID.randomUUID();
        Path key = SshKeys.generate(scratch.resolve("enc/id_ed25519"), "ed25519", passphrase);
        ssh.authorize(Path.of(key + ".pub"));
        String root = ssh.dataDir().resolve("enc-" + UUID.randomUUID()).toString();
        String wrong = "wrong-" + UUID.randomUUID();
        for (String given : java.util.Arrays.asList(null, wrong)) {
            SftpSettings s = new SftpSettings(ssh.host(), ssh.port(), ssh.user(), root, key,
                    given == null ? null : new Secret(given, "env KP"), null, ssh.knownHosts(), List.of(), false,
                    Duration.ofSeconds(10), Duration.ofSeconds(30));
            try (Store store = new SftpStore(s)) {
                Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> store.list(""));
                assertThat(t).as("passphrase " + given).isInstanceOf(io.dbbackup.core.DbBackupException.class);
                assertThat(((io.dbbackup.core.DbBackupException) t).retryable()).isFalse();
                assertThat(t.getMessage()).as("passphrase " + given).doesNotContain("\n")
                        .doesNotContain("authentication failed").contains("cannot load key_file " + key)
                        .contains("key_passphrase").doesNotContain(passphrase).doesNotContain(wrong);
                System.out.println("---- sftp encrypted key, passphrase " + (given == null ? "missing" : "wrong") + ": "
                        + t.getMessage());
            }
        }
        SftpSettings right = new SftpSettings(ssh.host(), ssh.port(), ssh.user(), root, key, new Secret(passphrase, "env KP"),
                null, ssh.knownHosts(), List.of(), false, Duration.ofSeconds(10), Duration.ofSeconds(30));
        try (Store store = new SftpStore(right)) {
            assertThat(store.list("")).as("the right passphrase works").isEmpty();
        }
        assertThat(logText.toString()).doesNotContain(passphrase).doesNotContain(wrong);
    }

    /**
     * Two backups share one store (one SSH session: {@code backup --all --parallel}); one of them fails because a file
     * stands where its folder should be. The other's upload goes on and commits: that failure is the server's answer,
     * not a lost connection. It closed the shared session, and the healthy upload failed with "Disconnected".
     */
    @Test
    void aFileWhereAFolderShouldBeFailsThatUploadAloneNotAnotherOnTheSameSession() throws Exception {
        byte[] chunk = new byte[1 << 20];
        new java.util.Random(9).nextBytes(chunk);
        try (var healthy = store.upload("ok/big.dump", ctx())) {
            healthy.stream().write(chunk);
            healthy.stream().flush();
            store.put("blocked", new byte[] {1}, ctx());
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> store.put("blocked/db/a.dump", new byte[] {2}, ctx()));
            assertThat(t).isNotNull();
            assertThat(t.getMessage()).doesNotContain("\n").contains("blocked exists and is not a folder");
            healthy.stream().write(chunk);
            healthy.commit();
        }
        assertThat(store.stat("ok/big.dump")).get().extracting(io.dbbackup.core.StoredObject::size).isEqualTo(2L << 20);
        assertNoLeftovers(store);
    }

    /**
     * The connection that two uploads share drops (backup --all --parallel). One of them fails first, and the store
     * connects again (its abort removes its temporary file over the new connection; a retry starts on it). The other
     * upload's failure, which comes later from the connection that is gone, must not close the new one: a third upload
     * on it commits. The late failure closed whatever connection was current, and the third upload failed with
     * "Socket closed" (in a CLI run: a temporary file not removed, "could not remove a temporary upload file").
     */
    @Test
    void aLateFailureFromADroppedConnectionDoesNotCloseTheNewOne() throws Exception {
        byte[] chunk = new byte[1 << 20];
        new java.util.Random(11).nextBytes(chunk);
        var first = store.upload("a/first.dump", ctx());
        var second = store.upload("b/second.dump", ctx());
        first.stream().write(chunk);
        first.stream().flush();
        second.stream().write(chunk);
        second.stream().flush();
        ssh.dropSessions();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> {
            first.stream().write(chunk);
            first.stream().flush();
        })).as("the first upload sees the drop").isInstanceOf(java.io.IOException.class);
        first.abort(); // removes its temporary file over a new connection
        try (var third = store.upload("c/third.dump", ctx())) {
            third.stream().write(chunk);
            third.stream().flush();
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> {
                second.stream().write(chunk);
                second.stream().flush();
            })).as("the second upload's failure, from the dropped connection").isInstanceOf(java.io.IOException.class);
            second.abort();
            third.stream().write(chunk);
            third.commit();
        }
        assertThat(store.stat("c/third.dump")).get().extracting(io.dbbackup.core.StoredObject::size).isEqualTo(2L << 20);
        assertThat(store.stat("a/first.dump")).isEmpty();
        assertThat(store.stat("b/second.dump")).isEmpty();
        assertThat(logText.toString()).as("every temporary file removed").doesNotContain("could not remove");
        assertNoLeftovers(store);
    }

    /**
     * The store's path is a symbolic link whose folder is gone (a volume not mounted, a folder moved): the backup fails
     * saying so, not retried, and nothing is created where the link points. The server answers the MKDIR over the
     * link with a bare "Failure", and the error blamed a full disk or an exceeded quota.
     */
    @Test
    void aPathThatIsASymlinkToAMissingFolderSaysSo() throws Exception {
        Path gone = ssh.dataDir().resolve("gone-" + UUID.randomUUID());
        Path link = Files.createSymbolicLink(ssh.dataDir().resolve("link-" + UUID.randomUUID()), gone);
        try (Store store = new SftpStore(SftpFixture.withKey(ssh.host(), ssh.port(), ssh.user(), link.toString(),
                ssh.clientKey(), ssh.knownHosts()))) {
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> store.put("db/a.dump", new byte[] {1}, ctx()));
            System.out.println("---- sftp path a dangling symlink: " + t);
            assertThat(t).isInstanceOf(io.dbbackup.core.DbBackupException.class);
            assertThat(((io.dbbackup.core.DbBackupException) t).retryable()).isFalse();
            assertThat(t.getMessage()).doesNotContain("\n").doesNotContain("full disk")
                    .contains(link + " is a symbolic link to " + gone + ", which does not exist");
        }
        assertThat(gone).doesNotExist();
    }

    /**
     * A store folder the login may not create (its parent is not the login's to write): the error named the upload's
     * temporary file ("sftp create …/.x.part failed: permission denied"), which the admin then looked for in vain; it
     * names the folder that could not be created and where.
     */
    @Test
    void aFolderTheLoginMayNotCreateIsNamedInsteadOfTheTemporaryFile() throws Exception {
        Path locked = Files.createDirectory(ssh.dataDir().resolve("locked-" + UUID.randomUUID()));
        Files.setPosixFilePermissions(locked, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
        Path root = locked.resolve("store");
        try (Store store = new SftpStore(SftpFixture.withKey(ssh.host(), ssh.port(), ssh.user(), root.toString(),
                ssh.clientKey(), ssh.knownHosts()))) {
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> store.put("db/a.dump", new byte[] {1}, ctx()));
            assertThat(t).isInstanceOf(io.dbbackup.core.DbBackupException.class);
            assertThat(((io.dbbackup.core.DbBackupException) t).retryable()).isFalse();
            assertThat(t.getMessage()).doesNotContain("\n").doesNotContain(SftpStore.PART)
                    .contains(":" + root + " failed: permission denied").contains("may not create folders in " + locked);
        } finally {
            Files.setPosixFilePermissions(locked, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        assertThat(root).doesNotExist();
    }

    /**
     * The connection drops mid-upload while the server stays up: the upload fails, and its hidden temporary file
     * (a partial dump that can be as large as the database) is removed over a new connection instead of staying
     * on the server's disk.
     */
    @Test
    void aDroppedConnectionMidUploadLeavesNoPartialFileWhenTheServerIsStillThere() throws Exception {
        try (Store store = createStore()) {
            byte[] chunk = new byte[1 << 20];
            new java.util.Random(5).nextBytes(chunk);
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> {
                try (var upload = store.upload("db/dropped.dump", ctx())) {
                    upload.stream().write(chunk);
                    upload.stream().flush();
                    assertThat(ssh.files()).as("the partial upload is on the server")
                            .anyMatch(p -> p.getFileName().toString().contains(SftpStore.PART));
                    ssh.dropSessions();
                    for (int i = 0; i < 8; i++) {
                        upload.stream().write(chunk);
                    }
                    upload.commit();
                }
            });
            assertThat(t).as("the upload fails").isInstanceOf(java.io.IOException.class);
            assertThat(ssh.files()).as(() -> "no partial file left on the server; failure: " + t + "; log:\n" + logText)
                    .noneMatch(p -> p.getFileName().toString().contains(SftpStore.PART));
        }
    }

    /**
     * An SFTP write whose connection goes silent (the relay stops reading mid-upload): it fails after the store's
     * {@code timeout} (2 s here, 60 s by default) as a store failure that says the server stopped answering, a plain
     * retryable IOException; the temporary file is removed over a new connection.
     */
    @Test
    void aWriteThatStallsFailsTheUploadAsARetryableStoreFailureWithinTheTimeout() throws Exception {
        try (io.dbbackup.testkit.StallingRelay relay = new io.dbbackup.testkit.StallingRelay(
                java.net.URI.create("ssh://" + ssh.host() + ":" + ssh.port()), true, 7_000_000, 1)) {
            String path = ssh.dataDir().resolve("t-" + UUID.randomUUID()).toString();
            SftpSettings s = new SftpSettings("127.0.0.1", relay.uri().getPort(), ssh.user(), path, ssh.clientKey(), null, null,
                    null, List.of(ssh.hostKeyFingerprint()), false, Duration.ofSeconds(5), Duration.ofSeconds(2));
            long t0 = System.nanoTime();
            Throwable t;
            try (Store store = new SftpStore(s)) {
                t = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(90), () ->
                        org.assertj.core.api.Assertions.catchThrowable(() -> {
                            try (var upload = store.upload("db/stalled.dump", ctx())) {
                                io.dbbackup.testkit.TestBytes.write(upload.stream(), 20 << 20, 7);
                                upload.commit();
                            }
                        }));
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("---- sftp stall: failed after " + ms + " ms: " + t + "\n" + logText);
            assertThat(relay.stalled()).as("a connection went silent").isEqualTo(1);
            assertThat(t).isInstanceOf(java.io.IOException.class).isNotInstanceOf(java.io.InterruptedIOException.class)
                    .hasMessageContaining("sftp write").hasMessageContaining(path + "/db/")
                    .hasMessageContaining("the server stopped answering: no answer for 2 s");
            assertThat(io.dbbackup.pipeline.Failures.map("backup failed", t).retryable()).as("the job's retry applies").isTrue();
            assertThat(ms).as("failed within a few timeouts").isLessThan(30_000);
            assertThat(ssh.files()).as("no temporary file left").noneMatch(p -> p.getFileName().toString().contains(SftpStore.PART));
        }
    }

    /**
     * A server whose answer never comes back once the TCP connection is made (a black-holed path, a wedged sshd): the
     * connection fails after the store's {@code timeout} (shorter than its {@code connect_timeout}) saying no SSH banner came, a
     * retryable failure. Before it was "sftp stat … failed: sftp cannot connect to …: Read timed out".
     */
    @Test
    void aServerSilentAtTheHandshakeFailsWithinTheTimeoutSayingSo() throws Exception {
        try (io.dbbackup.testkit.StallingRelay relay = new io.dbbackup.testkit.StallingRelay(
                java.net.URI.create("ssh://" + ssh.host() + ":" + ssh.port()), false, 0, 1)) {
            SftpSettings s = new SftpSettings("127.0.0.1", relay.uri().getPort(), ssh.user(), ssh.dataDir().toString(),
                    ssh.clientKey(), null, null, null, List.of(ssh.hostKeyFingerprint()), false, Duration.ofSeconds(5),
                    Duration.ofSeconds(2));
            long t0 = System.nanoTime();
            Throwable t;
            try (Store store = new SftpStore(s)) {
                t = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
                        org.assertj.core.api.Assertions.catchThrowable(() -> store.stat("db/x.dump")));
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(relay.stalled()).as("the server's banner was held back").isEqualTo(1);
            assertThat(t).isInstanceOf(java.io.IOException.class).hasMessage("sftp cannot connect to 127.0.0.1:"
                    + relay.uri().getPort() + ": no SSH banner within 2 s (the port took the connection but no SSH server"
                    + " answered: a hung sshd, another service on that port, or a proxy or load balancer with nothing behind"
                    + " it; 'timeout' sets how long)");
            assertThat(io.dbbackup.pipeline.Failures.map("backup failed", t).retryable()).as("the job's retry applies").isTrue();
            assertThat(ms).as("failed within a few timeouts").isLessThan(15_000);
        }
    }

    /**
     * A dump that sends nothing for a while (pg_dump waiting on a lock) leaves the upload's SSH connection idle, and a
     * NAT, firewall or load balancer between dbbackup and the server drops a connection idle for longer than its limit
     * (20 s here; minutes in the wild). The store sends an SSH keepalive every 15 s, so the connection is never idle
     * that long and the upload lands after a 25 s stall; without them the write after the stall failed on the dropped
     * connection ("Broken transport") and the whole dump was retried from the start.
     */
    @Test
    void anUploadIdleLongerThanAMiddleboxAllowsLandsThanksToKeepalives() throws Exception {
        try (IdleDroppingRelay relay = idleDropping(20_000)) {
            String path = ssh.dataDir().resolve("t-" + UUID.randomUUID()).toString();
            SftpSettings s = through(relay, path);
            byte[] chunk = new byte[1 << 20];
            new java.util.Random(21).nextBytes(chunk);
            try (Store idle = new SftpStore(s)) {
                try (var upload = idle.upload("db/idle.dump", ctx())) {
                    upload.stream().write(chunk);
                    upload.stream().flush();
                    Thread.sleep(25_000); // the dump waits on a lock
                    upload.stream().write(chunk);
                    upload.commit();
                }
                assertThat(relay.dropped()).as("connections the middlebox dropped for being idle").isZero();
                assertThat(idle.stat("db/idle.dump")).as(() -> "the backup landed; log:\n" + logText).isPresent();
                assertThat(Files.size(Path.of(path, "db", "idle.dump"))).isEqualTo(2L << 20);
            }
        }
    }

    /**
     * With {@code keepalive_interval: 0} the store sends no keepalives, and a middlebox that drops idle connections
     * (3 s here) ends the upload's: the failure says the connection was closed and names the likely cause and the key
     * that helps, instead of sshj's "Broken transport; encountered EOF"; no partial file is left.
     */
    @Test
    void aConnectionDroppedWhileIdleSaysSoAndNamesKeepaliveInterval() throws Exception {
        try (IdleDroppingRelay relay = idleDropping(3_000)) {
            String path = ssh.dataDir().resolve("t-" + UUID.randomUUID()).toString();
            SftpSettings s = through(relay, path).withKeepalive(Duration.ZERO);
            try (Store idle = new SftpStore(s)) {
                Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> {
                    try (var upload = idle.upload("db/idle.dump", ctx())) {
                        upload.stream().write(new byte[1 << 20]);
                        upload.stream().flush();
                        Thread.sleep(5_000);
                        upload.stream().write(new byte[1 << 20]);
                        upload.commit();
                    }
                });
                assertThat(relay.dropped()).isEqualTo(1);
                assertThat(t).isInstanceOf(java.io.IOException.class)
                        .hasMessageContaining("sftp write").hasMessageContaining("failed: the connection was closed")
                        .hasMessageContaining("keepalive_interval").hasMessageNotContaining("Broken transport");
                assertThat(ssh.files()).as("no temporary file left")
                        .noneMatch(p -> p.startsWith(path) && p.getFileName().toString().contains(SftpStore.PART));
            }
        }
    }

    /**
     * The connection drops twice in the middle of a download (a NAT timeout, a load balancer restart): the read goes on
     * from where it broke off over a new connection, and the bytes read are exactly the file's; a file that changed in
     * between is not stitched onto, and the error names the byte reached of the length the file had ("byte N of L", as
     * every failed read says it; it said "byte N"). It used to fail the whole restore with "sftp read …: the
     * connection was closed".
     */
    @Test
    void aReadWhoseConnectionDropsGoesOnFromWhereItBrokeOff() throws Exception {
        String path = ssh.dataDir().resolve("t-" + UUID.randomUUID()).toString();
        SftpSettings direct = new SftpSettings(ssh.host(), ssh.port(), ssh.user(), path, ssh.clientKey(), null, null,
                null, List.of(ssh.hostKeyFingerprint()), false, Duration.ofSeconds(5), Duration.ofSeconds(60));
        String sha;
        try (Store writer = new SftpStore(direct); var upload = writer.upload("db/big.dump", ctx())) {
            sha = io.dbbackup.testkit.TestBytes.write(upload.stream(), 12 << 20, 5);
            upload.commit();
        }
        try (io.dbbackup.testkit.CuttingRelay relay = new io.dbbackup.testkit.CuttingRelay(
                java.net.URI.create("ssh://" + ssh.host() + ":" + ssh.port()), 4 << 20, 2);
             Store reader = new SftpStore(through(relay, path)); InputStream in = reader.open("db/big.dump")) {
            assertThat(io.dbbackup.testkit.TestBytes.sha256(in)).as(() -> "the whole file, once; log:\n" + logText).isEqualTo(sha);
            assertThat(relay.cut()).as("connections dropped mid-read").isEqualTo(2);
        }
        try (io.dbbackup.testkit.CuttingRelay relay = new io.dbbackup.testkit.CuttingRelay(
                java.net.URI.create("ssh://" + ssh.host() + ":" + ssh.port()), 4 << 20, 1);
             Store reader = new SftpStore(through(relay, path)); InputStream in = reader.open("db/big.dump")) {
            in.readNBytes(1 << 20);
            Files.writeString(Path.of(path, "db", "big.dump"), "replaced meanwhile");
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> in.readAllBytes());
            assertThat(t).isInstanceOf(java.io.IOException.class);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^sftp read .*/db/big\\.dump failed: the connection broke "
                    + "at byte (\\d+) of " + (12 << 20) + " \\(now 18 bytes\\) and the file changed \\(size or modification "
                    + "time\\) since the read began, so the rest cannot be read$").matcher(t.getMessage());
            assertThat(m.find()).as("the byte reached, the file's length and its size now in: %s", t.getMessage()).isTrue();
            assertThat(Long.parseLong(m.group(1))).as("the byte reached").isBetween(1L << 20, 4L << 20);
        }
        Path file = Path.of(path, "db", "big.dump");
        Files.write(file, new byte[12 << 20]);
        try (io.dbbackup.testkit.CuttingRelay relay = new io.dbbackup.testkit.CuttingRelay(
                java.net.URI.create("ssh://" + ssh.host() + ":" + ssh.port()), 4 << 20, 1);
             Store reader = new SftpStore(through(relay, path)); InputStream in = reader.open("db/big.dump")) {
            in.readNBytes(1 << 20);
            Files.write(file, new byte[12 << 20]); // rewritten, the same size: only its modification time tells
            Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(java.time.Instant.now().plusSeconds(60)));
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> in.readAllBytes());
            assertThat(t).as("the same size: said once").isInstanceOf(java.io.IOException.class).hasMessageMatching(
                    "^sftp read .*/db/big\\.dump failed: the connection broke at byte \\d+ of " + (12 << 20) + " and the "
                    + "file changed \\(size or modification time\\) since the read began, so the rest cannot be read$");
        }
    }

    /** A middlebox between the store and the SSH server that drops connections idle for {@code idleMillis}. */
    private IdleDroppingRelay idleDropping(long idleMillis) throws Exception {
        return new IdleDroppingRelay(java.net.URI.create("ssh://" + ssh.host() + ":" + ssh.port()), idleMillis);
    }

    /** The test server's settings (folder {@code path}, timeout 5 s, stall limit 60 s) reached through {@code relay}. */
    private SftpSettings through(io.dbbackup.testkit.TcpRelay relay, String path) throws Exception {
        return new SftpSettings("127.0.0.1", relay.port(), ssh.user(), path, ssh.clientKey(), null, null,
                null, List.of(ssh.hostKeyFingerprint()), false, Duration.ofSeconds(5), Duration.ofSeconds(60));
    }

    /**
     * The connection is cut (the session's sshd killed) while an upload is open, and the upload is aborted at once,
     * before anything on it noticed: the abort treats the session as severed — no request on it — and removes the
     * temporary file (and the folders the upload made) over a new connection, promptly; the store's next upload lands.
     */
    @Test
    void anAbortRightAfterACutRemovesTheTemporaryFile() throws Exception {
        byte[] chunk = new byte[1 << 20];
        new java.util.Random(13).nextBytes(chunk);
        Path root = Path.of(((SftpStore) store).settingsForTest().path());
        var upload = store.upload("db/cut/cut.dump", ctx());
        upload.stream().write(chunk);
        upload.stream().flush();
        assertThat(ssh.files()).as("the partial upload is on the server")
                .anyMatch(p -> p.getFileName().toString().contains(SftpStore.PART));
        ssh.cutSessions();
        long t0 = System.nanoTime();
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20), upload::abort);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("---- sftp abort right after a cut: " + ms + " ms\n" + logText);
        assertThat(ssh.files()).as(() -> "no partial file left on the server; log:\n" + logText)
                .noneMatch(p -> p.getFileName().toString().contains(SftpStore.PART));
        assertThat(root.resolve("db")).as("the folders the upload made").doesNotExist();
        assertThat(logText.toString()).doesNotContain("could not remove");
        assertThat(ms).as("the abort did not wait on the severed session").isLessThan(10_000);
        put("db/next.dump", "next");
        assertThat(read("db/next.dump")).isEqualTo("next");
    }

    /**
     * The same on a connection that goes silent instead of closing (a black-holed path), the abort coming before anything
     * noticed: its first request on the session waits out the store's {@code timeout} (2 s here) once, and then the
     * session is taken for severed — the temporary file is removed over a new connection. The abort went on with the
     * dead session (the remove waited out the timeout again), then "reconnected" to the same one, still taken for
     * connected, and left the file: "could not remove a temporary upload file".
     */
    @Test
    void anAbortRightAfterASilentCutWaitsOnTheDeadSessionOnceAndRemovesTheTemporaryFile() throws Exception {
        try (io.dbbackup.testkit.FreezingRelay relay = new io.dbbackup.testkit.FreezingRelay(
                java.net.URI.create("ssh://" + ssh.host() + ":" + ssh.port()))) {
            String path = ssh.dataDir().resolve("t-" + UUID.randomUUID()).toString();
            SftpSettings s = new SftpSettings("127.0.0.1", relay.uri().getPort(), ssh.user(), path, ssh.clientKey(), null, null,
                    null, List.of(ssh.hostKeyFingerprint()), false, Duration.ofSeconds(5), Duration.ofSeconds(2));
            try (Store silent = new SftpStore(s)) {
                var upload = silent.upload("db/silent.dump", ctx());
                upload.stream().write(new byte[1 << 20]);
                upload.stream().flush();
                relay.freeze();
                long t0 = System.nanoTime();
                org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(30), upload::abort);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                System.out.println("---- sftp abort right after a silent cut: " + ms + " ms\n" + logText);
                assertThat(ssh.files()).as(() -> "no partial file left on the server; log:\n" + logText)
                        .noneMatch(p -> p.startsWith(path) && p.getFileName().toString().contains(SftpStore.PART));
                assertThat(Path.of(path, "db")).as("the folders the upload made").doesNotExist();
                assertThat(logText.toString()).doesNotContain("could not remove");
                assertThat(ms).as("one timeout on the dead session, then a new connection").isLessThan(4_500);
                silent.put("db/next.dump", new byte[] {1}, ctx());
                assertThat(silent.stat("db/next.dump")).isPresent();
            }
        }
    }

    /** A new store folder on the server holding {@code db/big.dump}, 8 MiB of random bytes from {@code seed}: its path. */
    private String storeWithABigDump(long seed) throws Exception {
        String path = ssh.dataDir().resolve("t-" + UUID.randomUUID()).toString();
        byte[] data = new byte[8 << 20];
        new java.util.Random(seed).nextBytes(data);
        try (Store direct = new SftpStore(SftpFixture.withKey(ssh.host(), ssh.port(), ssh.user(), path, ssh.clientKey(),
                ssh.knownHosts()))) {
            direct.put("db/big.dump", data, ctx());
        }
        return path;
    }

    /** A relay to the server whose answers stall after 2 MB. */
    private static io.dbbackup.testkit.StallingRelay stallingRelay() throws Exception {
        return new io.dbbackup.testkit.StallingRelay(java.net.URI.create("ssh://" + ssh.host() + ":" + ssh.port()), false,
                2_000_000, 1);
    }

    /** The store at {@code path} reached through {@code relay}, waiting {@code timeout} for an answer. */
    private static Store throughRelay(io.dbbackup.testkit.StallingRelay relay, String path, Duration timeout) throws Exception {
        return new SftpStore(new SftpSettings("127.0.0.1", relay.uri().getPort(), ssh.user(), path, ssh.clientKey(),
                null, null, null, List.of(ssh.hostKeyFingerprint()), false, Duration.ofSeconds(5), timeout));
    }

    /**
     * A read whose session goes silent, stopped from another thread (a cancellation's cut-off: verify, restore): the
     * close returns at once and the reader ends within moments. The close waited for the server's answer to the handle's
     * close, and the reader for its data, each up to the store's {@code timeout} (20 s here, 60 s by default).
     */
    @Test
    void aStalledReadClosedFromAnotherThreadEndsAtOnce() throws Exception {
        String path = storeWithABigDump(3);
        try (io.dbbackup.testkit.StallingRelay relay = stallingRelay();
             Store store = throughRelay(relay, path, Duration.ofSeconds(20))) {
            java.io.InputStream in = store.open("db/big.dump");
            java.util.concurrent.CompletableFuture<Throwable> ended = new java.util.concurrent.CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try {
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                    ended.complete(null);
                } catch (Throwable e) {
                    ended.complete(e);
                }
            }, "reader");
            reader.setDaemon(true);
            reader.start();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (relay.stalled() == 0) {
                assertThat(ended).as("the read ended before the stall").isNotDone();
                assertThat(System.nanoTime()).as("the session stalls").isLessThan(deadline);
                Thread.sleep(20);
            }
            Thread.sleep(500);
            assertThat(ended).as("the reader waits on the silent session").isNotDone();
            long t0 = System.nanoTime();
            in.close();
            long closeMs = (System.nanoTime() - t0) / 1_000_000;
            Throwable e;
            try {
                e = ended.get(15, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException still) {
                throw new AssertionError("the reader still waits 15 s after the close (the close took " + closeMs + " ms)");
            }
            long readerMs = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("---- sftp stalled read closed: close " + closeMs + " ms, reader ended after " + readerMs + " ms: " + e);
            assertThat(closeMs).as("the close returns at once").isLessThan(500);
            assertThat(readerMs).as("the reader ends within moments").isLessThan(4_000);
            assertThat(e).isInstanceOf(java.io.InterruptedIOException.class);
        }
    }

    /**
     * A read whose session goes silent mid-download (restore, verify), again on each connection the read goes on over
     * (one more time than it resumes): it fails after the store's {@code timeout} (2 s here) each time, naming the store's
     * server and the file, and drops that connection, so the next request connects again and is answered at once. The
     * failure was sshj's bare "Timeout expired" (no server, no file), the connection stayed, and the next request on it
     * (the close of the file, a stat) waited out the timeout again and failed too.
     */
    @Test
    void aStalledReadFailsNamingTheServerAndFileAndTheNextRequestConnectsAgain() throws Exception {
        String path = storeWithABigDump(4);
        try (io.dbbackup.testkit.StallingRelay relay = new io.dbbackup.testkit.StallingRelay(
                java.net.URI.create("ssh://" + ssh.host() + ":" + ssh.port()), false, 1_000_000, SftpStore.RESUMES + 1);
             Store store = throughRelay(relay, path, Duration.ofSeconds(2))) {
            long t0 = System.nanoTime();
            Throwable t = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
                    org.assertj.core.api.Assertions.catchThrowable(() -> {
                        try (java.io.InputStream in = store.open("db/big.dump")) {
                            in.transferTo(java.io.OutputStream.nullOutputStream());
                        }
                    }));
            long failedMs = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("---- sftp stalled read: failed after " + failedMs + " ms: " + t);
            assertThat(relay.stalled()).as("the session went silent, on the first connection and each resumed one")
                    .isEqualTo(SftpStore.RESUMES + 1);
            assertThat(t).isInstanceOf(java.io.IOException.class).isNotInstanceOf(java.io.InterruptedIOException.class)
                    .hasMessageContaining("sftp read " + ssh.user() + "@127.0.0.1:" + relay.uri().getPort() + ":" + path
                            + "/db/big.dump failed").hasMessageContaining("the server stopped answering: no answer for 2 s");
            assertThat(io.dbbackup.pipeline.Failures.map("restore failed", t).retryable()).as("retryable").isTrue();
            assertThat(failedMs).as("the read and its close did not each wait out the timeout")
                    .isLessThan((SftpStore.RESUMES + 1) * 3_800L);
            long t1 = System.nanoTime();
            assertThat(store.stat("db/big.dump")).as("the next request, on a new connection").isPresent();
            assertThat((System.nanoTime() - t1) / 1_000_000).as("answered at once").isLessThan(1_500);
        }
    }

    /**
     * A server that offers keyboard-interactive alone (PasswordAuthentication no; PAM asks "Password:"), as servers with
     * PAM-only or one-time-password logins do: the configured password logs in through it. The store offered only the
     * "password" method, and the login failed as "sftp authentication failed ... (tried password (test))". A wrong
     * password still fails as an authentication failure, not retried, naming both methods and never the password.
     */
    @Test
    void aKeyboardInteractiveOnlyServerLogsInWithThePassword() throws Exception {
        try (OpenSshServer kbd = OpenSshServer.withKeyboardInteractiveOnly()) {
            String root = kbd.dataDir().resolve("kbd").toString();
            try (Store store = new SftpStore(SftpFixture.withPassword(kbd.host(), kbd.port(), kbd.user(), root, kbd.password(),
                    List.of(kbd.hostKeyFingerprint())))) {
                store.put("db/a.dump", new byte[] {1, 2, 3}, ctx());
                assertThat(store.list("")).extracting(io.dbbackup.core.StoredObject::key).containsExactly("db/a.dump");
            }
            assertThat(kbd.log()).contains("Accepted keyboard-interactive/pam for nobody");
            assertThat(kbd.dataDir().resolve("kbd/db/a.dump")).hasBinaryContent(new byte[] {1, 2, 3});
            String wrong = "wrong-" + UUID.randomUUID();
            try (Store store = new SftpStore(SftpFixture.withPassword(kbd.host(), kbd.port(), kbd.user(), root, wrong,
                    List.of(kbd.hostKeyFingerprint())))) {
                Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> store.list(""));
                assertThat(t).isInstanceOf(io.dbbackup.core.DbBackupException.class);
                assertThat(((io.dbbackup.core.DbBackupException) t).retryable()).isFalse();
                assertThat(t.getMessage()).doesNotContain("\n").contains("sftp authentication failed")
                        .contains("keyboard-interactive").doesNotContain(wrong).doesNotContain(kbd.password());
            }
        }
    }

    /**
     * An aborted upload (a failed backup) removes the folders it made on the server, deepest first, while they are
     * empty — as the local store does: a first backup that failed leaves no empty job folder behind. A folder that
     * existed before stays, and so does one that meanwhile holds something else. They stayed, empty.
     */
    @Test
    void anAbortedUploadRemovesTheFoldersItMadeAndOnlyThose() throws Exception {
        Path base = ssh.dataDir().resolve("made-" + UUID.randomUUID());
        try (Store store = new SftpStore(SftpFixture.withKey(ssh.host(), ssh.port(), ssh.user(), base.resolve("store").toString(),
                ssh.clientKey(), ssh.knownHosts()))) {
            try (var up = store.upload("daily/app/app-20260101-040000.sql.gz", ctx())) {
                up.stream().write(new byte[10]);
                up.abort();
            }
            assertThat(base).as("the store's own folder, made by the upload, too").doesNotExist();

            Files.createDirectories(base.resolve("store/daily"));
            var nobody = base.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(ssh.user());
            for (Path d : List.of(base, base.resolve("store"), base.resolve("store/daily"))) {
                Files.setOwner(d, nobody); // the server's login makes folders in it
            }
            try (var up = store.upload("daily/app/app-20260101-040000.sql.gz", ctx())) {
                up.abort();
            }
            assertThat(base.resolve("store/daily")).as("existed before").isEmptyDirectory();

            try (var up = store.upload("daily/app/app-20260101-040000.sql.gz", ctx())) {
                Files.writeString(base.resolve("store/daily/app/other"), "x"); // something else arrived meanwhile
                up.abort();
            }
            assertThat(base.resolve("store/daily/app/other")).exists();

            store.put("daily/app/kept.sql.gz", new byte[] {1}, ctx());
            Files.delete(base.resolve("store/daily/app/other"));
            try (var up = store.upload("daily/app/app-20260101-040000.sql.gz", ctx())) {
                up.abort();
            }
            assertThat(base.resolve("store/daily/app/kept.sql.gz")).as("a committed upload's folder stays").exists();
        }
        assertNoLeftovers(store);
    }

    /**
     * A backup that fails after its {@code .sha256} claimed the key (here the manifest's write; the same for a failed
     * commit), with the connection intact or dropped at that moment: the upload's abort finds the sidecar in the folders
     * it made, the backup then deletes the sidecars — and the folders go with the last one, as for a failure before the
     * claim. A folder that existed stays. They stayed, empty.
     */
    @Test
    void aBackupFailingAfterItsClaimRemovesTheFoldersItMade() throws Exception {
        Path base = ssh.dataDir().resolve("claimed-" + UUID.randomUUID());
        try (SftpStore store = new SftpStore(SftpFixture.withKey(ssh.host(), ssh.port(), ssh.user(),
                base.resolve("store").toString(), ssh.clientKey(), ssh.knownHosts()))) {
            failAfterTheClaim(store, false);
            assertThat(base).as("the folders the failed backup made").doesNotExist();

            failAfterTheClaim(store, true);
            assertThat(base).as("the folders the failed backup made, its connection dropped").doesNotExist();

            Files.createDirectories(base.resolve("store/daily"));
            var login = base.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(ssh.user());
            for (Path d : List.of(base, base.resolve("store"), base.resolve("store/daily"))) {
                Files.setOwner(d, login); // the server's login makes folders in it
            }
            failAfterTheClaim(store, false);
            assertThat(base.resolve("store/daily")).as("existed before").isEmptyDirectory();
        }
        assertNoLeftovers(store);
    }

    /**
     * A backup committed and then deleted again (as one failing its read-back is: the object, then its sidecars) takes
     * the folders its upload made once they are empty, as on the local store; a folder that was there before stays, and
     * one still holding another object stays. They stayed, empty.
     */
    @Test
    void deletingWhatThisStoreCommittedRemovesTheFoldersItMadeOnceEmpty() throws Exception {
        Path base = ssh.dataDir().resolve("committed-" + UUID.randomUUID());
        String key = "daily/app/db/db-20260101-040000.sql.gz";
        try (SftpStore store = new SftpStore(SftpFixture.withKey(ssh.host(), ssh.port(), ssh.user(),
                base.resolve("store").toString(), ssh.clientKey(), ssh.knownHosts()))) {
            store.put("daily/kept", new byte[] {1}, ctx());
            store.put(key, new byte[10], ctx());
            store.put(key + ".sha256", new byte[10], ctx());
            store.delete(key);
            assertThat(base.resolve("store/daily/app/db")).as("still holding the sidecar").isDirectory();
            store.delete(key + ".sha256");
            assertThat(base.resolve("store/daily/app")).as("made for the backup").doesNotExist();
            assertThat(base.resolve("store/daily/kept")).as("there before the backup").exists();

            store.put(key, new byte[10], ctx());
            store.put("daily/app/other", new byte[1], ctx());
            store.delete(key);
            assertThat(base.resolve("store/daily/app/other")).as("another object's folder").exists();
            assertThat(base.resolve("store/daily/app/db")).as("made for the backup, emptied").doesNotExist();
        }
    }

    /** A backup through the pipeline whose manifest's write fails (on a connection that dropped, when {@code cut}). */
    private void failAfterTheClaim(SftpStore sftp, boolean cut) {
        var key = new io.dbbackup.core.BackupKey("daily", "app", java.time.Instant.parse("2026-01-01T04:00:00Z"),
                io.dbbackup.core.DumpFormat.SQL, io.dbbackup.core.Compression.NONE, false);
        Store failing = new io.dbbackup.spi.ForwardingStore(sftp) {
            @Override
            public void put(String k, byte[] content, io.dbbackup.spi.OperationContext c) throws java.io.IOException {
                if (k.equals(key.manifestKey())) {
                    if (!cut) {
                        throw new java.io.IOException("sftp write " + k + " failed: no space left on the server");
                    }
                    sftp.cut(sftp.sftp()); // the connection drops: this write fails on it
                }
                super.put(k, content, c);
            }
        };
        io.dbbackup.spi.Engine engine = new io.dbbackup.spi.Engine() {
            public String database() {
                return "app";
            }

            public io.dbbackup.core.DumpFormat format() {
                return io.dbbackup.core.DumpFormat.SQL;
            }

            public io.dbbackup.spi.DumpInfo dump(java.io.OutputStream out, io.dbbackup.spi.OperationContext c) throws java.io.IOException {
                out.write("create table t (x int);\n".getBytes());
                return io.dbbackup.spi.DumpInfo.of(java.util.Map.of());
            }

            public io.dbbackup.spi.TargetState inspectTarget(io.dbbackup.spi.OperationContext c) {
                throw new UnsupportedOperationException();
            }

            public void restore(java.io.InputStream in, io.dbbackup.core.DumpFormat f, io.dbbackup.spi.RestoreOptions o,
                                io.dbbackup.spi.OperationContext c) {
                throw new UnsupportedOperationException();
            }

            public String describe() {
                return "a test dump";
            }
        };
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new io.dbbackup.pipeline.BackupPipeline(java.time.Clock.systemUTC())
                        .run(new io.dbbackup.pipeline.BackupPipeline.Request("app", "test", engine, failing, key,
                                io.dbbackup.core.Compression.NONE, 0, null, ctx(), "test")))
                .hasMessageContaining("backup of a test dump failed");
        assertThat(ssh.files()).as("nothing of the failed backup; log: %s", logText).noneMatch(p -> p.toString().contains("app-20260101"));
    }
}
