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
    public DatasourceConfig(String name, String engineType, Engine engine, Compression compression,
                            int compressionLevel, EncryptionConfig encryption) {
        this(name, engineType, engine, compression, compressionLevel, encryption,
                io.dbbackup.spi.EngineProvider.DEFAULT_STALL_TIMEOUT);
    }

    public DatasourceConfig(String name, String engineType, Engine engine, Compression compression, int compressionLevel) {
        this(name, engineType, engine, compression, compressionLevel, null);
    }
}
