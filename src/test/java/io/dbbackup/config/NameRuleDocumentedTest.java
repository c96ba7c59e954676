package io.dbbackup.config;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rule for names of datasources, stores, notifications and jobs, as README.md states it, is the rule the loader
 * applies and the one its error states: a letter or digit first, then letters, digits, '.', '_' and '-'.
 */
class NameRuleDocumentedTest {
    private static final String README_RULE = "Names (of datasources, stores, notifications, jobs) start with a letter or digit "
            + "and hold only letters, digits, `.`, `_`, `-` (`app-db.2` is one; `my app` and `_app` are not).";
    private static final String ERROR_RULE = "a name starts with a letter or digit and holds only letters, digits, '.', '_' and '-'";

    @TempDir
    Path dir;

    @Test
    void theReadmeStatesTheRule() throws Exception {
        String readme = Files.readString(Path.of(System.getProperty("project.basedir", "."), "README.md"));
        assertThat(readme.replaceAll("\\s*\n\\s*", " ")).contains(README_RULE);
    }

    @Test
    void theLoaderAppliesItToEverySectionAndSaysIt() throws Exception {
        for (String section : new String[] {"datasources", "stores", "notifications", "jobs"}) {
            for (String bad : new String[] {"_app", ".app", "-app", "my app", "app/db", "app:db", "äpp"}) {
                String err = validate(section, bad);
                assertThat(err).as(section + " '" + bad + "'")
                        .contains(section + "." + bad + ": " + ERROR_RULE);
            }
            for (String good : new String[] {"app-db.2", "9app", "a", "App_DB-1.x_"}) {
                assertThat(validate(section, good)).as(section + " '" + good + "'").doesNotContain(ERROR_RULE);
            }
        }
    }

    /** A config whose only name in {@code section} is {@code name}; what {@code config validate} says about it. */
    private String validate(String section, String name) throws Exception {
        String q = "\"" + name + "\"";
        String yaml = "datasources:\n  " + (section.equals("datasources") ? q : "db") + ":\n    engine: sqlite\n    path: app.db\n"
                + "stores:\n  " + (section.equals("stores") ? q : "local") + ":\n    type: local\n    path: backups\n"
                + "notifications:\n  " + (section.equals("notifications") ? q : "hook") + ":\n    type: webhook\n    url_env: HOOK_URL\n"
                + "jobs:\n  " + (section.equals("jobs") ? q : "nightly") + ":\n    datasource: db\n    store: local\n";
        Files.writeString(dir.resolve("config.yaml"), yaml);
        Cli.Result r = new Cli().workingDir(dir).env("HOOK_URL", "https://hooks.example.com/x").run("-c", "config.yaml", "config", "validate");
        return r.err();
    }
}
