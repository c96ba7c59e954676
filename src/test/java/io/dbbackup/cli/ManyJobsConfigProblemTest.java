package io.dbbackup.cli;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** One mistake in an {@code x-} block that many jobs merge is one error line naming them, not one line per job. */
class ManyJobsConfigProblemTest {
    @TempDir
    Path dir;

    private void config(int n, String shared) throws Exception {
        if (!Files.exists(dir.resolve("app.db"))) {
            Files.createFile(dir.resolve("app.db"));
        }
        StringBuilder y = new StringBuilder("x-job: &job\n  store: local\n  " + shared + "\n\ndatasources:\n");
        for (int i = 0; i < n; i++) {
            y.append(String.format("  d%02d: {engine: sqlite, path: app.db, database: d%02d}%n", i, i));
        }
        y.append("stores:\n  local: {type: local, path: store}\njobs:\n");
        for (int i = 0; i < n; i++) {
            y.append(String.format("  j%02d: {<<: *job, datasource: d%02d}%n", i, i));
        }
        Files.writeString(dir.resolve("config.yaml"), y);
    }

    private static List<String> problems(Cli.Result r) {
        return r.err().lines().filter(l -> l.startsWith("config.yaml:")).toList();
    }

    @Test
    void aMistakeInABlockThatManyJobsMergeIsOneErrorNamingThem() throws Exception {
        config(25, "retention: {keep_last: -1}");
        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "config", "validate");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(problems(r)).as(r.err()).singleElement().asString().startsWith("config.yaml:3:")
                .contains(": error: jobs.j00.retention.keep_last: ")
                .endsWith(" (the same in 24 more jobs merging this line: j01, j02, j03, j04, j05, j06, j07, j08, j09, j10, "
                        + "j11, j12, j13, j14, j15, j16, j17, j18, j19, j20 and 4 more)");
        assertThat(dir.resolve("store")).doesNotExist();
    }

    @Test
    void aWarningOfABlockThatManyJobsMergeIsOneLineAndAJobsOwnIsAsBefore() throws Exception {
        config(3, "retention: {}");
        Cli.Result r = new Cli().workingDir(dir).run("-c", "config.yaml", "config", "validate");
        assertThat(problems(r)).as(r.err()).singleElement().asString()
                .contains("jobs.j00.retention: an empty mapping deletes nothing")
                .endsWith("(the same in 2 more jobs merging this line: j01, j02)");
        config(1, "retention: {}");
        Cli.Result one = new Cli().workingDir(dir).run("-c", "config.yaml", "config", "validate");
        assertThat(problems(one)).as(one.err()).singleElement().asString()
                .endsWith("jobs.j00.retention: an empty mapping deletes nothing: every backup is kept, as leaving it out "
                        + "does; give its keys, or leave retention out");
    }
}
