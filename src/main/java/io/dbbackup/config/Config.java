package io.dbbackup.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A loaded, validated config: every reference resolved, every plugin built (but not connected). Loaded with
 * {@link ConfigLoader#deferringSecrets()}, {@code unresolvedSecrets} lists the secrets that could not be read; {@code secretsRead} names those read
 * and where from ({@code datasources.pg.password (env PGPASS)}), never their values.
 */
public record Config(Path file, Map<String, DatasourceConfig> datasources, Map<String, StoreConfig> stores,
                     Map<String, NotifierConfig> notifiers, Map<String, JobConfig> jobs, List<Problem> warnings,
                     List<UnresolvedSecret> unresolvedSecrets, List<String> secretsRead) {
    public Config {
        datasources = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(datasources));
        stores = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(stores));
        notifiers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(notifiers));
        jobs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(jobs));
        warnings = List.copyOf(warnings);
        unresolvedSecrets = List.copyOf(unresolvedSecrets);
        secretsRead = List.copyOf(secretsRead);
    }

    /** The entry of {@code secret} when it is one the config could not read. */
    public java.util.Optional<UnresolvedSecret> unresolved(io.dbbackup.core.Secret secret) {
        return secret == null || secret.resolved() ? java.util.Optional.empty()
                : unresolvedSecrets.stream().filter(u -> u.format().equals(secret.problem())).findFirst();
    }

    /** The unresolved secrets under any of {@code paths} (sections or keys, e.g. {@code stores.s3}). */
    public List<UnresolvedSecret> unresolvedUnder(String... paths) {
        return unresolvedSecrets.stream().filter(u -> java.util.Arrays.stream(paths).anyMatch(u::under)).toList();
    }
}
