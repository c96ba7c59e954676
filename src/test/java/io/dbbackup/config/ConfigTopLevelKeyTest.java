package io.dbbackup.config;

import io.dbbackup.testkit.ConfigText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A section name misspelled ({@code datasource:}, {@code Jobs:}, {@code notification:}) got "unknown top-level key
 * (expected ...)" with no pointer to the near one, while a misspelled key inside a section gets "did you mean".
 */
class ConfigTopLevelKeyTest {
    @TempDir
    Path dir;

    private List<String> problems(String yaml) throws Exception {
        return ConfigFiles.problems(dir, yaml);
    }

    @Test
    void aMisspelledSectionSuggestsTheNearOne() throws Exception {
        String yaml = ConfigText.withAppJob("").replace("stores:", "store:") + "notification:\n  hook:\n    type: webhook\n";
        assertThat(problems(yaml)).contains(
                "config.yaml:5:1: error: store: unknown top-level key (expected datasources, stores, "
                        + "notifications, jobs); did you mean 'stores'?",
                "config.yaml:13:1: error: notification: unknown top-level key (expected "
                        + "datasources, stores, notifications, jobs); did you mean 'notifications'?");
        assertThat(problems(ConfigText.withAppJob("").replace("jobs:", "Jobs:"))).contains("config.yaml:9:1: error: "
                + "Jobs: unknown top-level key (expected datasources, stores, notifications, jobs); did you mean 'jobs'?");
    }

    /**
     * {@code notifiers:} (what other tools call them) is too far from {@code notifications} for a typo, and got no
     * pointer; with it the jobs' rules naming its notifier are checked against it, as for a typo, and are not errors.
     */
    @Test
    void anotherToolsNameForASectionSuggestsDbbackups() throws Exception {
        String yaml = ConfigText.withAppJob("notify: [{notifier: oncall}]\n")
                + "notifiers:\n  oncall: {type: email, smtp_host: mail.example, from: a@example.com, to: b@example.com}\n";
        assertThat(problems(yaml)).containsExactly("config.yaml:14:1: error: notifiers: unknown top-level key (expected "
                + "datasources, stores, notifications, jobs); did you mean 'notifications'?");
    }

    @Test
    void aKeyFarFromEverySectionNamesThemOnly() throws Exception {
        assertThat(problems(ConfigText.withAppJob("") + "schedule: nightly\n")).containsExactly(
                "config.yaml:13:1: error: schedule: unknown top-level key (expected datasources, stores, notifications, jobs)");
    }
}
