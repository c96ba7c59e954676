package io.dbbackup.spi;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A store's words about itself give way only after words that name that store as a whole. */
class StoreWordsExceptionTest {
    @Test
    void theWordsGiveWayOnlyWhereTheContextNamesTheStore() {
        StoreWordsException e = new StoreWordsException("sftp u@h:2222:/p", "sftp cannot connect to h:2222", "cannot connect",
                ": Connection refused", null);
        assertThat(e).hasMessage("sftp cannot connect to h:2222: Connection refused");
        assertThat(e.saidOnce("cannot list d/ in sftp u@h:2222:/p", e.getMessage())).isEqualTo("cannot connect: Connection refused");
        assertThat(e.saidOnce("cannot reach store sftp u@h:2222:/p (at most 1 MiB/s)", e.getMessage()))
                .isEqualTo("cannot connect: Connection refused");
        assertThat(e.saidOnce("cannot list d/ in sftp u@h:2222:/p2", e.getMessage())).isEqualTo(e.getMessage());
        assertThat(e.saidOnce("restore failed", e.getMessage())).isEqualTo(e.getMessage());
    }
}
