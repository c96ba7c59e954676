package io.dbbackup.engine.postgres;

import io.dbbackup.core.DumpFormat;
import io.dbbackup.core.Secret;
import io.dbbackup.spi.ConfigSection;
import io.dbbackup.spi.Engine;
import io.dbbackup.spi.EngineProvider;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code engine: postgres}: a PostgreSQL database, dumped with pg_dump and restored with psql/pg_restore. */
public final class PostgresEngineProvider implements EngineProvider {
    static final Set<String> SSL_MODES = Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    @Override
    public String type() {
        return "postgres";
    }

    static final java.util.List<String> PHYSICAL_ONLY = java.util.List.of("checkpoint", "max_rate", "base_backup_client");

    static final java.util.List<String> LOGICAL_ONLY = java.util.List.of("database", "format", "schemas", "exclude_schemas",
            "tables", "exclude_tables", "exclude_table_data", "no_owner", "no_privileges", "extra_args");

    /**
     * libpq's default role, this process's user name. A UID without a passwd entry (a container's arbitrary UID, as
     * OpenShift runs pods) has none: Java's user.name is then "?", which was used as the role.
     */
    private static String defaultUser(ConfigSection s) {
        String name = System.getProperty("user.name");
        if (name == null || name.isBlank() || name.equals("?")) {
            String uid;
            try {
                uid = "uid " + java.nio.file.Files.getAttribute(java.nio.file.Path.of("/proc/self"), "unix:uid");
            } catch (java.io.IOException | RuntimeException e) {
                uid = "this process's user";
            }
            s.error("user", "not set, and " + uid + " has no account name to default to (no passwd entry, as under a "
                    + "container's arbitrary UID): set user: the database role to connect as");
            return "";
        }
        return name;
    }

    @Override
    public Engine create(ConfigSection s) {
        Optional<String> given = s.choice("method", Set.of("logical", "physical", "roles"));
        if (given.isEmpty() && s.has("method")) {
            // refused at its key: which keys belong (database, cluster, checkpoint...) depends on it, so none is judged
            s.otherKeysUnjudged();
            return null;
        }
        String method = given.orElse("logical");
        String host = s.optionalString("host", "localhost").orElse("localhost");
        int port = s.integer("port", 1, 65535).orElse(5432);
        String user = s.optionalString("user", "the OS user's name").orElseGet(() -> defaultUser(s));
        Secret password = s.secret("password").orElse(null);
        if (method.equals("physical")) {
            return physical(s, host, port, user, password);
        }
        if (method.equals("roles")) {
            return roles(s, host, port, user, password);
        }
        if (s.has("role_passwords")) {
            s.error("role_passwords", "only for method: roles");
        }
        Optional<String> database = s.requireString("database");
        String format = s.choice("format", Set.of("plain", "custom")).orElse("plain");
        List<String> extraArgs = s.argumentList("extra_args");
        for (String arg : extraArgs) {
            DumpOptions.rejectExtraArg(arg).ifPresent(why -> s.error("extra_args", why));
        }
        DumpOptions options = new DumpOptions(s.argumentList("schemas"), s.argumentList("exclude_schemas"),
                s.argumentList("tables"), s.argumentList("exclude_tables"), s.argumentList("exclude_table_data"),
                s.bool("no_owner").orElse(false), s.bool("no_privileges").orElse(false), extraArgs);
        database.filter(d -> d.contains("/") || d.contains("\\") || d.startsWith(".") || d.chars().anyMatch(Character::isISOControl))
                .ifPresent(d -> s.error("database", "'" + d + "' cannot name a backup folder (no '/', '\\', control characters "
                        + "or leading '.'): it becomes part of object keys"));
        PostgresSettings settings = connection(s, host, port, user, password, database.orElse(""),
                format.equals("custom") ? DumpFormat.DUMP : DumpFormat.SQL, options, "pg_dump, pg_restore and psql");
        if (database.isEmpty()) {
            return null;
        }
        return new PostgresEngine(settings, new ClientLocator(ClientLocator.DEBIAN_ROOT, settings.binDir(), settings.pgVersion()));
    }

    /**
     * {@code method: roles}: the connection keys, {@code cluster} and {@code role_passwords}: the cluster's roles
     * ({@code pg_dumpall --roles-only}), which no database dump holds.
     */
    private Engine roles(ConfigSection s, String host, int port, String user, Secret password) {
        String cluster = cluster(s, "roles", "the roles are the cluster's, not a database's");
        for (String key : PHYSICAL_ONLY) {
            if (s.has(key)) {
                s.error(key, "only for method: physical");
            }
        }
        boolean rolePasswords = s.bool("role_passwords").orElse(true);
        PostgresSettings conn = connection(s, host, port, user, password, PgTools.MAINTENANCE_DB, DumpFormat.SQL,
                DumpOptions.NONE, "pg_dumpall and psql");
        return new RolesEngine(conn, cluster, rolePasswords, new ClientLocator(ClientLocator.DEBIAN_ROOT, conn.binDir(), conn.pgVersion()));
    }

    /** {@code cluster} (default: the datasource's name), after refusing the logical-only keys for {@code method}. */
    private static String cluster(ConfigSection s, String method, String why) {
        for (String key : LOGICAL_ONLY) {
            if (s.has(key)) {
                s.error(key, key.equals("database")
                        ? "not used with method: " + method + " (" + why + "; name it with 'cluster')"
                        : "only for method: logical (pg_dump); " + why);
            }
        }
        String cluster = s.string("cluster").orElse(s.name());
        if (cluster.isEmpty() || cluster.contains("/") || cluster.contains("\\") || cluster.startsWith(".")
                || cluster.chars().anyMatch(Character::isISOControl)) {
            s.error("cluster", "'" + cluster + "' cannot name a backup folder (no '/', '\\', control characters or leading '.')");
        }
        return cluster;
    }

    /** The connection keys common to every method: TLS files, {@code timeout}, {@code pg_version}, {@code bin_dir}. */
    private static PostgresSettings connection(ConfigSection s, String host, int port, String user, Secret password,
                                               String database, DumpFormat format, DumpOptions options, String tools) {
        String sslmode = s.choice("sslmode", SSL_MODES).orElse(null);
        Path sslrootcert = s.readableFile("sslrootcert").orElse(null);
        Path sslcert = s.readableFile("sslcert").orElse(null);
        Path sslkey = s.readableFile("sslkey").orElse(null);
        Duration timeout = s.duration("timeout").filter(d -> !d.isZero()).orElse(null);
        String pgVersion = s.string("pg_version").orElse(null);
        if (pgVersion != null && PgVersion.ofMajorName(pgVersion).isEmpty()) {
            s.error("pg_version", "must be a PostgreSQL major version such as 15 or 16 (the folder under "
                    + ClientLocator.DEBIAN_ROOT + "), got '" + pgVersion + "'");
        }
        Path binDir = s.path("bin_dir").orElse(null);
        if (binDir != null && !Files.isDirectory(binDir)) {
            s.error("bin_dir", binDir + " is not a folder (it should hold " + tools + ")");
        }
        if (binDir != null && pgVersion != null) {
            s.error("pg_version", "give either bin_dir or pg_version, not both");
        }
        return new PostgresSettings(host, port, user, password, database, sslmode, sslrootcert, sslcert, sslkey,
                format, timeout, pgVersion, binDir, options, addressPlace(s, host, port));
    }

    /**
     * Where the config gives the address, for an error that cannot reach it: {@code datasources.app.host at config.yaml:5:11
     * and datasources.app.port at config.yaml:6:11}; a key not set is named with the default it took ({@code
     * datasources.app.port (not set: 5432)}).
     */
    static String addressPlace(ConfigSection s, String host, int port) {
        return s.placeOr("host", host) + " and " + s.placeOr("port", port);
    }

    /** {@code method: physical}: the connection keys, {@code cluster}, {@code checkpoint}, {@code max_rate}, {@code base_backup_client}. */
    private Engine physical(ConfigSection s, String host, int port, String user, Secret password) {
        String cluster = cluster(s, "physical", "a physical base backup covers the whole cluster");
        if (s.has("role_passwords")) {
            s.error("role_passwords", "only for method: roles");
        }
        boolean fast = s.choice("checkpoint", Set.of("fast", "spread")).orElse("fast").equals("fast");
        String maxRate = s.string("max_rate").orElse(null);
        if (maxRate != null && (!maxRate.matches("\\d{1,9}[kM]?") || BuiltinBaseBackup.maxRateKb(maxRate) < 32
                || BuiltinBaseBackup.maxRateKb(maxRate) > 1024 * 1024)) {
            s.error("max_rate", "must be a rate as pg_basebackup --max-rate takes it, in kB/s or with a suffix, between 32k and"
                    + " 1024M (the server's limits): 32768, 32768k or 100M, got '" + maxRate + "'");
        }
        boolean builtin = s.choice("base_backup_client", Set.of("auto", "pg_basebackup")).orElse("auto").equals("auto");
        PostgresSettings conn = connection(s, host, port, user, password, cluster, DumpFormat.TAR,
                DumpOptions.NONE, "pg_basebackup, psql and pg_verifybackup");
        return new PhysicalEngine(new PhysicalSettings(conn, cluster, fast, maxRate, builtin),
                new ClientLocator(ClientLocator.DEBIAN_ROOT, conn.binDir(), conn.pgVersion()));
    }

}
