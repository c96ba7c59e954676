package io.dbbackup.store.s3;

import io.dbbackup.core.Secret;
import io.dbbackup.testkit.S3ProxyServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

import java.util.List;

/** Stores and a plain admin client against one {@link S3ProxyServer}. */
public final class S3Fixture {
    private S3Fixture() {
    }

    static S3Settings settings(S3ProxyServer s3, String bucket, String prefix, long partSize, int concurrency) {
        return new S3Settings(s3.endpoint(), S3ProxyServer.REGION, bucket, prefix,
                new Secret(s3.accessKey(), "test"), new Secret(s3.secretKey(), "test"), true, null, null, null,
                partSize, concurrency, true);
    }

    static S3Store store(S3ProxyServer s3, String bucket, String prefix, long partSize, int concurrency) {
        S3Store store = new S3Store(settings(s3, bucket, prefix, partSize, concurrency));
        store.abortRetryWindow = java.time.Duration.ofSeconds(20);
        return store;
    }

    /** An independent client with default SDK settings (virtual-host off only because s3proxy has no DNS). */
    public static S3Client admin(S3ProxyServer s3) {
        return S3Client.builder()
                .endpointOverride(s3.endpoint())
                .region(Region.of(S3ProxyServer.REGION))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
                .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder())
                .build();
    }

    public static List<MultipartUpload> multipartUploads(S3Client admin, String bucket) {
        return admin.listMultipartUploads(b -> b.bucket(bucket)).uploads();
    }
}
