package io.dbbackup.spi;

import java.util.Optional;
import java.util.SortedSet;

/** The installed plugins, by type name; the config loader asks it to build each section. */
public interface ProviderLookup {
    Optional<EngineProvider> engine(String type);

    Optional<StoreProvider> store(String type);

    Optional<NotifierProvider> notifier(String type);

    SortedSet<String> engineTypes();

    SortedSet<String> storeTypes();

    SortedSet<String> notifierTypes();
}
