package io.dbbackup.pipeline;

import io.dbbackup.codec.IntegrityException;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.spi.Store;
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

    /**
     * A store's failure whose words name the store as the job's context does (a delete of many keys: "delete of 4
     * objects in local /srv/backups failed …"): the store said once, by the context; the count, the key, the reason and
     * the advice kept, and a store's own DbBackupException led by the context too. A rate-limited store's context says
     * its limits, which the store's words do not.
     */
    @Test
    void aStoresWordsDoNotNameTheStoreTheContextNamed() {
        Store local = new io.dbbackup.store.local.LocalStore(java.nio.file.Path.of("/srv/backups"), false);
        String said = "delete of 4 objects in local /srv/backups failed for 4 of them (none was deleted), first app/wal/1: "
                + "AccessDenied";
        DbBackupException plain = Failures.map("cannot delete archived WAL (4 files) from " + local.describe(), local,
                new IOException(said));
        assertThat(plain.getMessage()).isEqualTo("cannot delete archived WAL (4 files) from local /srv/backups: delete of 4 "
                + "objects failed for 4 of them (none was deleted), first app/wal/1: AccessDenied");
        assertThat(plain.retryable()).isTrue();
        DbBackupException permanent = Failures.map("cannot delete archived WAL (4 files) from local /srv/backups", local,
                DbBackupException.permanent(said + "; check the store's credentials", null));
        assertThat(permanent.getMessage()).isEqualTo("cannot delete archived WAL (4 files) from local /srv/backups: delete of "
                + "4 objects failed for 4 of them (none was deleted), first app/wal/1: AccessDenied; check the store's credentials");
        assertThat(permanent.retryable()).isFalse();

        Store limited = io.dbbackup.spi.RateLimitedStore.uploads(local, new io.dbbackup.core.RateLimiter(1 << 20));
        assertThat(Failures.map("cannot delete archived WAL (4 files) from " + limited.describe(), limited,
                new IOException(said)).getMessage()).isEqualTo("cannot delete archived WAL (4 files) from local /srv/backups "
                + "(uploads at most 1 MiB/s): delete of 4 objects failed for 4 of them (none was deleted), first app/wal/1: "
                + "AccessDenied");
        // words that name only the object are kept as they are
        assertThat(Failures.map("cannot delete app/k from local /srv/backups", local, new IOException("/srv/backups/app/k: "
                + "permission denied")).getMessage()).isEqualTo("cannot delete app/k from local /srv/backups: "
                + "/srv/backups/app/k: permission denied");
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
