package io.dbbackup.config;

import io.dbbackup.core.Compression;
import io.dbbackup.spi.Engine;

/**
 * {@code datasources.<name>}: the engine built from it, its default compression and its default
 * encryption ({@code encryption} is null when the datasource has none).
 */
public record DatasourceConfig(String name, String engineType, Engine engine, Compression compression,
                               int compressionLevel, EncryptionConfig encryption) {
    public DatasourceConfig(String name, String engineType, Engine engine, Compression compression, int compressionLevel) {
        this(name, engineType, engine, compression, compressionLevel, null);
    }
}
