package io.dbbackup.store.azure;

import io.dbbackup.core.ShellWords;
import io.dbbackup.core.StoredObject;
import io.dbbackup.core.UnfinishedUpload;
import io.dbbackup.spi.HeldObjectException;
import io.dbbackup.spi.NoSuchKeyException;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.Store;
import io.dbbackup.spi.Upload;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A container of an Azure Storage account (or a prefix inside one), over the Blob service's REST API. Nothing
 * connects before the first request. Uploads stage blocks and commit them with one Put Block List ({@link AzureUpload});
 * listings page through List Blobs and either return every blob or throw.
 */
public final class AzureStore implements Store {
    private static final int DELETE_THREADS = 8;

    private final AzureSettings cfg;
    /** What a refused sign-in or permission names ({@link AzureErrors#map}). */
    private final AzureCredentials credentials;
    final AzureHttp http;
    /** Blobs per List Blobs page (the service's maximum; tests page through smaller ones). */
    int pageSize = 5000;
    /** How long a read of a blob's content may wait for bytes ({@link StallGuard}). */
    java.time.Duration readTimeout = java.time.Duration.ofSeconds(120);

    AzureStore(AzureSettings cfg) {
        this.cfg = cfg;
        this.credentials = AzureCredentials.of(cfg);
        this.http = new AzureHttp(cfg);
    }

    AzureSettings settings() {
        return cfg;
    }

    AzureCredentials credentials() {
        return credentials;
    }

    /** The store's own prefix inside the bucket/container: every key the job writes has it in front. */
    @Override
    public String keyPrefix() {
        return cfg.prefix();
    }

    /** An Azure blob name has at most 254 path segments (names between '/'); the service refuses more. */
    @Override
    public java.util.OptionalInt keySegmentLimit() {
        return java.util.OptionalInt.of(254);
    }

    String fullName(String key) throws IOException {
        if (key.isEmpty() || key.startsWith("/") || key.contains("\\")) {
            throw new IOException("invalid key: " + key);
        }
        return cfg.prefix() + key;
    }

    @Override
    public Upload upload(String key, OperationContext ctx) throws IOException {
        return new AzureUpload(this, fullName(key), ctx);
    }

    /** A look, then a Put Blob with {@code If-None-Match: *}, which the service refuses if a blob has the name. */
    @Override
    public boolean putIfAbsent(String key, byte[] content, OperationContext ctx) throws IOException {
        return stat(key).isEmpty() && claim(key, content, ctx);
    }

    /** The conditional write alone, without the look first (tests call it to stand for a run the look missed). */
    boolean claim(String key, byte[] content, OperationContext ctx) throws IOException {
        return Store.writeIfAbsent(this, new AzureUpload(this, fullName(key), ctx).onlyIfAbsent(), key, content);
    }

    /**
     * The blob's content. A connection that drops or stalls mid-read is resumed from where it broke off (a ranged GET
     * of the same version: {@code If-Match} its ETag), up to {@value #RESUMES} times.
     */
    @Override
    public InputStream open(String key) throws IOException {
        String full = fullName(key);
        String location = cfg.location(full);
        AzureHttp.Fetched first = fetch(key, full, Map.of());
        long length = first.header("Content-Length").map(Long::parseLong).orElse(-1L);
        String etag = first.header("ETag").orElse(null);
        return new io.dbbackup.spi.ResumingInputStream(guarded(first.content(), location), length, offset -> {
            Map<String, String> range = new TreeMap<>(Map.of("x-ms-range", "bytes=" + offset + "-"));
            if (etag != null) {
                range.put("If-Match", etag);
            }
            AzureHttp.Fetched rest = fetch(key, full, range);
            String contentRange = rest.header("Content-Range").orElse("");
            if (rest.status() != 206 || !contentRange.startsWith("bytes " + offset + "-")) {
                rest.content().close();
                throw new io.dbbackup.spi.ResumingInputStream.NotResumable("azure get " + location
                        + " failed: asked for the rest from " + io.dbbackup.spi.ResumingInputStream.byteOf(offset, length)
                        + ", the service answered HTTP " + rest.status() + (contentRange.isEmpty() ? "" : " " + contentRange));
            }
            return guarded(rest.content(), location);
        }, RESUMES, location);
    }

    static final int RESUMES = 3;

    private AzureHttp.Fetched fetch(String key, String full, Map<String, String> headers) throws IOException {
        String location = cfg.location(full);
        AzureHttp.Fetched f;
        try {
            f = http.get(full, headers, readTimeout);
        } catch (IOException e) {
            throw AzureErrors.map("get", location, e);
        }
        if (f.refusal() != null) {
            if (f.refusal().status() == 412 && headers.containsKey("If-Match") && stat(key).isEmpty()) {
                // the rest of a blob deleted since the read began: Azurite answers 412 ConditionNotMet, not 404 (as
                // S3's and SFTP's reads say it: gone, not "the condition is not met", which reads as a replaced blob)
                throw new NoSuchKeyException(key);
            }
            IOException io = AzureErrors.map("get", location, f.refusal(), credentials);
            throw io instanceof NoSuchKeyException ? new NoSuchKeyException(key) : io;
        }
        return f;
    }

    /** A read timeout ({@link StallGuard}), and failures named as this store names them. */
    private InputStream guarded(InputStream content, String location) {
        return new FilterInputStream(new StallGuard(content, readTimeout, location)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return super.read(b, off, len);
                } catch (IOException e) {
                    boolean ours = e.getMessage() != null && e.getMessage().startsWith("azure ");
                    throw e instanceof InterruptedIOException || ours ? e : AzureErrors.map("get", location, e);
                }
            }
        };
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
        return objects(blobs(cfg.prefix() + prefix, false, false));
    }

    /** One level: List Blobs with delimiter '/', so a physical job's WAL archive below is not paged through. */
    @Override
    public List<StoredObject> listFolder(String folder) throws IOException {
        Store.requireFolder(folder);
        return objects(blobs(cfg.prefix() + folder, true, false));
    }

    private List<StoredObject> objects(List<BlobListing.Blob> blobs) {
        List<StoredObject> out = new ArrayList<>();
        for (BlobListing.Blob b : blobs) {
            if (b.name().startsWith(cfg.prefix()) && !b.name().endsWith("/")) {
                out.add(new StoredObject(b.name().substring(cfg.prefix().length()), b.size(), b.lastModified()));
            }
        }
        out.sort(Comparator.comparing(StoredObject::key));
        return out;
    }

    /** Every page of List Blobs under {@code full}; {@code uncommitted}: blobs that hold only staged blocks too. */
    private List<BlobListing.Blob> blobs(String full, boolean oneLevel, boolean uncommitted) throws IOException {
        List<BlobListing.Blob> out = new ArrayList<>();
        String marker = null;
        io.dbbackup.spi.PageMarkers markers = new io.dbbackup.spi.PageMarkers(cfg.location(full));
        do {
            Map<String, String> q = new TreeMap<>(Map.of("restype", "container", "comp", "list", "prefix", full,
                    "maxresults", Integer.toString(pageSize)));
            if (oneLevel) {
                q.put("delimiter", "/");
            }
            if (uncommitted) {
                q.put("include", "uncommittedblobs");
            }
            if (marker != null) {
                q.put("marker", marker);
            }
            AzureHttp.Response r = call("list", cfg.location(full), "GET", "", q, Map.of());
            BlobListing.Page page;
            try {
                page = BlobListing.page(r.body());
            } catch (IOException notAPage) {
                // a page that cannot say whether more follow is never taken for the last one: prune, restore's
                // "latest" and verify --max-age would go on with part of the backups as if they were all
                throw new IOException("the listing of " + cfg.location(full) + " failed: " + notAPage.getMessage()
                        + "; a listing cut short is never used", notAPage);
            }
            for (BlobListing.Blob b : page.blobs()) {
                if (b.name().startsWith(full) && (!oneLevel || b.name().indexOf('/', full.length()) < 0)) {
                    out.add(b);
                }
            }
            marker = markers.next(page.nextMarker());
        } while (marker != null);
        return out;
    }

    /**
     * Blobs under {@code prefix} that hold only staged blocks: uploads in progress and uploads a killed process left
     * (the service discards them after 7 days). Each with the bytes staged and the time its newest block was staged
     * (from the block ids; the blob's own time for another tool's blocks). A blob that also has a committed version
     * is not listed (a backup's key is new; its staged blocks go with the 7 days).
     */
    @Override
    public List<UnfinishedUpload> listUnfinished(String prefix) throws IOException {
        String full = cfg.prefix() + prefix;
        Set<String> committed = new HashSet<>();
        blobs(full, false, false).forEach(b -> committed.add(b.name()));
        List<UnfinishedUpload> out = new ArrayList<>();
        for (BlobListing.Blob b : blobs(full, false, true)) {
            if (committed.contains(b.name())) {
                continue;
            }
            List<BlobListing.Block> staged = stagedBlocks(b.name());
            if (staged.isEmpty()) {
                continue; // committed or removed meanwhile
            }
            long size = 0;
            Instant last = null;
            Set<String> tokens = new TreeSet<>();
            for (BlobListing.Block block : staged) {
                size += block.size();
                Optional<BlockId> id = BlockId.parse(block.id());
                tokens.add(id.map(BlockId::token).orElse("foreign"));
                Instant t = id.map(BlockId::staged).orElse(b.lastModified());
                last = last == null || t.isAfter(last) ? t : last;
            }
            out.add(new UnfinishedUpload(b.name().substring(cfg.prefix().length()), "staged blocks " + String.join(",", tokens),
                    size, last));
        }
        out.sort(Comparator.comparing(UnfinishedUpload::key));
        return out;
    }

    /** The blocks staged for blob {@code full} and not committed; empty when it has none (or is gone). */
    List<BlobListing.Block> stagedBlocks(String full) throws IOException {
        AzureHttp.Response r = call("block list of", cfg.location(full), "GET", full,
                Map.of("comp", "blocklist", "blocklisttype", "uncommitted"), Map.of(), 200, 404);
        return r.status() == 404 ? List.of() : BlobListing.blocks(r.body(), "UncommittedBlocks");
    }

    @Override
    public void removeUnfinished(UnfinishedUpload upload) throws IOException {
        discardStaged(fullName(upload.key()));
    }

    /**
     * Discards the blocks staged for blob {@code full} unless it has a committed version (then they stay until the
     * service drops them, 7 days after staging: there is no call to drop them that keeps the blob). First a Delete
     * Blob only if no blob exists ({@code If-None-Match: *}); a service that does not count a blob of staged blocks as
     * one (Azure answers 404) gets them committed as an empty blob, only if none exists, which drops every staged
     * block, and that empty blob deleted at once, only if unchanged ({@code If-Match}).
     */
    void discardStaged(String full) throws IOException {
        String location = cfg.location(full);
        AzureHttp.Response deleted = call("delete of staged blocks of", location, "DELETE", full, Map.of(),
                Map.of("If-None-Match", "*"), 202, 404, 409, 412);
        if (deleted.status() != 404 || stagedBlocks(full).isEmpty()) {
            return;
        }
        byte[] empty = "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList></BlockList>".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        AzureHttp.Response r = call("discard of staged blocks of", location, "PUT", full, Map.of("comp", "blocklist"),
                Map.of("If-None-Match", "*", "Content-Type", "application/xml"), empty, 201, 409, 412);
        if (r.status() != 201) {
            return; // a blob was committed meanwhile: its upload finished
        }
        String etag = r.header("ETag").orElseThrow(() -> new IOException("azure commit of " + location + " returned no ETag"));
        call("delete", location, "DELETE", full, Map.of(), Map.of("If-Match", etag), 202, 404, 412);
    }

    @Override
    public Optional<StoredObject> stat(String key) throws IOException {
        String full = fullName(key);
        AzureHttp.Response r = call("head", cfg.location(full), "HEAD", full, Map.of(), Map.of(), 200, 404);
        if (r.status() == 404) {
            return Optional.empty();
        }
        return Optional.of(new StoredObject(key, Long.parseLong(r.header("Content-Length").orElse("0")),
                r.header("Last-Modified").map(v -> ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant())
                        .orElse(Instant.EPOCH)));
    }

    @Override
    public void delete(String key) throws IOException {
        String full = fullName(key);
        AzureHttp.Response held = deleteUnlessHeld(full);
        if (held != null) {
            throw AzureErrors.held(cfg.location(full), held, retainedUntil(full, held));
        }
    }

    /** Deletes blob {@code full}: null once it is gone; the service's refusal when a policy or legal hold holds it. */
    private AzureHttp.Response deleteUnlessHeld(String full) throws IOException {
        String location = cfg.location(full);
        AzureHttp.Response r = call("delete", location, "DELETE", full, Map.of(), Map.of("x-ms-delete-snapshots", "include"),
                202, 404, 409);
        if (r.status() != 409) {
            return null;
        }
        if (!AzureErrors.held(r)) {
            throw AzureErrors.map("delete", location, r, credentials);
        }
        return r;
    }

    /**
     * The end of a held blob's retention, as its properties say it ({@code x-ms-immutability-policy-until-date}, set
     * by a version-level policy); null when they do not (a container-level policy) or cannot be read, and for a legal
     * hold (no date; not read): the refusal is said without it.
     */
    private Instant retainedUntil(String full, AzureHttp.Response refusal) {
        if (AzureErrors.code(refusal).endsWith("LegalHold")) {
            return null;
        }
        try {
            AzureHttp.Response head = http.send("HEAD", full, new TreeMap<>(), Map.of(), null, 0, 0);
            return head.ok() ? head.header("x-ms-immutability-policy-until-date")
                    .map(v -> ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant()).orElse(null) : null;
        } catch (IOException | java.time.DateTimeException e) {
            return null;
        }
    }

    /**
     * Deletes {@value #DELETE_THREADS} at a time (the WAL archive of a busy cluster holds thousands of segments); the
     * blobs an immutability policy or legal hold holds do not stop it: one {@link HeldObjectException} names them at
     * the end. Its message, as S3 says a DeleteObjects' refusals, counts them and names the first, whose retention's
     * end alone is read (one HEAD, not one per held blob). Another failure stops it: the deletes not begun are not
     * made, the ones under way are waited for, and the first failure in the order given is thrown as it was (its type,
     * whether a retry may fix it, its advice), its line led, when blobs were held, by their count and the first
     * ({@link HeldObjectException#heldThen(String, int, int, int, int, String, Exception)}, counted as the deletes
     * ended: deleted, failed, not tried). It used to be that failure's own line, the held blobs lost.
     */
    @Override
    public void deleteAll(List<String> keys) throws IOException {
        if (keys.size() <= 1) {
            HeldObjectException.deleteEach(describe(), keys, this::delete);
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(DELETE_THREADS, keys.size()), r -> {
            Thread t = new Thread(r, "azure-delete");
            t.setDaemon(true);
            return t;
        });
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        try {
            List<Future<Deleted>> done = new ArrayList<>();
            for (String key : keys) {
                done.add(pool.submit(() -> { // the others go on past a held blob; named at the end
                    if (stop.get()) {
                        return Deleted.NOT_TRIED;
                    }
                    try {
                        AzureHttp.Response held = deleteUnlessHeld(fullName(key));
                        return held == null ? Deleted.DELETED : new Deleted(held);
                    } catch (IOException | RuntimeException e) {
                        stop.set(true); // another failure: the deletes not begun are not made
                        throw e;
                    }
                }));
            }
            List<String> held = new ArrayList<>();
            int first = -1;
            AzureHttp.Response refusal = null;
            Throwable failure = null;
            int deleted = 0;
            int failed = 0;
            int notTried = 0;
            for (int i = 0; i < done.size(); i++) {
                Deleted d;
                try {
                    d = done.get(i).get();
                } catch (ExecutionException e) {
                    failed++;
                    failure = failure == null ? e.getCause() : failure;
                    continue;
                }
                if (d == Deleted.DELETED) {
                    deleted++;
                } else if (d == Deleted.NOT_TRIED) {
                    notTried++;
                } else {
                    held.add(keys.get(i));
                    first = first < 0 ? i : first;
                    refusal = refusal == null ? d.refusal() : refusal;
                }
            }
            if (failure != null) {
                if (!held.isEmpty() && (failure instanceof IOException || failure instanceof io.dbbackup.core.DbBackupException)) {
                    throw HeldObjectException.heldThen("delete of " + io.dbbackup.core.Human.count(keys.size(), "blob")
                            + " in " + describe(), deleted, failed, notTried, held.size(),
                            AzureErrors.first(fullName(keys.get(first)), refusal), (Exception) failure);
                }
                if (failure instanceof IOException io) {
                    throw io;
                }
                if (failure instanceof RuntimeException re) {
                    throw re;
                }
                throw new IOException(failure);
            }
            if (!held.isEmpty()) {
                String full = fullName(keys.get(first));
                throw AzureErrors.held(describe(), keys.size(), held, full, refusal, retainedUntil(full, refusal));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while deleting in " + describe());
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
    }

    /**
     * How one blob's delete in a {@link #deleteAll} ended: deleted, not tried ({@code tried} false), or held
     * ({@code refusal}: the answer).
     */
    private record Deleted(boolean tried, AzureHttp.Response refusal) {
        static final Deleted DELETED = new Deleted(true, null);
        static final Deleted NOT_TRIED = new Deleted(false, null);

        Deleted(AzureHttp.Response refusal) {
            this(true, refusal);
        }
    }

    /** One request whose answer must be one of {@code expected} (any 2xx when none are given); mapped otherwise. */
    AzureHttp.Response call(String action, String location, String method, String name, Map<String, String> query,
                            Map<String, String> headers, int... expected) throws IOException {
        return call(action, location, method, name, query, headers, null, expected);
    }

    /** As {@link #call(String, String, String, String, Map, Map, int...)}, with a body. */
    AzureHttp.Response call(String action, String location, String method, String name, Map<String, String> query,
                            Map<String, String> headers, byte[] body, int... expected) throws IOException {
        AzureHttp.Response r;
        try {
            r = http.send(method, name, query instanceof TreeMap ? query : new TreeMap<>(query), headers,
                    body, 0, body == null ? 0 : body.length);
        } catch (IOException e) {
            throw AzureErrors.map(action, location, e);
        }
        boolean wanted = expected.length == 0 ? r.ok() : java.util.Arrays.stream(expected).anyMatch(s -> s == r.status());
        if (!wanted || (r.status() == 404 && "ContainerNotFound".equals(AzureErrors.code(r)))) {
            throw AzureErrors.map(action, location, r, credentials);
        }
        return r;
    }

    /** A SAS's expiry ({@code se=}, a time or a date); empty for a key or Entra ID (their tokens renew themselves). */
    @Override
    public Optional<Instant> credentialsExpire() {
        return cfg.sasToken() == null ? Optional.empty() : SasExpiry.of(cfg.sasToken().reveal());
    }

    @Override
    public String describe() {
        return cfg.describe();
    }

    /**
     * {@code 'echo "LINE" | az storage blob upload --account-name A --container-name C --name PREFIX/KEY --data @-'}, with
     * {@code --blob-endpoint} for an emulator's or private endpoint's URL and {@code --auth-mode login} for a store that
     * signs in with Entra ID (a key or SAS is the az CLI's own: AZURE_STORAGE_KEY, AZURE_STORAGE_SAS_TOKEN; never here).
     */
    @Override
    public String howToWrite(String key, String line) {
        java.util.List<String> words = new java.util.ArrayList<>(List.of("az", "storage", "blob", "upload", "--account-name",
                cfg.account(), "--container-name", cfg.container(), "--name", cfg.prefix() + key, "--data", "@-"));
        if (!cfg.accountUrl().toString().equals("https://" + cfg.account() + ".blob.core.windows.net")) {
            words.addAll(List.of("--blob-endpoint", cfg.accountUrl().toString()));
        }
        if (cfg.accountKey() == null && cfg.sasToken() == null) {
            words.addAll(List.of("--auth-mode", "login"));
        }
        return ShellWords.echoPipedTo(line, words);
    }

    /**
     * The container's blob-name prefix, however the store's prefix and the job's split it (a store on {@code backups}
     * with the job prefix {@code prod} and one on {@code backups/prod} are one folder); the account is in its URL.
     */
    @Override
    public String location(String folder) {
        return "azure " + Store.place(cfg.accountUrl()) + " " + cfg.container() + "/" + cfg.prefix() + folder;
    }
}
