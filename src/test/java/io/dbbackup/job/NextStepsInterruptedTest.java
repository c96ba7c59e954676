package io.dbbackup.job;

import io.dbbackup.core.Log;
import io.dbbackup.spi.JobReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The next step of a verify or a drill that a signal interrupted says what to do when the run may go on. Both were
 * made by replacing "then run: " in the failure's line, which the interrupted line does not have: an interrupted
 * verify told on-call to store a fresh backup ("when the run may go on, run: dbbackup backup"), though nothing was
 * found wrong, and an interrupted drill said "run: dbbackup verify" without saying what that does.
 */
class NextStepsInterruptedTest {
    @TempDir
    Path dir;

    private String next(JobReport.Operation operation) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  nightly: {datasource: app, store: local}
                """);
        Clock clock = Clock.systemUTC();
        Log log = new Log(new PrintWriter(new StringWriter()), Log.Format.TEXT, Log.Level.INFO, clock);
        Workspace ws = Workspace.load(dir.resolve("config.yaml"), "config.yaml", Map.of(), clock, log);
        ws.invokedAs(Invocation.of("config.yaml", null));
        return NextSteps.of(ws, ws.job("nightly"), operation, JobReport.Outcome.INTERRUPTED, null);
    }

    @Test
    void anInterruptedVerifySuggestsVerifyingAgainNotAFreshBackup() throws Exception {
        assertThat(next(JobReport.Operation.VERIFY)).isEqualTo("Verify changes nothing in the store; the job's backups are "
                + "as they were: dbbackup -c config.yaml list nightly\n"
                + "Next: when the run may go on, run: dbbackup -c config.yaml verify nightly");
    }

    @Test
    void anInterruptedDrillSaysWhatItsCommandDoes() throws Exception {
        assertThat(next(JobReport.Operation.DRILL)).isEqualTo("A drill never changes the store; the job's backups are "
                + "as they were: dbbackup -c config.yaml list nightly\n"
                + "Next: when the run may go on, read the newest backup back with: dbbackup -c config.yaml verify nightly");
    }
}
