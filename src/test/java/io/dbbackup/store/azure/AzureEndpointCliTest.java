package io.dbbackup.store.azure;

import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An Azure store's endpoint with a user:password@ in it was taken as it was: the Blob service never reads it, and the
 * endpoint is shown in errors and sidecars. It is a config error at the key, the value not shown.
 */
class AzureEndpointCliTest {
    @TempDir
    Path dir;

    @Test
    void anEndpointWithAUserAndPasswordIsAConfigErrorThatDoesNotShowIt() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                stores:
                  blob:
                    type: azure
                    account: prodbackups
                    container: db-backups
                    endpoint: https://prodbackups:az-PW-6d1f0e@prodbackups.blob.core.windows.net
                    account_key_env: AZ_KEY
                jobs:
                  app: {datasource: app, store: blob}
                """);
        Cli cli = new Cli().workingDir(dir);
        cli.env("AZ_KEY", "c2VjcmV0LWFjY291bnQta2V5LXZhbHVlLWZvci10ZXN0cw==");
        Cli.Result r = cli.run("-c", "config.yaml", "config", "validate");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("config.yaml:8:5: error: stores.blob.endpoint: endpoint must not hold a user:password@ (the "
                + "value is not shown: it may hold a password); the Blob service signs in with account_key, sas_token or Entra ID")
                .doesNotContain("az-PW-").doesNotContain("prodbackups:");
        assertThat(r.out()).doesNotContain("az-PW-");
    }
}
