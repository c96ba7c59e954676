package io.dbbackup.config;

import io.dbbackup.spi.RateLimitedStore;
import io.dbbackup.spi.Store;

/**
 * {@code stores.<name>}. {@code another}: makes another instance of the same store, with its own connections, for a
 * request that may have to be abandoned and the instance closed under it without touching {@code store}, which the
 * run's other jobs share (the newest good backup a failure report lists); null when there is no such maker.
 */
public record StoreConfig(String name, String type, Store store, java.util.function.Supplier<Store> another) {
    public StoreConfig(String name, String type, Store store) {
        this(name, type, store, null);
    }

    /** Its rate limits as the log says them ({@code " (uploads at most 100 Mbit/s (11.9 MiB/s))"}), "" for none. */
    public String limits() {
        return RateLimitedStore.limitsOf(store);
    }
}
