package io.dbbackup.plugin;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.spi.EngineProvider;
import io.dbbackup.spi.NotifierProvider;
import io.dbbackup.spi.ProviderLookup;
import io.dbbackup.spi.StoreProvider;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The installed engines, stores and notifiers, found through {@code META-INF/services}. Two
 * providers claiming one type name is a packaging error and fails at start.
 */
public final class PluginRegistry implements ProviderLookup {
    private final Map<String, EngineProvider> engines;
    private final Map<String, StoreProvider> stores;
    private final Map<String, NotifierProvider> notifiers;
    private final SortedSet<String> storeNames;

    private PluginRegistry(Iterable<EngineProvider> engines, Iterable<StoreProvider> stores,
                           Iterable<NotifierProvider> notifiers) {
        this.engines = index("engine", engines, p -> Set.of(p.type()));
        this.stores = index("store", stores, p -> {
            Set<String> names = new TreeSet<>(p.aliases());
            names.add(p.type());
            return names;
        });
        this.notifiers = index("notifier", notifiers, p -> Set.of(p.type()));
        TreeSet<String> primary = new TreeSet<>();
        stores.forEach(p -> primary.add(p.type()));
        this.storeNames = Collections.unmodifiableSortedSet(primary);
    }

    /** The providers visible to this class's loader. */
    public static PluginRegistry load() {
        ClassLoader cl = PluginRegistry.class.getClassLoader();
        return new PluginRegistry(ServiceLoader.load(EngineProvider.class, cl),
                ServiceLoader.load(StoreProvider.class, cl), ServiceLoader.load(NotifierProvider.class, cl));
    }

    /** A registry of explicit providers (tests, fault injection). */
    public static PluginRegistry of(Iterable<EngineProvider> engines, Iterable<StoreProvider> stores,
                                    Iterable<NotifierProvider> notifiers) {
        return new PluginRegistry(engines, stores, notifiers);
    }

    private static <P> Map<String, P> index(String kind, Iterable<P> providers, Function<P, Set<String>> names) {
        Map<String, P> map = new TreeMap<>();
        for (P p : providers) {
            for (String name : names.apply(p)) {
                String key = name.toLowerCase(Locale.ROOT);
                P previous = map.putIfAbsent(key, p);
                if (previous != null) {
                    throw DbBackupException.system("two " + kind + " plugins claim the type '" + key + "': "
                            + previous.getClass().getName() + " and " + p.getClass().getName());
                }
            }
        }
        return Collections.unmodifiableMap(map);
    }

    @Override
    public Optional<EngineProvider> engine(String type) {
        return Optional.ofNullable(engines.get(type.toLowerCase(Locale.ROOT)));
    }

    @Override
    public Optional<StoreProvider> store(String type) {
        return Optional.ofNullable(stores.get(type.toLowerCase(Locale.ROOT)));
    }

    @Override
    public Optional<NotifierProvider> notifier(String type) {
        return Optional.ofNullable(notifiers.get(type.toLowerCase(Locale.ROOT)));
    }

    @Override
    public SortedSet<String> engineTypes() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(engines.keySet()));
    }

    @Override
    public SortedSet<String> storeTypes() {
        return storeNames;
    }

    @Override
    public SortedSet<String> notifierTypes() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(notifiers.keySet()));
    }
}
