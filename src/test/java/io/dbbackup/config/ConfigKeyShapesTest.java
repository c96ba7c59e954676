package io.dbbackup.config;

import io.dbbackup.testkit.ConfigText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keys in the wrong place ({@link ConfigKeySweepTest} sweeps the example's keys): a tab after spaces, a tab in a file of
 * CRLF lines, a job's key at the top level, a key indented under a key that has a value. Each is one line at the key
 * saying what is wrong; a BOM and CRLF line endings are read as any file.
 */
class ConfigKeyShapesTest {
    @TempDir
    Path dir;

    private Config load(String yaml) throws Exception {
        return ConfigFiles.load(dir, yaml);
    }

    private String failure(String yaml) throws Exception {
        return ConfigFiles.failure(dir, yaml);
    }

    @Test
    void aTabAfterSpacesIsSaidAtTheTabNotAtTheSpaceAfterIt() throws Exception {
        // the parser said "found character ' ' that cannot start any token. (Do not use   for indentation)" at column 6
        assertThat(failure(ConfigText.withAppJob("retention:\n\t keep_last: 2"))).isEqualTo("config.yaml:14:5: error: "
                + "keep_last: a tab in the indentation: YAML forbids tabs for indentation; indent with spaces");
    }

    @Test
    void aTabInAFileOfCrlfLinesIsSaidAtItsLine() throws Exception {
        assertThat(failure(ConfigText.withAppJob("retry:\n\tmax_attempts: 2").replace("\n", "\r\n"))).isEqualTo(
                "config.yaml:14:5: error: max_attempts: a tab in the indentation: YAML forbids tabs for indentation; indent "
                        + "with spaces");
    }

    @Test
    void aJobsRequiredKeyAtTheTopLevelIsOneErrorSayingWhereItBelongs() throws Exception {
        // was two: "jobs.app: missing required key 'store'" and "store: unknown top-level key (expected ...); did you mean 'stores'?"
        assertThat(failure(ConfigText.APP_AND_LOCAL_STORE + "jobs:\n  app:\n    datasource: app\nstore: local\n")).isEqualTo(
                "config.yaml:12:1: error: store: unknown top-level key: it is the key jobs.app above misses; indent it as "
                        + "that mapping's other keys are");
    }

    @Test
    void aTopLevelKeyNearOneThatIsThereIsNotSuggested() throws Exception {
        assertThat(failure(ConfigText.withAppJob("") + "store: local\n")).isEqualTo("config.yaml:13:1: error: store: unknown "
                + "top-level key (expected datasources, stores, notifications, jobs)");
    }

    @Test
    void aKeyIndentedUnderAKeyWithAValueNamesBoth() throws Exception {
        // the parser said "mapping values are not allowed here" at the colon
        assertThat(failure(ConfigText.APP_AND_LOCAL_STORE + "jobs:\n  app:\n    datasource: app\n      store: local\n"))
                .isEqualTo("config.yaml:12:7: error: store: indented more than 'datasource' on line 11, which has a value of "
                        + "its own: give the keys of one mapping the same indentation");
    }

    @Test
    void aByteOrderMarkAndCrlfLineEndingsAreReadAsAnyFile() throws Exception {
        Config c = load("\uFEFF" + ConfigText.withAppJob("retention:\n  keep_last: 2").replace("\n", "\r\n"));
        assertThat(c.jobs()).containsOnlyKeys("app");
        assertThat(c.jobs().get("app").retention().keepLast()).isEqualTo(2);
    }
}
