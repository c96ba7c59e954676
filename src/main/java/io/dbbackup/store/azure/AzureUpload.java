package io.dbbackup.store.azure;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.Upload;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One blob written as a stream of unknown length: a block blob whose blocks are staged (Put Block) by
 * {@code upload_concurrency} threads while the writer fills the next buffer, then committed with one Put Block List.
 * Staged blocks are invisible: nothing exists under the name before the commit, and an existing blob stays as it was.
 * Memory: {@code block_size × (concurrency + 1)}. Every block carries its MD5 ({@code Content-MD5}), which the service
 * checks on receipt (a block damaged on the way is sent again, up to 3 times); after the commit the blob's size is
 * checked. A blob smaller than one block is one Put Blob at commit. A failure or {@link #abort()} discards the staged
 * blocks ({@link AzureStore#discardStaged}).
 */
final class AzureUpload implements Upload {
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final SecureRandom RANDOM = new SecureRandom();
    static final int DAMAGED_ATTEMPTS = 3;
    /** Blocks of each size before the size doubles: 8 MiB blocks hold 78 GiB, the 50,000 allowed about 2.4 TiB. */
    static final int BLOCKS_PER_SIZE = 10_000;

    private final AzureStore store;
    private final AzureSettings cfg;
    private final String name;
    private final String location;
    private final OperationContext ctx;
    private final String token = HexFormat.of().formatHex(RANDOM.generateSeed(4));
    private final int maxBuffers;
    private final BlockingQueue<byte[]> free;
    private final Map<Integer, String> staged = new ConcurrentSkipListMap<>();
    private final List<Future<?>> inFlight = new ArrayList<>();
    private final OutputStream stream = new BlockStream();

    private int buffers;
    private byte[] buf;
    private int len;
    private long total;
    private int nextBlock = 1;
    private ExecutorService workers;
    private volatile Throwable failure;
    private boolean committed;
    private volatile boolean aborted;

    AzureUpload(AzureStore store, String name, OperationContext ctx) {
        this.store = store;
        this.cfg = store.settings();
        this.name = name;
        this.location = cfg.location(name);
        this.ctx = ctx;
        this.maxBuffers = cfg.concurrency() + 1;
        this.free = new ArrayBlockingQueue<>(maxBuffers);
    }

    /** The size of block {@code number} (1-based). */
    static long blockSize(long base, int number) {
        return Math.min(Math.max(base, AzureSettings.MAX_BLOCK_SIZE), base << Math.min(10, (number - 1) / BLOCKS_PER_SIZE));
    }

    @Override
    public OutputStream stream() {
        return stream;
    }

    private final class BlockStream extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int n) throws IOException {
            checkWritable();
            while (n > 0) {
                if (buf == null) {
                    buf = takeBuffer((int) blockSize(cfg.blockSize(), nextBlock));
                    len = 0;
                }
                int c = Math.min(n, buf.length - len);
                System.arraycopy(b, off, buf, len, c);
                len += c;
                off += c;
                n -= c;
                total += c;
                if (len == buf.length) {
                    stageBlock();
                }
            }
        }

        @Override
        public void close() {
            // closing the stream does not commit; the last (short) block is staged by commit()
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
            throw new IOException("azure upload of " + location + " failed: " + f, f);
        }
    }

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
                buffers--; // the block size grew
            }
        }
    }

    private void stageBlock() throws IOException {
        int number = nextBlock++;
        if (number > BlockId.MAX_BLOCKS) {
            throw new IOException("azure upload of " + location + " exceeds " + BlockId.MAX_BLOCKS + " blocks; raise block_size");
        }
        byte[] data = buf;
        int length = len;
        buf = null;
        len = 0;
        if (workers == null) {
            workers = Executors.newFixedThreadPool(cfg.concurrency(), r -> {
                Thread t = new Thread(r, "azure-block-" + THREADS.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        inFlight.add(workers.submit(() -> sendBlock(number, data, length)));
        inFlight.removeIf(Future::isDone);
    }

    private void sendBlock(int number, byte[] data, int length) {
        try {
            if (failure != null || aborted) {
                return;
            }
            String id = new BlockId(token, Instant.now(), number).encoded();
            TreeMap<String, String> query = new TreeMap<>(Map.of("comp", "block", "blockid", id));
            putChecked("stage block " + number + " of", query, Map.of(), data, length);
            staged.put(number, id);
        } catch (IOException | RuntimeException e) {
            if (failure == null) {
                failure = aborted ? new InterruptedIOException("aborted") : e;
            }
        } finally {
            free.offer(data);
        }
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
            if (!AzureErrors.damaged(r) || attempt >= DAMAGED_ATTEMPTS || aborted) {
                throw AzureErrors.map(action, location, r);
            }
            ctx.log().warn("the Blob service received a damaged block (its MD5 did not match); sending it again",
                    "object", location, "attempt", attempt + 1 + "/" + DAMAGED_ATTEMPTS);
        }
    }

    @Override
    public void commit() throws IOException {
        if (committed) {
            throw new IOException("upload of " + location + " is already committed");
        }
        try {
            checkWritable();
            if (nextBlock == 1) {
                byte[] data = buf == null ? new byte[0] : buf;
                Map<String, String> headers = new TreeMap<>(blobHeaders());
                headers.put("x-ms-blob-type", "BlockBlob");
                putChecked("put", new TreeMap<>(), headers, data, buf == null ? 0 : len);
            } else {
                if (len > 0) {
                    stageBlock();
                }
                awaitBlocks();
                commitBlockList();
            }
            verifySize();
            committed = true;
            ctx.log().debug("azure blob committed", "object", location, "bytes", total, "blocks", Math.max(1, nextBlock - 1));
        } catch (IOException | RuntimeException e) {
            abort();
            throw e;
        } finally {
            releaseBuffers();
        }
    }

    private void awaitBlocks() throws IOException {
        for (Future<?> f : inFlight) {
            try {
                while (true) {
                    try {
                        f.get(200, TimeUnit.MILLISECONDS);
                        break;
                    } catch (TimeoutException e) {
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
        if (staged.size() != nextBlock - 1) {
            throw new IOException("azure upload of " + location + " lost blocks: " + staged.size() + " of " + (nextBlock - 1) + " staged");
        }
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

    private void verifySize() throws IOException {
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
    }

    @Override
    public void abort() {
        if (committed || aborted) {
            return;
        }
        aborted = true;
        if (workers != null) {
            // blocks on their way are let finish (queued ones see 'aborted' and are not sent): a request cut off here
            // may still be staged by the service after the discard below, and would stay 7 days
            workers.shutdown();
            try {
                if (!workers.awaitTermination(60, TimeUnit.SECONDS)) {
                    workers.shutdownNow();
                    ctx.log().warn("azure block uploads still running after abort", "object", location);
                }
            } catch (InterruptedException e) {
                workers.shutdownNow();
                Thread.currentThread().interrupt();
            }
            try {
                store.discardStaged(name);
            } catch (IOException | RuntimeException e) {
                ctx.log().warn("could not discard the staged blocks; the Blob service drops them 7 days after staging",
                        "object", location, "error", e.getMessage());
            }
        }
        releaseBuffers();
    }

    private void releaseBuffers() {
        buf = null;
        free.clear();
    }

    @Override
    public void close() {
        abort();
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
