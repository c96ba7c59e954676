package io.dbbackup.store.azure;

import io.dbbackup.core.Secret;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a refused Azure sign-in says to check: only the way the store signs in, with its config place, never a value. */
class AzureCredentialsTest {
    private static Secret at(String value, String source, String setting) {
        return new Secret(value, source).setAt(setting);
    }

    @Test
    void entraIdNamesTheRoleAndTheClientSecretsPlaceNeverItsValue() {
        Secret secret = at("s3cr3t-value", "env AZ_CLIENT_SECRET", "stores.o.client_secret_env at config.yaml:9:24");
        String check = new AzureCredentials(null, null, secret).check();
        assertThat(check).isEqualTo("check the Entra ID identity's role on the container (Storage Blob Data Contributor) "
                + "and its client_secret (stores.o.client_secret_env at config.yaml:9:24, read from env AZ_CLIENT_SECRET), "
                + "the account's firewall and this host's clock").doesNotContain("s3cr3t");
        assertThat(new AzureCredentials(null, null, null).check()).isEqualTo("check the Entra ID identity's role on the "
                + "container (Storage Blob Data Contributor), the account's firewall and this host's clock");
    }

    @Test
    void aKeyIsNamedAloneAndASasWithWhatLimitsIt() {
        Secret key = at("a2V5", "file /run/az.key", "stores.o.account_key_file at config.yaml:7:25");
        assertThat(new AzureCredentials(key, null, null).check()).isEqualTo("check the store's account_key "
                + "(stores.o.account_key_file at config.yaml:7:25, read from file /run/az.key), the account's firewall and "
                + "this host's clock").doesNotContain("a2V5");
        Secret sas = at("sv=2019&sig=abc", "env AZ_SAS", "stores.o.sas_token_env at config.yaml:7:20");
        assertThat(new AzureCredentials(null, sas, null).check()).isEqualTo("check the store's sas_token "
                + "(stores.o.sas_token_env at config.yaml:7:20, read from env AZ_SAS; its permissions, expiry and allowed "
                + "IPs), the account's firewall and this host's clock").doesNotContain("sig=");
    }
}
