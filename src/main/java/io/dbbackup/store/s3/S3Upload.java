package io.dbbackup.store.s3;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.Upload;
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
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One object being written as a stream of unknown length.
 *
 * <p>Bytes fill a part buffer; each full part is handed to {@code upload_concurrency} worker threads
 * while the writer fills the next buffer. At most {@code concurrency + 1} buffers exist, so the
 * writer blocks (and the dump with it) when the network is slower than the dump: memory stays at
 * {@code part_size × (concurrency + 1)} plus what the HTTP client holds for requests in flight.
 * CreateMultipartUpload is sent at the first full part; an object smaller than one part is sent as one
 * PutObject at commit. Every part carries its SHA-256 ({@code x-amz-checksum-sha256}), which S3
 * verifies on receipt; after CompleteMultipartUpload the composite checksum (when the server returns
 * one) and the object's size (HeadObject) are checked. Any failure or {@link #abort()} sends
 * AbortMultipartUpload, retried while the server is unreachable, so no parts are left behind.
 */
final class S3Upload implements Upload {
    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Sends of one body the server found damaged on the way, in all. */
    static final int DAMAGED_ATTEMPTS = 3;

    private final S3Store store;
    private final S3Settings cfg;
    private final String key;
    private final String location;
    private final OperationContext ctx;
    private final PartPlan plan;
    private final int maxBuffers;
    private final BlockingQueue<byte[]> free;
    private final Map<Integer, CompletedPart> parts = new ConcurrentSkipListMap<>();
    private final Map<Integer, byte[]> partDigests = new ConcurrentSkipListMap<>();
    private final List<Future<?>> inFlight = new ArrayList<>();
    private final OutputStream stream = new PartStream();

    private int buffers;
    private byte[] buf;
    private int len;
    private long total;
    private int nextPart = 1;
    private String uploadId;
    private ExecutorService workers;
    private volatile Throwable failure;
    private boolean committed;
    private volatile boolean aborted;

    S3Upload(S3Store store, String key, OperationContext ctx) {
        this.store = store;
        this.cfg = store.settings();
        this.key = key;
        this.location = "s3://" + cfg.bucket() + "/" + key;
        this.ctx = ctx;
        this.plan = new PartPlan(cfg.partSize());
        this.maxBuffers = cfg.concurrency() + 1;
        this.free = new ArrayBlockingQueue<>(maxBuffers);
    }

    @Override
    public OutputStream stream() {
        return stream;
    }

    private final class PartStream extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int n) throws IOException {
            checkWritable();
            while (n > 0) {
                if (buf == null) {
                    buf = takeBuffer((int) plan.sizeOf(nextPart));
                    len = 0;
                }
                int c = Math.min(n, buf.length - len);
                System.arraycopy(b, off, buf, len, c);
                len += c;
                off += c;
                n -= c;
                total += c;
                if (len == buf.length) {
                    sendPart();
                }
            }
        }

        @Override
        public void close() {
            // closing the stream does not commit; the last (short) part is sent by commit()
        }
    }

    private void checkWritable() throws IOException {
        if (committed || aborted) {
            throw new IOException("upload of " + location + " is already " + (committed ? "committed" : "aborted"));
        }
        ctx.cancellation().throwIfCancelled();
        rethrowFailure();
    }

    private void rethrowFailure() throws IOException {
        Throwable f = failure;
        if (f instanceof IOException io) {
            throw io;
        }
        if (f instanceof RuntimeException re) {
            throw re;
        }
        if (f != null) {
            throw new IOException("s3 upload of " + location + " failed: " + f, f);
        }
    }

    /** A buffer of exactly {@code size} bytes: a free one, a new one while under the limit, or wait. */
    private byte[] takeBuffer(int size) throws IOException {
        while (true) {
            byte[] b = free.poll();
            if (b == null && buffers < maxBuffers) {
                buffers++;
                return new byte[size];
            }
            if (b == null) {
                try {
                    b = free.poll(200, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while uploading " + location);
                }
                checkWritable();
            }
            if (b != null) {
                if (b.length == size) {
                    return b;
                }
                buffers--; // the part size grew: drop the old buffer and allocate one of the new size
            }
        }
    }

    private void sendPart() throws IOException {
        if (uploadId == null) {
            createMultipartUpload();
        }
        int number = nextPart++;
        byte[] data = buf;
        int length = len;
        buf = null;
        len = 0;
        if (number > PartPlan.MAX_PARTS) {
            throw new IOException("s3 upload of " + location + " exceeds " + PartPlan.MAX_PARTS + " parts; raise part_size");
        }
        if (workers == null) {
            workers = Executors.newFixedThreadPool(cfg.concurrency(), r -> {
                Thread t = new Thread(r, "s3-part-" + THREADS.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        inFlight.add(workers.submit(() -> uploadPart(number, data, length)));
        inFlight.removeIf(Future::isDone);
    }

    private void createMultipartUpload() throws IOException {
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
            throw S3Errors.map("create multipart upload", location, e);
        }
        ctx.log().debug("s3 multipart upload started", "object", location, "upload_id", uploadId);
    }

    private void uploadPart(int number, byte[] data, int length) {
        try {
            if (failure != null || aborted) {
                return;
            }
            byte[] digest = sha256(data, length);
            UploadPartRequest.Builder req = UploadPartRequest.builder()
                    .bucket(cfg.bucket()).key(key).uploadId(uploadId).partNumber(number).contentLength((long) length);
            if (cfg.checksum()) {
                req.checksumAlgorithm(ChecksumAlgorithm.SHA256).checksumSHA256(Base64.getEncoder().encodeToString(digest));
            }
            UploadPartRequest request = req.build();
            UploadPartResponse r = resendingDamaged("part " + number, () -> store.client().uploadPart(request, body(data, length)));
            CompletedPart.Builder part = CompletedPart.builder().partNumber(number).eTag(r.eTag());
            if (cfg.checksum() && r.checksumSHA256() != null) {
                part.checksumSHA256(r.checksumSHA256());
            }
            partDigests.put(number, digest);
            parts.put(number, part.build());
        } catch (SdkException e) {
            if (failure == null) {
                failure = aborted ? new InterruptedIOException("aborted") : mapQuietly("upload part " + number + " of", refusal(e));
            }
        } catch (RuntimeException e) {
            if (failure == null) {
                failure = e;
            }
        } finally {
            free.offer(data);
        }
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
                if (attempt >= DAMAGED_ATTEMPTS || !S3Errors.damagedInTransit(e) || aborted) {
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
        if (!S3Errors.bodyBrokenOff(e) || aborted) {
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
            return S3Errors.map(action, location, e);
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
    public void commit() throws IOException {
        if (committed) {
            throw new IOException("upload of " + location + " is already committed");
        }
        try {
            checkWritable();
            if (uploadId == null) {
                putSingle();
            } else {
                if (len > 0) {
                    sendPart();
                }
                awaitParts();
                complete();
            }
            verifySize();
            committed = true;
            ctx.log().debug("s3 object committed", "object", location, "bytes", total, "parts", Math.max(1, nextPart - 1));
        } catch (IOException | RuntimeException e) {
            abort();
            throw e;
        } finally {
            releaseBuffers();
        }
    }

    private void putSingle() throws IOException {
        byte[] data = buf == null ? new byte[0] : buf;
        int length = buf == null ? 0 : len;
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
        try {
            PutObjectRequest request = req.build();
            resendingDamaged("object", () -> store.client().putObject(request, body(data, length)));
        } catch (SdkException e) {
            throw S3Errors.map("put", location, refusal(e));
        }
    }

    private void awaitParts() throws IOException {
        for (Future<?> f : inFlight) {
            try {
                while (true) {
                    try {
                        f.get(200, TimeUnit.MILLISECONDS);
                        break;
                    } catch (java.util.concurrent.TimeoutException e) {
                        ctx.cancellation().throwIfCancelled();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while uploading " + location);
            } catch (ExecutionException e) {
                failure = failure == null ? e.getCause() : failure;
            }
        }
        inFlight.clear();
        rethrowFailure();
        if (parts.size() != nextPart - 1) {
            throw new IOException("s3 upload of " + location + " lost parts: " + parts.size() + " of " + (nextPart - 1) + " stored");
        }
    }

    private void complete() throws IOException {
        List<CompletedPart> list = new ArrayList<>(parts.values());
        CompleteMultipartUploadResponse r;
        try {
            r = store.client().completeMultipartUpload(b -> b.bucket(cfg.bucket()).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(list)));
        } catch (SdkException e) {
            throw S3Errors.map("complete multipart upload", location, e);
        }
        uploadId = null; // completed: nothing left to abort
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

    private void verifySize() throws IOException {
        long size;
        try {
            size = store.client().headObject(b -> b.bucket(cfg.bucket()).key(key)).contentLength();
        } catch (SdkException e) {
            throw S3Errors.map("head", location, e);
        }
        if (size != total) {
            deleteQuietly();
            throw DbBackupException.integrity("s3 object " + location + " holds " + size + " bytes after upload but "
                    + total + " were sent; deleted it");
        }
    }

    private void deleteQuietly() {
        try {
            store.client().deleteObject(b -> b.bucket(cfg.bucket()).key(key));
        } catch (RuntimeException ignored) {
            // best effort
        }
    }

    @Override
    public void abort() {
        if (committed || aborted) {
            return;
        }
        aborted = true;
        if (workers != null) {
            workers.shutdownNow();
            try {
                if (!workers.awaitTermination(60, TimeUnit.SECONDS)) {
                    ctx.log().warn("s3 part uploads still running after abort", "object", location);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (uploadId != null) {
            abortMultipart();
        }
        releaseBuffers();
    }

    private void abortMultipart() {
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
        ctx.log().warn("could not abort the multipart upload; its parts stay in the bucket until a lifecycle rule "
                        + "(AbortIncompleteMultipartUpload) or an abort removes them",
                "object", location, "upload_id", uploadId,
                "error", e == null ? "server unreachable" : "HTTP " + e.statusCode());
    }

    private void releaseBuffers() {
        buf = null;
        free.clear();
    }

    @Override
    public void close() {
        abort();
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
