package io.dbbackup.engine.postgres;

import io.dbbackup.core.HostPort;

/**
 * A {@code method: physical} datasource: the connection ({@code conn}; its {@code database} is unused),
 * the cluster name used in object keys, the checkpoint mode, pg_basebackup's {@code --max-rate} (null: none) and
 * whether the built-in replication client may take the base backup ({@code base_backup_client: auto}) or
 * pg_basebackup always does ({@code pg_basebackup}).
 */
record PhysicalSettings(PostgresSettings conn, String cluster, boolean fastCheckpoint, String maxRate, boolean builtin) {
    /** {@code user@host:port}, never the password. */
    String describe() {
        return conn.user() + "@" + HostPort.of(conn.host(), conn.port()) + " (cluster " + cluster + ")";
    }
}
