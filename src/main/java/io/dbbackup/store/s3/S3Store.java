package io.dbbackup.store.s3;

import io.dbbackup.core.CancelSignal;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Human;
import io.dbbackup.core.ShellWords;
import io.dbbackup.core.StoredObject;
import io.dbbackup.core.UnfinishedUpload;
import io.dbbackup.spi.NoSuchKeyException;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.ResumingInputStream;
import io.dbbackup.spi.Store;
import io.dbbackup.spi.StoreClosedException;
import io.dbbackup.spi.Upload;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.LegacyMd5Plugin;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListPartsRequest;
import software.amazon.awssdk.services.s3.model.ListPartsResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * An S3 bucket (or a prefix inside one). The client is built on first use, so reading the config
 * never touches the network. Uploads are multipart uploads of a stream of unknown length
 * ({@link S3Upload}); listing pages through ListObjectsV2 and either returns every key or throws.
 */
public final class S3Store implements Store {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** A request that moves no byte for this long fails as a stall of the store ({@link WatchedHttpClient}). */
    static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);
    static final int DELETE_BATCH = 1000;

    private final S3Settings cfg;
    private S3Client client;
    private WatchedHttpClient http;
    /** {@link #close} was called: {@link #client} refuses. */
    private boolean closed;
    /** How long a request may move no byte before it fails as a stall (tests shorten it). */
    Duration stallTimeout = STALL_TIMEOUT;
    /** The service answered a PutObject's {@code If-None-Match} with 501 NotImplemented: claims are a look, then a write. */
    volatile boolean conditionalWritesRefused;
    /** The wait before a conditional write answered 409 (another write of the key under way) is sent again. */
    Duration conflictPause = Duration.ofSeconds(2);
    /** The service answered DeleteObjects with 501 NotImplemented (GCS): {@link #deleteAll} deletes key by key. */
    private volatile boolean multiDeleteRefused;
    /** HeadBucket found the bucket (asked once, on the first HEAD that missed: {@link #requireBucket}). */
    private volatile boolean bucketSeen;
    /** How long an abort keeps retrying AbortMultipartUpload while the server is unreachable. */
    Duration abortRetryWindow = Duration.ofSeconds(30);

    S3Store(S3Settings cfg) {
        this.cfg = cfg;
    }

    S3Settings settings() {
        return cfg;
    }

    /**
     * The SDK's client, made on first use. After {@link #close} a refusal ("store X is closed"): a job's thread still
     * running when the command returned would otherwise make a new client, whose connections nobody closes.
     */
    synchronized S3Client client() {
        if (closed) {
            // the SDK's own failure, which every request's caller turns into its IOException, with this message and
            // the refusal as its cause (a job's words that name the store say it once: Failures.map)
            StoreClosedException closed = new StoreClosedException(cfg.describe());
            throw software.amazon.awssdk.core.exception.SdkClientException.create(closed.getMessage(), closed);
        }
        if (client == null) {
            SdkHttpClient base = ownClient(System.getenv()) ? new LargeWriteHttpClient(S3Store::connection)
                    : UrlConnectionHttpClient.builder().connectionTimeout(CONNECT_TIMEOUT).socketTimeout(STALL_TIMEOUT).build();
            http = new WatchedHttpClient(base, stallTimeout);
            client = buildClient(cfg, http);
        }
        return client;
    }

    /**
     * {@code request}, stopped when the current operation is cancelled ({@link CancelSignal}: SIGTERM, a job's timeout)
     * while it is on its way: it then fails at once (the SDK's {@link WatchedHttpClient.StoppedException}, mapped by the
     * caller as any failure). A backup's requests before its upload (the check that no backup has its key, the claim)
     * held a SIGTERM until the stall timeout on a slow or silent endpoint: the job was reported still stopping. A
     * request started once the operation is already cancelled goes out (a cancelled job's cleanup: the claim's
     * read-back and delete, an upload's abort); the stall timeout bounds it.
     */
    <T> T stoppable(java.util.function.Function<S3Client, T> request) {
        CancelSignal.Token cancel = CancelSignal.current();
        S3Client c = client();
        WatchedHttpClient h;
        synchronized (this) {
            h = http;
        }
        if (h == null || cancel.isCancelled()) {
            return request.apply(c);
        }
        Thread me = Thread.currentThread();
        Object by = new Object();
        boolean[] live = {true}; // guarded by 'by', as in get: a late hook must not stop this thread's next requests
        boolean[] stopped = {false}; // guarded by 'by': this request was stopped by the hook
        CancelSignal.Registration stop = cancel.onCancel(() -> {
            synchronized (by) {
                if (live[0]) {
                    stopped[0] = true;
                    h.stop(me, by);
                }
            }
        });
        try {
            return request.apply(c);
        } catch (software.amazon.awssdk.core.exception.SdkClientException e) {
            boolean byHook;
            synchronized (by) {
                byHook = stopped[0];
            }
            if (byHook) {
                // say why, as a stopped GET does: a backup tells the check it stopped itself from a refusing store by it
                throw software.amazon.awssdk.core.exception.SdkClientException.builder()
                        .message("the request was stopped: cancelled (" + cancel.reason() + ")").cause(e).build();
            }
            throw e;
        } finally {
            stop.close();
            synchronized (by) {
                live[0] = false;
                h.resume(me, by);
            }
        }
    }

    /** Closes the connections of the requests {@code threads} have on their way (an upload's workers, cut off). */
    void cutOff(java.util.Collection<Thread> threads) {
        WatchedHttpClient h;
        synchronized (this) {
            h = http;
        }
        if (h != null) {
            h.cutOff(threads);
        }
    }

    /**
     * No proxy in the environment: requests go through {@link LargeWriteHttpClient} over the JDK's connections
     * (http, or https with the JDK's default TLS context: its trust store, {@code javax.net.ssl.*} properties). The
     * SDK's client sends bodies in 4 KiB writes, and over http would also set up TLS it never uses (the JDK's whole
     * trust store parsed, 0.1–0.25 CPU-s in a fresh JVM, paid by every backup and every wal-push). With a
     * {@code *_PROXY} variable the SDK's client is kept: it reads those variables, the JDK does not.
     */
    static boolean ownClient(Map<String, String> env) {
        return Stream.of("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")
                .noneMatch(v -> env.get(v) != null && !env.get(v).isBlank());
    }

    private static HttpURLConnection connection(URI uri) {
        try {
            // the JDK's default proxy selector still applies (http.proxyHost and friends), as with the SDK's factory
            HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
            c.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
            // a read that waits this long is a stall: the answer to a request, or a download's next bytes
            c.setReadTimeout((int) STALL_TIMEOUT.toMillis());
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static S3Client buildClient(S3Settings cfg, SdkHttpClient httpClient) {
        AwsCredentialsProvider credentials = cfg.accessKey() == null
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(cfg.accessKey().reveal(), cfg.secretKey().reveal()));
        S3ClientBuilder b = S3Client.builder();
        b.httpClient(httpClient);
        b.region(Region.of(cfg.region()))
                .credentialsProvider(credentials)
                .forcePathStyle(cfg.pathStyle())
                // no aws-chunked bodies over http: parts are byte arrays of known length, so one SHA-256 of
                // the whole part replaces a signature per 128 KiB chunk (and the service's check of each)
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
                // we send our own SHA-256 per part; no automatic CRC trailers (not every S3-compatible takes them)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .putAuthScheme(ChecksumCoveredPayloadSigner.scheme())
                // Content-MD5 on the requests the API says must carry it (DeleteObjects): the SDK sends a CRC32
                // header instead since 2.30, and S3-compatibles that check the MD5 refused every multi-object delete
                .addPlugin(LegacyMd5Plugin.create())
                .overrideConfiguration(o -> o.retryStrategy(
                        AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(5).build())
                        .addExecutionInterceptor(new NotS3Guard())
                        .addExecutionInterceptor(new ServiceClock(cfg.service())));
        if (cfg.endpoint() != null) {
            b.endpointOverride(cfg.endpoint());
        }
        return b.build();
    }

    /** The store's own prefix inside the bucket/container: every key the job writes has it in front. */
    @Override
    public String keyPrefix() {
        return cfg.prefix();
    }

    String fullKey(String key) throws IOException {
        if (key.isEmpty() || key.startsWith("/") || key.contains("\\")) {
            throw new IOException("invalid key: " + key);
        }
        return cfg.prefix() + key;
    }

    @Override
    public Upload upload(String key, OperationContext ctx) throws IOException {
        return new S3Upload(this, fullKey(key), ctx);
    }

    /**
     * The object's content. A connection that drops or times out mid-read is resumed from where it broke off (a
     * ranged GetObject of the same version: {@code If-Match} its ETag), up to {@value #RESUMES} times.
     */
    @Override
    public InputStream open(String key) throws IOException {
        String full = fullKey(key);
        ResponseInputStream<GetObjectResponse> first = get(key, full, r -> { });
        Long contentLength = first.response().contentLength();
        long length = contentLength == null ? -1 : contentLength;
        String etag = first.response().eTag();
        return new ResumingInputStream(mapped(detached(first), key), length, offset -> {
            ResponseInputStream<GetObjectResponse> rest = get(key, full, r -> {
                r.range("bytes=" + offset + "-");
                if (etag != null) {
                    r.ifMatch(etag);
                }
            });
            String contentRange = rest.response().contentRange();
            if (contentRange == null || !contentRange.startsWith("bytes " + offset + "-")) {
                rest.abort();
                throw new ResumingInputStream.NotResumable("s3 get " + cfg.location(key) + " failed: asked for the rest from "
                        + ResumingInputStream.byteOf(offset, length) + ", the server answered "
                        + (contentRange == null ? "the whole object" : contentRange));
            }
            return mapped(detached(rest), key);
        }, RESUMES, cfg.location(key));
    }

    /** The content read by a thread of its own: a close from another thread (a cancellation) stops the read at once. */
    private static InputStream detached(ResponseInputStream<GetObjectResponse> in) {
        return new DetachedBody(in, in::abort);
    }

    static final int RESUMES = 3;

    /**
     * A look, then a PutObject with {@code If-None-Match: *}: exact where the service takes the condition (AWS since
     * 2024, MinIO, Ceph, R2, s3proxy); a service that ignores it leaves the look's window of one request.
     */
    @Override
    public boolean putIfAbsent(String key, byte[] content, OperationContext ctx) throws IOException {
        return stat(key).isEmpty() && claim(key, content, ctx);
    }

    /** The conditional write alone, without the look first (tests call it to stand for a run the look missed). */
    boolean claim(String key, byte[] content, OperationContext ctx) throws IOException {
        return Store.writeIfAbsent(this, new S3Upload(this, fullKey(key), ctx).onlyIfAbsent(), key, content);
    }

    /**
     * A GetObject, stopped when the current operation is cancelled ({@link CancelSignal}: SIGTERM, a job's timeout, a
     * resumed read's stream closed) while it waits for the answer: the cancellation's hooks used to be registered only
     * once {@link #open} returned, and a server that did not answer held the command for the stall timeout.
     */
    private ResponseInputStream<GetObjectResponse> get(String key, String full, Consumer<GetObjectRequest.Builder> more)
            throws IOException {
        CancelSignal.Token cancel = CancelSignal.current();
        S3Client c = client();
        WatchedHttpClient h;
        synchronized (this) {
            h = http;
        }
        if (h == null) {
            throw new IOException("s3 get " + cfg.location(key) + ": the store is closed");
        }
        Thread me = Thread.currentThread();
        Object by = new Object();
        boolean[] live = {true}; // guarded by 'by': a hook that runs after the GET ended (cancel runs hooks one after
        // another, outside its lock) must not stop this thread's next requests, which nothing would resume
        CancelSignal.Registration stop = cancel.onCancel(() -> {
            synchronized (by) {
                if (live[0]) {
                    h.stop(me, by);
                }
            }
        });
        try {
            return c.getObject(r -> {
                r.bucket(cfg.bucket()).key(full);
                more.accept(r);
            });
        } catch (SdkException e) {
            if (cancel.isCancelled()) {
                InterruptedIOException stopped = new InterruptedIOException("s3 get " + cfg.location(key)
                        + " was stopped: cancelled (" + cancel.reason() + ")");
                stopped.initCause(e);
                throw stopped;
            }
            IOException io = S3Errors.map(cfg, "get", cfg.location(key), e);
            throw io instanceof NoSuchKeyException ? new NoSuchKeyException(key) : io;
        } finally {
            stop.close();
            synchronized (by) {
                live[0] = false;
                h.resume(me, by);
            }
        }
    }

    /** Failures of the SDK's stream named as this store names them. */
    private InputStream mapped(InputStream in, String key) {
        return new FilterInputStream(in) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return super.read(b, off, len);
                } catch (SdkException e) {
                    throw S3Errors.map(cfg, "get", cfg.location(key), e);
                }
            }
        };
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
        return listObjects(cfg.prefix() + prefix, false);
    }

    /** One level: ListObjectsV2 with delimiter '/', so a physical job's WAL archive below is not paged through. */
    @Override
    public List<StoredObject> listFolder(String folder) throws IOException {
        Store.requireFolder(folder);
        return listObjects(cfg.prefix() + folder, true);
    }

    /** Every object under {@code full} (a bucket key prefix), or with {@code oneLevel} those not in a folder below it. */
    private List<StoredObject> listObjects(String full, boolean oneLevel) throws IOException {
        List<StoredObject> out = new ArrayList<>();
        try {
            ListObjectsV2Request.Builder req = ListObjectsV2Request.builder().bucket(cfg.bucket()).prefix(full);
            if (oneLevel) {
                req.delimiter("/");
            }
            io.dbbackup.spi.PageMarkers markers = new io.dbbackup.spi.PageMarkers("s3://" + cfg.bucket() + "/" + full);
            String token = null;
            do {
                ListObjectsV2Request pageRequest = req.continuationToken(token).build();
                ListObjectsV2Response page = stoppable(c -> c.listObjectsV2(pageRequest));
                for (S3Object o : page.contents()) {
                    String k = o.key();
                    if (k.startsWith(full) && !k.endsWith("/") && (!oneLevel || k.indexOf('/', full.length()) < 0)) {
                        out.add(new StoredObject(k.substring(cfg.prefix().length()), o.size(), o.lastModified()));
                    }
                }
                boolean truncated = Boolean.TRUE.equals(page.isTruncated());
                String next = page.nextContinuationToken();
                if (truncated && (next == null || next.isEmpty())) {
                    // a server that answers as the older ListObjects (at most a NextMarker): ending here would
                    // pass the first page off as every key (prune, restore's "latest")
                    throw new IOException("the listing of s3://" + cfg.bucket() + "/" + full + " failed: the server "
                            + "said the page was truncated but gave no continuation token for the next one (does it "
                            + "support ListObjectsV2?); a listing cut short is never used");
                }
                token = markers.next(truncated ? next : null);
            } while (token != null);
        } catch (SdkException e) {
            throw S3Errors.map(cfg, "list", "s3://" + cfg.bucket() + "/" + full, e);
        }
        out.sort(Comparator.comparing(StoredObject::key));
        return out;
    }

    /**
     * The incomplete multipart uploads under {@code prefix} (ListMultipartUploads), each with the size and the
     * last write of its parts (ListParts; its start while it has none). An upload completed or aborted between
     * the two requests is no longer there and is left out.
     */
    @Override
    public List<UnfinishedUpload> listUnfinished(String prefix) throws IOException {
        String full = cfg.prefix() + prefix;
        List<UnfinishedUpload> out = new ArrayList<>();
        String where = "s3://" + cfg.bucket() + "/" + full;
        try {
            // paged by hand, as listObjects: the SDK's paginator asks again for ever when a server repeats its markers,
            // and starts over at the first page when one says "truncated" without them
            io.dbbackup.spi.PageMarkers markers = new io.dbbackup.spi.PageMarkers(where + " (incomplete multipart uploads)");
            ListMultipartUploadsRequest.Builder req = ListMultipartUploadsRequest.builder().bucket(cfg.bucket()).prefix(full);
            String next;
            do {
                ListMultipartUploadsRequest pageRequest = req.build();
                ListMultipartUploadsResponse page = stoppable(c -> c.listMultipartUploads(pageRequest));
                for (MultipartUpload u : page.uploads()) {
                    if (u.key().startsWith(full)) {
                        partsOf(u).ifPresent(out::add);
                    }
                }
                boolean truncated = Boolean.TRUE.equals(page.isTruncated());
                String key = page.nextKeyMarker();
                if (truncated && (key == null || key.isEmpty())) {
                    throw new IOException("the listing of the incomplete multipart uploads in " + where + " failed: the "
                            + "server said the page was truncated but gave no key marker for the next one; a listing cut "
                            + "short is never used");
                }
                next = markers.next(truncated ? key + "\n" + page.nextUploadIdMarker() : null);
                req.keyMarker(key).uploadIdMarker(page.nextUploadIdMarker());
            } while (next != null);
        } catch (SdkException e) {
            throw S3Errors.map(cfg, "list of incomplete multipart uploads", where, e);
        }
        out.sort(Comparator.comparing(UnfinishedUpload::key));
        return out;
    }

    private Optional<UnfinishedUpload> partsOf(MultipartUpload u) throws IOException {
        long size = 0;
        Instant last = u.initiated();
        try {
            io.dbbackup.spi.PageMarkers markers = new io.dbbackup.spi.PageMarkers("the parts of multipart upload "
                    + u.uploadId() + " of s3://" + cfg.bucket() + "/" + u.key());
            ListPartsRequest.Builder req = ListPartsRequest.builder().bucket(cfg.bucket()).key(u.key()).uploadId(u.uploadId());
            String next;
            do {
                ListPartsRequest pageRequest = req.build();
                ListPartsResponse page = stoppable(c -> c.listParts(pageRequest));
                for (Part p : page.parts()) {
                    size += p.size() == null ? 0 : p.size();
                    if (p.lastModified() != null && (last == null || p.lastModified().isAfter(last))) {
                        last = p.lastModified();
                    }
                }
                boolean truncated = Boolean.TRUE.equals(page.isTruncated()) && page.nextPartNumberMarker() != null;
                next = markers.next(truncated ? String.valueOf(page.nextPartNumberMarker()) : null);
                req.partNumberMarker(page.nextPartNumberMarker());
            } while (next != null);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty(); // NoSuchUpload: completed or aborted meanwhile
            }
            throw e;
        }
        return Optional.of(new UnfinishedUpload(u.key().substring(cfg.prefix().length()), u.uploadId(), size,
                last == null ? Instant.EPOCH : last));
    }

    @Override
    public void removeUnfinished(UnfinishedUpload upload) throws IOException {
        String full = fullKey(upload.key());
        try {
            client().abortMultipartUpload(b -> b.bucket(cfg.bucket()).key(full).uploadId(upload.name()));
        } catch (S3Exception e) {
            if (e.statusCode() != 404 || S3Errors.noSuchBucket(e)) { // NoSuchUpload: already gone
                throw S3Errors.map(cfg, "abort of multipart upload " + upload.name(), cfg.location(upload.key()), e);
            }
        } catch (SdkException e) {
            throw S3Errors.map(cfg, "abort of multipart upload " + upload.name(), cfg.location(upload.key()), e);
        }
    }

    @Override
    public Optional<StoredObject> stat(String key) throws IOException {
        String full = fullKey(key);
        try {
            HeadObjectResponse h = stoppable(c -> c.headObject(r -> r.bucket(cfg.bucket()).key(full)));
            return Optional.of(new StoredObject(key, h.contentLength(), h.lastModified()));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                requireBucket("head " + cfg.location(key));
                return Optional.empty();
            }
            throw S3Errors.map(cfg, "head", cfg.location(key), e);
        } catch (SdkException e) {
            throw S3Errors.map(cfg, "head", cfg.location(key), e);
        }
    }

    /**
     * A HEAD's 404 has no body, so no code: a missing key and a missing bucket look alike, and a restore of a named backup
     * from a misspelt bucket said "no backup KEY". The first such 404 asks HeadBucket once per store: its 404 is the
     * missing bucket ({@code what} names the request that missed); any other answer (403 without s3:ListBucket) leaves
     * the miss a missing key.
     */
    private void requireBucket(String what) throws IOException {
        if (bucketSeen) {
            return;
        }
        try {
            stoppable(c -> c.headBucket(b -> b.bucket(cfg.bucket())));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw S3Errors.missingBucket(cfg, what + ": HTTP 404, and HeadBucket too");
            }
        } catch (SdkException e) {
            throw S3Errors.map(cfg, "head of bucket", "s3://" + cfg.bucket(), e);
        }
        bucketSeen = true;
    }

    @Override
    public void delete(String key) throws IOException {
        String full = fullKey(key);
        try {
            client().deleteObject(r -> r.bucket(cfg.bucket()).key(full));
        } catch (S3Exception e) {
            if (e.statusCode() == 404 && !S3Errors.noSuchBucket(e)) {
                return;
            }
            throw S3Errors.map(cfg, "delete", cfg.location(key), e);
        } catch (SdkException e) {
            throw S3Errors.map(cfg, "delete", cfg.location(key), e);
        }
    }

    /**
     * DeleteObjects, {@value #DELETE_BATCH} keys per request (S3's limit), quiet: only failures come back. Keys a lock
     * holds do not stop the next batches; one failure at the end counts the keys not deleted over every batch and
     * names the first. Another failure stops at its batch, counting the batches sent so far. A service without
     * DeleteObjects (Google Cloud Storage's XML API: 501 NotImplemented) has each key deleted on its own, from then on;
     * a 501 after batches it answered leaves one failure that counts the keys held over all the keys given, the
     * batches' and the ones deleted on their own. A single delete that fails for another reason stops there, as it
     * did, with its own failure led by the count of the keys a lock held before it ({@link S3Errors#heldThen}).
     */
    @Override
    public void deleteAll(List<String> keys) throws IOException {
        List<S3Error> refused = new ArrayList<>(); // of every batch sent
        int sent = 0;
        for (; sent < keys.size() && !multiDeleteRefused; sent += DELETE_BATCH) {
            List<String> batch = keys.subList(sent, Math.min(keys.size(), sent + DELETE_BATCH));
            List<S3Error> errors = deleteBatch(batch);
            if (errors == null) {
                break; // not implemented: this batch and the next ones key by key
            }
            refused.addAll(errors);
            if (!errors.stream().allMatch(e -> S3Errors.heldByLock(e.code(), e.message()))) {
                throw notDeleted(sent + batch.size(), refused); // not a lock: the prune stops as it did
            }
        }
        sent = Math.min(sent, keys.size());
        List<String> heldAlone = new ArrayList<>(); // of the keys deleted on their own
        io.dbbackup.spi.HeldObjectException firstHeldAlone = null;
        for (int i = sent; i < keys.size(); i++) {
            try {
                delete(keys.get(i));
            } catch (io.dbbackup.spi.HeldObjectException e) {
                heldAlone.add(keys.get(i));
                firstHeldAlone = firstHeldAlone == null ? e : firstHeldAlone;
            } catch (IOException | DbBackupException e) {
                if (refused.isEmpty() && heldAlone.isEmpty()) {
                    throw e;
                }
                // another failure stops the delete as it did; its line still counts the keys a lock held before it
                throw S3Errors.heldThen(cfg, keys.size(), i, refused,
                        heldAlone.stream().map(k -> cfg.prefix() + k).toList(), e);
            }
        }
        if (!refused.isEmpty()) { // one failure over every key given, the batches' and the ones deleted on their own
            throw S3Errors.notDeleted(cfg, keys.size(), refused, heldAlone, this::storeKey);
        }
        if (firstHeldAlone != null) { // as HeldObjectException.deleteEach: the first refusal's line, every key held
            throw new io.dbbackup.spi.HeldObjectException(firstHeldAlone.getMessage(), heldAlone);
        }
    }

    /** The failure of DeleteObjects of {@code asked} keys that did not delete {@code refused}: counted, the first named. */
    private IOException notDeleted(int asked, List<S3Error> refused) {
        return S3Errors.notDeleted(cfg, asked, refused, this::storeKey);
    }

    /** The key the store was given for the bucket's key {@code full}. */
    private String storeKey(String full) {
        return full.startsWith(cfg.prefix()) ? full.substring(cfg.prefix().length()) : full;
    }

    /**
     * One DeleteObjects of at most {@value #DELETE_BATCH} keys: the keys it did not delete (empty: all deleted), or null
     * when the service does not implement it (then {@link #multiDeleteRefused}, and nothing of {@code batch} was deleted).
     */
    private List<S3Error> deleteBatch(List<String> batch) throws IOException {
        List<ObjectIdentifier> ids = new ArrayList<>(batch.size());
        for (String key : batch) {
            ids.add(ObjectIdentifier.builder().key(fullKey(key)).build());
        }
        DeleteObjectsResponse response;
        try {
            response = client().deleteObjects(r -> r.bucket(cfg.bucket()).delete(d -> d.objects(ids).quiet(true)));
        } catch (SdkException e) {
            if (S3Errors.notImplemented(e)) {
                multiDeleteRefused = true;
                return null;
            }
            throw S3Errors.map(cfg, "delete of " + Human.count(batch.size(), "object"), cfg.location(batch.get(0)) + " …", e);
        }
        return response.hasErrors() ? response.errors() : List.of();
    }

    @Override
    public String describe() {
        return cfg.describe();
    }

    /**
     * {@code 'echo "LINE" | aws s3 cp - s3://BUCKET/PREFIX/KEY'} with what the aws CLI needs to reach the bucket as this
     * store does: {@code --endpoint-url} for an S3-compatible service, {@code --region} when not us-east-1, and the
     * store's {@code --sse} (a bucket policy may refuse an object without it). Credentials are the aws CLI's own.
     */
    @Override
    public String howToWrite(String key, String line) {
        java.util.List<String> words = new java.util.ArrayList<>(List.of("aws", "s3", "cp", "-", cfg.location(key)));
        if (cfg.endpoint() != null) {
            words.addAll(List.of("--endpoint-url", cfg.endpoint().toString()));
        }
        if (cfg.region() != null && !cfg.region().equals("us-east-1")) {
            words.addAll(List.of("--region", cfg.region()));
        }
        if (cfg.sse() != null) {
            words.addAll(List.of("--sse", cfg.sse()));
            if (cfg.kmsKeyId() != null) {
                words.addAll(List.of("--sse-kms-key-id", cfg.kmsKeyId()));
            }
        }
        return ShellWords.echoPipedTo(line, words);
    }

    /**
     * The bucket's key prefix, however the store's prefix and the job's split it: a store on {@code backups} with the
     * job prefix {@code prod} and a store on {@code backups/prod} without one are one folder. Keys are taken as written
     * (S3 keeps {@code a//b} apart from {@code a/b}); the region does not matter (a bucket's name is unique in it).
     */
    @Override
    public String location(String folder) {
        return "s3 " + (cfg.endpoint() == null ? "aws" : Store.place(cfg.endpoint())) + " " + cfg.bucket() + "/"
                + cfg.prefix() + folder;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (client != null) {
            client.close();
            client = null;
        }
        if (http != null) {
            http.close(); // given to the SDK, which does not close what it was given
            http = null;
        }
    }
}
