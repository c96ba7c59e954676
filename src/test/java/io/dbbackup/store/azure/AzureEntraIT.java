package io.dbbackup.store.azure;

import io.dbbackup.core.Log;
import io.dbbackup.core.StoredObject;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.testkit.AzuriteServer;
import io.dbbackup.testkit.DbbackupJar;
import io.dbbackup.testkit.EntraTokenServer;
import io.dbbackup.testkit.SqliteFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sign-in with Microsoft Entra ID instead of a key: Azurite over https in {@code --oauth basic} (it takes only bearer
 * tokens of the storage audience, in their lifetime), the token endpoint and the instance metadata service played by
 * {@link EntraTokenServer}. The CLI runs as the built jar in its own JVM, with the AZURE_* environment AKS gives a pod.
 */
class AzureEntraIT {
    static AzuriteServer azurite;
    static EntraTokenServer entra;
    static SSLContext trusting;
    @TempDir
    Path dir;
    String container;

    @BeforeAll
    static void start() throws Exception {
        azurite = AzuriteServer.oauth();
        entra = new EntraTokenServer();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(azurite.trustStore())) {
            ks.load(in, AzuriteServer.STORE_PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        trusting = SSLContext.getInstance("TLS");
        trusting.init(null, tmf.getTrustManagers(), null);
    }

    @AfterAll
    static void stop() {
        if (azurite != null) {
            azurite.close();
        }
        if (entra != null) {
            entra.close();
        }
    }

    /** A store over Azurite signing in with a shared key (to create the container and look at what was stored). */
    static AzureStore keyed(String container, String prefix) {
        AzureStore store = AzureFixture.store(azurite, container, prefix, 4L << 20, 2);
        store.http.sslContext = trusting;
        return store;
    }

    @BeforeEach
    void container() throws Exception {
        container = "entra-" + UUID.randomUUID().toString().substring(0, 8);
        try (AzureStore admin = keyed(container, "")) {
            AzureHttp.Response r = admin.http.send("PUT", "", new java.util.TreeMap<>(Map.of("restype", "container")), Map.of());
            assertThat(r.status()).isEqualTo(201);
        }
        entra.issued().clear();
        SqliteFixture.create(dir.resolve("app.db"), 200);
    }

    private void writeConfig(String credentials) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), """
                datasources:
                  app: {engine: sqlite, path: app.db}
                  restored: {engine: sqlite, path: restored/app.db}
                stores:
                  azure:
                    type: azure
                    account: %s
                    container: %s
                    endpoint: %s
                    prefix: team
                %s
                jobs:
                  app: {datasource: app, store: azure, prefix: nightly, verify: true}
                """.formatted(AzuriteServer.ACCOUNT, container, azurite.endpoint(), credentials.indent(4).stripTrailing()));
    }

    private DbbackupJar.Run dbbackup(Map<String, String> env, String... args) throws Exception {
        return DbbackupJar.run(dir, List.of("-Djavax.net.ssl.trustStore=" + azurite.trustStore(), "-Djavax.net.ssl.trustStoreType=PKCS12",
                "-Djavax.net.ssl.trustStorePassword=" + AzuriteServer.STORE_PASSWORD), k -> k.startsWith("AZURE_"), env, args);
    }

    private Map<String, String> workloadIdentity(String federatedToken) throws Exception {
        Path file = dir.resolve("azure-identity-token");
        Files.writeString(file, federatedToken + "\n");
        return Map.of("AZURE_FEDERATED_TOKEN_FILE", file.toString(), "AZURE_CLIENT_ID", entra.clientId,
                "AZURE_TENANT_ID", entra.tenant, "AZURE_AUTHORITY_HOST", entra.uri().toString());
    }

    private List<String> stored() throws Exception {
        try (AzureStore raw = keyed(container, "team/")) {
            return raw.list("").stream().map(StoredObject::key).toList();
        }
    }

    /** AKS workload identity: backup, list and restore, one token per run (kept for the run's many requests). */
    @Test
    void workloadIdentityBacksUpListsAndRestores() throws Exception {
        String assertion = "eyJhbGciOiJSUzI1NiJ9.federated-" + UUID.randomUUID() + ".sig";
        entra.acceptAssertion(assertion);
        writeConfig("");
        Map<String, String> env = workloadIdentity(assertion);
        DbbackupJar.Run backup = dbbackup(env, "backup", "app");
        assertThat(backup.exit()).as(backup.toString()).isZero();
        assertThat(stored()).hasSize(3).allSatisfy(k -> assertThat(k).startsWith("nightly/app/app-"));
        DbbackupJar.Run list = dbbackup(env, "list", "app");
        assertThat(list.exit()).as(list.toString()).isZero();
        DbbackupJar.Run restore = dbbackup(env, "restore", "app", "--to", "restored");
        assertThat(restore.exit()).as(restore.toString()).isZero();
        assertThat(SqliteFixture.fingerprint(dir.resolve("restored/app.db"))).isEqualTo(SqliteFixture.fingerprint(dir.resolve("app.db")));
        assertThat(entra.issued()).as("one token per run").containsExactly("workload_identity", "workload_identity", "workload_identity");
        for (DbbackupJar.Run r : List.of(backup, list, restore)) {
            assertThat(r.out() + r.err()).doesNotContain(assertion).doesNotContain("Bearer");
        }
    }

    /** A federated token Entra ID does not accept: one line naming the identity and Entra's reason, exit 2, nothing stored. */
    @Test
    void aRefusedWorkloadIdentityFailsWithEntrasReason() throws Exception {
        entra.acceptAssertion("the-right-one");
        writeConfig("");
        DbbackupJar.Run backup = dbbackup(workloadIdentity("a-token-for-another-subject"), "backup", "app");
        assertThat(backup.exit()).as(backup.toString()).isEqualTo(2);
        assertThat(backup.err()).contains("azure: Entra ID refused a token for workload identity, tenant " + entra.tenant
                + ", client " + entra.clientId + ": HTTP 401 invalid_client (AADSTS700213: No matching federated identity "
                + "record found for presented assertion subject.)").doesNotContain("Trace ID");
        assertThat(stored()).isEmpty();
    }

    /** A managed identity (the metadata service) and a service principal's secret from the config. */
    @Test
    void managedIdentityAndAClientSecretSignInToo() throws Exception {
        writeConfig("");
        DbbackupJar.Run managed = dbbackup(Map.of("AZURE_POD_IDENTITY_AUTHORITY_HOST", entra.uri().toString()), "backup", "app");
        assertThat(managed.exit()).as(managed.toString()).isZero();

        String secret = "sp-secret-" + UUID.randomUUID();
        entra.acceptSecret(secret);
        writeConfig("tenant_id: " + entra.tenant + "\nclient_id: " + entra.clientId + "\nclient_secret_env: SP_SECRET\n");
        DbbackupJar.Run principal = dbbackup(Map.of("SP_SECRET", secret, "AZURE_AUTHORITY_HOST", entra.uri().toString()), "backup", "app");
        assertThat(principal.exit()).as(principal.toString()).isZero();
        assertThat(principal.out() + principal.err()).doesNotContain(secret);
        assertThat(entra.issued()).containsExactly("managed_identity", "client_secret");
        assertThat(stored()).hasSize(6);
    }

    /**
     * A token is fetched again before it expires: with a 4-second token, a request 5 seconds later still goes through
     * (Azurite refuses an expired token: "Lifetime validation failed").
     */
    @Test
    void aTokenIsRenewedBeforeItExpires() throws Exception {
        String assertion = "renewing-" + UUID.randomUUID();
        entra.acceptAssertion(assertion).lifetime(4);
        try {
            AzureStore store = new AzureStore(new AzureSettings(azurite.endpoint(), AzuriteServer.ACCOUNT, container, "renew/",
                    null, null, 4L << 20, 2, null, null, null, null));
            store.http.sslContext = trusting;
            Map<String, String> env = new HashMap<>(workloadIdentity(assertion));
            store.http.env = env;
            OperationContext ctx = new OperationContext(new Cancellation(),
                    new Log(new PrintWriter(new StringWriter()), Log.Format.TEXT, Log.Level.INFO, Clock.systemUTC()), dir);
            store.put("one", "1".getBytes(StandardCharsets.UTF_8), ctx);
            Thread.sleep(5000);
            store.put("two", "2".getBytes(StandardCharsets.UTF_8), ctx);
            assertThat(store.list("")).extracting(StoredObject::key).containsExactly("one", "two");
            assertThat(entra.issued()).hasSizeGreaterThanOrEqualTo(2);
        } finally {
            entra.lifetime(3599);
        }
    }
}
