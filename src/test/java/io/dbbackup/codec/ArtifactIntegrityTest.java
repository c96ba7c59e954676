package io.dbbackup.codec;

import io.dbbackup.core.BackupKey;
import io.dbbackup.core.Compression;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.DumpFormat;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.pipeline.ArtifactReader;
import io.dbbackup.store.local.LocalStore;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading artifacts back: round trips, and corruption caught by the digest and by the decoder. */
class ArtifactIntegrityTest {
    @TempDir
    Path dir;

    private byte[] data() {
        byte[] b = new byte[3_000_000];
        Random r = new Random(7);
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (r.nextInt(16) + 'a');
        }
        return b;
    }

    private BackupKey store(Compression c, byte[] data, LocalStore store) throws IOException {
        BackupKey key = new BackupKey("", "db", Instant.parse("2026-01-01T00:00:00Z"), DumpFormat.SQL, c, false);
        Path file = dir.resolve("store").resolve(key.key());
        Files.createDirectories(file.getParent());
        HashingOutputStream hashing;
        try (OutputStream fileOut = Files.newOutputStream(file); OutputStream out = Codecs.compress(hashing = new HashingOutputStream(fileOut), c, c.defaultLevel())) {
            out.write(data);
        }
        Files.write(dir.resolve("store").resolve(key.sha256Key()), Sha256.sidecar(hashing.hex(), key.fileName()));
        return key;
    }

    private void resign(LocalStore store, BackupKey key) throws IOException {
        byte[] stored = Files.readAllBytes(dir.resolve("store").resolve(key.key()));
        Files.write(dir.resolve("store").resolve(key.sha256Key()), Sha256.sidecar(Sha256.hex(stored, 0, stored.length), key.fileName()));
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void roundTrip(Compression c) throws Exception {
        LocalStore store = new LocalStore(dir.resolve("store"), false);
        byte[] data = data();
        BackupKey key = store(c, data, store);
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        try (InputStream in = new ArtifactReader(store).open(key, null)) {
            in.transferTo(back);
        }
        assertThat(back.toByteArray()).isEqualTo(data);
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void aFlippedByteIsAChecksumMismatch(Compression c) throws Exception {
        LocalStore store = new LocalStore(dir.resolve("store"), false);
        BackupKey key = store(c, data(), store);
        Path file = dir.resolve("store").resolve(key.key());
        byte[] stored = Files.readAllBytes(file);
        stored[stored.length / 3] ^= 0x10;
        Files.write(file, stored);
        assertThatThrownBy(() -> new ArtifactReader(store).verify(key, null)).isInstanceOf(IntegrityException.class)
                .hasMessageContaining("checksum mismatch");
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"GZIP", "ZSTD", "LZ4"})
    void corruptionWithAMatchingSidecarIsCaughtByTheDecoder(Compression c) throws Exception {
        LocalStore store = new LocalStore(dir.resolve("store"), false);
        BackupKey key = store(c, data(), store);
        Path file = dir.resolve("store").resolve(key.key());
        byte[] stored = Files.readAllBytes(file);
        stored[stored.length / 2] ^= 0x10;
        Files.write(file, stored);
        resign(store, key); // the sidecar now "agrees": only the format's own checksums can tell
        assertThatThrownBy(() -> new ArtifactReader(store).verify(key, null)).isInstanceOf(IntegrityException.class);
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"GZIP", "ZSTD", "LZ4"})
    void aTruncatedArtifactIsCaught(Compression c) throws Exception {
        LocalStore store = new LocalStore(dir.resolve("store"), false);
        BackupKey key = store(c, data(), store);
        Path file = dir.resolve("store").resolve(key.key());
        byte[] stored = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(stored, stored.length - 100));
        resign(store, key);
        assertThatThrownBy(() -> new ArtifactReader(store).verify(key, null)).isInstanceOf(IntegrityException.class);
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"GZIP"})
    void aMissingObjectIsABackupDeletedSinceItWasListedNotCorruption(Compression c) throws Exception {
        LocalStore store = new LocalStore(dir.resolve("store"), false);
        BackupKey key = store(c, data(), store);
        Files.delete(dir.resolve("store").resolve(key.key()));
        // the key was listed (its sidecar is there): its bytes gone is a prune meanwhile, exit 2, never exit 3
        assertThatThrownBy(() -> new ArtifactReader(store).verify(key, null)).isInstanceOf(io.dbbackup.core.DeletedSinceListedException.class)
                .hasMessageContaining("deleted since it was listed")
                .satisfies(e -> assertThat(((DbBackupException) e).status()).isEqualTo(ExitStatus.SYSTEM_ERROR));
    }
}
