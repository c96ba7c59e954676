package io.dbbackup.store.azure;

import io.dbbackup.core.Secret;
import io.dbbackup.spi.CredentialedStoreContract;
import io.dbbackup.spi.Store;
import io.dbbackup.testkit.AzuriteServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.Base64;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The store contract against Azurite, with 4 MiB blocks (the contract's multi-chunk stream is three). */
class AzureStoreIT extends CredentialedStoreContract {
    static final String CONTAINER = "contract";
    static final String WRONG_KEY = Base64.getEncoder().encodeToString(UUID.randomUUID().toString().getBytes());
    static AzuriteServer azurite;

    @BeforeAll
    static void startServer() throws Exception {
        azurite = new AzuriteServer();
        AzureFixture.createContainer(azurite, CONTAINER);
    }

    @AfterAll
    static void stopServer() {
        if (azurite != null) {
            azurite.close();
        }
    }

    @Override
    protected Store createStore() {
        return AzureFixture.store(azurite, CONTAINER, "t-" + UUID.randomUUID() + "/", 4L << 20, 2);
    }

    @Override
    protected Store createStoreWithBadCredentials() {
        AzureSettings good = AzureFixture.settings(azurite, CONTAINER, "bad/", 4L << 20, 2);
        return new AzureStore(new AzureSettings(good.accountUrl(), good.account(), good.container(), good.prefix(),
                new Secret(WRONG_KEY, "test"), null, good.blockSize(), 2));
    }

    @Override
    protected List<String> badCredentialSecrets() {
        return List.of(WRONG_KEY, azurite.accountKey());
    }

    /** No staged blocks anywhere in the container. */
    @Override
    protected void assertNoLeftovers(Store store) throws Exception {
        try (AzureStore root = AzureFixture.store(azurite, CONTAINER, "", 4L << 20, 1)) {
            assertThat(root.listUnfinished("")).as("blobs of staged blocks").isEmpty();
        }
    }
}
