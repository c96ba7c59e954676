package io.dbbackup.store.azure;

import io.dbbackup.core.Secret;
import io.dbbackup.spi.CredentialedStoreContract;
import io.dbbackup.spi.Store;
import io.dbbackup.testkit.AzuriteServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import io.dbbackup.core.StoredObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

    /** Listings page through List Blobs (here 100 a page) to the last page, at any depth and one level. */
    @Test
    void listingsPageToTheEnd() throws Exception {
        AzureStore paged = AzureFixture.store(azurite, CONTAINER, "paged-" + UUID.randomUUID() + "/", 4L << 20, 1);
        paged.pageSize = 100;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> puts = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            String key = String.format("job/db-%04d.sql", i);
            puts.add(pool.submit(() -> {
                paged.put(key, key.getBytes(StandardCharsets.UTF_8), ctx());
                return null;
            }));
        }
        for (int i = 0; i < 130; i++) {
            String key = String.format("job/wal/%08X", i);
            puts.add(pool.submit(() -> {
                paged.put(key, key.getBytes(StandardCharsets.UTF_8), ctx());
                return null;
            }));
        }
        for (Future<?> f : puts) {
            f.get();
        }
        pool.shutdown();
        assertThat(paged.list("job/")).hasSize(380);
        assertThat(paged.list("job/wal/")).hasSize(130).allSatisfy(o -> assertThat(o.size()).isEqualTo(o.key().length()));
        assertThat(paged.listFolder("job/")).hasSize(250).extracting(StoredObject::key)
                .first().isEqualTo("job/db-0000.sql");
        paged.deleteAll(paged.list("job/").stream().map(StoredObject::key).toList());
        assertThat(paged.list("")).isEmpty();
    }

    /** No staged blocks anywhere in the container. */
    @Override
    protected void assertNoLeftovers(Store store) throws Exception {
        try (AzureStore root = AzureFixture.store(azurite, CONTAINER, "", 4L << 20, 1)) {
            assertThat(root.listUnfinished("")).as("blobs of staged blocks").isEmpty();
        }
    }
}
