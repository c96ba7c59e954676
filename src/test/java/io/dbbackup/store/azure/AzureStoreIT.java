package io.dbbackup.store.azure;

import io.dbbackup.core.Secret;
import io.dbbackup.spi.CredentialedStoreContract;
import io.dbbackup.spi.Store;
import io.dbbackup.testkit.AzuriteServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import io.dbbackup.core.StoredObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The store contract against Azurite, with 4 MiB blocks (the contract's multi-chunk stream is three). */
class AzureStoreIT extends CredentialedStoreContract {
    static final String CONTAINER = "contract";
    static final String WRONG_KEY = Base64.getEncoder().encodeToString(UUID.randomUUID().toString().getBytes());
    static AzuriteServer azurite;

    @BeforeAll
    static void startServer() throws Exception {
        azurite = new AzuriteServer();
        AzureFixture.createContainer(azurite, CONTAINER);
    }

    @AfterAll
    static void stopServer() {
        if (azurite != null) {
            azurite.close();
        }
    }

    @Override
    protected Store createStore() {
        return AzureFixture.store(azurite, CONTAINER, "t-" + UUID.randomUUID() + "/", 4L << 20, 2);
    }

    @Override
    protected boolean claimWithoutLooking(String key, byte[] content) throws java.io.IOException {
        return ((AzureStore) store).claim(key, content, ctx());
    }

    @Override
    protected Store createStoreWithBadCredentials() {
        AzureSettings good = AzureFixture.settings(azurite, CONTAINER, "bad/", 4L << 20, 2);
        return new AzureStore(new AzureSettings(good.accountUrl(), good.account(), good.container(), good.prefix(),
                new Secret(WRONG_KEY, "test"), null, good.blockSize(), 2, null, null, null, null));
    }

    @Override
    protected List<String> badCredentialSecrets() {
        return List.of(WRONG_KEY, azurite.accountKey());
    }

    /** Listings page through List Blobs (here 100 a page) to the last page, at any depth and one level. */
    @Test
    void listingsPageToTheEnd() throws Exception {
        AzureStore paged = AzureFixture.store(azurite, CONTAINER, "paged-" + UUID.randomUUID() + "/", 4L << 20, 1);
        paged.pageSize = 100;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> puts = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            String key = String.format("job/db-%04d.sql", i);
            puts.add(pool.submit(() -> {
                paged.put(key, key.getBytes(StandardCharsets.UTF_8), ctx());
                return null;
            }));
        }
        for (int i = 0; i < 130; i++) {
            String key = String.format("job/wal/%08X", i);
            puts.add(pool.submit(() -> {
                paged.put(key, key.getBytes(StandardCharsets.UTF_8), ctx());
                return null;
            }));
        }
        for (Future<?> f : puts) {
            f.get();
        }
        pool.shutdown();
        assertThat(paged.list("job/")).hasSize(380);
        assertThat(paged.list("job/wal/")).hasSize(130).allSatisfy(o -> assertThat(o.size()).isEqualTo(o.key().length()));
        assertThat(paged.listFolder("job/")).hasSize(250).extracting(StoredObject::key)
                .first().isEqualTo("job/db-0000.sql");
        paged.deleteAll(paged.list("job/").stream().map(StoredObject::key).toList());
        assertThat(paged.list("")).isEmpty();
    }

    /**
     * A bit flipped inside a block on the way (a relay between client and Azurite) is refused by the service against
     * the block's Content-MD5; the block is still in memory and is sent again, and the blob holds the data.
     */
    @Test
    void aBlockChangedOnTheWayIsRefusedByTheServiceAndSentAgain() throws Exception {
        byte[] data = new byte[(9 << 20) + 5];
        new java.util.Random(11).nextBytes(data);
        try (io.dbbackup.testkit.CorruptingRelay relay = new io.dbbackup.testkit.CorruptingRelay(azurite.endpoint(), 1_000_000, 1)) {
            AzureSettings direct = AzureFixture.settings(azurite, CONTAINER, "flip-" + UUID.randomUUID() + "/", 4L << 20, 2);
            AzureSettings viaRelay = new AzureSettings(java.net.URI.create(relay.uri() + "/" + AzuriteServer.ACCOUNT),
                    direct.account(), direct.container(), direct.prefix(), direct.accountKey(), null, direct.blockSize(), 2, null, null, null, null);
            try (Store store = new AzureStore(viaRelay); var upload = store.upload("big.bin", ctx())) {
                upload.stream().write(data);
                upload.commit();
            }
            assertThat(relay.flipped()).as("a bit was flipped inside a block").isEqualTo(1);
            assertThat(logText.toString()).contains("received a damaged block");
            try (Store store = new AzureStore(direct); var in = store.open("big.bin")) {
                assertThat(in.readAllBytes()).as("what is stored is the data, not the damaged bytes").isEqualTo(data);
            }
        }
    }

    /**
     * A download whose connection stalls after the headers (a server, here a raw socket, that sends 100 bytes and then
     * nothing) is asked for again from where it stopped (a ranged GET) after the read timeout, each time; when it
     * stalls every time it fails with one line, instead of hanging a restore, that names the byte reached.
     */
    @Test
    void aStalledDownloadIsResumedThenFailsAfterTheReadTimeout() throws Exception {
        List<String> ranges = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 16, java.net.InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        java.net.Socket s = server.accept();
                        byte[] head = new byte[8192];
                        int n = s.getInputStream().read(head);
                        String request = new String(head, 0, Math.max(0, n), StandardCharsets.US_ASCII);
                        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)x-ms-range: bytes=(\\d+)-").matcher(request);
                        boolean ranged = m.find();
                        long from = ranged ? Long.parseLong(m.group(1)) : 0;
                        ranges.add(ranged ? "from " + from : "whole");
                        String status = from == 0 ? "200 OK" : "206 Partial Content\r\nContent-Range: bytes " + from + "-999999/1000000";
                        s.getOutputStream().write(("HTTP/1.1 " + status + "\r\nContent-Length: " + (1_000_000 - from) + "\r\n\r\n"
                                + "x".repeat(100)).getBytes(StandardCharsets.US_ASCII));
                        s.getOutputStream().flush(); // and then nothing: the socket stays open, silent
                    } catch (Exception ignored) {
                        // closed
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            AzureSettings good = AzureFixture.settings(azurite, CONTAINER, "", 4L << 20, 1);
            AzureStore stalling = new AzureStore(new AzureSettings(java.net.URI.create("http://127.0.0.1:" + server.getLocalPort()
                    + "/" + AzuriteServer.ACCOUNT), good.account(), good.container(), "", good.accountKey(), null, good.blockSize(), 1,
                    null, null, null, null));
            stalling.readTimeout = java.time.Duration.ofSeconds(1);
            long t0 = System.nanoTime();
            try (var in = stalling.open("db/db.sql")) {
                byte[] buf = new byte[4096];
                Throwable e = org.assertj.core.api.Assertions.catchThrowable(() -> {
                    while (in.read(buf) >= 0) {
                        // until it fails
                    }
                });
                assertThat(e).isInstanceOf(java.io.IOException.class)
                        .hasMessage("azure get azure://dbbackuptest/contract/db/db.sql failed: no data for 1 s (the connection stalled)"
                                + "; broke again at byte 400 of 1000000, after 3 resumes (the most a read makes)");
            }
            assertThat((System.nanoTime() - t0) / 1_000_000).as("ms until it failed").isBetween(3_500L, 20_000L);
            assertThat(ranges).containsExactly("whole", "from 100", "from 200", "from 300");
        }
    }

    /**
     * AzureHttp sends a request again when the network lost its answer; for the commit, the first may have been made.
     * The block list sent again must then find its blocks (committed now) and leave the blob as it is.
     */
    @Test
    void aCommitSentAgainAfterTheServiceMadeItLeavesTheBlobAsItIs() throws Exception {
        AzureUpload up = (AzureUpload) store.upload("again.bin", ctx());
        String sha = io.dbbackup.testkit.TestBytes.write(up.stream(), multiChunkSize(), 4);
        up.commit();
        up.commitBlockList(); // the resend
        assertThat(store.stat("again.bin")).map(StoredObject::size).contains(multiChunkSize());
        try (var in = store.open("again.bin")) {
            assertThat(io.dbbackup.testkit.TestBytes.sha256(in)).isEqualTo(sha);
        }
    }

    /** {@code access_tier: cool}: both a one-request blob and a blob of blocks are written in the Cool tier. */
    @Test
    void blobsAreWrittenInTheConfiguredAccessTier() throws Exception {
        AzureSettings plain = AzureFixture.settings(azurite, CONTAINER, "tier-" + UUID.randomUUID() + "/", 4L << 20, 2);
        AzureSettings cool = new AzureSettings(plain.accountUrl(), plain.account(), plain.container(), plain.prefix(),
                plain.accountKey(), null, plain.blockSize(), 2, "Cool", null, null, null);
        try (AzureStore tiered = new AzureStore(cool)) {
            tiered.put("small.bin", "small".getBytes(StandardCharsets.UTF_8), ctx());
            try (var up = tiered.upload("blocks.bin", ctx())) {
                io.dbbackup.testkit.TestBytes.write(up.stream(), multiChunkSize(), 8);
                up.commit();
            }
            for (String key : List.of("small.bin", "blocks.bin")) {
                AzureHttp.Response head = tiered.http.send("HEAD", cool.prefix() + key, new java.util.TreeMap<>(), java.util.Map.of());
                assertThat(head.header("x-ms-access-tier")).as(key).contains("Cool");
            }
        }
        try (AzureStore untiered = new AzureStore(plain)) {
            untiered.put("default.bin", "d".getBytes(StandardCharsets.UTF_8), ctx());
            AzureHttp.Response head = untiered.http.send("HEAD", plain.prefix() + "default.bin", new java.util.TreeMap<>(), java.util.Map.of());
            assertThat(head.header("x-ms-access-tier")).as("the account's default").isNotEqualTo(java.util.Optional.of("Cool"));
        }
    }

    /**
     * The network drops the connection twice while a blob is read: the rest is asked for again from where it broke off
     * (a ranged GET of the same version), and the bytes read are the blob's, each once.
     */
    @Test
    void aDownloadWhoseConnectionDropsIsResumedWhereItBrokeOff() throws Exception {
        byte[] data = new byte[(13 << 20) + 7];
        new java.util.Random(13).nextBytes(data);
        AzureSettings direct = AzureFixture.settings(azurite, CONTAINER, "cut-" + UUID.randomUUID() + "/", 4L << 20, 2);
        try (Store store = new AzureStore(direct)) {
            store.put("big.bin", data, ctx());
        }
        try (io.dbbackup.testkit.CuttingRelay relay = new io.dbbackup.testkit.CuttingRelay(azurite.endpoint(), 3_000_000, 2)) {
            AzureSettings viaRelay = new AzureSettings(java.net.URI.create(relay.uri() + "/" + AzuriteServer.ACCOUNT),
                    direct.account(), direct.container(), direct.prefix(), direct.accountKey(), null, direct.blockSize(), 2,
                    null, null, null, null);
            try (Store store = new AzureStore(viaRelay); var in = store.open("big.bin")) {
                assertThat(in.readAllBytes()).isEqualTo(data);
                assertThat(((io.dbbackup.spi.ResumingInputStream) in).resumes()).isEqualTo(2);
            }
            assertThat(relay.cut()).isEqualTo(2);
        }
    }

    /**
     * The connection drops mid-read and the answer to the request for the rest ignores its range (a proxy that strips
     * it: a 200 without Content-Range): not stitched on, not asked again; the error names the blob, the byte asked from
     * and the blob's length, and the answer. It said "asked for the rest from byte N" without the length, and the
     * answer with a space after it where there was no Content-Range.
     */
    @Test
    void aDownloadWhoseResumeIsAnsweredWithoutItsRangeSaysTheByteOfTheLength() throws Exception {
        byte[] data = new byte[(5 << 20) + 7];
        new java.util.Random(31).nextBytes(data);
        AzureSettings direct = AzureFixture.settings(azurite, CONTAINER, "ranged-" + UUID.randomUUID() + "/", 4L << 20, 2);
        try (Store store = new AzureStore(direct)) {
            store.put("big.bin", data, ctx());
        }
        try (io.dbbackup.testkit.RangeIgnoringRelay relay = new io.dbbackup.testkit.RangeIgnoringRelay(azurite.endpoint(), 3_000_000)) {
            AzureSettings viaRelay = new AzureSettings(java.net.URI.create(relay.uri() + "/" + AzuriteServer.ACCOUNT),
                    direct.account(), direct.container(), direct.prefix(), direct.accountKey(), null, direct.blockSize(), 2,
                    null, null, null, null);
            try (Store store = new AzureStore(viaRelay); var in = store.open("big.bin")) {
                Throwable t = org.assertj.core.api.Assertions.catchThrowable(in::readAllBytes);
                assertThat(relay.cut()).isEqualTo(1);
                assertThat(relay.ignored()).as("the one request for the rest, answered without its range").isEqualTo(1);
                assertThat(t).isInstanceOf(io.dbbackup.spi.ResumingInputStream.NotResumable.class);
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("^azure get " + java.util.regex.Pattern.quote(
                        viaRelay.location(direct.prefix() + "big.bin")) + " failed: asked for the rest from byte (\\d+) of "
                        + data.length + ", the service answered HTTP 200$").matcher(t.getMessage());
                assertThat(m.find()).as("the byte asked from and the length in: %s", t.getMessage()).isTrue();
                assertThat(Long.parseLong(m.group(1))).as("the byte reached").isBetween(1L, 3_000_000L);
                assertThat(((io.dbbackup.spi.ResumingInputStream) in).resumes()).as("not asked again").isEqualTo(1);
            }
        }
    }

    /**
     * A blob deleted while it is read, the connection dropping after: the ranged {@code If-Match} GET for the rest is
     * answered 412 by Azurite, which was said as a refusal ("HTTP 412 ConditionNotMet"); it is a missing object, deleted
     * since the read began, as on S3. A blob replaced meanwhile (there, with another ETag) is still the refusal.
     */
    @Test
    void theRestOfABlobDeletedMidReadIsAMissingObjectAndOfOneReplacedARefusal() throws Exception {
        byte[] data = new byte[5 << 20];
        new java.util.Random(5).nextBytes(data);
        AzureSettings direct = AzureFixture.settings(azurite, CONTAINER, "gone-" + UUID.randomUUID() + "/", 4L << 20, 2);
        for (boolean replaced : new boolean[] {false, true}) {
            try (Store store = new AzureStore(direct)) {
                store.put("big.bin", data, ctx());
            }
            try (io.dbbackup.testkit.CuttingRelay relay = new io.dbbackup.testkit.CuttingRelay(azurite.endpoint(), 2_000_000, 1)) {
                AzureSettings viaRelay = new AzureSettings(java.net.URI.create(relay.uri() + "/" + AzuriteServer.ACCOUNT),
                        direct.account(), direct.container(), direct.prefix(), direct.accountKey(), null, direct.blockSize(), 2,
                        null, null, null, null);
                try (Store store = new AzureStore(viaRelay); Store other = new AzureStore(direct); var in = store.open("big.bin")) {
                    assertThat(in.readNBytes(100_000)).hasSize(100_000);
                    if (replaced) {
                        other.put("big.bin", "another".getBytes(java.nio.charset.StandardCharsets.UTF_8), ctx());
                    } else {
                        other.delete("big.bin");
                    }
                    Throwable t = org.assertj.core.api.Assertions.catchThrowable(in::readAllBytes);
                    if (replaced) {
                        assertThat(t).isNotInstanceOf(io.dbbackup.spi.NoSuchKeyException.class).hasMessageContaining("HTTP 412");
                    } else {
                        assertThat(t).isInstanceOf(io.dbbackup.spi.NoSuchKeyException.class)
                                .hasMessageContaining("(deleted since the read began)").hasMessageNotContaining("412");
                    }
                }
                assertThat(relay.cut()).isEqualTo(1);
            }
        }
    }

    /** No staged blocks anywhere in the container. */
    @Override
    protected void assertNoLeftovers(Store store) throws Exception {
        try (AzureStore root = AzureFixture.store(azurite, CONTAINER, "", 4L << 20, 1)) {
            assertThat(root.listUnfinished("")).as("blobs of staged blocks").isEmpty();
        }
    }

    /**
     * A Put Block whose connection goes silent (the relay stops reading mid-block): it is cancelled after the stall
     * timeout (2 s here, 60 s by default) and the upload fails as a store failure naming the blob and the stall, a
     * plain retryable IOException, not resent on the same dead path; the staged blocks are discarded. It used to be
     * bounded only by the 5-minute request timeout, five times over.
     */
    @Test
    void aBlockThatStallsFailsTheUploadAsARetryableStoreFailureWithinTheStallTimeout() throws Exception {
        try (io.dbbackup.testkit.StallingRelay relay = new io.dbbackup.testkit.StallingRelay(azurite.endpoint(), true, 7_000_000, 1)) {
            AzureSettings direct = AzureFixture.settings(azurite, CONTAINER, "stall-" + UUID.randomUUID() + "/", 4L << 20, 2);
            AzureSettings viaRelay = new AzureSettings(java.net.URI.create(relay.uri() + "/" + AzuriteServer.ACCOUNT),
                    direct.account(), direct.container(), direct.prefix(), direct.accountKey(), null, direct.blockSize(), 2, null, null, null, null);
            AzureStore store = new AzureStore(viaRelay);
            store.http.stallTimeout = java.time.Duration.ofSeconds(2);
            store.http.firstPause = java.time.Duration.ofMillis(50);
            long t0 = System.nanoTime();
            Throwable t = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(90), () ->
                    org.assertj.core.api.Assertions.catchThrowable(() -> {
                        try (var upload = store.upload("db/stalled.dump", ctx())) {
                            io.dbbackup.testkit.TestBytes.write(upload.stream(), 20 << 20, 7);
                            upload.commit();
                        }
                    }));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            store.close();
            System.out.println("---- azure stall: failed after " + ms + " ms: " + t + "\n" + logText);
            assertThat(relay.stalled()).as("a connection went silent").isEqualTo(1);
            assertThat(t).isInstanceOf(java.io.IOException.class).isNotInstanceOf(java.io.InterruptedIOException.class)
                    .hasMessageContaining("azure stage block").hasMessageContaining(direct.prefix() + "db/stalled.dump")
                    .hasMessageContaining("the store stalled: no byte moved for 2 s");
            assertThat(io.dbbackup.pipeline.Failures.map("backup failed", t).retryable()).as("the job's retry applies").isTrue();
            assertThat(ms).as("failed within a few stall timeouts, not 5 × 5 min").isLessThan(30_000);
            assertThat(AzureFixture.blobsAndStagedBlocks(azurite, CONTAINER)).as("nothing left")
                    .noneMatch(k -> k.contains(direct.prefix()));
        }
    }
}
