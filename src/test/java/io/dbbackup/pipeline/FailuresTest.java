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

    @Test
    void corruptionBelowAnyWrappingIsAnIntegrityFailure() {
        DbBackupException e = Failures.map("restore failed", new IOException("read failed", new IntegrityException("checksum mismatch")));
        assertThat(e.status()).isEqualTo(ExitStatus.INTEGRITY);
        assertThat(e.getMessage()).isEqualTo("checksum mismatch");
    }
}
