package io.dbbackup.spi;

import java.time.Duration;

/** Creates engines of one {@code engine:} type from their config section; found by ServiceLoader. */
public interface EngineProvider {
    /**
     * A datasource's {@code stall_timeout} when absent: a dump that writes nothing for this long fails. Long enough for a
     * dump that waits on a lock an application holds (pgBackRest's db-timeout is 30 min too).
     */
    Duration DEFAULT_STALL_TIMEOUT = Duration.ofMinutes(30);

    String type();

    /** Reads and validates the section; records problems on it; no I/O beyond reading local files. */
    Engine create(ConfigSection section);

    /**
     * This engine's datasources' {@code stall_timeout} when absent (null: off): {@link #DEFAULT_STALL_TIMEOUT} unless its
     * dumps legitimately write nothing for long (a snapshot taken whole before its first byte is streamed).
     */
    default Duration defaultStallTimeout() {
        return DEFAULT_STALL_TIMEOUT;
    }
}
