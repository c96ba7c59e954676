package io.dbbackup.config;

import io.dbbackup.spi.Store;

/** {@code stores.<name>}. */
public record StoreConfig(String name, String type, Store store) {
}
