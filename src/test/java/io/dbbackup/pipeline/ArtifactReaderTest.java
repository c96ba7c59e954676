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
}
