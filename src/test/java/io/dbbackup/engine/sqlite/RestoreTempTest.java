package io.dbbackup.engine.sqlite;

import io.dbbackup.core.Log;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The temporary file of a SQLite restore: claimed under a lock, swept when its restore is gone (real files). */
class RestoreTempTest {
    private static final String UUID_A = "0b7d3c1e-5a2f-4c8e-9d6b-1f2e3a4b5c6d";

    @TempDir
    Path dir;
    private final StringWriter logged = new StringWriter();
    private final Log log = new Log(new PrintWriter(logged, true), Log.Format.TEXT, Log.Level.INFO, Clock.systemUTC());

    @Test
    void aClaimHoldsALockFileUntilClosedAndLeavesNothing() throws IOException {
        Path target = dir.resolve("app.db");
        try (RestoreTemp t = RestoreTemp.claim(target, log)) {
            Files.writeString(t.file(), "partial");
            assertThat(t.file().getFileName().toString()).matches("\\.dbbackup-restore-app\\.db\\.[0-9a-f-]{36}");
            assertThat(names()).containsExactlyInAnyOrder(t.file().getFileName().toString(), t.file().getFileName() + ".lock");
        }
        assertThat(names()).isEmpty();
    }

    @Test
    void whatAKilledRestoreLeftIsRemovedAndNamed() throws IOException {
        Path target = Files.writeString(dir.resolve("app.db"), "the current database");
        Path killed = Files.writeString(dir.resolve(".dbbackup-restore-app.db." + UUID_A), "x".repeat(1000));
        Files.createFile(dir.resolve(".dbbackup-restore-app.db." + UUID_A + ".lock")); // unlocked: its process is gone
        Path olderVersion = Files.writeString(dir.resolve(".dbbackup-restore-app.db.1c7d3c1e-5a2f-4c8e-9d6b-1f2e3a4b5c6d"), "y");

        try (RestoreTemp t = RestoreTemp.claim(target, log)) {
            assertThat(killed).doesNotExist();
            assertThat(olderVersion).as("no lock file at all: a restore of an older dbbackup, gone").doesNotExist();
            assertThat(names()).containsExactlyInAnyOrder("app.db", t.file().getFileName() + ".lock");
        }
        assertThat(logged.toString()).contains("removed the temporary file of a restore that did not finish")
                .contains(killed.getFileName().toString()).contains("bytes=1000");
        assertThat(Files.readString(target)).isEqualTo("the current database");
    }

    @Test
    void aRestoreStillRunningAndOtherTargetsFilesAreLeftAlone() throws IOException {
        Path target = dir.resolve("app.db");
        Path otherTarget = Files.writeString(dir.resolve(".dbbackup-restore-app.db.bak." + UUID_A), "another target's");
        Path notOurs = Files.writeString(dir.resolve(".dbbackup-restore-app.db.notes"), "a user's file");
        try (RestoreTemp running = RestoreTemp.claim(target, log)) {
            Files.writeString(running.file(), "being written");
            try (RestoreTemp next = RestoreTemp.claim(target, log)) {
                assertThat(running.file()).as("its lock is held").exists();
                assertThat(next.file()).isNotEqualTo(running.file());
            }
            assertThat(running.file()).exists();
        }
        assertThat(otherTarget).exists();
        assertThat(notOurs).exists();
        assertThat(logged.toString()).doesNotContain("removed");
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    /**
     * Another restore's sweep removed this one's .lock between its creation and its lock (a .lock alone is now swept):
     * the claim takes a new ID and ends holding a lock file that is there, rather than failing or holding an unlinked one.
     */
    @Test
    void aLockFileSweptBeforeItIsLockedIsClaimedAgain() throws IOException {
        Path target = dir.resolve("app.db");
        int[] calls = {0};
        try (org.mockito.MockedStatic<io.dbbackup.core.LockFile> hold = org.mockito.Mockito.mockStatic(
                io.dbbackup.core.LockFile.class, org.mockito.Mockito.CALLS_REAL_METHODS)) {
            hold.when(() -> io.dbbackup.core.LockFile.hold(org.mockito.ArgumentMatchers.any(),
                    org.mockito.ArgumentMatchers.any())).thenAnswer(call -> {
                        if (calls[0]++ == 0) {
                            Files.delete(call.<Path>getArgument(0)); // the other restore's sweep
                        }
                        return call.callRealMethod();
                    });
            try (RestoreTemp t = RestoreTemp.claim(target, log)) {
                assertThat(calls[0]).isEqualTo(2);
                assertThat(names()).containsExactly(t.file().getFileName() + ".lock");
            }
        }
        assertThat(names()).isEmpty();
    }
}
