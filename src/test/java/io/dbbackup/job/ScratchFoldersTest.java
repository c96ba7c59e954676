package io.dbbackup.job;

import io.dbbackup.core.Log;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** In-process: the lock of a claim released by {@code close()} stands for the lock the kernel drops with a killed process. */
class ScratchFoldersTest {
    @TempDir
    Path root;
    private final StringWriter logText = new StringWriter();
    private final Log log = new Log(new PrintWriter(logText, true), Log.Format.TEXT, Log.Level.DEBUG, Clock.systemUTC());

    private static Instant later() {
        return Instant.now().plus(ScratchFolders.GRACE).plus(Duration.ofSeconds(5));
    }

    @Test
    void aClaimedFolderIsPrivateAndKeptWhileHeldAndRemovedOnceItsLockIsFree() throws IOException {
        Path folder = root.resolve("dbbackup-1-backup-1");
        ScratchFolders.Claim claim = ScratchFolders.claim(folder);
        assertThat(claim).isNotNull();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).isEqualTo("rwx------");
        Files.writeString(folder.resolve("pgpass"), "secret");

        assertThat(ScratchFolders.sweep(root, later(), log)).isEmpty();
        assertThat(folder.resolve("pgpass")).exists();

        claim.close(); // as a SIGKILL would: the lock is gone, the folder stays
        assertThat(ScratchFolders.sweep(root, Instant.now(), log)).as("a lock younger than the grace period").isEmpty();
        assertThat(ScratchFolders.sweep(root, later(), log)).containsExactly(folder);
        assertThat(folder).doesNotExist();
        assertThat(logText.toString()).contains("removed the scratch folder").contains(folder.toString());
    }

    @Test
    void aFolderWhoseLockCouldNotBeTakenIsLeftUnclaimedNotMadeToLookAbandoned() throws IOException {
        Path folder = root.resolve("dbbackup-2-backup-1");
        // what a file system without POSIX locks (NFS without lockd) answers
        ScratchFolders.Claim claim = ScratchFolders.claim(folder, channel -> {
            throw new IOException("No locks available");
        });
        assertThat(claim).isNull();
        assertThat(folder).as("the operation still has its folder").isDirectory();
        assertThat(folder.resolve(ScratchFolders.LOCK)).as("an unlocked lock file would say its process is gone").doesNotExist();

        Files.writeString(folder.resolve("snapshot.db"), "in use");
        assertThat(ScratchFolders.sweep(root, later(), log)).isEmpty();
        assertThat(folder.resolve("snapshot.db")).exists();
    }

    @Test
    void foldersNotClaimedThisWayAreNeverTouched() throws IOException {
        Path unclaimed = Files.createDirectories(root.resolve("dbbackup-3-restore-1"));
        Path other = Files.createDirectories(root.resolve("other-tool-1"));
        Files.createFile(other.resolve(ScratchFolders.LOCK));
        assertThat(ScratchFolders.sweep(root, later(), log)).isEmpty();
        assertThat(unclaimed).isDirectory();
        assertThat(other.resolve(ScratchFolders.LOCK)).exists();
    }
}
