package io.dbbackup.config;

import io.dbbackup.plugin.PluginRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@code user: ""} or {@code host: ""} (a template's unset value) on a PostgreSQL or MySQL datasource was taken as given:
 * libpq then connected as its default user over its default Unix socket (not the documented {@code localhost}), and
 * mysqldump as the OS user — another role and server than the config showed. Blank is an error at the key, as for the
 * other keys of 2026-12-02, saying what leaving the key out means.
 */
class EmptyEngineValueTest {
    @TempDir
    Path dir;

    private String problems(String engine, String key) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  db:
                    engine: %s
                    database: app
                    %s: ""
                stores:
                  local: {type: local, path: backups}
                jobs:
                  db: {datasource: db, store: local}
                """.formatted(engine, key));
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> new ConfigLoader(PluginRegistry.load(), Map.of()).load(dir.resolve("config.yaml"), "config.yaml"));
        return e == null ? "" : e.getMessage();
    }

    @Test
    void blankUserOrHostIsAnErrorAtTheKey() throws Exception {
        assertThat(problems("postgres", "user")).contains("config.yaml:5:5: error: datasources.db.user: must not be empty: "
                + "leave the key out for the OS user's name, or give its value");
        assertThat(problems("postgres", "host")).contains("config.yaml:5:5: error: datasources.db.host: must not be empty: "
                + "leave the key out for localhost, or give its value");
        assertThat(problems("mysql", "user")).contains("config.yaml:5:5: error: datasources.db.user: must not be empty: "
                + "leave the key out for the OS user's name, or give its value");
        assertThat(problems("mysql", "host")).contains("config.yaml:5:5: error: datasources.db.host: must not be empty: "
                + "leave the key out for 127.0.0.1, or give its value");
        assertThat(dir.resolve("backups")).doesNotExist();
    }
}
