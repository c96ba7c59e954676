package io.dbbackup.store.s3;

import io.dbbackup.core.Secret;
import io.dbbackup.spi.Store;
import io.dbbackup.spi.CredentialedStoreContract;
import io.dbbackup.testkit.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The store contract against s3proxy (filesystem backend), multipart with 5 MiB parts. */
class S3StoreIT extends CredentialedStoreContract {
    static final String BUCKET = "contract";
    static S3ProxyServer s3;
    static S3Client admin;
    static final String WRONG_SECRET = "wrong-secret-" + UUID.randomUUID();

    @BeforeAll
    static void startServer() throws Exception {
        s3 = new S3ProxyServer();
        admin = S3Fixture.admin(s3);
        admin.createBucket(b -> b.bucket(BUCKET));
    }

    @AfterAll
    static void stopServer() {
        if (admin != null) {
            admin.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Override
    protected Store createStore() {
        return S3Fixture.store(s3, BUCKET, "t-" + UUID.randomUUID() + "/", 5L << 20, 2);
    }

    @Override
    protected Store createStoreWithBadCredentials() {
        S3Settings good = S3Fixture.settings(s3, BUCKET, "bad/", 5L << 20, 2);
        return new S3Store(new S3Settings(good.endpoint(), good.region(), good.bucket(), good.prefix(), good.accessKey(),
                new Secret(WRONG_SECRET, "test"), true, null, null, null, good.partSize(), 2, true));
    }

    @Override
    protected List<String> badCredentialSecrets() {
        return List.of(WRONG_SECRET, s3.secretKey());
    }

    @Override
    protected void assertNoLeftovers(Store store) {
        assertThat(S3Fixture.multipartUploads(admin, BUCKET)).as("incomplete multipart uploads").isEmpty();
    }

    /** Pruning thousands of WAL segments: DeleteObjects with 1,000 keys per request, not one DELETE per key. */
    @Test
    void deleteAllSendsOneRequestPerThousandKeys() throws Exception {
        try (Store store = createStore()) {
            for (String key : List.of("w/a", "w/b", "w/keep")) {
                store.put(key, key.getBytes(java.nio.charset.StandardCharsets.UTF_8), ctx());
            }
            List<String> doomed = new java.util.ArrayList<>(List.of("w/a", "w/b"));
            for (int i = 0; i < 1999; i++) {
                doomed.add(String.format("w/wal/%08X", i)); // never there: no error
            }
            S3RequestLog.drain();
            store.deleteAll(doomed);
            assertThat(S3RequestLog.drain()).containsExactly("DeleteObjects", "DeleteObjects", "DeleteObjects");
            assertThat(store.list("w/")).extracting(o -> o.key()).containsExactly("w/keep");
        }
    }
}
