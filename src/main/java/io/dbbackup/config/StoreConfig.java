package io.dbbackup.config;

import io.dbbackup.spi.RateLimitedStore;
import io.dbbackup.spi.Store;

/** {@code stores.<name>}. */
public record StoreConfig(String name, String type, Store store) {
    /** Its rate limits as the log says them ({@code " (uploads at most 100 Mbit/s (11.9 MiB/s))"}), "" for none. */
    public String limits() {
        return RateLimitedStore.limitsOf(store);
    }
}
