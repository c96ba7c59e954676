package io.dbbackup.config;

import io.dbbackup.core.Compression;
import io.dbbackup.spi.Engine;

import java.time.Duration;

/**
 * {@code datasources.<name>}: the engine built from it, its default compression, its default
 * encryption ({@code encryption} is null when the datasource has none) and its {@code stall_timeout}
 * (null: off).
 */
public record DatasourceConfig(String name, String engineType, Engine engine, Compression compression,
                               int compressionLevel, EncryptionConfig encryption, Duration stallTimeout) {
    /**
     * {@code stall_timeout} when absent: a dump that writes nothing for this long fails. Long enough for a dump
     * that waits on a lock an application holds (pgBackRest's db-timeout is 30 min too); {@code 0} turns it off.
     */
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofMinutes(30);

    public DatasourceConfig(String name, String engineType, Engine engine, Compression compression,
                            int compressionLevel, EncryptionConfig encryption) {
        this(name, engineType, engine, compression, compressionLevel, encryption, DEFAULT_STALL_TIMEOUT);
    }

    public DatasourceConfig(String name, String engineType, Engine engine, Compression compression, int compressionLevel) {
        this(name, engineType, engine, compression, compressionLevel, null);
    }
}
