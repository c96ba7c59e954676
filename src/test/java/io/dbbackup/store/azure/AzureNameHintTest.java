package io.dbbackup.store.azure;

import io.dbbackup.store.StoreConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A container or account name that is not one says what a name is; "not a path" / "not a URL" only where the value is
 * one. Before, a container {@code c} (too short) was told it was a path, an account {@code ab} that it was a URL.
 */
class AzureNameHintTest {
    private static final Map<String, String> ENV = Map.of("AZ_KEY", "a2V5");

    @TempDir
    Path dir;

    private String problems(String account, String container) throws Exception {
        return StoreConfigs.problems(dir, "    type: azure\n    account: " + account + "\n    container: " + container
                + "\n    account_key_env: AZ_KEY\n", ENV);
    }

    @Test
    void aNameTooShortIsNotCalledAPathOrAUrl() throws Exception {
        assertThat(problems("acct", "c")).contains("container must be a container's name (3 to 63 lower-case letters,"
                + " digits and single hyphens)").doesNotContain("not a path");
        assertThat(problems("acct", "backups/db")).contains("container must be a container's name").contains("not a path;"
                + " use prefix for a folder");
        assertThat(problems("ab", "cont")).contains("account must be a storage account's name (3 to 24 lower-case letters"
                + " and digits)").doesNotContain("not a URL");
        assertThat(problems("https://acct.blob.core.windows.net", "cont")).contains("not a URL; use endpoint for a URL");
    }
}
