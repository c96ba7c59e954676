package io.dbbackup.cli;

import io.dbbackup.core.ExitStatus;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The closing lines' counts say "1 job", never "1 jobs" (through {@code Human.count}), and "2 jobs". */
class ClosingLineCountsTest {
    @Test
    void aClosingLineAfterASignalCountsOneJobInTheSingular() {
        String line = new NotStarted("check", "nothing was checked")
                .interrupted("check", ExitStatus.TERMINATED, List.of("a"), List.of(ExitStatus.TERMINATED), 1, "passed every check");
        assertThat(line).isEqualTo("check interrupted by SIGTERM: 0 of 1 job passed every check, 1 interrupted (exit 143)");
        String two = new NotStarted("check", "nothing was checked")
                .interrupted("check", ExitStatus.TERMINATED, List.of("a", "b"), List.of(ExitStatus.OK, ExitStatus.TERMINATED), 2,
                        "passed every check");
        assertThat(two).isEqualTo("check interrupted by SIGTERM: 1 of 2 jobs passed every check, 1 interrupted (exit 143)");
    }

    @Test
    void aRunsClosingLineCountsOneJobInTheSingular() {
        assertThat(JobRows.summary(List.of("a"), List.of(ExitStatus.OK), "pruned")).isEqualTo("1 of 1 job pruned (exit 0)");
        assertThat(JobRows.summary(List.of("a", "b"), List.of(ExitStatus.OK, ExitStatus.SYSTEM_ERROR), "drilled"))
                .isEqualTo("1 of 2 jobs drilled, 1 failed (exit 4); failed: b");
    }

    /** After a signal too, the jobs that failed on their own are named, as backup's closing line names them. */
    @Test
    void aClosingLineAfterASignalNamesTheJobsThatFailed() {
        String line = new NotStarted("prune", "nothing was deleted").interrupted("prune --all", ExitStatus.TERMINATED,
                List.of("a", "b", "c", "d"), List.of(ExitStatus.SYSTEM_ERROR, ExitStatus.OK, ExitStatus.INTEGRITY, ExitStatus.TERMINATED),
                4, "pruned");
        assertThat(line).isEqualTo("prune --all interrupted by SIGTERM: 1 of 4 jobs pruned, 2 failed, 1 interrupted (exit 143); failed: a, c");
    }
}
