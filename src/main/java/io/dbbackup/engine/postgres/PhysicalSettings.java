package io.dbbackup.engine.postgres;

/**
 * A {@code method: physical} datasource: the connection ({@code conn}; its {@code database} is unused),
 * the cluster name used in object keys, the checkpoint mode and pg_basebackup's {@code --max-rate} (null: none).
 */
record PhysicalSettings(PostgresSettings conn, String cluster, boolean fastCheckpoint, String maxRate) {
    /** {@code user@host:port}, never the password. */
    String describe() {
        return conn.user() + "@" + conn.host() + ":" + conn.port() + " (cluster " + cluster + ")";
    }
}
