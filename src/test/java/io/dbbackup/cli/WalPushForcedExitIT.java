package io.dbbackup.cli;

import io.dbbackup.testkit.DbbackupJar;
import io.dbbackup.testkit.StuckWalPush;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * wal-push whose call does not unwind after its {@code --timeout} (here: the WAL file is a FIFO nobody writes, whose
 * open no cancellation reaches) ends its process after the grace, exit 2, saying why on stderr: with
 * {@code --log-format json} that line is a JSON log line like every other of the run (a collector that parses each line
 * of the server's log as JSON lost it), in text the usual {@code error:} line.
 */
class WalPushForcedExitIT {
    @TempDir
    Path dir;

    @Test
    void theForcedExitLineIsAJsonLogLineWithLogFormatJson() throws Exception {
        StuckWalPush.prepare(dir);
        String said = "wal-push of " + StuckWalPush.SEGMENT + " timed out after 1s (the store did not finish in time): not archived; "
                + "PostgreSQL will retry (raise or turn off wal-push --timeout if the store is just slow)";

        DbbackupJar.Run json = DbbackupJar.run(dir, List.of(), v -> false, Map.of(),
                StuckWalPush.args("1s", "--log-format", "json"));
        assertThat(json.exit()).as(json.toString()).isEqualTo(2);
        Map<?, ?> last = StuckWalPush.lastJsonLine(json);
        assertThat(last.get("level")).isEqualTo("error");
        assertThat(last.get("msg")).isEqualTo(said);
        assertThat(((Number) last.get("exit")).intValue()).isEqualTo(2);
        assertThat(last.get("time")).isNotNull();

        DbbackupJar.Run text = DbbackupJar.run(dir, List.of(), v -> false, Map.of(), StuckWalPush.args("1s"));
        assertThat(text.exit()).as(text.toString()).isEqualTo(2);
        assertThat(text.err()).as(text.toString()).endsWith("error: " + said + "\n");
        assertThat(dir.resolve("store")).satisfiesAnyOf(s -> assertThat(s).doesNotExist(),
                s -> assertThat(Files.walk(s).filter(Files::isRegularFile)).isEmpty());
    }
}
