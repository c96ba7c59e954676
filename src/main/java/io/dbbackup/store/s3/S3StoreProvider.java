package io.dbbackup.store.s3;

import io.dbbackup.core.ByteSize;
import io.dbbackup.core.HostPort;
import io.dbbackup.core.Redactor;
import io.dbbackup.core.Secret;
import io.dbbackup.spi.ConfigSection;
import io.dbbackup.spi.Store;
import io.dbbackup.spi.StoreProvider;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.Set;

/** {@code type: s3}: AWS S3 and S3-compatible services (R2, MinIO, Backblaze B2, Wasabi...). */
public final class S3StoreProvider implements StoreProvider {
    private static final Set<String> SSE = Set.of("aes256", "aws:kms");

    @Override
    public String type() {
        return "s3";
    }

    @Override
    public Store create(ConfigSection s) {
        S3Settings settings = settings(s);
        return settings == null ? null : new S3Store(settings);
    }

    /**
     * The endpoint without its {@code user:password@}: neither the SDK nor the JDK's connection sends it, and a URL kept
     * with it would show the password wherever the store is named (a backup's log line, errors, {@code check}). The
     * password is registered with the {@link Redactor} as well, in case some text carries the URL as written. A query or
     * fragment never gets here: it is refused before.
     */
    static URI withoutUserInfo(URI endpoint) {
        String info = endpoint.getRawUserInfo();
        Redactor.register(info);
        Redactor.register(endpoint.getUserInfo());
        int colon = info.indexOf(':');
        if (colon >= 0) {
            Redactor.register(info.substring(colon + 1));
            Redactor.register(endpoint.getUserInfo().substring(endpoint.getUserInfo().indexOf(':') + 1));
        }
        return URI.create(endpoint.getScheme() + "://" + endpoint.getHost() + (endpoint.getPort() == -1 ? "" : ":" + endpoint.getPort())
                + (endpoint.getRawPath() == null ? "" : endpoint.getRawPath()));
    }

    /** The storage classes AWS S3 documents (as the SDK knows them): checked when no endpoint is set. */
    static final Set<String> AWS_CLASSES = software.amazon.awssdk.services.s3.model.StorageClass.knownValues().stream()
            .map(Object::toString).collect(java.util.stream.Collectors.toUnmodifiableSet());

    /** Validates the section without any network I/O; null when a problem was recorded. */
    static S3Settings settings(ConfigSection s) {
        boolean ok = true;
        URI endpoint = null;
        // blank is an error: a template's empty endpoint would send a MinIO's credentials to AWS
        Optional<String> ep = s.optionalString("endpoint", "AWS S3 itself");
        if (ep.isPresent()) {
            try {
                endpoint = new URI(ep.get().trim());
                if (endpoint.getScheme() == null || endpoint.getHost() == null
                        || !(endpoint.getScheme().equals("http") || endpoint.getScheme().equals("https"))) {
                    s.error("endpoint", "endpoint must be an http:// or https:// URL, e.g. https://<account>.r2.cloudflarestorage.com"
                            + (HostPort.ipv6WithoutBrackets(ep.get()) ? HostPort.IPV6_URL_HINT : ""));
                    ok = false;
                } else if (endpoint.getRawQuery() != null || endpoint.getRawFragment() != null) {
                    // a pre-signed URL's ?X-Amz-Security-Token=...: the store's description would show it everywhere
                    s.error("endpoint", "endpoint must not hold a query string or fragment (the value is not shown: it may "
                            + "hold a token); S3 requests are signed with access_key/secret_key, e.g. https://s3.example.com");
                    endpoint = null;
                    ok = false;
                } else if (endpoint.getRawUserInfo() != null) {
                    endpoint = withoutUserInfo(endpoint);
                    s.warn("endpoint", "the user and password in the endpoint URL are never sent (S3 requests are signed "
                            + "with access_key/secret_key) and are left out; remove them from the URL");
                }
            } catch (URISyntaxException e) {
                s.error("endpoint", "endpoint is not a valid URL: " + e.getReason());
                ok = false;
            }
        }
        String region = s.optionalString("region", "us-east-1").orElse("us-east-1");
        Optional<String> bucket = s.requireString("bucket");
        if (bucket.isPresent() && !bucket.get().matches("[a-zA-Z0-9._-]{1,255}")) {
            s.error("bucket", "bucket must be a bucket name (letters, digits, '.', '-', '_'), not a path or URL; use prefix for a folder");
            ok = false;
        } else if (bucket.isPresent()) {
            // a warning only: legacy us-east-1 buckets and some S3-compatible services accept other names
            String name = bucket.get();
            S3BucketName.warning(name).ifPresent(w -> s.warn("bucket", w));
        }
        Optional<String> folder = s.folderPrefix("prefix");
        ok &= folder.isPresent();
        String prefix = folder.orElse("");
        Optional<Secret> access = s.secret("access_key");
        Optional<Secret> secret = s.secret("secret_key");
        boolean accessGiven = s.secretGiven("access_key");
        boolean secretGiven = s.secretGiven("secret_key");
        if (accessGiven != secretGiven) {
            s.error(accessGiven ? "secret_key" : "access_key",
                    "give both access_key and secret_key (as _env or _file), or neither to use the AWS default credential chain");
            ok = false;
        }
        boolean pathStyle = s.bool("path_style").orElse(false);
        String storageClass = s.optionalString("storage_class", "the bucket's default class").map(String::trim).orElse(null);
        if (storageClass != null && !s.has("endpoint") && !AWS_CLASSES.contains(storageClass)) {
            // AWS refuses an unknown class only at the first upload, at night; another S3 service has its own names
            String upper = storageClass.toUpperCase(java.util.Locale.ROOT);
            s.error("storage_class", "'" + storageClass + "' is not an AWS S3 storage class"
                    + (AWS_CLASSES.contains(upper) ? " (they are upper case: " + upper + ")" : "") + "; one of "
                    + String.join(", ", new java.util.TreeSet<>(AWS_CLASSES)) + " (another S3 service's classes are "
                    + "accepted as written when endpoint is set)");
            ok = false;
        }
        String sse = s.choice("sse", SSE).map(v -> v.equals("aes256") ? "AES256" : v).orElse(null);
        String kmsKey = s.optionalString("sse_kms_key_id", "the account's AWS-managed key").orElse(null);
        if (kmsKey != null && !"aws:kms".equals(sse)) {
            s.error("sse_kms_key_id", "sse_kms_key_id needs sse: aws:kms");
            ok = false;
        }
        long partSize = S3Settings.DEFAULT_PART_SIZE;
        Optional<String> ps = s.string("part_size");
        if (ps.isPresent()) {
            long parsed = ByteSize.parse(ps.get());
            if (parsed < PartPlan.MIN_PART || parsed > PartPlan.MAX_PART) {
                s.error("part_size", "part_size must be a size between 5MiB and 1GiB (e.g. 8MiB, 16MiB or a number of bytes), got '"
                        + ps.get() + "'");
                ok = false;
            } else {
                partSize = parsed;
            }
        }
        int concurrency = s.integer("upload_concurrency", 1, 64).orElse(S3Settings.DEFAULT_CONCURRENCY);
        boolean checksum = s.choice("checksum", Set.of("sha256", "none")).map("sha256"::equals).orElse(true);
        if (!ok || bucket.isEmpty() || (accessGiven && (access.isEmpty() || secret.isEmpty()))) {
            return null;
        }
        return new S3Settings(endpoint, region, bucket.get(), prefix, access.orElse(null), secret.orElse(null), pathStyle,
                storageClass, sse, kmsKey, partSize, concurrency, checksum, s.path());
    }
}
