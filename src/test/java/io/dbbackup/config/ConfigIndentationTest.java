package io.dbbackup.config;

import io.dbbackup.testkit.ConfigText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A first config's usual slip: a key written two spaces short, so that it lands beside its datasource or store instead
 * of in it ({@code password: ...} at the level of {@code pg:}). The value there is whatever the key held, a password
 * too: it is never shown, and the one line says where the key belongs.
 */
class ConfigIndentationTest {
    @TempDir
    Path dir;

    private List<String> problems(String yaml) throws Exception {
        return ConfigFiles.problems(dir, yaml);
    }

    @Test
    void aPasswordIndentedTooLittleIsNotShownAndSaidWhereItBelongs() throws Exception {
        String yaml = """
                datasources:
                  pg:
                    engine: postgres
                    user: backup
                    database: app
                  password: Hunter2-secret
                stores:
                  local:
                    type: local
                    path: store
                """ + ConfigText.appJob("").replace("datasource: app", "datasource: pg");
        assertThat(problems(yaml)).containsExactly("config.yaml:6:13: error: datasources.password: a datasource is a "
                + "mapping of keys, got a single value (not shown: it may be a secret); if 'password' is a key of 'pg' "
                + "above, indent it as far as pg's other keys");
    }

    @Test
    void aStoresKeysAtTheLevelOfItsNameAreOneLineEach() throws Exception {
        String yaml = """
                datasources:
                  app:
                    engine: sqlite
                    path: app.db
                stores:
                  local:
                  type: local
                  path: store
                """ + ConfigText.appJob("");
        assertThat(problems(yaml)).containsExactly(
                "config.yaml:6:3: error: stores.local: is empty",
                "config.yaml:7:9: error: stores.type: a store is a mapping of keys, got a single value (not shown: it may "
                        + "be a secret); if 'type' is a key of 'local' above, indent it as far as local's other keys",
                "config.yaml:8:9: error: stores.path: a store is a mapping of keys, got a single value (not shown: it may "
                        + "be a secret); if 'path' is a key of 'local' above, indent it as far as local's other keys");
    }

    @Test
    void aPassphraseWrittenAsTheEncryptionIsNotShown() throws Exception {
        assertThat(problems(ConfigText.withAppJob("encryption: Hunter8-secret"))).containsExactly(
                "config.yaml:13:17: error: jobs.app.encryption: expected a mapping of keys, got a single value (not shown: "
                        + "it may be a secret)");
    }
}
