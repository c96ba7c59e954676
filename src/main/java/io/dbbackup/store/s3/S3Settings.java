package io.dbbackup.store.s3;

import io.dbbackup.core.Secret;

import java.net.URI;

/**
 * A validated {@code type: s3} store section.
 *
 * @param endpoint      custom endpoint (R2, MinIO...), null for AWS
 * @param prefix        root inside the bucket, empty or ending with '/'
 * @param accessKey     null to use the AWS default credential chain
 * @param sse           null, {@code AES256} or {@code aws:kms}
 * @param checksum      send a SHA-256 checksum with every part / object (servers verify it)
 */
record S3Settings(URI endpoint, String region, String bucket, String prefix, Secret accessKey, Secret secretKey,
                  boolean pathStyle, String storageClass, String sse, String kmsKeyId, long partSize,
                  int concurrency, boolean checksum) {

    static final long DEFAULT_PART_SIZE = 8L << 20;
    static final int DEFAULT_CONCURRENCY = 2;

    String location(String key) {
        return "s3://" + bucket + "/" + prefix + key;
    }

    String describe() {
        return "s3 s3://" + bucket + "/" + prefix + (endpoint == null ? "" : " at " + endpoint);
    }
}
