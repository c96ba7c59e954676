package io.dbbackup.cli;

import io.dbbackup.testkit.DbbackupJar;
import io.dbbackup.testkit.DyingThreadAgent;
import io.dbbackup.testkit.StuckWalPush;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A thread of the real process that dies of an OutOfMemoryError nobody caught (injected by {@link DyingThreadAgent} while
 * a wal-push's WalArchive waits on a FIFO nobody writes) ends the process, exit 2, with one line saying so: with
 * {@code --log-format json} a JSON log line like every other of the run, in text the usual {@code error:} line.
 */
class UncaughtFailureIT {
    private static final String SAID = "thread injected-worker: this JVM ran out of memory (OutOfMemoryError: Java heap space; max heap ";

    @TempDir
    Path dir;

    @Test
    void aThreadsOutOfMemoryErrorIsAJsonLogLineWithLogFormatJson() throws Exception {
        StuckWalPush.prepare(dir);
        List<String> agent = List.of("-javaagent:" + DyingThreadAgent.jar(dir) + "=" + io.dbbackup.job.WalArchive.class.getName());

        DbbackupJar.Run json = DbbackupJar.run(dir, agent, v -> false, Map.of(), StuckWalPush.args("100s", "--log-format", "json"));
        assertThat(json.exit()).as(json.toString()).isEqualTo(2);
        Map<?, ?> last = StuckWalPush.lastJsonLine(json);
        assertThat(last.get("level")).isEqualTo("error");
        assertThat((String) last.get("msg")).startsWith(SAID);
        assertThat(((Number) last.get("exit")).intValue()).isEqualTo(2);

        DbbackupJar.Run text = DbbackupJar.run(dir, agent, v -> false, Map.of(), StuckWalPush.args("100s"));
        assertThat(text.exit()).as(text.toString()).isEqualTo(2);
        assertThat(text.err().lines().toList()).as(text.toString()).last().asString().startsWith("error: " + SAID);
    }
}
