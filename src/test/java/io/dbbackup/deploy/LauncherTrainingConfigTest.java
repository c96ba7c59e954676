package io.dbbackup.deploy;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bin/dbbackup trains its class-data archive by running a backup of a config it writes itself: a
 * config that fails validation archives only the start-up classes, silently (the run's failure is
 * expected: its stores and servers are not there). The config must load.
 */
class LauncherTrainingConfigTest {
    @TempDir
    Path dir;

    @Test
    void theLaunchersTrainingConfigIsValid() throws Exception {
        Path repo = Path.of(System.getProperty("project.basedir", ".")).toAbsolutePath();
        List<String> lines = Files.readAllLines(repo.resolve("bin/dbbackup"), StandardCharsets.UTF_8);
        int from = -1;
        int to = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).equals("  {") && from < 0) {
                from = i;
            }
            if (lines.get(i).startsWith("  } > \"$tmp/config.yaml\"")) {
                to = i;
            }
        }
        assertThat(from).as("the training config block in bin/dbbackup").isPositive();
        assertThat(to).isGreaterThan(from);
        String block = String.join("\n", lines.subList(from, to + 1));
        Path tmp = Files.createDirectories(dir.resolve("cds"));
        Process p = new ProcessBuilder("bash", "-c", "set -eu; here='" + repo + "'; tmp='" + tmp + "'\n" + block)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        String config = Files.readString(tmp.resolve("config.yaml"));
        assertThat(config).contains("engine: sqlite").contains("type: s3").contains("https://").contains("method: physical");

        Cli.Result r = new Cli().workingDir(dir).env("CDS_KEY", "cds").run("-c", tmp.resolve("config.yaml").toString(), "config", "validate");
        assertThat(r.exit()).as(r.toString()).isZero();
    }
}
