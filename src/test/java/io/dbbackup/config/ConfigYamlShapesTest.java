package io.dbbackup.config;

import io.dbbackup.plugin.PluginRegistry;
import io.dbbackup.testkit.ConfigText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * YAML that parses but is no shape a config has: a merge key ({@code <<:}) given something else than a mapping (or a
 * list of them), which was dropped without a word, and a key that is a list or a mapping ({@code ? [a, b]}). Each is one
 * line at that key.
 */
class ConfigYamlShapesTest {
    @TempDir
    Path dir;

    private Config load(String yaml) throws Exception {
        return ConfigFiles.load(dir, yaml);
    }

    private String failure(String yaml) throws Exception {
        return ConfigFiles.failure(dir, yaml);
    }

    @Test
    void aMergeKeyOfAScalarIsAnErrorAtIt() throws Exception {
        assertThat(failure(ConfigText.withAppJob("<<: 5"))).isEqualTo("config.yaml:13:5: error: jobs.app.<<: a merge key "
                + "takes a mapping (<<: *defaults) or a list of them, got '5'");
    }

    @Test
    void aMergeKeyOfAnAliasToAScalarIsAnErrorAtIt() throws Exception {
        String yaml = ConfigText.withAppJob("prefix: &p nightly\n<<: *p");
        assertThat(failure(yaml)).isEqualTo("config.yaml:14:5: error: jobs.app.<<: a merge key takes a mapping "
                + "(<<: *defaults) or a list of them, got 'nightly'");
    }

    @Test
    void aMergeKeyOfAListOfScalarsIsAnErrorNamingTheItem() throws Exception {
        String yaml = ConfigText.withAppJob("retry: {max_attempts: 2}\nretention:\n  <<: [{keep_last: 3}, daily]");
        assertThat(failure(yaml)).isEqualTo("config.yaml:15:7: error: jobs.app.retention.<<[1]: a merge key takes a mapping "
                + "(<<: *defaults) or a list of them, got 'daily'");
    }

    @Test
    void anEmptyMergeKeyIsAnErrorRatherThanNothingMerged() throws Exception {
        assertThat(failure(ConfigText.withAppJob("<<:"))).isEqualTo("config.yaml:13:5: error: jobs.app.<<: a merge key "
                + "takes a mapping (<<: *defaults) or a list of them, got nothing");
    }

    @Test
    void mergeKeysOfMappingsStillWork() throws Exception {
        Config c = load(ConfigText.withAppJob("retention: &r {keep_last: 3}")
                + "  other:\n    <<: [{datasource: app, store: local}]\n    prefix: other\n    retention: {<<: *r, keep_daily: 5}\n");
        assertThat(c.jobs().get("other").datasource()).isEqualTo("app");
        assertThat(c.jobs().get("other").retention().keepLast()).isEqualTo(3);
        assertThat(c.jobs().get("other").retention().keepDaily()).isEqualTo(5);
    }

    @Test
    void aListAsAKeyIsAnErrorAtIt() throws Exception {
        assertThat(failure(ConfigText.withAppJob("? [a, b]\n: x"))).isEqualTo("config.yaml:13:7: error: jobs.app: a key must "
                + "be a plain string, got a list");
    }

    @Test
    void aMappingAsAKeyAtTheTopIsAnErrorAtIt() throws Exception {
        assertThat(failure(ConfigText.withAppJob("") + "{a: 1}: x\n")).isEqualTo("config.yaml:13:1: error: a key must be "
                + "a plain string, got a mapping");
    }

    @Test
    void aListAsANameIsAnErrorAtIt() throws Exception {
        String yaml = ConfigText.APP_AND_LOCAL_STORE.replace("  local:\n", "  ? [local]\n  : \n  local:\n")
                + ConfigText.appJob("");
        assertThat(failure(yaml)).isEqualTo("config.yaml:6:5: error: stores: a key must be a plain string, got a list");
    }

    @Test
    void aMergedMappingThatItselfMergesBringsThoseKeysToo() throws Exception {
        // YAML's merge: a mapping merged in brings its merged keys too (defaults, then a variant of them, then a job)
        String yaml = ConfigText.withAppJob("retention: &r {keep_daily: 7}") + """
                  weekly: &w
                    <<: *app
                    prefix: weekly
                    retention: &rw {<<: *r, keep_weekly: 4}
                  monthly:
                    <<: *w
                    prefix: monthly
                    retention: {<<: *rw, keep_monthly: 6}
                """;
        Config c = load(yaml.replace("  app:\n", "  app: &app\n"));
        assertThat(c.jobs().get("monthly").datasource()).isEqualTo("app");
        assertThat(c.jobs().get("monthly").store()).isEqualTo("local");
        assertThat(c.jobs().get("monthly").prefix()).isEqualTo("monthly");
        assertThat(c.jobs().get("monthly").retention().keepDaily()).isEqualTo(7);
        assertThat(c.jobs().get("monthly").retention().keepWeekly()).isEqualTo(4);
        assertThat(c.jobs().get("monthly").retention().keepMonthly()).isEqualTo(6);
    }

    @Test
    void aKeyOfTheMappingWinsOverItsMergesAndAnEarlierMergeOverALaterOne() throws Exception {
        String yaml = ConfigText.withAppJob("retention: &a {keep_daily: 1, keep_last: 1}") + """
                  other:
                    datasource: app
                    store: local
                    prefix: other
                    retention:
                      <<: [{<<: *a, keep_daily: 2}, {keep_daily: 3, keep_last: 3, keep_weekly: 3}]
                      keep_monthly: 4
                """;
        Config c = load(yaml);
        assertThat(c.jobs().get("other").retention().keepDaily()).isEqualTo(2);
        assertThat(c.jobs().get("other").retention().keepLast()).isEqualTo(1);
        assertThat(c.jobs().get("other").retention().keepWeekly()).isEqualTo(3);
        assertThat(c.jobs().get("other").retention().keepMonthly()).isEqualTo(4);
    }

    @Test
    void aConfigOfHundredsOfJobsSharingTheirDefaultsLoads() throws Exception {
        // one job per database, each merging the shared keys (sharding across pods is for such files): snakeyaml's
        // default cap of 50 aliases of a mapping refused the 51st job with a line about aliases at 1:1
        StringBuilder yaml = new StringBuilder("datasources:\n");
        for (int i = 0; i < 300; i++) {
            yaml.append("  db").append(i).append(":\n    engine: sqlite\n    path: db").append(i).append(".db\n");
        }
        yaml.append("stores:\n  local:\n    type: local\n    path: store\njobs:\n");
        yaml.append("  db0: &job\n    datasource: db0\n    store: local\n    retry: &retry {max_attempts: 3}\n"
                + "    retention: &keep\n      keep_daily: 7\n");
        for (int i = 1; i < 300; i++) {
            yaml.append("  db").append(i).append(":\n    <<: *job\n    datasource: db").append(i)
                    .append("\n    retry: *retry\n    retention: *keep\n");
        }
        Config c = load(yaml.toString());
        assertThat(c.jobs()).hasSize(300);
        assertThat(c.jobs().get("db299").datasource()).isEqualTo("db299");
        assertThat(c.jobs().get("db299").retention().keepDaily()).isEqualTo(7);
    }

    @Test
    void aMergeListGivesEarlierMappingsPrecedenceAndTheMappingsOwnKeysWinOverAll() throws Exception {
        // YAML's merge (yaml.org/type/merge): keys of the mapping itself win; of a list, an earlier mapping wins
        String yaml = ConfigText.withAppJob("retention: {keep_last: 1}") + """
                  other:
                    <<: [*a, *b]
                    datasource: app
                    store: local
                    retention: {keep_last: 9}
                """;
        String anchors = "x-a: &a {prefix: from-a, timeout: 1h}\nx-b: &b {prefix: from-b, timeout: 2h, retention: {keep_daily: 4}, "
                + "verify: true}\n";
        Config c = load(anchors + yaml);
        assertThat(c.jobs().get("other").prefix()).as("a before b").isEqualTo("from-a");
        assertThat(c.jobs().get("other").timeout()).isEqualTo(Duration.ofHours(1));
        assertThat(c.jobs().get("other").retention().keepLast()).as("its own key over b's").isEqualTo(9);
        assertThat(c.jobs().get("other").retention().keepDaily()).as("a mapping's value is not merged into").isZero();
        assertThat(c.jobs().get("other").verify()).as("b's key that nothing before it gives").isNotEqualTo(c.jobs().get("app").verify());
    }

    @Test
    void aMergeKeyGivenTwiceInOneMappingIsOneErrorAtTheSecond() throws Exception {
        // YAML tools disagree on which of two '<<' wins (SnakeYAML the first, PyYAML the last): ask for one list instead
        String yaml = "x-a: &a {prefix: from-a}\nx-b: &b {prefix: from-b}\n"
                + ConfigText.withAppJob("<<: *a\nretention: {keep_last: 3}\n<<: *b");
        assertThat(failure(yaml)).isEqualTo("config.yaml:17:5: error: jobs.app.<<: duplicate merge key: '<<' is already given "
                + "at line 15 of this mapping, and YAML tools differ on which one wins; merge both with one: <<: [*first, *second] "
                + "(the first named wins, the mapping's own keys over both)");
    }

    @Test
    void aMergeOfItselfIsReadOnce() throws Exception {
        Config c = load(ConfigText.withAppJob("retention: &r {keep_last: 2, <<: *r}"));
        assertThat(c.jobs().get("app").retention().keepLast()).isEqualTo(2);
    }

    @Test
    void mergesThatDoubleAtEachLevelAreRefusedAtOnce() {
        // forty levels each merging the one before twice: 2^40 merges if each were followed
        StringBuilder yaml = new StringBuilder(ConfigText.withAppJob("retention:\n  <<: *m39"));
        StringBuilder anchors = new StringBuilder("    retry: &m0 {max_attempts: 2}\n");
        for (int i = 1; i < 40; i++) {
            anchors.append("    x").append(i).append(": &m").append(i).append(" {<<: [*m").append(i - 1).append(", *m")
                    .append(i - 1).append("]}\n");
        }
        String text = yaml.toString().replace("    store: local\n", "    store: local\n" + anchors);
        long start = System.nanoTime();
        String failure = catchThrowableOfType(() -> load(text), ConfigException.class).getMessage();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(failure).isEqualTo("config.yaml:1:1: error: YAML error: the aliases (*name) make more than 1000000 values "
                + "of this file: not a dbbackup config");
    }

    @Test
    void aliasesThatWouldExpandToMillionsOfValuesAreRefusedInOneLine() {
        // a long list shared by thousands of jobs: each job would hold its own copy of it (an alias bomb in 2 MiB)
        StringBuilder yaml = new StringBuilder(ConfigText.withAppJob("drill_checks: &checks\n" + "- select 1\n".repeat(20_000)));
        for (int i = 0; i < 2_000; i++) {
            yaml.append("  j").append(i).append(": {datasource: app, store: local, prefix: p").append(i)
                    .append(", drill_checks: *checks}\n");
        }
        long start = System.nanoTime();
        ConfigException e = catchThrowableOfType(() -> load(yaml.toString()), ConfigException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).isEqualTo("config.yaml:1:1: error: YAML error: the aliases (*name) make more than 1000000 "
                + "values of this file: not a dbbackup config");
    }

    @Test
    void aSecondJobsSectionIsADuplicateKeyNamedAsWritten() throws Exception {
        // two files concatenated without '---': the second 'jobs:' would replace the first's jobs
        String yaml = ConfigText.withAppJob("") + "jobs:\n  other:\n    datasource: app\n    store: local\n    prefix: o\n";
        assertThat(failure(yaml)).isEqualTo("config.yaml:13:1: error: jobs: duplicate key: 'jobs' is already given at line 9 of this mapping; give it once");
    }

    @Test
    void aConfigSavedAsUtf16IsSaidToBe() throws Exception {
        Files.write(dir.resolve("config.yaml"), ("\uFEFF" + ConfigText.withAppJob("")).getBytes(java.nio.charset.StandardCharsets.UTF_16LE));
        ConfigException e = catchThrowableOfType(() -> new ConfigLoader(PluginRegistry.load(), Map.of())
                .load(dir.resolve("config.yaml"), "config.yaml"), ConfigException.class);
        assertThat(e.getMessage()).isEqualTo("config.yaml:1:1: error: cannot read the config file (it is UTF-16 text (as "
                + "Windows PowerShell's '>' and Notepad's 'Unicode' save it), not UTF-8: save it as UTF-8 (e.g. iconv -f "
                + "UTF-16 -t UTF-8))");
    }
}
