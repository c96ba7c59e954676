package io.dbbackup.pipeline;

import io.dbbackup.codec.IntegrityException;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InterruptedIOException;

import static org.assertj.core.api.Assertions.assertThat;

class FailuresTest {
    @Test
    void anInterruptionKeepsWhatTheInterruptedStepSaid() {
        DbBackupException e = Failures.map("restore of app failed",
                new InterruptedIOException("restore into db ran as one transaction and was rolled back: nothing was applied"));
        assertThat(e.status()).isEqualTo(ExitStatus.SYSTEM_ERROR);
        assertThat(e.getMessage()).isEqualTo("restore of app failed: interrupted (restore into db ran as one transaction and "
                + "was rolled back: nothing was applied)");
        assertThat(Failures.map("backup failed", new InterruptedIOException()).getMessage()).isEqualTo("backup failed: interrupted");
        assertThat(Failures.map("backup failed", new InterruptedIOException("interrupted")).getMessage())
                .isEqualTo("backup failed: interrupted");
    }

    /** A store failure that does not name the object (a refused connection) is prefixed with the store it is of. */
    @Test
    void anUnreachableStoreIsNamedWhenItsWordsDoNotNameTheObject() {
        io.dbbackup.store.local.LocalStore store = new io.dbbackup.store.local.LocalStore(java.nio.file.Path.of("/srv/backups"), false);
        assertThat(Failures.unreachable(store, "app/k.sql.zst", new IOException("connection refused")).getMessage())
                .isEqualTo("cannot reach store local /srv/backups: connection refused");
        assertThat(Failures.unreachable(store, "app/k.sql.zst", new IOException("sftp stat u@h:/srv/backups/app/k.sql.zst failed: "
                + "the connection was closed")).getMessage())
                .isEqualTo("cannot reach the store: sftp stat u@h:/srv/backups/app/k.sql.zst failed: the connection was closed");
    }

    @Test
    void corruptionBelowAnyWrappingIsAnIntegrityFailure() {
        DbBackupException e = Failures.map("restore failed", new IOException("read failed", new IntegrityException("checksum mismatch")));
        assertThat(e.status()).isEqualTo(ExitStatus.INTEGRITY);
        assertThat(e.getMessage()).isEqualTo("checksum mismatch");
    }

    /**
     * A low {@code ulimit -u} (or a container's pids limit): the JVM cannot start a thread, and zstd cannot start its
     * workers. The errors said "ran out of memory … give the JVM more heap" and "not enough memory"; they now name the
     * limit on threads, exit 2, not retried.
     */
    @Test
    void threadsThatCannotStartNameTheThreadLimitNotTheHeap() {
        DbBackupException jvm = Failures.map("job app failed", new OutOfMemoryError(
                "unable to create native thread: possibly out of memory or process/resource limits reached"));
        assertThat(jvm.status()).isEqualTo(ExitStatus.SYSTEM_ERROR);
        assertThat(jvm.retryable()).isFalse();
        assertThat(jvm.getMessage()).startsWith("job app failed: this JVM could not start a thread (OutOfMemoryError: "
                + "unable to create native thread: possibly out of memory or process/resource limits reached): the limit on "
                + "processes and threads was reached — ulimit -u").contains("--pids-limit").doesNotContain("more heap");

        DbBackupException zstd = Failures.map("backup of sqlite /db/shop.db failed",
                new IOException("Allocation error : not enough memory"));
        assertThat(zstd.status()).isEqualTo(ExitStatus.SYSTEM_ERROR);
        assertThat(zstd.retryable()).isFalse();
        assertThat(zstd.getMessage()).startsWith("backup of sqlite /db/shop.db failed: zstd could not start (Allocation error : "
                + "not enough memory): either the limit on processes and threads was reached — ulimit -u")
                .endsWith("or this process's memory limit was reached");

        // a heap that is too small still says so
        assertThat(Failures.map("job app failed", new OutOfMemoryError("Java heap space")).getMessage()).contains("give the JVM more heap");
    }
}
