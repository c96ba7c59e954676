package io.dbbackup.store.azure;

import io.dbbackup.core.Secret;

import java.net.URI;

/**
 * A validated {@code type: azure} store section.
 *
 * @param accountUrl  the Blob service of the account, without a trailing '/': {@code https://<account>.blob.core.windows.net},
 *                    or an emulator's or private endpoint's URL (Azurite: {@code http://127.0.0.1:10000/devstoreaccount1})
 * @param prefix      root inside the container, empty or ending with '/'
 * @param accountKey  the account's shared key (SharedKey signing), or null
 * @param sasToken    a shared access signature (query string, '?' optional), or null; with neither, Entra ID
 * @param blockSize   bytes per staged block (the first 10,000; then doubled every 10,000 blocks)
 * @param concurrency blocks sent at once
 * @param accessTier  {@code Hot}, {@code Cool} or {@code Cold} for every blob written, or null for the account's default
 * @param tenantId    Entra ID sign-in (neither key nor SAS): the tenant, or null for {@code AZURE_TENANT_ID}
 * @param clientId    the application or user-assigned identity, or null for {@code AZURE_CLIENT_ID}
 * @param clientSecret a service principal's secret, or null for workload or managed identity
 */
record AzureSettings(URI accountUrl, String account, String container, String prefix, Secret accountKey, Secret sasToken,
                     long blockSize, int concurrency, String accessTier, String tenantId, String clientId, Secret clientSecret) {

    static final long DEFAULT_BLOCK_SIZE = 8L << 20;
    static final long MIN_BLOCK_SIZE = 1L << 20;
    static final long MAX_BLOCK_SIZE = 1L << 30;
    static final int DEFAULT_CONCURRENCY = 2;

    /** The user's view of {@code name} (a full blob name): {@code azure://account/container/name}. */
    String location(String name) {
        return "azure://" + account + "/" + container + "/" + name;
    }

    String describe() {
        String standard = "https://" + account + ".blob.core.windows.net";
        return "azure azure://" + account + "/" + container + "/" + prefix
                + (accountUrl.toString().equals(standard) ? "" : " at " + accountUrl);
    }
}
