package io.dbbackup.engine.postgres;

import io.dbbackup.core.DumpFormat;
import io.dbbackup.core.HostPort;
import io.dbbackup.core.Secret;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@code engine: postgres} datasource. {@code password}, {@code ssl*}, {@code timeout},
 * {@code pgVersion} and {@code binDir} may be null (not configured); {@code addressPlace}: where the config gives {@code host}
 * and {@code port}, for an error that cannot reach them, or null.
 */
record PostgresSettings(String host, int port, String user, Secret password, String database, String sslmode,
                        Path sslrootcert, Path sslcert, Path sslkey, DumpFormat format, Duration timeout,
                        String pgVersion, Path binDir, DumpOptions dumpOptions, String addressPlace) {

    /** libpq's {@code PGCONNECT_TIMEOUT} as the tools get it, and the built-in replication client's bound on connecting. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Settings no config file gave: no {@code addressPlace} (the config places of {@code host} and {@code port}, e.g.
     * {@code datasources.app.host at config.yaml:5:11 and datasources.app.port at config.yaml:6:11}, which an address that
     * cannot be reached names).
     */
    PostgresSettings(String host, int port, String user, Secret password, String database, String sslmode,
                     Path sslrootcert, Path sslcert, Path sslkey, DumpFormat format, Duration timeout,
                     String pgVersion, Path binDir, DumpOptions dumpOptions) {
        this(host, port, user, password, database, sslmode, sslrootcert, sslcert, sslkey, format, timeout, pgVersion, binDir,
                dumpOptions, null);
    }

    /** The libpq environment for a tool connecting to {@code db} (the password goes in through a passfile). */
    Map<String, String> libpqEnv(String db) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PGHOST", host);
        env.put("PGPORT", String.valueOf(port));
        env.put("PGUSER", user);
        env.put("PGDATABASE", db);
        env.put("PGAPPNAME", "dbbackup");
        env.put("PGCONNECT_TIMEOUT", String.valueOf(CONNECT_TIMEOUT.toSeconds()));
        if (sslmode != null) {
            env.put("PGSSLMODE", sslmode);
        }
        if (sslrootcert != null) {
            env.put("PGSSLROOTCERT", sslrootcert.toString());
        }
        if (sslcert != null) {
            env.put("PGSSLCERT", sslcert.toString());
        }
        if (sslkey != null) {
            env.put("PGSSLKEY", sslkey.toString());
        }
        return env;
    }

    /** {@code user@host:port/database}, never the password. */
    String describe() {
        return user + "@" + HostPort.of(host, port) + "/" + database;
    }
}
