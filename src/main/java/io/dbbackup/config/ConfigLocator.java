package io.dbbackup.config;

import io.dbbackup.core.DbBackupException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Where the config is: {@code -c}, else {@code $DBBACKUP_CONFIG}, else {@code ./config.yaml}, else {@code /config/config.yaml}. */
public final class ConfigLocator {
    public static final Path CONTAINER_DEFAULT = Path.of("/config/config.yaml");

    private ConfigLocator() {
    }

    /** {@code $DBBACKUP_CONFIG} resolved against {@code workingDir} (absolute when it is), or null when unset or blank. */
    public static Path fromEnvironment(Map<String, String> env, Path workingDir) {
        String value = env.get("DBBACKUP_CONFIG");
        return value == null || value.isBlank() ? null : workingDir.resolve(value);
    }

    public static Path locate(Path explicit, Map<String, String> env, Path workingDir) {
        if (explicit != null) {
            return explicit;
        }
        Path fromEnv = fromEnvironment(env, workingDir);
        if (fromEnv != null) {
            return fromEnv;
        }
        Path local = workingDir.resolve("config.yaml");
        if (Files.exists(local)) {
            return local;
        }
        if (Files.exists(CONTAINER_DEFAULT)) {
            return CONTAINER_DEFAULT;
        }
        throw DbBackupException.user("no config file: pass -c FILE, set DBBACKUP_CONFIG, or create ./config.yaml"
                + " (or /config/config.yaml in a container)");
    }
}
