package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.ConfigText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A command-line duration takes lower-case units only, as the config's do: {@code --max-age 26H} is said, not read as 26h. */
class UpperCaseDurationCliTest {
    @TempDir
    Path dir;

    @Test
    void anUpperCaseUnitOrAMinusSignIsSaidAsSuch() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), ConfigText.withAppJob(""));
        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "verify", "app", "--max-age", "26H");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err().strip()).as(r.toString()).endsWith("--max-age: '26H' has a unit in upper case: units are ms, s, m, h, d, "
                + "in lower case only (an upper-case M could mean months or megabytes): write 26h");
        Cli.Result negative = new Cli().workingDir(dir).run("-c", "config.yaml", "verify", "app", "--max-age", "-2d");
        assertThat(negative.exit()).as(negative.toString()).isEqualTo(1);
        assertThat(negative.err().strip()).as(negative.toString()).endsWith("--max-age: '-2d' is negative: a duration cannot be negative");
        // a unit that is none (a week): the units are named, in lower case, not only two examples
        Cli.Result week = new Cli().workingDir(dir).run("-c", "config.yaml", "verify", "app", "--max-age", "1W");
        assertThat(week.exit()).as(week.toString()).isEqualTo(1);
        assertThat(week.err().strip()).as(week.toString()).endsWith("--max-age: expected a duration such as 26h or 2d (units "
                + "ms, s, m, h, d, in lower case), got '1W'");
        Cli.Result wal = new Cli().workingDir(dir).run("-c", "config.yaml", "check", "app", "--wal-timeout", "1W");
        assertThat(wal.exit()).as(wal.toString()).isEqualTo(1);
        assertThat(wal.err().strip()).as(wal.toString()).endsWith("--wal-timeout: expected a duration such as 60s or 5m (units "
                + "ms, s, m, h, d, in lower case), got '1W'");
    }
}
