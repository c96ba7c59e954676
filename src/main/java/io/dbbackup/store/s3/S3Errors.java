package io.dbbackup.store.s3;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Human;
import io.dbbackup.core.Redactor;
import io.dbbackup.spi.NoSuchKeyException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.Set;

/**
 * Turns SDK exceptions into one clear line naming the operation, the object and the HTTP status.
 * Messages carry the S3 error code and text, never request headers, signatures or credentials.
 * Authentication and permission failures are permanent (a job retry cannot fix them); network
 * failures and 5xx (already retried by the SDK) are plain {@link IOException}s, so the job may retry.
 */
final class S3Errors {
    private static final Set<String> AUTH_CODES = Set.of("InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied",
            "ExpiredToken", "InvalidToken", "TokenRefreshRequired", "AuthorizationHeaderMalformed", "InvalidSecurity",
            "AccountProblem", "AllAccessDisabled", "InvalidClientTokenId", "UnrecognizedClientException");

    /**
     * The service's own "try again", whatever the status: RequestTimeout (400: it gave up on a link that moved no byte
     * for a while, not on the request), OperationAborted (409: another operation on the object or bucket was under way),
     * and the 5xx codes AWS may send in the body of a 200 (CompleteMultipartUpload).
     */
    private static final Set<String> TRANSIENT_CODES = Set.of("RequestTimeout", "InternalError", "SlowDown",
            "ServiceUnavailable", "OperationAborted", // 409: "A conflicting conditional operation is … in progress"
            "ConditionalRequestConflict"); // 409: another conditional write of the key under way ("you can retry")

    /** The server found the body damaged on the way: its digest did not match the one sent. A resend fixes it. */
    private static final Set<String> DAMAGED_CODES = Set.of("BadDigest", "XAmzContentSHA256Mismatch");

    /**
     * How the JDK reports a server that closed the connection on a request instead of (or after) answering it:
     * while the body was written, or before the answer could be read. s3proxy refuses a body this way.
     */
    private static final List<String> BROKEN_OFF = List.of("Error writing request body", "Unexpected end of file from server",
            "Connection reset", "Broken pipe");

    /** The characters of the service's error text kept in a message, after secrets are masked in it. */
    static final int MAX_TEXT = 200;

    private S3Errors() {
    }

    /** Whether the server refused a body because it arrived damaged (the bytes still in memory can be sent again). */
    static boolean damagedInTransit(SdkException e) {
        // an answer without a body (a HEAD's) has no code, and Set.of(...).contains(null) throws
        return e instanceof S3Exception s3 && s3.awsErrorDetails() != null && s3.awsErrorDetails().errorCode() != null
                && DAMAGED_CODES.contains(s3.awsErrorDetails().errorCode());
    }

    /** Whether the server refused a request for a header it does not implement (501 NotImplemented). */
    static boolean notImplemented(SdkException e) {
        return e instanceof S3Exception s3 && (s3.statusCode() == 501 || (s3.awsErrorDetails() != null
                && "NotImplemented".equals(s3.awsErrorDetails().errorCode())));
    }

    /** Whether the server broke the connection off without an answer we could read (see S3Upload#refusal). */
    static boolean bodyBrokenOff(SdkException e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof IOException && c.getMessage() != null && BROKEN_OFF.stream().anyMatch(c.getMessage()::contains)) {
                return true;
            }
        }
        return false;
    }

    static IOException map(String action, String location, SdkException e) {
        return map(null, action, location, e);
    }

    /** As {@link #map(String, String, SdkException)}, a missing bucket named with {@code cfg}'s endpoint and config key. */
    static IOException map(S3Settings cfg, String action, String location, SdkException e) {
        if (e instanceof S3Exception s3) {
            int status = s3.statusCode();
            String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
            String text = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorMessage();
            String line = "s3 " + action + " " + location + " failed: HTTP " + status
                    + (code == null ? "" : " " + code) + (text == null || text.isBlank() ? "" : " (" + Redactor.excerpt(oneLine(text), MAX_TEXT) + ")");
            line = Redactor.redact(line);
            if ("InvalidBucketName".equals(code) && cfg != null) { // no retry or credential fixes the name
                throw DbBackupException.permanent(line + S3BucketName.note(cfg.bucket()) + ": fix " + cfg.bucketKey()
                        + " in the config", null);
            }
            String region = bucketRegion(s3);
            if (region == null && "AuthorizationHeaderMalformed".equals(code)) {
                region = expectedRegion(s3); // MinIO, and AWS in the body: "the region 'x' is wrong; expecting 'y'"
            }
            if (region != null && (status == 301 || "PermanentRedirect".equals(code)
                    || "AuthorizationHeaderMalformed".equals(code) || "IllegalLocationConstraintException".equals(code))) {
                // AWS: the bucket is in another region than the store's; a HEAD's answer has only this header to say so
                throw DbBackupException.permanent(line + "; the bucket is in region " + region + ": set region: " + region
                        + " in the store", null);
            }
            if (action.startsWith("delete") && heldByLock(code, text)) {
                // AWS (a version in its retention period): 403 AccessDenied "Access Denied because object protected by
                // object lock"; MinIO: 400 InvalidRequest "Object is WORM protected and cannot be overwritten": no
                // credential or policy fixes it, and the backup is whole
                return new io.dbbackup.spi.HeldObjectException(line + "; " + HELD);
            }
            if ("NoSuchKey".equals(code) || (status == 404 && !"NoSuchBucket".equals(code) && action.startsWith("get"))) {
                return new NoSuchKeyException(location);
            }
            if ("InvalidObjectState".equals(code)) {
                // a 403, but no sign-in refused: the object is in GLACIER or DEEP_ARCHIVE (a lifecycle rule, storage_class)
                throw DbBackupException.permanent(line + "; the object is in an archive storage class (Glacier, Deep "
                        + "Archive) and cannot be read until it is restored from the archive (aws s3api restore-object, or "
                        + "the console); read-back needs a storage class without retrieval (e.g. STANDARD_IA, GLACIER_IR)", null);
            }
            if ("RequestTimeTooSkewed".equals(code)) { // signed with a time the service refuses: not the key's fault
                java.util.Optional<java.time.Duration> off = ServiceClock.offset(s3.awsErrorDetails() == null ? null
                        : s3.awsErrorDetails().sdkHttpResponse(), java.time.Instant.now()).filter(io.dbbackup.core.ClockSkew::tooFar);
                throw DbBackupException.permanent(line + "; " + off.map(o -> io.dbbackup.core.ClockSkew.describe(o,
                                ServiceClock.KIND) + " (its Date header)")
                        .orElse("this host's clock differs from the service's by more than 15 minutes")
                        + ": set it right (NTP: chrony, systemd-timesyncd)", null);
            }
            if ("AccessDenied".equals(code) && text != null && text.contains("kms:")) {
                // SSE-KMS: the bucket allowed the request, the KMS key's policy did not ("… is not authorized to perform:
                // kms:GenerateDataKey on resource: arn:aws:kms:…"): no S3 permission fixes it
                throw DbBackupException.permanent(line + "; the store's credentials may not use the KMS key the objects "
                        + "are encrypted with: grant the kms: action named (kms:GenerateDataKey to write, kms:Decrypt to "
                        + "read) on that key, in its key policy or IAM", null);
            }
            if ("AccessDenied".equals(code) && cfg != null) { // the key signed right; its policy does not allow this
                throw DbBackupException.permanent(line + "; check the store's credentials" + cfg.credentialPlaces(code)
                        + " and the bucket policy: they need " + permission(action) + " on bucket " + cfg.bucket()
                        + " (IAM or bucket policy)", null);
            }
            if ((code != null && AUTH_CODES.contains(code)) || status == 401 || status == 403) {
                throw DbBackupException.permanent(line + "; check the store's credentials"
                        + (cfg == null ? "" : cfg.credentialPlaces(code)) + " and the bucket policy", null);
            }
            if ("NoSuchBucket".equals(code)) {
                throw cfg == null ? DbBackupException.permanent(line + "; create the bucket or fix 'bucket'", null)
                        : missingBucket(cfg, action + " " + location + ": HTTP " + status + " " + code);
            }
            if (cfg != null && cfg.checksum() && permission(action).equals("s3:PutObject") && notImplemented(e)) {
                // a service without the flexible checksums (older Ceph RGW, some gateways) refuses the header on every
                // write: a retry, by the SDK or the job, cannot succeed; the config key that turns it off
                throw DbBackupException.permanent(line + "; the service does not implement a header this write carries: "
                        + "the checksum header x-amz-checksum-sha256 is the one S3-compatibles lack most often: set "
                        + "checksum: none in " + (cfg.section() == null ? "the store" : cfg.section()), null);
            }
            if (status >= 500 || status == 429 || status == 408 || (code != null && TRANSIENT_CODES.contains(code))) {
                return new IOException(line);
            }
            if (damagedInTransit(e)) { // the network, not the request: a retry of the job may succeed
                return new IOException(line + "; the bytes arrived damaged (their SHA-256 did not match the one sent) "
                        + "and were not stored");
            }
            throw DbBackupException.permanent(line, null);
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof NotS3Guard.NotS3 page) {
                String where = cfg == null ? "the endpoint" : cfg.service();
                throw DbBackupException.permanent(Redactor.redact("s3 " + action + " " + location + " failed: " + where
                        + " answered " + page.getMessage() + ", not as an S3 service: fix "
                        + (cfg == null || cfg.section() == null ? "the store's 'endpoint'" : cfg.section() + ".endpoint")
                        + " (the service's API URL, not its console or website)"), null);
            }
            if (c instanceof java.net.UnknownHostException && cfg != null && cfg.endpoint() != null && !cfg.pathStyle()
                    && resolves(cfg.endpoint().getHost())) {
                // the endpoint's host is known, the bucket's name before it is not: virtual-host addressing
                throw DbBackupException.permanent("s3 " + action + " " + location + " failed: cannot resolve "
                        + cfg.bucket() + "." + cfg.endpoint().getHost() + " (without path_style the bucket is put in the "
                        + "endpoint's host name, which this network's DNS does not have): set path_style: true in "
                        + (cfg.section() == null ? "the store" : cfg.section()) + " (MinIO and most self-hosted services "
                        + "need it)", null);
            }
            if (c instanceof WatchedHttpClient.StalledException stall) { // a store fault, retryable by the job
                return new IOException("s3 " + action + " " + location + " failed: " + oneLine(stall.getMessage()), e);
            }
        }
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : oneLine(e.getMessage());
        if (e instanceof SdkClientException && msg.contains("Unable to load credentials")) {
            throw DbBackupException.permanent("s3 " + action + " " + location
                    + " failed: no credentials (set access_key_env/secret_key_env or _file, or provide AWS credentials"
                    + " in the environment, a web identity token or an instance profile)", null);
        }
        String refused = certificateRefusal(e);
        if (refused != null) {
            throw DbBackupException.permanent("s3 " + action + " " + location + " failed: the server's TLS certificate was not "
                    + "accepted (" + refused + "); " + io.dbbackup.core.TlsRefusal.ADVICE, null);
        }
        if (isInterrupt(e)) {
            InterruptedIOException ie = new InterruptedIOException("s3 " + action + " " + location + " interrupted");
            ie.initCause(e);
            return ie;
        }
        return new IOException(Redactor.redact("s3 " + action + " " + location + " failed: " + msg), e);
    }

    /** What a delete refused by a lock means, after the service's own line. */
    static final String HELD = "the bucket's Object Lock (or the service's retention/WORM setting) holds the object: it "
            + "cannot be deleted before its retention ends (aws s3api get-object-retention shows the date); not a missing "
            + "permission";

    /** The words S3 services put in the refusal of a delete of an object under a retention lock or legal hold. */
    private static final java.util.regex.Pattern LOCK_WORDS = java.util.regex.Pattern.compile(
            "object ?lock|worm|retention|legal ?hold|compliance mode|governance mode|immutab", java.util.regex.Pattern.CASE_INSENSITIVE);

    /** Whether a delete's refusal ({@code code}, {@code text}) says the object is held by a lock, not denied to the key. */
    static boolean heldByLock(String code, String text) {
        return code != null && text != null && (code.equals("AccessDenied") || code.equals("InvalidRequest")
                || code.equals("ObjectLocked")) && LOCK_WORDS.matcher(text).find();
    }

    /**
     * DeleteObjects answered 200 and listed {@code errors}, the keys of the {@code asked} it did not delete (quiet mode:
     * the others were deleted). A refusal of the key's permission (a bucket policy denying {@code s3:DeleteObject} under
     * a prefix) is permanent and named with the permission; any other code stays a plain, retryable failure.
     */
    static IOException notDeleted(S3Settings cfg, int asked, List<software.amazon.awssdk.services.s3.model.S3Error> errors,
                                  java.util.function.UnaryOperator<String> storeKey) {
        return notDeleted(cfg, asked, errors, List.of(), storeKey);
    }

    /**
     * As {@link #notDeleted(S3Settings, int, List, java.util.function.UnaryOperator)}, where DeleteObjects was refused
     * (501) after some batches and the rest deleted key by key: {@code heldAlone}, the keys (as the store was given them)
     * a lock held among those, counted and listed after {@code errors}' (every one of which a lock held) of the
     * {@code asked} keys in all.
     */
    static IOException notDeleted(S3Settings cfg, int asked, List<software.amazon.awssdk.services.s3.model.S3Error> errors,
                                  List<String> heldAlone, java.util.function.UnaryOperator<String> storeKey) {
        // held only when a lock holds every key refused: another failure among them stops the prune as it did
        var held = errors.stream().allMatch(e -> heldByLock(e.code(), e.message()))
                ? errors.stream().findFirst() : java.util.Optional.<software.amazon.awssdk.services.s3.model.S3Error>empty();
        var refused = errors.stream().filter(e -> e.code() != null && AUTH_CODES.contains(e.code())
                && !heldByLock(e.code(), e.message())).findFirst();
        var named = refused.or(() -> held).orElse(errors.get(0));
        int failed = errors.size() + heldAlone.size();
        int deleted = asked - failed;
        String line = Redactor.redact("delete of " + Human.count(asked, "object") + " in " + cfg.describe() + " failed for "
                + failed + " of them (" + (deleted <= 0 ? "none was deleted" : "the other " + deleted
                + (deleted == 1 ? " was" : " were") + " deleted") + "), first " + named.key() + ": " + named.code()
                + (named.message() == null || named.message().isBlank() ? ""
                        : " (" + Redactor.excerpt(oneLine(named.message()), MAX_TEXT) + ")"));
        if (refused.isPresent()) {
            throw DbBackupException.permanent(line + "; check the store's credentials and the bucket policy: they need "
                    + permission("delete") + " on bucket " + cfg.bucket() + " for these keys (IAM or bucket policy; a Deny "
                    + "on their prefix?)", null);
        }
        if (held.isPresent()) {
            return new io.dbbackup.spi.HeldObjectException(line + "; " + HELD, java.util.stream.Stream.concat(
                    errors.stream().map(e -> storeKey.apply(e.key())), heldAlone.stream()).toList());
        }
        return new IOException(line);
    }

    /**
     * A delete of {@code asked} keys, key by key after DeleteObjects was refused (501), that failed at the key of index
     * {@code failedAt} for another reason than a lock ({@code failure}: a missing permission, the service's "try
     * again"), after a lock held keys: {@code refused}, the batches' (every one held), and {@code heldAlone}, the bucket's
     * keys held among the single deletes before it. The failure as it was (its type, whether a retry may fix it, its
     * advice), its line led by the count of the keys held and the first of them, which it used to lose.
     */
    static IOException heldThen(S3Settings cfg, int asked, int failedAt, List<software.amazon.awssdk.services.s3.model.S3Error> refused,
                                List<String> heldAlone, Exception failure) {
        String first = refused.isEmpty() ? heldAlone.get(0) : refused.get(0).key() + ": " + refused.get(0).code()
                + (refused.get(0).message() == null || refused.get(0).message().isBlank() ? ""
                        : " (" + Redactor.excerpt(oneLine(refused.get(0).message()), MAX_TEXT) + ")");
        return io.dbbackup.spi.HeldObjectException.heldThen("delete of " + Human.count(asked, "object") + " in "
                + cfg.describe(), asked, failedAt, refused.size() + heldAlone.size(), first, failure);
    }

    /** Whether the answer says the bucket does not exist (a GET's, a PUT's, a LIST's: a HEAD's 404 has no code). */
    static boolean noSuchBucket(S3Exception e) {
        return e.awsErrorDetails() != null && "NoSuchBucket".equals(e.awsErrorDetails().errorCode());
    }

    /**
     * The store's bucket does not exist: one line naming the bucket, the service and the config key to fix (a typo there
     * is the usual cause). A store error (exit 2, not retried), as bad credentials: the config is valid, the service
     * refuses it, and a bucket deleted or not yet created reads the same.
     */
    static DbBackupException missingBucket(S3Settings cfg, String answer) {
        return DbBackupException.permanent(Redactor.redact("s3 bucket '" + cfg.bucket() + "'" + S3BucketName.note(cfg.bucket()) + " does not exist at "
                + cfg.service() + " (" + answer + "): fix " + cfg.bucketKey() + " in the config, or create the bucket"), null);
    }

    private static boolean resolves(String host) {
        try {
            java.net.InetAddress.getByName(host);
            return true;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** The permission (IAM action) a request of {@code action} (as {@link #map} names them) needs. */
    static String permission(String action) {
        if (action.startsWith("list of incomplete")) {
            return "s3:ListBucketMultipartUploads";
        }
        if (action.startsWith("list")) {
            return "s3:ListBucket";
        }
        if (action.startsWith("abort")) {
            return "s3:AbortMultipartUpload";
        }
        if (action.startsWith("delete")) {
            return "s3:DeleteObject";
        }
        if (action.startsWith("get") || action.startsWith("head")) {
            return "s3:GetObject";
        }
        return "s3:PutObject"; // put, create/complete multipart upload, upload part
    }

    private static final java.util.regex.Pattern EXPECTED_REGION =
            java.util.regex.Pattern.compile("<Region>([a-z0-9-]{1,40})</Region>|expecting '([a-z0-9-]{1,40})'");

    /** The region an AuthorizationHeaderMalformed answer names in its body, or null. */
    private static String expectedRegion(S3Exception e) {
        String body = e.awsErrorDetails() == null || e.awsErrorDetails().rawResponse() == null ? ""
                : e.awsErrorDetails().rawResponse().asUtf8String();
        String text = e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null ? ""
                : e.awsErrorDetails().errorMessage();
        java.util.regex.Matcher m = EXPECTED_REGION.matcher(body + " " + text);
        return m.find() ? (m.group(1) != null ? m.group(1) : m.group(2)) : null;
    }

    /** The region AWS names in {@code x-amz-bucket-region} (answers about a bucket in another region), or null. */
    private static String bucketRegion(S3Exception e) {
        if (e.awsErrorDetails() == null || e.awsErrorDetails().sdkHttpResponse() == null) {
            return null;
        }
        return e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region")
                .filter(r -> r.matches("[a-z0-9-]{1,40}")).orElse(null);
    }

    static String certificateRefusal(Throwable e) {
        return io.dbbackup.core.TlsRefusal.reason(e);
    }

    /**
     * A cancellation, not a timeout: a {@link java.net.SocketTimeoutException} is an {@link InterruptedIOException}
     * too, but it is the network failing (retryable, said as a failure), not the user stopping the job.
     */
    static boolean isInterrupt(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof java.net.SocketTimeoutException) {
                return false;
            }
            if (c instanceof InterruptedException || c instanceof InterruptedIOException
                    || c.getClass().getSimpleName().equals("AbortedException")) {
                return true;
            }
        }
        return false;
    }

    private static String oneLine(String s) {
        String t = s.replaceAll("\\s+", " ").trim();
        // the SDK appends "(Service: S3, Status Code: 403, Request ID: ...)"; we state the status ourselves
        int i = t.indexOf(" (Service: ");
        t = i > 0 ? t.substring(0, i) : t;
        int a = t.indexOf(" (SDK Attempt Count: "); // the SDK's, on a client-side failure
        return a > 0 ? t.substring(0, a) : t;
    }
}
