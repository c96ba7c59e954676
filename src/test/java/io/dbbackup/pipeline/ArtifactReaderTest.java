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

    /** A prune between a restore's check and its restore takes the sidecar with the backup: not a corruption alarm. */
    @Test
    void aSidecarGoneWithItsBackupIsADeletedBackupNotADamagedOne() throws Exception {
        LocalStore store = new LocalStore(dir, false);
        assertThatThrownBy(() -> ArtifactReader.forRecovery(store).expectedSha256(key))
                .isInstanceOf(DbBackupException.class)
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
}
