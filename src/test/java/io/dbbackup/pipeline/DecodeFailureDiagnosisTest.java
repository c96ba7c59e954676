package io.dbbackup.pipeline;

import io.dbbackup.codec.ChecksumMismatchException;
import io.dbbackup.codec.Codecs;
import io.dbbackup.codec.Decryptor;
import io.dbbackup.codec.age.AgeDecryptor;
import io.dbbackup.codec.age.AgeEncryptor;
import io.dbbackup.codec.age.AgeKeys;
import io.dbbackup.codec.IntegrityException;
import io.dbbackup.codec.Sha256;
import io.dbbackup.core.BackupKey;
import io.dbbackup.core.Compression;
import io.dbbackup.core.DumpFormat;
import io.dbbackup.store.local.LocalStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One corrupted byte in a stored backup: restore and download (the decoding reader) give the same diagnosis as verify —
 * the stored bytes do not match their checksum — with the decoder's words as detail; a backup that does not decode
 * although its bytes match their checksum was written wrong, and is said so, distinctly.
 */
class DecodeFailureDiagnosisTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"GZIP", "ZSTD", "LZ4"})
    void aByteChangedInTheStoreIsAChecksumMismatchForRestoreAsForVerify(Compression compression) throws Exception {
        BackupKey key = new BackupKey("p", "db", Instant.parse("2026-05-01T00:00:00Z"), DumpFormat.SQL, compression, false);
        byte[] sound = compressed(compression);
        LocalStore store = new LocalStore(dir, false);
        Files.createDirectories(dir.resolve("p/db"));
        for (int at : new int[] {sound.length / 2, sound.length - 3}) { // the middle, the trailer
            byte[] damaged = sound.clone();
            damaged[at] ^= 1;
            diagnosed(store, key, null, damaged, sound, compression + " at " + at, true);
        }
    }

    @Test
    void aByteChangedInAnAgeBackupIsAChecksumMismatchToo() throws Exception {
        BackupKey key = new BackupKey("p", "db", Instant.parse("2026-05-02T00:00:00Z"), DumpFormat.SQL, Compression.GZIP, true);
        AgeKeys.GeneratedKey owner = AgeKeys.generate();
        ByteArrayOutputStream cipher = new ByteArrayOutputStream();
        try (OutputStream out = AgeEncryptor.toRecipients(List.of(owner.recipient())).encrypt(cipher)) {
            out.write(compressed(Compression.GZIP));
        }
        byte[] sound = cipher.toByteArray();
        LocalStore store = new LocalStore(dir, false);
        Files.createDirectories(dir.resolve("p/db"));
        Decryptor owners = AgeDecryptor.of(List.of(owner.identity()), null);
        for (int at : new int[] {sound.length / 2, sound.length - 3}) { // a payload chunk, the last one
            byte[] damaged = sound.clone();
            damaged[at] ^= 1;
            // the last chunk is authenticated only after the end was read: the mismatch is met first there
            diagnosed(store, key, owners, damaged, sound, "age at " + at, at < sound.length - 100);
        }
    }

    /**
     * {@code damaged} read by restore's and download's reader: a checksum mismatch with the decoder's words as detail when
     * the sidecar is of {@code sound}; the distinct "written wrong" finding when the sidecar is of {@code damaged} itself.
     */
    private void diagnosed(LocalStore store, BackupKey key, Decryptor decryptor, byte[] damaged, byte[] sound, String what,
                           boolean decoderFailsFirst) throws Exception {
        store(key, sound);
        Files.write(dir.resolve(key.key()), damaged); // changed in the store, after its sidecar
        assertThatThrownBy(() -> ArtifactReader.drain(ArtifactReader.forRecovery(store).open(key, decryptor, true)))
                .as(what + ", changed in the store")
                .isInstanceOf(ChecksumMismatchException.class)
                .hasMessageStartingWith("checksum mismatch for " + key.key() + ": expected ")
                .hasMessageContaining(": it does not match its checksum (the stored bytes changed since the backup)")
                .satisfies(e -> {
                    if (decoderFailsFirst) {
                        org.assertj.core.api.Assertions.assertThat(e.getMessage()).as("the decoder's words as detail")
                                .contains("; decoding it failed: ");
                    }
                });
        store(key, damaged); // damaged before its checksum was taken: the checksum vouches for bytes that do not decode
        assertThatThrownBy(() -> ArtifactReader.drain(ArtifactReader.forRecovery(store).open(key, decryptor, true)))
                .as(what + ", damaged under its sidecar")
                .isInstanceOf(IntegrityException.class)
                .isNotInstanceOf(ChecksumMismatchException.class)
                .hasMessageStartingWith(key.key() + " does not decode, although its stored bytes match their checksum (sha256 ")
                .hasMessageContaining("they were already bad when the checksum was taken (a fault in writing the backup, "
                        + "not damage in the store): ")
                .hasMessageNotContaining("checksum mismatch for");
    }

    private static byte[] compressed(Compression compression) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = Codecs.compress(bytes, compression, 3)) {
            StringBuilder sql = new StringBuilder();
            for (int i = 0; i < 20000; i++) {
                sql.append("INSERT INTO t VALUES (").append(i).append(", 'row ").append(i * 7919 % 1000).append("');\n");
            }
            out.write(sql.toString().getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    private void store(BackupKey k, byte[] bytes) throws Exception {
        Files.write(dir.resolve(k.key()), bytes);
        Files.write(dir.resolve(k.sha256Key()), Sha256.sidecar(Sha256.hex(MessageDigest.getInstance("SHA-256").digest(bytes)),
                k.fileName()));
    }
}
