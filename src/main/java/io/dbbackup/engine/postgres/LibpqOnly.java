package io.dbbackup.engine.postgres;

import java.io.IOException;

/**
 * Something the built-in replication client does not do as libpq would (an authentication method, a TLS
 * setting, an older server's stream): found before anything but a start-up has reached the server, so the
 * caller leaves the base backup to pg_basebackup.
 */
final class LibpqOnly extends IOException {
    LibpqOnly(String message) {
        super(message);
    }
}
