package io.dbbackup.store.azure;

import io.dbbackup.core.StoredObject;
import io.dbbackup.testkit.AzuriteServer;
import io.dbbackup.testkit.DbbackupJar;
import io.dbbackup.testkit.FreePort;
import io.dbbackup.testkit.SqliteFixture;
import io.dbbackup.testkit.TinyProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Azure store behind a proxy named by the environment, as a pod behind a corporate proxy gets it: the built jar in its
 * own JVM with HTTP_PROXY (Azurite is http here) pointing at a real proxy (tinyproxy), whose log shows the requests
 * went through it; a proxy that is down fails the backup; NO_PROXY lets the storage account be reached directly.
 */
class AzureProxyIT {
    static AzuriteServer azurite;
    static TinyProxy proxy;
    @TempDir
    Path dir;
    String container;

    @BeforeAll
    static void start() throws Exception {
        azurite = new AzuriteServer();
        proxy = new TinyProxy();
    }

    @AfterAll
    static void stop() {
        if (azurite != null) {
            azurite.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        container = "proxy-" + UUID.randomUUID().toString().substring(0, 8);
        AzureFixture.createContainer(azurite, container);
        SqliteFixture.create(dir.resolve("app.db"), 100);
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                stores:
                  azure:
                    type: azure
                    account: %s
                    container: %s
                    endpoint: %s
                    account_key_env: AZURE_KEY
                jobs:
                  app: {datasource: app, store: azure, verify: true}
                """.formatted(AzuriteServer.ACCOUNT, container, azurite.endpoint()));
    }

    private DbbackupJar.Run dbbackup(Map<String, String> env, String... args) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("AZURE_KEY", azurite.accountKey());
        return DbbackupJar.run(dir, List.of(), k -> k.toUpperCase(java.util.Locale.ROOT).endsWith("_PROXY"), all, args);
    }

    private List<String> stored() throws Exception {
        try (AzureStore raw = AzureFixture.store(azurite, container, "", 4L << 20, 2)) {
            return raw.list("").stream().map(StoredObject::key).toList();
        }
    }

    private String azuriteHostPort() {
        return azurite.endpoint().getHost() + ":" + azurite.endpoint().getPort();
    }

    @Test
    void requestsGoThroughTheProxyTheEnvironmentNames() throws Exception {
        int before = proxy.log().split("opening connection to " + azuriteHostPort(), -1).length;

        DbbackupJar.Run r = dbbackup(Map.of("HTTP_PROXY", proxy.url()), "backup", "app");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(stored()).hasSize(3);
        int after = proxy.log().split("opening connection to " + azuriteHostPort(), -1).length;
        assertThat(after).as("the proxy opened connections to the storage account\n" + proxy.log()).isGreaterThan(before);
    }

    @Test
    void aProxyThatIsDownFailsTheBackupAndNoProxyGoesAroundIt() throws Exception {
        String dead = "http://127.0.0.1:" + FreePort.pick();

        DbbackupJar.Run down = dbbackup(Map.of("HTTP_PROXY", dead), "backup", "app");
        assertThat(down.exit()).as(down.toString()).isEqualTo(2);
        assertThat(stored()).isEmpty();

        DbbackupJar.Run direct = dbbackup(Map.of("HTTP_PROXY", dead, "NO_PROXY", azurite.endpoint().getHost()), "backup", "app");
        assertThat(direct.exit()).as(direct.toString()).isZero();
        assertThat(stored()).hasSize(3);
    }
}
