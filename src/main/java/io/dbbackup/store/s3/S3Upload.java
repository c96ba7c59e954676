package io.dbbackup.store.s3;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.spi.ChunkedUpload;
import io.dbbackup.spi.KeyTakenException;
import io.dbbackup.spi.OperationContext;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * One object being written as a stream of unknown length: an S3 multipart upload whose parts are sent by
 * {@code upload_concurrency} threads while the writer fills the next buffer ({@link ChunkedUpload}: memory is
 * {@code part_size × (concurrency + 1)} plus what the HTTP client holds for requests in flight).
 * CreateMultipartUpload is sent at the first full part; an object smaller than one part is sent as one
 * PutObject at commit. Every part carries its SHA-256 ({@code x-amz-checksum-sha256}), which S3
 * verifies on receipt; after CompleteMultipartUpload the composite checksum (when the server returns
 * one) and the object's size (HeadObject) are checked. Any failure or {@link #abort()} sends
 * AbortMultipartUpload, retried while the server is unreachable, so no parts are left behind.
 */
final class S3Upload extends ChunkedUpload {
    /** Sends of one body the server found damaged on the way, in all. */
    static final int DAMAGED_ATTEMPTS = 3;

    private final S3Store store;
    private final S3Settings cfg;
    private final String key;
    private final PartPlan plan;
    private final Map<Integer, CompletedPart> parts = new ConcurrentSkipListMap<>();
    private final Map<Integer, byte[]> partDigests = new ConcurrentSkipListMap<>();
    private volatile String uploadId;
    /** CompleteMultipartUpload succeeded: the object under the key is this upload's, to delete if its check fails. */
    private boolean completed;
    /** Sent with {@code If-None-Match: *}: stored only if no object has the key ({@link S3Store#putIfAbsent}). */
    private boolean onlyIfAbsent;

    S3Upload(S3Store store, String key, OperationContext ctx) {
        super("s3://" + store.settings().bucket() + "/" + key, ctx, store.settings().concurrency(), "s3-part");
        this.store = store;
        this.cfg = store.settings();
        this.key = key;
        this.plan = new PartPlan(cfg.partSize());
    }

    /** This upload, to be stored only if no object has its key: a taken key fails the commit with {@link KeyTakenException}. */
    S3Upload onlyIfAbsent() {
        onlyIfAbsent = true;
        return this;
    }

    @Override
    protected int chunkSize(int number) {
        return (int) plan.sizeOf(number);
    }

    @Override
    protected int maxChunks() {
        return PartPlan.MAX_PARTS;
    }

    @Override
    protected String tooManyChunksAdvice() {
        return "raise part_size";
    }

    @Override
    protected void beforeFirstChunk() throws IOException {
        CreateMultipartUploadRequest.Builder req = CreateMultipartUploadRequest.builder()
                .bucket(cfg.bucket()).key(key).contentType("application/octet-stream");
        if (cfg.checksum()) {
            req.checksumAlgorithm(ChecksumAlgorithm.SHA256);
        }
        if (cfg.storageClass() != null) {
            req.storageClass(cfg.storageClass());
        }
        if (cfg.sse() != null) {
            req.serverSideEncryption(cfg.sse());
            if (cfg.kmsKeyId() != null) {
                req.ssekmsKeyId(cfg.kmsKeyId());
            }
        }
        try {
            uploadId = store.client().createMultipartUpload(req.build()).uploadId();
        } catch (SdkException e) {
            throw S3Errors.map(cfg, "create multipart upload", location, e);
        }
        ctx.log().debug("s3 multipart upload started", "object", location, "upload_id", uploadId);
    }

    @Override
    protected void sendChunk(int number, byte[] data, int length) throws IOException {
        byte[] digest = sha256(data, length);
        UploadPartRequest.Builder req = UploadPartRequest.builder()
                .bucket(cfg.bucket()).key(key).uploadId(uploadId).partNumber(number).contentLength((long) length);
        if (cfg.checksum()) {
            req.checksumAlgorithm(ChecksumAlgorithm.SHA256).checksumSHA256(Base64.getEncoder().encodeToString(digest));
        }
        UploadPartRequest request = req.build();
        UploadPartResponse r;
        try {
            r = resendingDamaged("part " + number, () -> store.client().uploadPart(request, body(data, length)));
        } catch (SdkException e) {
            Throwable mapped = mapQuietly("upload part " + number + " of", refusal(e));
            if (mapped instanceof IOException io) {
                throw io;
            }
            throw (RuntimeException) mapped;
        }
        CompletedPart.Builder part = CompletedPart.builder().partNumber(number).eTag(r.eTag());
        if (cfg.checksum() && r.checksumSHA256() != null) {
            part.checksumSHA256(r.checksumSHA256());
        }
        partDigests.put(number, digest);
        parts.put(number, part.build());
    }

    /**
     * {@code send}, sent again (up to {@link #DAMAGED_ATTEMPTS} times in all) while the server refuses the body as
     * damaged on the way (BadDigest against our x-amz-checksum-sha256): the bytes are still in memory, so one part
     * is resent instead of the whole backup failing. The SDK does not retry a 400.
     */
    private <T> T resendingDamaged(String what, java.util.function.Supplier<T> send) {
        for (int attempt = 1; ; attempt++) {
            try {
                return send.get();
            } catch (SdkException e) {
                if (attempt >= DAMAGED_ATTEMPTS || !S3Errors.damagedInTransit(e) || aborted()) {
                    throw e;
                }
                ctx.log().warn("the s3 server received a damaged body (its SHA-256 did not match); sending it again",
                        "object", location, "what", what, "attempt", attempt + 1 + "/" + DAMAGED_ATTEMPTS);
            }
        }
    }

    /**
     * The server's own answer when it broke a request off. Some servers (s3proxy, servers that ignore
     * {@code Expect: 100-continue}) read part of a body, answer 403 and close; the JDK's connection then reports only
     * the broken connection ({@link S3Errors#bodyBrokenOff}) and cannot read the answer. One bodiless request on the
     * bucket (HeadBucket) asks again: refused for the credentials, that refusal is the error (permanent, naming the
     * credentials); otherwise the broken connection stays the error (retryable, the network).
     */
    private SdkException refusal(SdkException e) {
        if (!S3Errors.bodyBrokenOff(e) || aborted()) {
            return e;
        }
        try {
            store.client().headBucket(b -> b.bucket(cfg.bucket()));
            return e;
        } catch (S3Exception answer) {
            return answer.statusCode() == 401 || answer.statusCode() == 403 ? answer : e;
        } catch (SdkException other) {
            return e;
        }
    }

    private Throwable mapQuietly(String action, SdkException e) {
        try {
            return S3Errors.map(cfg, action, location, e);
        } catch (DbBackupException d) {
            return d;
        }
    }

    private static RequestBody body(byte[] data, int length) {
        // no copy: the SDK asks for a new stream on each retry
        ContentStreamProvider provider = () -> new ByteArrayInputStream(data, 0, length);
        return RequestBody.fromContentProvider(provider, length, "application/octet-stream");
    }

    @Override
    protected void commitWhole(byte[] data, int length) throws IOException {
        byte[] digest = sha256(data, length);
        PutObjectRequest.Builder req = PutObjectRequest.builder().bucket(cfg.bucket()).key(key)
                .contentLength((long) length).contentType("application/octet-stream")
                .metadata(Map.of("sha256", HexFormat.of().formatHex(digest)));
        if (cfg.checksum()) {
            req.checksumAlgorithm(ChecksumAlgorithm.SHA256).checksumSHA256(Base64.getEncoder().encodeToString(digest));
        }
        if (cfg.storageClass() != null) {
            req.storageClass(cfg.storageClass());
        }
        if (cfg.sse() != null) {
            req.serverSideEncryption(cfg.sse());
            if (cfg.kmsKeyId() != null) {
                req.ssekmsKeyId(cfg.kmsKeyId());
            }
        }
        boolean conditional = onlyIfAbsent && !store.conditionalWritesRefused;
        if (conditional) {
            req.ifNoneMatch("*");
        }
        try {
            try {
                put(req.build(), data, length);
            } catch (SdkException e) {
                if (!(conditional && status(e) == 409)) {
                    throw e;
                }
                // 409 ConditionalRequestConflict: another conditional write of the key was under way, whose outcome is
                // not known yet (it may fail, or be this run's own request sent again after a lost answer); not "taken".
                // Asked once more, still conditional, once it may have ended: 412 then if it stored something
                ctx.log().debug("another conditional write of the object was under way (409); writing it again",
                        "object", location);
                pause(store.conflictPause);
                put(req.build(), data, length);
            }
        } catch (SdkException e) {
            if (conditional && status(e) == 412) { // an object has the key
                throw new KeyTakenException(location);
            }
            if (conditional && status(e) == 409) {
                // still under way: whose the key is cannot be told, and nothing was written; the job's retry asks again
                throw new IOException(S3Errors.map(cfg, "put", location, refusal(e)).getMessage() + "; another write of "
                        + "this key was under way twice in a row (two runs of one job at once?); nothing was written or "
                        + "replaced", e);
            }
            if (conditional && S3Errors.notImplemented(e)) {
                // a service without conditional writes that says so (as AWS did before 2024): the look made before
                // (S3Store#putIfAbsent) is the claim, as with a service that ignores the header; not asked again
                store.conditionalWritesRefused = true;
                ctx.log().debug("the s3 service does not take If-None-Match; the look before the write is the claim",
                        "object", location);
                try {
                    put(req.ifNoneMatch(null).build(), data, length);
                    return;
                } catch (SdkException plain) {
                    throw S3Errors.map(cfg, "put", location, refusal(plain));
                }
            }
            throw S3Errors.map(cfg, "put", location, refusal(e));
        }
    }

    private static int status(SdkException e) {
        return e instanceof S3Exception s ? s.statusCode() : -1;
    }

    private static void pause(java.time.Duration d) throws IOException {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
    }

    private void put(PutObjectRequest request, byte[] data, int length) {
        resendingDamaged("object", () -> store.stoppable(c -> c.putObject(request, body(data, length))));
    }

    @Override
    protected void commitChunks(int count) throws IOException {
        List<CompletedPart> list = new ArrayList<>(parts.values());
        CompleteMultipartUploadResponse r;
        try {
            r = store.client().completeMultipartUpload(b -> b.bucket(cfg.bucket()).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(list)));
        } catch (SdkException | java.io.UncheckedIOException e) {
            // the answer was lost or refused after the request went out: the object may be complete under its key all
            // the same (a connection cut while S3 sent its answer). This run claimed the key, so what is there is its
            // own: deleted, so that a failed upload leaves nothing under the key
            deleteQuietly();
            if (e instanceof SdkException sdk) {
                throw S3Errors.map(cfg, "complete multipart upload", location, sdk);
            }
            throw new IOException("s3 complete multipart upload " + location + " failed: the connection broke off ("
                    + e.getCause().getMessage() + ")", e);
        }
        uploadId = null; // completed: nothing left to abort
        completed = true;
        if (cfg.checksum() && r.checksumSHA256() != null) {
            String expected = compositeChecksum();
            String got = r.checksumSHA256();
            int dash = got.indexOf('-');
            if (!(dash > 0 ? got.substring(0, dash) : got).equals(expected)) {
                deleteQuietly();
                throw DbBackupException.integrity("s3 object " + location + " has checksum " + got
                        + " but the parts sent hash to " + expected + "-" + list.size() + "; deleted it");
            }
        }
    }

    /** S3's checksum of a multipart object: SHA-256 over the concatenated part digests. */
    private String compositeChecksum() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            partDigests.values().forEach(md::update);
            return Base64.getEncoder().encodeToString(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected void checkCommitted(long total, int count) throws IOException {
        long size;
        try {
            size = store.client().headObject(b -> b.bucket(cfg.bucket()).key(key)).contentLength();
        } catch (SdkException e) {
            // the check could not be made: the upload fails, and the object this run completed must not stay under
            // its key, unlisted (its sidecars go with the failed run) and never pruned (as after a lost completion answer)
            if (completed) {
                deleteQuietly();
            }
            throw S3Errors.map(cfg, "head", location, e);
        }
        if (size != total) {
            deleteQuietly();
            throw DbBackupException.integrity("s3 object " + location + " holds " + size + " bytes after upload but "
                    + total + " were sent; deleted it");
        }
        ctx.log().debug("s3 object committed", "object", location, "bytes", total, "parts", count);
    }

    private void deleteQuietly() {
        try {
            store.client().deleteObject(b -> b.bucket(cfg.bucket()).key(key));
        } catch (RuntimeException ignored) {
            // best effort
        }
    }

    @Override
    protected void cutOff(java.util.Collection<Thread> threads) {
        store.cutOff(threads);
        super.cutOff(threads);
    }

    @Override
    protected String leftIfNotDiscarded() {
        return "the multipart upload " + uploadId;
    }

    @Override
    protected void discardChunks() {
        if (uploadId == null) {
            return; // CreateMultipartUpload failed, or the upload completed
        }
        long deadline = System.nanoTime() + store.abortRetryWindow.toNanos();
        long pause = 500;
        S3Client s3 = store.client();
        while (true) {
            try {
                s3.abortMultipartUpload(b -> b.bucket(cfg.bucket()).key(key).uploadId(uploadId));
                ctx.log().debug("s3 multipart upload aborted", "object", location, "upload_id", uploadId);
                uploadId = null;
                return;
            } catch (S3Exception e) {
                if (e.statusCode() == 404) { // NoSuchUpload: already gone
                    uploadId = null;
                    return;
                }
                if (e.statusCode() < 500 && e.statusCode() != 429) {
                    warnOrphan(e);
                    return;
                }
            } catch (SdkException e) {
                // unreachable: keep trying until the window closes
            }
            if (System.nanoTime() + pause * 1_000_000L > deadline) {
                warnOrphan(null);
                return;
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                warnOrphan(null);
                return;
            }
            pause = Math.min(pause * 2, 4000);
        }
    }

    private void warnOrphan(S3Exception e) {
        ctx.log().warn("could not abort the multipart upload; its parts stay in the bucket (billed as stored data) until the "
                        + "job's prune removes them once a day old (or an abort, or a lifecycle rule "
                        + "AbortIncompleteMultipartUpload)",
                "object", location, "upload_id", uploadId,
                "error", e == null ? "server unreachable" : "HTTP " + e.statusCode());
    }

    private static byte[] sha256(byte[] data, int length) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(data, 0, length);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
