package io.dbbackup.pipeline;

import io.dbbackup.core.BackupKey;
import io.dbbackup.core.Compression;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.DumpFormat;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.store.local.LocalStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArtifactReaderTest {
    @TempDir
    Path dir;

    private final BackupKey key = new BackupKey("p", "db", Instant.parse("2026-05-01T00:00:00Z"), DumpFormat.SQL,
            Compression.NONE, false);

    /**
     * {@code verify --all-backups} and a run's read-backs read many backups in one operation: each read's hook (cutting
     * it off on a signal) is dropped once that read ended, not kept, with its stream, until the operation ends.
     */
    @Test
    void aFinishedReadLeavesNoHookWaitingForTheOperationsCancellation() throws Exception {
        LocalStore store = new LocalStore(dir, false);
        byte[] content = "SELECT 1;\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Files.createDirectories(dir.resolve("p/db"));
        Files.write(dir.resolve(key.key()), content);
        Files.write(dir.resolve(key.sha256Key()), io.dbbackup.codec.Sha256.sidecar(
                io.dbbackup.codec.Sha256.hex(content, 0, content.length), key.fileName()));
        io.dbbackup.spi.Cancellation operation = new io.dbbackup.spi.Cancellation();
        for (int i = 0; i < 3; i++) {
            org.assertj.core.api.Assertions.assertThat(new ArtifactReader(store).verify(key, null, operation))
                    .isEqualTo(content.length);
            new ArtifactReader(store).verifyStored(key, operation);
        }
        org.assertj.core.api.Assertions.assertThat(operation.waitingHooks()).as("hooks of finished reads still registered")
                .isZero();
    }

    /** A prune between a restore's check and its restore takes the sidecar with the backup: not a corruption alarm. */
    @Test
    void aSidecarGoneWithItsBackupIsADeletedBackupNotADamagedOne() throws Exception {
        LocalStore store = new LocalStore(dir, false);
        assertThatThrownBy(() -> ArtifactReader.forRecovery(store).expectedSha256(key))
                .isInstanceOf(io.dbbackup.core.DeletedSinceListedException.class)
                .hasMessage("backup p/db/" + key.fileName() + " is no longer in " + store.describe()
                        + ": it was deleted since it was listed (a prune?)")
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((DbBackupException) e).status())
                        .isEqualTo(ExitStatus.SYSTEM_ERROR));

        Files.createDirectories(dir.resolve("p/db"));
        Files.writeString(dir.resolve(key.key()), "still here");
        assertThatThrownBy(() -> new ArtifactReader(store).expectedSha256(key))
                .as("the backup is there, its sidecar is not: that is damage")
                .isInstanceOf(DbBackupException.class).hasMessageContaining("no checksum sidecar")
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((DbBackupException) e).status())
                        .isEqualTo(ExitStatus.INTEGRITY));
    }

    /**
     * Its sidecar read, the backup's bytes gone (a prune between the two): the same deleted backup, exit 2 — it was "no
     * backup … in …", exit 1, as if the user had named one that never was.
     */
    @Test
    void bytesGoneAfterTheSidecarWasReadAreADeletedBackup() throws Exception {
        LocalStore store = new LocalStore(dir, false);
        Files.createDirectories(dir.resolve("p/db"));
        Files.write(dir.resolve(key.sha256Key()), io.dbbackup.codec.Sha256.sidecar("0".repeat(64), key.fileName()));
        assertThatThrownBy(() -> new ArtifactReader(store).open(key, null, false))
                .isInstanceOf(io.dbbackup.core.DeletedSinceListedException.class)
                .hasMessage("backup p/db/" + key.fileName() + " is no longer in " + store.describe()
                        + ": it was deleted since it was listed (a prune?)")
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((DbBackupException) e).status())
                        .isEqualTo(ExitStatus.SYSTEM_ERROR));
    }

    /**
     * A decoder whose start is stopped (scrypt by a signal or the job's timeout) or cannot run here (scrypt's memory):
     * the store's stream is closed and the failure passes as it is — it was taken for "does not decode", an integrity
     * failure, and a read-back then deleted a sound backup; the store's stream stayed open (an S3 download's thread).
     */
    @Test
    void aDecoderStoppedOrUnableToStartIsNoFindingAndClosesTheStoreStream() throws Exception {
        BackupKey sealed = new BackupKey("p", "db", Instant.parse("2026-05-01T00:00:00Z"), DumpFormat.SQL, Compression.NONE, true);
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        LocalStore local = new LocalStore(dir, false);
        Files.createDirectories(dir.resolve("p/db"));
        Files.writeString(dir.resolve(sealed.key()), "age-encryption.org/v1 and the rest");
        Files.write(dir.resolve(sealed.sha256Key()), io.dbbackup.codec.Sha256.sidecar(
                io.dbbackup.codec.Sha256.hex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(Files.readAllBytes(dir.resolve(sealed.key())))), sealed.fileName()));
        io.dbbackup.spi.Store store = new io.dbbackup.spi.ForwardingStore(local) {
            @Override
            public java.io.InputStream open(String k) throws java.io.IOException {
                return new java.io.FilterInputStream(delegate.open(k)) {
                    @Override
                    public void close() throws java.io.IOException {
                        closed.set(true);
                        super.close();
                    }
                };
            }
        };
        assertThatThrownBy(() -> new ArtifactReader(store).open(sealed, in -> {
            throw new java.io.InterruptedIOException("age decryption: scrypt timeout");
        }, true)).isExactlyInstanceOf(java.io.InterruptedIOException.class);
        org.assertj.core.api.Assertions.assertThat(closed).isTrue();

        closed.set(false);
        assertThatThrownBy(() -> new ArtifactReader(store).open(sealed, in -> {
            throw DbBackupException.user("scrypt_work_factor 19 needs 512 MiB");
        }, true)).isInstanceOf(DbBackupException.class).hasMessageContaining("512 MiB");
        org.assertj.core.api.Assertions.assertThat(closed).isTrue();
    }

    /**
     * A key that opens nothing is a key problem naming whom the backup is for (the manifest's recipients, or "not
     * recorded"); an identity the manifest records as a recipient that unwraps nothing means a damaged header: an
     * integrity failure that WrongKeyException.in does not take for a key problem (the read-back would keep it).
     */
    @Test
    void aWrongKeyNamesTheRecipientsAndARecipientThatOpensNothingIsDamage() throws Exception {
        BackupKey sealed = new BackupKey("p", "db", Instant.parse("2026-05-01T00:00:00Z"), DumpFormat.SQL, Compression.NONE, true);
        io.dbbackup.codec.age.AgeKeys.GeneratedKey owner = io.dbbackup.codec.age.AgeKeys.generate();
        io.dbbackup.codec.age.AgeKeys.GeneratedKey stranger = io.dbbackup.codec.age.AgeKeys.generate();
        java.io.ByteArrayOutputStream cipher = new java.io.ByteArrayOutputStream();
        try (java.io.OutputStream out = io.dbbackup.codec.age.AgeEncryptor.toRecipients(java.util.List.of(owner.recipient())).encrypt(cipher)) {
            out.write("select 1;\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        LocalStore store = new LocalStore(dir, false);
        Files.createDirectories(dir.resolve("p/db"));
        java.util.function.Consumer<String> manifest = recipients -> {
            try {
                Files.writeString(dir.resolve(sealed.manifestKey()), "{\"key\": \"" + sealed.key() + "\"" + recipients + "}");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        store(sealed, cipher.toByteArray());
        manifest.accept(", \"recipients\": [\"" + owner.recipient() + "\"]");
        io.dbbackup.codec.Decryptor strangers = io.dbbackup.codec.age.AgeDecryptor.of(java.util.List.of(stranger.identity()), null);
        assertThatThrownBy(() -> new ArtifactReader(store).verify(sealed, strangers))
                .isInstanceOf(io.dbbackup.codec.WrongKeyException.class)
                .hasMessage(sealed.key() + " is not encrypted to any key given: tried identity " + stranger.recipient()
                        + "; it was encrypted for " + owner.recipient() + ": pass its identity file (AGE-SECRET-KEY-1... lines)"
                        + " with --identity FILE (repeatable)");
        manifest.accept("");
        assertThatThrownBy(() -> new ArtifactReader(store).verify(sealed, strangers))
                .hasMessageContaining("; whom it was encrypted for is not recorded (its header holds 1 recipient): pass its identity file");

        byte[] damaged = cipher.toByteArray();
        int share = new String(damaged, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("-> X25519 ") + 12;
        damaged[share] = (byte) (damaged[share] == 'A' ? 'B' : 'A');
        store(sealed, damaged);
        io.dbbackup.codec.Decryptor owners = io.dbbackup.codec.age.AgeDecryptor.of(java.util.List.of(owner.identity()), null);
        assertThatThrownBy(() -> new ArtifactReader(store).verify(sealed, owners))
                .as("no recipients recorded: what age alone can tell").isInstanceOf(io.dbbackup.codec.WrongKeyException.class);
        manifest.accept(", \"recipients\": [\"" + owner.recipient() + "\"]");
        assertThatThrownBy(() -> new ArtifactReader(store).verify(sealed, owners))
                .isInstanceOf(io.dbbackup.codec.IntegrityException.class)
                .hasMessage(sealed.key() + " is corrupt: its age header is damaged: identity " + owner.recipient()
                        + " is one of the recipients its manifest records, yet unwraps no stanza of it")
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(io.dbbackup.codec.WrongKeyException.in(e)).isFalse());
    }

    /**
     * A stanza damaged in the store (the sidecar still holds the digest of the sound upload) makes the right key unwrap
     * nothing, as a wrong key would: when the manifest cannot settle which (a passphrase; recipients not recorded, as in
     * every manifest older than the field) the stored bytes are checked, and the damage is a checksum mismatch (exit 3).
     */
    @Test
    void aStanzaDamagedInTheStoreIsAChecksumMismatchNotAWrongKey() throws Exception {
        BackupKey sealed = new BackupKey("p", "db", Instant.parse("2026-05-02T00:00:00Z"), DumpFormat.SQL, Compression.NONE, true);
        io.dbbackup.codec.age.AgeKeys.GeneratedKey owner = io.dbbackup.codec.age.AgeKeys.generate();
        LocalStore store = new LocalStore(dir, false);
        Files.createDirectories(dir.resolve("p/db"));
        for (boolean passphrase : new boolean[] {false, true}) {
            java.io.ByteArrayOutputStream cipher = new java.io.ByteArrayOutputStream();
            io.dbbackup.codec.Encryptor encryptor = passphrase ? io.dbbackup.codec.age.AgeEncryptor.withPassphrase("correct horse battery staple", 10)
                    : io.dbbackup.codec.age.AgeEncryptor.toRecipients(java.util.List.of(owner.recipient()));
            try (java.io.OutputStream out = encryptor.encrypt(cipher)) {
                byte[] rows = new byte[4 << 20]; // larger than any read-ahead: the header fails before the digest is known
                new java.util.Random(7).nextBytes(rows);
                out.write(rows);
            }
            store(sealed, cipher.toByteArray()); // the sidecar of the sound upload
            Files.writeString(dir.resolve(sealed.manifestKey()), "{\"key\": \"" + sealed.key() + "\""
                    + (passphrase ? ", \"recipients\": [\"passphrase\"]" : "") + "}");
            byte[] damaged = cipher.toByteArray();
            String text = new String(damaged, java.nio.charset.StandardCharsets.ISO_8859_1);
            int at = text.indexOf(passphrase ? "-> scrypt " : "-> X25519 ") + 12;
            damaged[at] = (byte) (damaged[at] == 'A' ? 'B' : 'A');
            Files.write(dir.resolve(sealed.key()), damaged); // changed in the store, after its sidecar
            io.dbbackup.codec.Decryptor right = passphrase ? io.dbbackup.codec.age.AgeDecryptor.of(java.util.List.of(), "correct horse battery staple")
                    : io.dbbackup.codec.age.AgeDecryptor.of(java.util.List.of(owner.identity()), null);
            assertThatThrownBy(() -> new ArtifactReader(store).verify(sealed, right)).as(passphrase ? "passphrase" : "identity")
                    .isInstanceOf(io.dbbackup.codec.IntegrityException.class)
                    .hasMessageContaining("checksum mismatch")
                    .satisfies(e -> org.assertj.core.api.Assertions.assertThat(io.dbbackup.codec.WrongKeyException.in(e)).isFalse());
        }
    }

    /**
     * Damage age finds (a payload chunk or the header's MAC) said "age payload is corrupt …" without naming the backup
     * (restore's one line said neither which backup nor that the store changed it); damage in the store, after its
     * sidecar was written, now reads as the checksum mismatch it is, and damage the sidecar vouches for names the key.
     */
    @Test
    void damageAgeFindsNamesTheBackupAndDamageInTheStoreIsAChecksumMismatch() throws Exception {
        BackupKey sealed = new BackupKey("p", "db", Instant.parse("2026-05-03T00:00:00Z"), DumpFormat.SQL, Compression.NONE, true);
        io.dbbackup.codec.age.AgeKeys.GeneratedKey owner = io.dbbackup.codec.age.AgeKeys.generate();
        java.io.ByteArrayOutputStream cipher = new java.io.ByteArrayOutputStream();
        try (java.io.OutputStream out = io.dbbackup.codec.age.AgeEncryptor.toRecipients(java.util.List.of(owner.recipient())).encrypt(cipher)) {
            byte[] rows = new byte[4 << 20];
            new java.util.Random(11).nextBytes(rows);
            out.write(rows);
        }
        LocalStore store = new LocalStore(dir, false);
        Files.createDirectories(dir.resolve("p/db"));
        io.dbbackup.codec.Decryptor owners = io.dbbackup.codec.age.AgeDecryptor.of(java.util.List.of(owner.identity()), null);
        byte[] sound = cipher.toByteArray();
        String text = new String(sound, java.nio.charset.StandardCharsets.ISO_8859_1);
        int mac = text.indexOf("\n--- ") + 5;
        int headerEnd = text.indexOf('\n', mac) + 1;
        for (int at : new int[] {mac + 10, headerEnd + 16 + 100, sound.length / 2}) { // the MAC, chunk 1, a middle chunk
            byte[] damaged = sound.clone();
            damaged[at] ^= 1;
            String what = at < headerEnd ? "header" // a MAC that no longer decodes, or does not match
                    : "age payload is corrupt, truncated or was tampered with (chunk authentication failed)";
            store(sealed, sound);
            Files.write(dir.resolve(sealed.key()), damaged); // changed in the store, after its sidecar
            assertThatThrownBy(() -> new ArtifactReader(store).verify(sealed, owners)).as("in the store at " + at)
                    .isInstanceOf(io.dbbackup.codec.IntegrityException.class)
                    .hasMessageStartingWith("checksum mismatch for " + sealed.key());
            store(sealed, damaged); // damaged before its checksum was taken
            assertThatThrownBy(() -> new ArtifactReader(store).verify(sealed, owners)).as("under its sidecar at " + at)
                    .isInstanceOf(io.dbbackup.codec.IntegrityException.class)
                    .hasMessageStartingWith(sealed.key() + " does not decode, although its stored bytes match their checksum")
                    .hasMessageContaining(what);
        }
    }

    /**
     * The backup is deleted (a prune on another host) while it is read, and the connection drops before the end: the
     * request for the rest finds it gone ({@link io.dbbackup.spi.ResumingInputStream}'s NoSuchKeyException). The same
     * "deleted since it was listed", exit 2, as when it is gone at open (what {@code verify --all-backups} skips), with
     * the byte reached; it was "verification of … failed: …", a failure of the audit. A restore's reader fails so too.
     */
    @Test
    void aBackupDeletedMidReadIsDeletedSinceListedWithTheByteReached() throws Exception {
        BackupKey zst = new BackupKey("p", "db", Instant.parse("2026-05-01T00:00:00Z"), DumpFormat.SQL, Compression.ZSTD, false);
        java.io.ByteArrayOutputStream packed = new java.io.ByteArrayOutputStream();
        java.util.Random random = new java.util.Random(7);
        try (java.io.OutputStream out = io.dbbackup.codec.Codecs.compress(packed, Compression.ZSTD, 3)) {
            for (int i = 0; i < 40_000; i++) {
                out.write(("insert into t values (" + random.nextLong() + ");\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        byte[] bytes = packed.toByteArray();
        LocalStore local = new LocalStore(dir, false);
        io.dbbackup.spi.Store store = new io.dbbackup.spi.ForwardingStore(local) {
            @Override
            public java.io.InputStream open(String k) throws java.io.IOException {
                if (!k.equals(zst.key())) {
                    return delegate.open(k);
                }
                java.io.InputStream first = new java.io.FilterInputStream(delegate.open(k)) {
                    private long read;

                    @Override
                    public int read(byte[] b, int off, int len) throws java.io.IOException {
                        if (read >= 100_000) { // the prune, then the dropped connection
                            for (String gone : java.util.List.of(zst.key(), zst.sha256Key())) {
                                Files.deleteIfExists(dir.resolve(gone));
                            }
                            throw new java.io.IOException("local read of " + k + " failed: Connection reset");
                        }
                        int n = super.read(b, off, (int) Math.min(len, 100_000 - read));
                        read += Math.max(n, 0);
                        return n;
                    }
                };
                return new io.dbbackup.spi.ResumingInputStream(first, bytes.length, offset -> delegate.open(k), 3, k);
            }
        };
        String said = "backup p/db/" + zst.fileName() + " is no longer in " + store.describe()
                + ": it was deleted since it was listed (a prune?)";
        for (ArtifactReader reader : java.util.List.of(new ArtifactReader(store), ArtifactReader.forRecovery(store))) {
            Files.createDirectories(dir.resolve("p/db"));
            store(zst, bytes);
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> reader.verify(zst, null));
            DbBackupException mapped = Failures.map("verification of " + zst.key() + " failed", t);
            org.assertj.core.api.Assertions.assertThat(mapped).as("%s", t).isInstanceOf(io.dbbackup.core.DeletedSinceListedException.class)
                    .hasMessageStartingWith(said)
                    .hasMessageContaining("going on from byte 100000 of " + bytes.length + " over a new connection failed: "
                            + "no such object: " + zst.key() + " (deleted since the read began)");
            org.assertj.core.api.Assertions.assertThat(mapped.status()).isEqualTo(ExitStatus.SYSTEM_ERROR);
        }
    }

    private void store(BackupKey k, byte[] bytes) throws Exception {
        Files.write(dir.resolve(k.key()), bytes);
        Files.write(dir.resolve(k.sha256Key()), io.dbbackup.codec.Sha256.sidecar(
                io.dbbackup.codec.Sha256.hex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes)), k.fileName()));
    }
}
