package io.dbbackup.store.azure;

import io.dbbackup.config.Config;
import io.dbbackup.spi.Store;
import io.dbbackup.store.StoreConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AzureStoreProviderTest {
    @TempDir
    Path dir;

    static final String KEY = "c2VjcmV0LWFjY291bnQta2V5LXZhbHVlLWZvci10ZXN0cw==";
    static final Map<String, String> ENV = Map.of("AZ_KEY", KEY, "AZ_SAS", "?sv=2021-08-06&sig=c2lnbmF0dXJl");

    @Test
    void fullConfigIsReadWithoutTouchingTheNetwork() throws Exception {
        Config c = StoreConfigs.load(dir, """
                    type: azure
                    account: prodbackups
                    container: db-backups
                    prefix: /team/db/
                    account_key_env: AZ_KEY
                    block_size: 16MiB
                    upload_concurrency: 4
                    access_tier: Cool
                """, ENV);
        Store store = c.stores().get("main").store();
        assertThat(store).isInstanceOf(AzureStore.class);
        AzureSettings s = ((AzureStore) store).settings();
        assertThat(s.accountUrl().toString()).isEqualTo("https://prodbackups.blob.core.windows.net");
        assertThat(s.container()).isEqualTo("db-backups");
        assertThat(s.prefix()).isEqualTo("team/db/");
        assertThat(s.accountKey().reveal()).isEqualTo(KEY);
        assertThat(s.sasToken()).isNull();
        assertThat(s.blockSize()).isEqualTo(16L << 20);
        assertThat(s.concurrency()).isEqualTo(4);
        assertThat(s.accessTier()).isEqualTo("Cool");
        assertThat(store.describe()).isEqualTo("azure azure://prodbackups/db-backups/team/db/").doesNotContain(KEY);
    }

    /** A SAS a URL cannot carry (quoted as `az ... -o json` prints it, a space) is refused at load, never echoed. */
    @Test
    void aSasThatIsNoUrlQueryIsRefusedWithoutEchoingIt() {
        for (String sas : new String[] {"\"se=2099-01-01&sp=racwdl&sig=S3cr3t-SAS-4718%3D\"", "?sv=2022-11-02&sig=S3cr3t-SAS-4718 x"}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> StoreConfigs.load(dir, """
                        type: azure
                        account: devstoreaccount1
                        container: backups
                        sas_token_env: AZ_SAS
                    """, Map.of("AZ_SAS", sas)))
                    .isInstanceOf(io.dbbackup.config.ConfigException.class)
                    .hasMessageContaining("sas_token_env: the SAS token from env AZ_SAS is not a valid URL query")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("4718"));
        }
    }

    @Test
    void aSasAndAnEndpointOfAnEmulatorOrPrivateLink() throws Exception {
        AzureSettings s = ((AzureStore) StoreConfigs.load(dir, """
                    type: azblob
                    account: devstoreaccount1
                    container: backups
                    endpoint: http://127.0.0.1:10000/devstoreaccount1/
                    sas_token_env: AZ_SAS
                """, ENV).stores().get("main").store()).settings();
        assertThat(s.accountUrl().toString()).isEqualTo("http://127.0.0.1:10000/devstoreaccount1");
        assertThat(s.accountKey()).isNull();
        assertThat(s.sasToken().reveal()).startsWith("?sv=");
        assertThat(s.prefix()).isEmpty();
        assertThat(s.blockSize()).isEqualTo(8L << 20);
        assertThat(s.concurrency()).isEqualTo(2);
        assertThat(s.accessTier()).isNull();
    }

    /** A SAS is the credential itself, sent in every request: over plain http to another host it crosses the network. */
    @Test
    void aSasOverPlainHttpToAnotherHostIsAWarning() throws Exception {
        String remote = """
                    type: azblob
                    account: acct
                    container: backups
                    endpoint: http://blob.storage.internal:10000/acct
                    %s
                """;
        Config sas = StoreConfigs.load(dir, remote.formatted("sas_token_env: AZ_SAS"), ENV);
        assertThat(sas.warnings()).singleElement().satisfies(w -> assertThat(w.format())
                .contains("endpoint is plain http:// to another host: the SAS token would cross the network unencrypted")
                .doesNotContain("sig=c2lnbmF0dXJl"));
        assertThat(StoreConfigs.load(dir, remote.formatted("account_key_env: AZ_KEY"), ENV).warnings())
                .as("a shared key only signs the requests").isEmpty();
        assertThat(StoreConfigs.load(dir, remote.formatted("sas_token_env: AZ_SAS")
                .replace("blob.storage.internal", "127.0.0.1"), ENV).warnings()).as("the emulator on this host").isEmpty();
        assertThat(StoreConfigs.load(dir, remote.formatted("sas_token_env: AZ_SAS")
                .replace("http://", "https://"), ENV).warnings()).isEmpty();
    }

    @Test
    void problemsAreReportedWithTheirKeys() throws Exception {
        String base = "    type: azure\n    account: acct\n    container: c1c\n";
        assertThat(StoreConfigs.problems(dir, "    type: azure\n    account_key_env: AZ_KEY\n", ENV))
                .contains("account").contains("container");
        assertThat(StoreConfigs.problems(dir, base, ENV)).as("neither: Entra ID sign-in").isEmpty();
        assertThat(StoreConfigs.problems(dir, base + "    tenant_id: t\n    client_id: c\n    client_secret_env: AZ_SAS\n", ENV))
                .isEmpty();
        assertThat(StoreConfigs.problems(dir, base + "    account_key_env: AZ_KEY\n    client_id: c\n", ENV))
                .contains("client_id is for Entra ID sign-in, which is used without account_key and sas_token");
        assertThat(StoreConfigs.problems(dir, base + "    sas_token_env: AZ_SAS\n    client_secret_file: /nope\n", ENV))
                .contains("client_secret_file is for Entra ID sign-in");
        assertThat(StoreConfigs.problems(dir, base + "    account_key_env: AZ_KEY\n    sas_token_env: AZ_SAS\n", ENV))
                .contains("give account_key or sas_token, not both");
        assertThat(StoreConfigs.problems(dir, base + "    account_key: plain\n", ENV))
                .contains("secrets are not read from the config file");
        assertThat(StoreConfigs.problems(dir, base + "    account_key_env: AZ_KEY\n    block_size: 512KiB\n", ENV))
                .contains("block_size must be a size between 1MiB and 1GiB");
        assertThat(StoreConfigs.problems(dir, "    type: azure\n    account: https://acct.blob.core.windows.net\n"
                + "    container: c1c\n    account_key_env: AZ_KEY\n", ENV)).contains("account must be a storage account's name");
        assertThat(StoreConfigs.problems(dir, "    type: azure\n    account: acct\n    container: Backups/db\n"
                + "    account_key_env: AZ_KEY\n", ENV)).contains("container must be a container's name");
        assertThat(StoreConfigs.problems(dir, base + "    account_key_env: AZ_KEY\n    endpoint: acct.blob.core.windows.net\n", ENV))
                .contains("endpoint must be the Blob service's http:// or https:// URL");
        assertThat(StoreConfigs.problems(dir, base + "    account_key_env: AZ_KEY\n    endpoint: http://fd00::5:10000/acct\n", ENV))
                .contains("(Azurite); an IPv6 address goes in brackets, e.g. http://[fd00::5]:9000");
        assertThat(StoreConfigs.problems(dir, base + "    account_key_env: AZ_KEY\n    endpoint: https://a.example/?sv=x\n", ENV))
                .contains("endpoint must be the Blob service's");
        assertThat(StoreConfigs.problems(dir, base + "    account_key_env: AZ_KEY\n    endpoint: https://a.example/#sig=x\n", ENV))
                .contains("URL without a query or fragment").doesNotContain("sig=x");
        assertThat(StoreConfigs.problems(dir, base + "    account_key_env: AZ_KEY\n    bucket: b\n", ENV)).contains("bucket");
        assertThat(StoreConfigs.problems(dir, base + "    account_key_env: AZ_KEY\n    access_tier: archive\n", ENV))
                .contains("access_tier: archive is offline");
        assertThat(StoreConfigs.problems(dir, base + "    account_key_env: AZ_KEY\n    access_tier: premium\n", ENV))
                .contains("access_tier must be hot, cool or cold");
        assertThat(StoreConfigs.problems(dir, base + "    account_key_env: AZ_KEY\n", ENV)).isEmpty();
    }

    /** An account name no URL can hold: its own error, alone (found by ConfigMutationFuzzTest: "cannot be set up: Illegal..."). */
    @Test
    void anAccountNameNoUrlCanHoldIsOneErrorAtItsKey() throws Exception {
        for (String account : new String[] {"\"acme\\\"s\"", "\"~'M6#K6#+&@\"", "\"a b\""}) {
            String problems = StoreConfigs.problems(dir, "    type: azure\n    account: " + account + "\n    container: c1c\n"
                    + "    account_key_env: AZ_KEY\n", ENV);
            assertThat(problems).as(account).contains("account must be a storage account's name").doesNotContain("\n")
                    .doesNotContain("cannot be set up");
        }
    }

    /** Each of the 50,000 blocks allowed holds more as the blob grows: 8 MiB blocks reach about 2.4 TiB. */
    @Test
    void blocksGrowSoThatTheLimitOfBlocksIsFarAway() {
        long base = AzureSettings.DEFAULT_BLOCK_SIZE;
        assertThat(AzureUpload.blockSize(base, 1)).isEqualTo(8L << 20);
        assertThat(AzureUpload.blockSize(base, 10_000)).isEqualTo(8L << 20);
        assertThat(AzureUpload.blockSize(base, 10_001)).isEqualTo(16L << 20);
        assertThat(AzureUpload.blockSize(base, 40_001)).isEqualTo(128L << 20);
        long total = 0;
        for (int n = 1; n <= BlockId.MAX_BLOCKS; n++) {
            total += AzureUpload.blockSize(base, n);
        }
        assertThat(total).isGreaterThan(2L << 40);
        assertThat(AzureUpload.blockSize(1L << 30, 45_000)).as("never above 1 GiB").isEqualTo(1L << 30);
    }

    /** The container's prefix is checked as a job's: '..', '//', './' or a newline are refused at the key. */
    @Test
    void prefixIsFolderNamesAsAJobPrefix() throws Exception {
        String base = "    type: azure\n    account: acct\n    container: c1c\n    account_key_env: AZ_KEY\n";
        for (String bad : new String[]{"a/../b", "a//b", "./a", "\"a\\nb\""}) {
            assertThat(StoreConfigs.problems(dir, base + "    prefix: " + bad + "\n", ENV)).as(bad)
                    .contains("dbbackup.yaml:11:5: error: stores.main.prefix: must ");
        }
        assertThat(StoreConfigs.problems(dir, base + "    prefix: /prod/db/\n", ENV)).isEmpty();
    }
}
