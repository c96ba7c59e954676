package io.dbbackup.config;

import io.dbbackup.plugin.PluginRegistry;
import io.dbbackup.testkit.ConfigText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A near-miss VALUE of a key that takes one of a fixed set ({@code on: sucess}, {@code compression: zstdd}, a time zone
 * {@code Europe/Berln}) gets the "did you mean" an unknown key gets, when one candidate is close; none when none is.
 * One rule and one form for all three kinds (values, keys, references to a defined name; {@link Suggestion}): the one
 * clearly nearest candidate, none on a tie, said last as {@code ; did you mean 'X'?}.
 */
class ConfigValueSuggestionTest {
    @TempDir
    Path dir;

    private static final String NOTIFIER = """
            notifications:
              mail:
                type: email
                smtp_host: mail.example.com
                from: backup@example.com
                to: [ops@example.com]
            """;

    /** The one problem of {@code text}, formatted as config validate prints it ({@code file:line:col: error: ...}). */
    private String problem(String text) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), text);
        ConfigException e = catchThrowableOfType(
                () -> new ConfigLoader(PluginRegistry.load(), Map.of()).load(dir.resolve("config.yaml"), "config.yaml"),
                ConfigException.class);
        assertThat(e).as("the config is refused").isNotNull();
        assertThat(e.problems()).as(e.getMessage()).hasSize(1);
        return e.problems().get(0).format();
    }

    @Test
    void aMisspelledNotifyOutcomeNamesTheOneItIsNear() throws Exception {
        assertThat(problem(ConfigText.APP_AND_LOCAL_STORE + NOTIFIER + ConfigText.appJob("notify: [{notifier: mail, on: sucess}]")))
                .isEqualTo("config.yaml:19:35: error: jobs.app.notify[0].on: 'sucess' is not one of always, failure, success; "
                        + "did you mean 'success'?");
    }

    @Test
    void aMisspelledCompressionNamesTheOneItIsNear() throws Exception {
        assertThat(problem(ConfigText.APP_AND_LOCAL_STORE.replace("path: app.db", "path: app.db\n    compression: zstdd")
                + ConfigText.appJob("")))
                .isEqualTo("config.yaml:5:18: error: datasources.app.compression: 'zstdd' is not one of gzip, lz4, none, zstd; "
                        + "did you mean 'zstd'?");
    }

    @Test
    void aMisspelledTimeZoneNamesTheOneItIsNear() throws Exception {
        assertThat(problem(ConfigText.withAppJob("retention: {keep_daily: 7, timezone: Europe/Berln}")))
                .isEqualTo("config.yaml:13:42: error: jobs.app.retention.timezone: unknown time zone 'Europe/Berln' (use an "
                        + "IANA name such as Europe/Berlin or UTC); did you mean 'Europe/Berlin'?");
    }

    @Test
    void aMisspelledEngineOrStoreTypeNamesTheOneItIsNear() throws Exception {
        assertThat(problem(ConfigText.withAppJob("").replace("engine: sqlite", "engine: sqllite")))
                .isEqualTo("config.yaml:3:13: error: datasources.app.engine: unknown engine 'sqllite' (known: mariadb, mysql, "
                        + "postgres, sqlite); did you mean 'sqlite'?");
        assertThat(problem(ConfigText.withAppJob("").replace("type: local", "type: locla")))
                .isEqualTo("config.yaml:7:11: error: stores.local.type: unknown store type 'locla' (known: azure, local, s3, "
                        + "ssh); did you mean 'local'?");
    }

    /**
     * A key that takes one of a fixed set of words reads it in any case ({@code YamlSection.choice} lower-cases it): none of
     * those words means another thing in upper case, unlike a duration's {@code M}. What it refuses it quotes as the user
     * wrote it — not lower-cased — at file:line:col and the key, the suggestion in the set's own spelling.
     */
    @Test
    void aChoiceIsReadInAnyCaseAndARefusedOneIsQuotedAsWritten() throws Exception {
        for (String written : new String[] {"ZSTD", "Zstd", "zstd"}) {
            Config c = ConfigFiles.load(dir, ConfigText.APP_AND_LOCAL_STORE.replace("path: app.db", "path: app.db\n    compression: "
                    + written) + ConfigText.appJob("verify: DEEP"));
            assertThat(c.datasources().get("app").compression()).as(written).isEqualTo(io.dbbackup.core.Compression.ZSTD);
            assertThat(c.jobs().get("app").verify()).as(written).isEqualTo(JobConfig.Verification.DEEP);
        }
        assertThat(problem(ConfigText.APP_AND_LOCAL_STORE.replace("path: app.db", "path: app.db\n    compression: ZTSD")
                + ConfigText.appJob("")))
                .isEqualTo("config.yaml:5:18: error: datasources.app.compression: 'ZTSD' is not one of gzip, lz4, none, zstd; "
                        + "did you mean 'zstd'?");
        assertThat(problem(ConfigText.APP_AND_LOCAL_STORE + NOTIFIER + ConfigText.appJob("notify: [{notifier: mail, on: Sometimes}]")))
                .isEqualTo("config.yaml:19:35: error: jobs.app.notify[0].on: 'Sometimes' is not one of always, failure, success");
    }

    @Test
    void aValueNearNoneOfTheSetGetsNoSuggestion() throws Exception {
        assertThat(problem(ConfigText.APP_AND_LOCAL_STORE + NOTIFIER + ConfigText.appJob("notify: [{notifier: mail, on: sometimes}]")))
                .isEqualTo("config.yaml:19:35: error: jobs.app.notify[0].on: 'sometimes' is not one of always, failure, success");
        // a short word two edits from a short value is another word, not a typo of it: GET is not PUT
        assertThat(problem(ConfigText.APP_AND_LOCAL_STORE.replace("path: app.db", "path: app.db\n    compression: rar")
                + ConfigText.appJob(""))).endsWith("compression: 'rar' is not one of gzip, lz4, none, zstd");
        assertThat(problem(ConfigText.withAppJob("retention: {keep_daily: 7, timezone: Mars/Olympus_Mons}")))
                .endsWith("unknown time zone 'Mars/Olympus_Mons' (use an IANA name such as Europe/Berlin or UTC)");
    }

    @Test
    void aKeyTypoEquallyNearTwoKeysSuggestsNeither() throws Exception {
        // keep_dekly is two edits from keep_daily and two from keep_weekly: a guess between them is no help
        assertThat(problem(ConfigText.withAppJob("retention: {keep_dekly: 7}")))
                .startsWith("config.yaml:13:17: error: jobs.app.retention.keep_dekly: unknown key (known keys: ")
                .doesNotContain("did you mean");
    }

    @Test
    void aReferenceTypoEquallyNearTwoNamesSuggestsNeither() throws Exception {
        String text = ConfigText.APP_AND_LOCAL_STORE.replace("  local:\n    type: local\n    path: store\n",
                "  s1:\n    type: local\n    path: one\n  s2:\n    type: local\n    path: two\n")
                + ConfigText.appJob("").replace("store: local", "store: s3");
        assertThat(problem(text)).endsWith("jobs.app.store: no store named 's3' (defined: s1, s2)");
    }

    @Test
    void aKeyTypoClearlyNearOneKeySaysItLast() throws Exception {
        assertThat(problem(ConfigText.withAppJob("retention: {keep_dialy: 7}")))
                .isEqualTo("config.yaml:13:17: error: jobs.app.retention.keep_dialy: unknown key; did you mean 'keep_daily'?");
        assertThat(problem(ConfigText.withAppJob("").replace("jobs:", "Jobs:")))
                .isEqualTo("config.yaml:9:1: error: Jobs: unknown top-level key (expected datasources, stores, notifications, "
                        + "jobs); did you mean 'jobs'?");
    }

    @Test
    void aReferenceTypoClearlyNearOneNameSaysItLastAfterTheDefinedOnes() throws Exception {
        assertThat(problem(ConfigText.withAppJob("").replace("store: local", "store: lcoal")))
                .endsWith("jobs.app.store: no store named 'lcoal' (defined: local); did you mean 'local'?");
    }
}
