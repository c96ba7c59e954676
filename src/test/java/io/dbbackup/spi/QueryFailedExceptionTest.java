package io.dbbackup.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class QueryFailedExceptionTest {
    /** A drill check past {@code timeout: 2h} said "(120m00s)", {@code 2s} "(2.0s)": said as configured now. */
    @Test
    void aQueryTimeoutIsSaidAsConfigured() {
        assertThat(QueryFailedException.timedOut(Duration.ofHours(2), null).getMessage())
                .contains("ran past the datasource's timeout (7200s)");
        assertThat(QueryFailedException.timedOut(Duration.ofSeconds(2), null).getMessage()).contains("timeout (2s)");
        assertThat(QueryFailedException.timedOut(Duration.ofMillis(500), null).getMessage()).contains("timeout (500ms)");
    }
}
