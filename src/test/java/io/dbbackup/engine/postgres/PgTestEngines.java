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
        return fromYaml(dir, Map.of(), """
                datasources:
                  pg:
                    engine: postgres
                    host: %s
                    port: %d
                    user: %s
                    password_file: %s
                    database: "%s"
                """.formatted(pg.host(), pg.port(), pg.user(), passwordFile(pg, dir), database) + indent(extraYaml));
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

    private static String indent(String... lines) {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            sb.append("    ").append(l).append('\n');
        }
        return sb.toString();
    }
}
