package io.dbbackup.engine.postgres;

import io.dbbackup.config.Config;
import io.dbbackup.config.ConfigLoader;
import io.dbbackup.core.Log;
import io.dbbackup.plugin.PluginRegistry;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.Engine;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.testkit.PostgresServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/** Engines built the way users get them: a YAML datasource through the real config loader and plugin registry. */
final class PgTestEngines {
    private PgTestEngines() {
    }

    /** An engine for {@code database} on {@code pg}; {@code extraYaml} lines are added to the datasource. */
    static Engine engine(PostgresServer pg, Path dir, String database, String... extraYaml) {
        Map<String, String> keys = new java.util.LinkedHashMap<>();
        keys.put("engine", "postgres");
        keys.put("host", pg.host());
        keys.put("port", String.valueOf(pg.port()));
        keys.put("user", pg.user());
        keys.put("password_file", passwordFile(pg, dir).toString());
        keys.put("database", "\"" + database + "\"");
        for (String line : extraYaml) {
            String[] kv = line.split(":", 2);
            keys.put(kv[0].strip(), kv[1].strip());
        }
        StringBuilder yaml = new StringBuilder("datasources:\n  pg:\n");
        keys.forEach((k, v) -> yaml.append("    ").append(k).append(": ").append(v).append('\n'));
        return fromYaml(dir, Map.of(), yaml.toString());
    }

    static Engine fromYaml(Path dir, Map<String, String> env, String yaml) {
        try {
            Path file = Files.createTempFile(dir, "dbbackup", ".yaml");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            Files.writeString(file, yaml);
            Config config = new ConfigLoader(PluginRegistry.load(), env).load(file);
            return config.datasources().get("pg").engine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path passwordFile(PostgresServer pg, Path dir) {
        try {
            return pg.writePasswordFile(dir.resolve("pg.password"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static OperationContext context(Path dir) {
        return context(dir, new Cancellation());
    }

    static OperationContext context(Path dir, Cancellation cancellation) {
        return new OperationContext(cancellation, Log.get(), dir.resolve("scratch"));
    }
}
