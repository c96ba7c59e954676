package io.dbbackup.store;

import io.dbbackup.config.Config;
import io.dbbackup.config.ConfigException;
import io.dbbackup.config.ConfigLoader;
import io.dbbackup.plugin.PluginRegistry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Loads a config whose only interesting part is one store section, through the real loader. */
public final class StoreConfigs {
    private StoreConfigs() {
    }

    /** {@code storeYaml} is the body of {@code stores.main} (indented by 4 spaces). */
    public static Config load(Path dir, String storeYaml, Map<String, String> env) throws IOException {
        Path file = dir.resolve("dbbackup.yaml");
        Files.writeString(file, "datasources:\n  db:\n    engine: sqlite\n    path: db.sqlite\n"
                + "stores:\n  main:\n" + storeYaml.stripTrailing() + "\n"
                + "jobs:\n  db:\n    datasource: db\n    store: main\n");
        return new ConfigLoader(PluginRegistry.load(), env).load(file);
    }

    /** The problems' text, or "" when the config loaded. */
    public static String problems(Path dir, String storeYaml, Map<String, String> env) throws IOException {
        try {
            load(dir, storeYaml, env);
            return "";
        } catch (ConfigException e) {
            return e.getMessage();
        }
    }
}
