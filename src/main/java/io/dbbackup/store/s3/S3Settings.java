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

    /**
     * The credential settings a refusal with S3 error {@code code} points at, for its error: the secret key for
     * {@code SignatureDoesNotMatch}, the access key for {@code InvalidAccessKeyId} and for
     * {@code AccessDenied} (signed right, the key's policy refused), both otherwise, each with its config
     * place ({@link Secret#where}), e.g. {@code " (stores.offsite.secret_key_env at config.yaml:14:5, read from env S3_SECRET)"};
     * empty without configured keys (the AWS default credential chain).
     */
    String credentialPlaces(String code) {
        if (accessKey == null || secretKey == null) {
            return "";
        }
        java.util.List<Secret> which = "SignatureDoesNotMatch".equals(code) ? java.util.List.of(secretKey)
                : "InvalidAccessKeyId".equals(code) || "AccessDenied".equals(code) ? java.util.List.of(accessKey) : java.util.List.of(accessKey, secretKey);
        return " (" + String.join("; ", which.stream().map(Secret::where).toList()) + ")";
    }

    String describe() {
        return "s3 s3://" + bucket + "/" + prefix + (endpoint == null ? "" : " at " + endpoint);
    }
}
