package io.dbbackup.store.azure;

import io.dbbackup.core.Secret;

/**
 * How a store signs in, for what a refusal says to check: the account key, else the SAS, else Entra ID (with a
 * service principal's secret, or none). Each secret names its config key, file:line:col and source ({@link
 * Secret#where}), never its value.
 *
 * @param accountKey   the store's account_key, or null
 * @param sasToken     the store's sas_token, or null
 * @param clientSecret the service principal's client_secret for Entra ID, or null
 */
record AzureCredentials(Secret accountKey, Secret sasToken, Secret clientSecret) {
    /** Of a store's settings. */
    static AzureCredentials of(AzureSettings cfg) {
        return new AzureCredentials(cfg.accountKey(), cfg.sasToken(), cfg.clientSecret());
    }

    /**
     * What an authentication or authorization refusal says to check, after {@code "; "}: e.g. {@code check the store's
     * account_key (stores.offsite.account_key_env at config.yaml:14:22, read from env AZ_KEY), the account's firewall
     * and this host's clock}.
     */
    String check() {
        String what;
        if (accountKey != null) {
            what = "the store's account_key (" + accountKey.where() + ")";
        } else if (sasToken != null) {
            what = "the store's sas_token (" + sasToken.where() + "; its permissions, expiry and allowed IPs)";
        } else {
            what = "the Entra ID identity's role on the container (Storage Blob Data Contributor)"
                    + (clientSecret == null ? "" : " and its client_secret (" + clientSecret.where() + ")");
        }
        return "check " + what + ", the account's firewall and this host's clock";
    }
}
