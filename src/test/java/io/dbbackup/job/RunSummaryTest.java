package io.dbbackup.job;

import io.dbbackup.core.ExitStatus;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.dbbackup.core.ExitStatus.INTEGRITY;
import static io.dbbackup.core.ExitStatus.OK;
import static io.dbbackup.core.ExitStatus.PARTIAL;
import static io.dbbackup.core.ExitStatus.SYSTEM_ERROR;
import static io.dbbackup.core.ExitStatus.USER_ERROR;
import static org.assertj.core.api.Assertions.assertThat;

/** The exit code of a run of several jobs from each job's own (README "Exit codes"). */
class RunSummaryTest {
    private static ExitStatus of(ExitStatus... statuses) {
        return RunSummary.of(List.of(statuses));
    }

    @Test
    void someFailedIsPartialAllFailedIsTheirKindAndOneJobIsItsOwn() {
        assertThat(of(OK, OK)).isEqualTo(OK);
        assertThat(of(SYSTEM_ERROR)).isEqualTo(SYSTEM_ERROR);
        assertThat(of(USER_ERROR)).isEqualTo(USER_ERROR);
        assertThat(of(OK, SYSTEM_ERROR)).isEqualTo(PARTIAL);
        assertThat(of(OK, USER_ERROR, SYSTEM_ERROR)).isEqualTo(PARTIAL);
        assertThat(of(USER_ERROR, USER_ERROR)).isEqualTo(USER_ERROR);
        assertThat(of(USER_ERROR, SYSTEM_ERROR)).isEqualTo(SYSTEM_ERROR);
    }

    @Test
    void anIntegrityFailureOutranksPartialAndSystemErrors() {
        assertThat(of(INTEGRITY)).isEqualTo(INTEGRITY);
        assertThat(of(INTEGRITY, INTEGRITY)).isEqualTo(INTEGRITY);
        assertThat(of(OK, INTEGRITY)).isEqualTo(INTEGRITY);
        assertThat(of(OK, SYSTEM_ERROR, INTEGRITY)).isEqualTo(INTEGRITY);
        assertThat(of(SYSTEM_ERROR, INTEGRITY)).isEqualTo(INTEGRITY);
        assertThat(of(USER_ERROR, INTEGRITY)).isEqualTo(INTEGRITY);
    }
}
