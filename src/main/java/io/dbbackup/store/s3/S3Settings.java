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
 * @param section       the store's section in the config, e.g. {@code stores.offsite}; null when not from a config
 */
record S3Settings(URI endpoint, String region, String bucket, String prefix, Secret accessKey, Secret secretKey,
                  boolean pathStyle, String storageClass, String sse, String kmsKeyId, long partSize,
                  int concurrency, boolean checksum, String section) {

    /** Settings not read from a config (tests, probes). */
    S3Settings(URI endpoint, String region, String bucket, String prefix, Secret accessKey, Secret secretKey,
               boolean pathStyle, String storageClass, String sse, String kmsKeyId, long partSize, int concurrency,
               boolean checksum) {
        this(endpoint, region, bucket, prefix, accessKey, secretKey, pathStyle, storageClass, sse, kmsKeyId, partSize,
                concurrency, checksum, null);
    }

    static final long DEFAULT_PART_SIZE = 8L << 20;
    static final int DEFAULT_CONCURRENCY = 2;

    String location(String key) {
        return "s3://" + bucket + "/" + prefix + key;
    }

    /** The config key that names the bucket, e.g. {@code stores.offsite.bucket}. */
    String bucketKey() {
        return section == null ? "the store's 'bucket'" : section + ".bucket";
    }

    /** Where the bucket was looked for: the endpoint, or AWS and the region. */
    String service() {
        return endpoint == null ? "AWS S3 (region " + region + ")" : endpoint.toString();
    }

    String describe() {
        return "s3 s3://" + bucket + "/" + prefix + (endpoint == null ? "" : " at " + endpoint);
    }
}
