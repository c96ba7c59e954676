package io.dbbackup.config;

import io.dbbackup.testkit.ConfigText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A misspelled key is said, and the file is checked again with it fixed: every error that stays is said in the same
 * run, at its place in the file as written, among them those in the misspelled key's own value, and the misspellings
 * the fix lets be read (a second round, and a third), a quoted key's too.
 */
class ConfigMisspelledKeysTest {
    @TempDir
    Path dir;

    private List<String> problems(String yaml) throws Exception {
        return ConfigFiles.problems(dir, yaml);
    }

    @Test
    void anErrorInAMisspelledKeysOwnValueIsSaidAtItsPlace() throws Exception {
        assertThat(problems(ConfigText.withAppJob("retenion: {keep_daily: -1}"))).containsExactly(
                "config.yaml:13:5: error: jobs.app.retenion: unknown key; did you mean 'retention'?",
                "config.yaml:13:28: error: jobs.app.retention.keep_daily: must be 0 or more (got -1)");
    }

    @Test
    void aMisspellingInAMisspelledKeysValueIsSaidWithTheErrorsBesideIt() throws Exception {
        assertThat(problems(ConfigText.withAppJob("retenion:\n  keep_dialy: 7\n  keep_weekly: -1"))).containsExactly(
                "config.yaml:13:5: error: jobs.app.retenion: unknown key; did you mean 'retention'?",
                "config.yaml:14:7: error: jobs.app.retention.keep_dialy: unknown key; did you mean 'keep_daily'?",
                "config.yaml:15:20: error: jobs.app.retention.keep_weekly: must be 0 or more (got -1)");
    }

    @Test
    void misspellingsAtThreeLevelsAreSaidInOneRun() throws Exception {
        String yaml = ConfigText.withAppJob("retenion:\n  keep_dialy: 7\n  keep_weekly: -1")
                .replace("datasources:", "datasoruces:").replace("engine: sqlite", "engien: sqlite");
        assertThat(problems(yaml)).containsExactly(
                "config.yaml:1:1: error: datasoruces: unknown top-level key (expected "
                        + "datasources, stores, notifications, jobs); did you mean 'datasources'?",
                "config.yaml:3:5: error: datasources.app.engien: unknown key; did you mean 'engine'?",
                "config.yaml:13:5: error: jobs.app.retenion: unknown key; did you mean 'retention'?",
                "config.yaml:14:7: error: jobs.app.retention.keep_dialy: unknown key; did you mean 'keep_daily'?",
                "config.yaml:15:20: error: jobs.app.retention.keep_weekly: must be 0 or more (got -1)");
    }

    @Test
    void aMisspelledStoresSectionAndAMisspelledStoreNameAreBothSaid() throws Exception {
        String store = ConfigText.withAppJob("").replace("store: local", "store: lcoal");
        for (String stores : List.of("stroes:", "\"stroes\":", "'stroes':")) {
            assertThat(problems(store.replace("stores:", stores))).as(stores).containsExactly(
                    "config.yaml:5:1: error: stroes: unknown top-level key (expected datasources, "
                            + "stores, notifications, jobs); did you mean 'stores'?",
                    "config.yaml:12:12: error: jobs.app.store: no store named 'lcoal' (defined: local); did you mean 'local'?");
        }
    }

    @Test
    void aMisspelledQuotedDatasourcesHidesNoJobError() throws Exception {
        String yaml = ConfigText.withAppJob("retention: {keep_daily: -1}")
                .replace("datasources:", "\"datasoruces\":").replace("datasource: app", "datasource: ap");
        assertThat(problems(yaml)).containsExactly(
                "config.yaml:1:1: error: datasoruces: unknown top-level key (expected "
                        + "datasources, stores, notifications, jobs); did you mean 'datasources'?",
                "config.yaml:11:17: error: jobs.app.datasource: no datasource named 'ap' (defined: app); did you mean 'app'?",
                "config.yaml:13:29: error: jobs.app.retention.keep_daily: must be 0 or more (got -1)");
    }

    @Test
    void aQuotedKeyWithEscapesIsFixedAndItsValueChecked() throws Exception {
        assertThat(problems(ConfigText.withAppJob("\"reten\\u0069on\": {keep_daily: -1}"))).containsExactly(
                "config.yaml:13:5: error: jobs.app.retenion: unknown key; did you mean 'retention'?",
                "config.yaml:13:35: error: jobs.app.retention.keep_daily: must be 0 or more (got -1)");
    }

    @Test
    void anExplicitKeyOverTwoLinesIsFixedAndItsValueChecked() throws Exception {
        for (String key : List.of("? reten\n  tion", "? \"reten\n  ion\"", "? 'reten\n  ion'")) {
            String name = key.contains("tion") ? "reten tion" : "reten ion";
            assertThat(problems(ConfigText.withAppJob(key + "\n: {keep_daily: -1}"))).as(key).containsExactly(
                    "config.yaml:13:7: error: jobs.app." + name + ": unknown key; did you mean 'retention'?",
                    "config.yaml:15:20: error: jobs.app.retention.keep_daily: must be 0 or more (got -1)");
        }
    }

    @Test
    void aKeyThatCannotBeFixedSaysItsSectionWasNotChecked() throws Exception {
        // an alias as the key: fixing it would rewrite the anchored value, which other keys use
        assertThat(problems(ConfigText.withAppJob("prefix: &k retenion\n*k : {keep_daily: -1}"))).containsExactly(
                "config.yaml:13:13: error: jobs.app.retenion: unknown key; the rest of jobs.app is checked once this key "
                        + "is fixed; did you mean 'retention'?");
    }

    @Test
    void twoMisspellingsOfOneKeyAreSaidWithTheErrorsInBothValues() throws Exception {
        assertThat(problems(ConfigText.withAppJob("retenion: {keep_daily: -1}\nretension: {keep_weekly: -2}"))).containsExactly(
                "config.yaml:13:5: error: jobs.app.retenion: unknown key; did you mean 'retention'?",
                "config.yaml:13:28: error: jobs.app.retention.keep_daily: must be 0 or more (got -1)",
                "config.yaml:14:5: error: jobs.app.retension: unknown key; did you mean 'retention'?",
                "config.yaml:14:30: error: jobs.app.retention.keep_weekly: must be 0 or more (got -2)");
    }

    @Test
    void anErrorTheFixedKeyHasAtItsOwnPlaceIsSaid() throws Exception {
        String shared = ConfigText.withAppJob("") + "  b:\n    datasource: app\n    store: local\n    prefx: \"\"\n";
        assertThat(problems(shared)).containsExactly(
                "config.yaml:16:5: error: jobs.b.prefx: unknown key; did you mean 'prefix'?",
                "config.yaml:16:5: error: jobs.b.prefix: job 'app' keeps its backups in the same folder (local: app/): each "
                        + "job's list, restore and retention would take the other's backups for its own; give one of them "
                        + "another prefix");
        String copy = ConfigText.withAppJob("") + "  b:\n    copy_of: app\n    store: local\n    prefix: c\n    compresion: zstd\n";
        assertThat(problems(copy)).containsExactly(
                "config.yaml:17:5: error: jobs.b.compresion: unknown key; did you mean 'compression'?",
                "config.yaml:17:5: error: jobs.b.compression: a copy job copies its source's backups byte for byte: its "
                        + "compression comes from job 'app'; remove it here");
    }
}
