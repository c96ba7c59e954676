package io.dbbackup.config;

import io.dbbackup.core.Compression;
import io.dbbackup.spi.Engine;

/** {@code datasources.<name>}: the engine built from it, and its default compression. */
public record DatasourceConfig(String name, String engineType, Engine engine, Compression compression,
                               int compressionLevel) {
}
