package io.dbbackup.store.azure;

import io.dbbackup.core.Secret;
import io.dbbackup.testkit.AzuriteServer;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/** Stores against one {@link AzuriteServer}, and the container they need. */
public final class AzureFixture {
    private AzureFixture() {
    }

    static AzureSettings settings(AzuriteServer azurite, String container, String prefix, long blockSize, int concurrency) {
        return new AzureSettings(azurite.endpoint(), AzuriteServer.ACCOUNT, container, prefix,
                new Secret(azurite.accountKey(), "test"), null, blockSize, concurrency, null, null, null, null);
    }

    static AzureStore store(AzuriteServer azurite, String container, String prefix, long blockSize, int concurrency) {
        AzureStore store = new AzureStore(settings(azurite, container, prefix, blockSize, concurrency));
        store.http.firstPause = java.time.Duration.ofMillis(50);
        return store;
    }

    /** Creates {@code container} (Create Container); one that exists already is no error. */
    public static void createContainer(AzuriteServer azurite, String container) throws IOException {
        AzureHttp http = new AzureHttp(settings(azurite, container, "", AzureSettings.DEFAULT_BLOCK_SIZE, 1));
        AzureHttp.Response r = http.send("PUT", "", new TreeMap<>(Map.of("restype", "container")), Map.of());
        if (!r.ok() && r.status() != 409) {
            throw new IOException("create container " + container + ": HTTP " + r.status() + " " + new String(r.body()));
        }
    }

    /** Every blob, and every blob of staged blocks only, in {@code container}, as keys. */
    public static java.util.List<String> blobsAndStagedBlocks(AzuriteServer azurite, String container) throws IOException {
        try (AzureStore root = store(azurite, container, "", 4L << 20, 1)) {
            java.util.List<String> all = new java.util.ArrayList<>();
            root.list("").forEach(o -> all.add(o.key()));
            root.listUnfinished("").forEach(u -> all.add("(staged) " + u.key()));
            return all;
        }
    }
}
