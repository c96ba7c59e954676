package io.dbbackup.store.azure;

import io.dbbackup.core.ByteSize;
import io.dbbackup.core.HostPort;
import io.dbbackup.core.Secret;
import io.dbbackup.spi.ConfigSection;
import io.dbbackup.spi.Store;
import io.dbbackup.spi.StoreProvider;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.Set;

/** {@code type: azure} (alias {@code azblob}): a container of an Azure Storage account (Blob service). */
public final class AzureStoreProvider implements StoreProvider {
    @Override
    public String type() {
        return "azure";
    }

    @Override
    public Set<String> aliases() {
        return Set.of("azblob");
    }

    @Override
    public Store create(ConfigSection s) {
        AzureSettings settings = settings(s);
        return settings == null ? null : new AzureStore(settings);
    }

    /** Validates the section without any network I/O; null when a problem was recorded. */
    static AzureSettings settings(ConfigSection s) {
        boolean ok = true;
        Optional<String> account = s.requireString("account").map(String::trim);
        if (account.isPresent() && !account.get().matches("[a-z0-9]{3,24}")) {
            // "not a URL" only to a URL (or a host name): a name too short or with capitals is told what a name is
            s.error("account", "account must be a storage account's name (3 to 24 lower-case letters and digits)"
                    + (account.get().matches(".*[:/.].*") ? ", not a URL; use endpoint for a URL" : ""));
            ok = false;
        }
        Optional<String> container = s.requireString("container").map(String::trim);
        if (container.isPresent() && !container.get().matches("\\$root|[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]")) {
            s.error("container", "container must be a container's name (3 to 63 lower-case letters, digits and single "
                    + "hyphens)" + (container.get().contains("/") ? ", not a path; use prefix for a folder" : ""));
            ok = false;
        }
        URI accountUrl = null;
        Optional<String> ep = s.string("endpoint").map(String::trim).filter(v -> !v.isEmpty());
        if (ep.isPresent()) {
            try {
                String v = ep.get();
                accountUrl = new URI(v.endsWith("/") ? v.substring(0, v.length() - 1) : v);
                if (accountUrl.getRawUserInfo() != null) { // never shown, nor used: it is no way to sign in to Azure
                    s.error("endpoint", "endpoint must not hold a user:password@ (the value is not shown: it may hold a "
                            + "password); the Blob service signs in with account_key, sas_token or Entra ID");
                    accountUrl = null;
                    ok = false;
                } else if (accountUrl.getScheme() == null || accountUrl.getHost() == null || accountUrl.getRawQuery() != null
                        || accountUrl.getRawFragment() != null
                        || !(accountUrl.getScheme().equals("http") || accountUrl.getScheme().equals("https"))) {
                    s.error("endpoint", "endpoint must be the Blob service's http:// or https:// URL without a query or fragment, e.g. "
                            + "https://<account>.blob.core.windows.net or http://127.0.0.1:10000/devstoreaccount1 (Azurite)"
                            + (HostPort.ipv6WithoutBrackets(v) ? HostPort.IPV6_URL_HINT : ""));
                    ok = false;
                }
            } catch (URISyntaxException e) {
                s.error("endpoint", "endpoint is not a valid URL: " + e.getReason());
                ok = false;
            }
        } else if (account.isPresent() && ok) {
            // only a valid name: "a#b" would make no URL ("cannot be set up: Illegal character...") after its own error
            accountUrl = URI.create("https://" + account.get() + ".blob.core.windows.net");
        }
        Optional<String> folder = s.folderPrefix("prefix");
        ok &= folder.isPresent();
        String prefix = folder.orElse("");
        boolean keyGiven = s.secretGiven("account_key");
        boolean sasGiven = s.secretGiven("sas_token");
        Optional<Secret> key = s.secret("account_key");
        Optional<Secret> sas = s.secret("sas_token");
        if (keyGiven && sasGiven) {
            s.error("sas_token", "give account_key or sas_token, not both");
            ok = false;
        }
        if (sas.isPresent() && sas.get().available() && !validQuery(sas.get().reveal().trim())) {
            // never echoed: the signature is in it
            s.error(s.secretSourceKey("sas_token").orElse("sas_token"), "the SAS token from " + sas.get().source()
                    + " is not a valid URL query (quotes, spaces or other characters a URL cannot hold?); give it as the "
                    + "portal or 'az storage container generate-sas -o tsv' prints it");
            ok = false;
        }
        // neither: Microsoft Entra ID (a service principal's secret, workload identity or a managed identity)
        Optional<String> tenant = s.string("tenant_id").map(String::trim).filter(v -> !v.isEmpty());
        Optional<String> client = s.string("client_id").map(String::trim).filter(v -> !v.isEmpty());
        boolean clientSecretGiven = s.secretGiven("client_secret");
        Optional<Secret> clientSecret = s.secret("client_secret");
        if (accountUrl != null && "http".equals(accountUrl.getScheme()) && !io.dbbackup.core.Loopback.is(accountUrl.getHost())
                && !keyGiven) {
            // a shared key only signs requests; a SAS or an Entra ID token is itself the credential, in every request
            s.warn("endpoint", "endpoint is plain http:// to another host: the " + (sasGiven ? "SAS token" : "Entra ID token")
                    + " would cross the network unencrypted in every request (and the backups with it); use https://");
        }
        if ((keyGiven || sasGiven) && (tenant.isPresent() || client.isPresent() || clientSecretGiven)) {
            String k = clientSecretGiven ? s.secretSourceKey("client_secret").orElse("client_secret")
                    : tenant.isPresent() ? "tenant_id" : "client_id";
            s.error(k, k + " is for Entra ID sign-in, which is used without account_key and sas_token; give one way to sign in");
            ok = false;
        }
        long blockSize = AzureSettings.DEFAULT_BLOCK_SIZE;
        Optional<String> bs = s.string("block_size");
        if (bs.isPresent()) {
            long parsed = ByteSize.parse(bs.get());
            if (parsed < AzureSettings.MIN_BLOCK_SIZE || parsed > AzureSettings.MAX_BLOCK_SIZE) {
                s.error("block_size", "block_size must be a size between 1MiB and 1GiB (e.g. 8MiB, 32MiB or a number of bytes), got '"
                        + bs.get() + "'");
                ok = false;
            } else {
                blockSize = parsed;
            }
        }
        int concurrency = s.integer("upload_concurrency", 1, 64).orElse(AzureSettings.DEFAULT_CONCURRENCY);
        String tier = null;
        Optional<String> t = s.string("access_tier").map(v -> v.trim().toLowerCase(java.util.Locale.ROOT));
        if (t.isPresent() && t.get().equals("archive")) {
            s.error("access_tier", "access_tier: archive is offline (a blob must be rehydrated for hours before it can be "
                    + "read, so verify and restore fail); write hot, cool or cold, and move old backups to archive with a "
                    + "lifecycle management rule if you must");
            ok = false;
        } else if (t.isPresent() && !Set.of("hot", "cool", "cold").contains(t.get())) {
            s.error("access_tier", "access_tier must be hot, cool or cold, got '" + t.get() + "'");
            ok = false;
        } else if (t.isPresent()) {
            tier = Character.toUpperCase(t.get().charAt(0)) + t.get().substring(1);
        }
        if (!ok || account.isEmpty() || container.isEmpty() || (keyGiven && key.isEmpty()) || (sasGiven && sas.isEmpty())
                || (clientSecretGiven && clientSecret.isEmpty())) {
            return null;
        }
        return new AzureSettings(accountUrl, account.get(), container.get(), prefix, key.orElse(null), sas.orElse(null),
                blockSize, concurrency, tier, tenant.orElse(null), client.orElse(null), clientSecret.orElse(null));
    }

    private static boolean validQuery(String sas) {
        try {
            new URI("https://h/?" + (sas.startsWith("?") ? sas.substring(1) : sas));
            return true;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
