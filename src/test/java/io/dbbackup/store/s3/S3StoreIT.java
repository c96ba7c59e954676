package io.dbbackup.store.s3;

import io.dbbackup.core.Secret;
import io.dbbackup.spi.Store;
import io.dbbackup.spi.CredentialedStoreContract;
import io.dbbackup.testkit.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
}
