package io.dbbackup.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A loaded, validated config: every reference resolved, every plugin built (but not connected). */
public record Config(Path file, Map<String, DatasourceConfig> datasources, Map<String, StoreConfig> stores,
                     Map<String, NotifierConfig> notifiers, Map<String, JobConfig> jobs, List<Problem> warnings) {
    public Config {
        datasources = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(datasources));
        stores = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(stores));
        notifiers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(notifiers));
        jobs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(jobs));
        warnings = List.copyOf(warnings);
    }
}
