package io.dbbackup.store.azure;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.spi.ChunkedUpload;
import io.dbbackup.spi.KeyTakenException;
import io.dbbackup.spi.OperationContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * One blob written as a stream of unknown length: a block blob whose blocks are staged (Put Block) by
 * {@code upload_concurrency} threads while the writer fills the next buffer ({@link ChunkedUpload}), then committed
 * with one Put Block List. Staged blocks are invisible: nothing exists under the name before the commit, and an
 * existing blob stays as it was. Every block carries its MD5 ({@code Content-MD5}), which the service checks on receipt
 * (a block damaged on the way is sent again, up to 3 times); after the commit the blob's size is checked. A blob
 * smaller than one block is one Put Blob at commit. A failure or {@link #abort()} discards the staged blocks
 * ({@link AzureStore#discardStaged}).
 */
final class AzureUpload extends ChunkedUpload {
    private static final SecureRandom RANDOM = new SecureRandom();
    static final int DAMAGED_ATTEMPTS = 3;
    /** Blocks of each size before the size doubles: 8 MiB blocks hold 78 GiB, the 50,000 allowed about 2.4 TiB. */
    static final int BLOCKS_PER_SIZE = 10_000;

    private final AzureStore store;
    private final AzureSettings cfg;
    private final String name;
    private final String token = HexFormat.of().formatHex(RANDOM.generateSeed(4));
    private final Map<Integer, String> staged = new ConcurrentSkipListMap<>();
    /** Sent with {@code If-None-Match: *}: stored only if no blob has the name ({@link AzureStore#putIfAbsent}). */
    private boolean onlyIfAbsent;

    AzureUpload(AzureStore store, String name, OperationContext ctx) {
        super(store.settings().location(name), ctx, store.settings().concurrency(), "azure-block");
        this.store = store;
        this.cfg = store.settings();
        this.name = name;
    }

    /** This upload, to be stored only if no blob has its name: a taken name fails the commit with {@link KeyTakenException}. */
    AzureUpload onlyIfAbsent() {
        onlyIfAbsent = true;
        return this;
    }

    /** The size of block {@code number} (1-based). */
    static long blockSize(long base, int number) {
        return Math.min(Math.max(base, AzureSettings.MAX_BLOCK_SIZE), base << Math.min(10, (number - 1) / BLOCKS_PER_SIZE));
    }

    @Override
    protected int chunkSize(int number) {
        return (int) blockSize(cfg.blockSize(), number);
    }

    @Override
    protected int maxChunks() {
        return BlockId.MAX_BLOCKS;
    }

    @Override
    protected String tooManyChunksAdvice() {
        return "raise block_size";
    }

    @Override
    protected void sendChunk(int number, byte[] data, int length) throws IOException {
        String id = new BlockId(token, Instant.now(), number).encoded();
        putChecked("stage block " + number + " of", new TreeMap<>(Map.of("comp", "block", "blockid", id)), Map.of(), data, length);
        staged.put(number, id);
    }

    /**
     * A PUT of {@code data} with its MD5, sent again (up to {@link #DAMAGED_ATTEMPTS} times in all) while the service
     * refuses it as damaged on the way ({@link AzureErrors#damaged}): the bytes are still in memory.
     */
    private void putChecked(String action, TreeMap<String, String> query, Map<String, String> extra, byte[] data, int length)
            throws IOException {
        Map<String, String> headers = new TreeMap<>(extra);
        headers.put("Content-MD5", Base64.getEncoder().encodeToString(md5(data, length)));
        for (int attempt = 1; ; attempt++) {
            AzureHttp.Response r;
            try {
                r = store.http.send("PUT", name, query, headers, data, 0, length);
            } catch (IOException e) {
                throw AzureErrors.map(action, location, e);
            }
            if (r.ok()) {
                return;
            }
            // 409 BlobAlreadyExists / 412 ConditionNotMet: a blob has the name (only a Put Blob carries the condition)
            if (onlyIfAbsent && (r.status() == 409 || r.status() == 412) && query.isEmpty()) {
                throw new KeyTakenException(location);
            }
            if (!AzureErrors.damaged(r) || attempt >= DAMAGED_ATTEMPTS || aborted()) {
                throw AzureErrors.map(action, location, r, store.credentials());
            }
            ctx.log().warn("the Blob service received a damaged block (its MD5 did not match); sending it again",
                    "object", location, "attempt", attempt + 1 + "/" + DAMAGED_ATTEMPTS);
        }
    }

    @Override
    protected void commitWhole(byte[] data, int length) throws IOException {
        Map<String, String> headers = new TreeMap<>(blobHeaders());
        headers.put("x-ms-blob-type", "BlockBlob");
        if (onlyIfAbsent) {
            headers.put("If-None-Match", "*");
        }
        putChecked("put", new TreeMap<>(), headers, data, length);
    }

    @Override
    protected void commitChunks(int count) throws IOException {
        commitBlockList();
    }

    /** Put Block List of the blocks staged, in order; package-private for the test that sends it twice. */
    void commitBlockList() throws IOException {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>");
        // Latest, not Uncommitted: a commit the service made but whose answer the network lost is sent again, and must
        // find its blocks committed (the ids are this upload's own, so the latest version of each is the one sent)
        staged.values().forEach(id -> xml.append("<Latest>").append(id).append("</Latest>"));
        byte[] body = xml.append("</BlockList>").toString().getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new TreeMap<>(blobHeaders());
        headers.put("Content-Type", "application/xml");
        putChecked("commit of block list of", new TreeMap<>(Map.of("comp", "blocklist")), headers, body, body.length);
    }

    /** What the blob is created with: its content type and, when configured, its access tier. */
    private Map<String, String> blobHeaders() {
        Map<String, String> h = new TreeMap<>(Map.of("x-ms-blob-content-type", "application/octet-stream"));
        if (cfg.accessTier() != null) {
            h.put("x-ms-access-tier", cfg.accessTier());
        }
        return h;
    }

    @Override
    protected void checkCommitted(long total, int blocks) throws IOException {
        long size = store.stat(name.substring(cfg.prefix().length())).map(o -> o.size()).orElse(-1L);
        if (size != total) {
            try {
                store.call("delete", location, "DELETE", name, Map.of(), Map.of(), 202, 404);
            } catch (IOException | RuntimeException ignored) {
                // best effort; the integrity error below is what matters
            }
            throw DbBackupException.integrity("azure blob " + location + " holds " + size + " bytes after upload but "
                    + total + " were sent; deleted it");
        }
        ctx.log().debug("azure blob committed", "object", location, "bytes", total, "blocks", blocks);
    }

    @Override
    protected String leftIfNotDiscarded() {
        return "its staged blocks (the Blob service drops them 7 days after staging)";
    }

    @Override
    protected void discardChunks() {
        try {
            store.discardStaged(name);
        } catch (IOException | RuntimeException e) {
            ctx.log().warn("could not discard the staged blocks; the Blob service drops them 7 days after staging",
                    "object", location, "error", e.getMessage());
        }
    }

    private static byte[] md5(byte[] data, int length) {
        try {
            MessageDigest md = MessageDigest.getInstance("MD5");
            md.update(data, 0, length);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
