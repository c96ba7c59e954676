package io.dbbackup.store.s3;

import io.dbbackup.core.Secret;
import io.dbbackup.spi.Store;
import io.dbbackup.spi.CredentialedStoreContract;
import io.dbbackup.testkit.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The store contract against s3proxy (filesystem backend), multipart with 5 MiB parts. */
class S3StoreIT extends CredentialedStoreContract {
    static final String BUCKET = "contract";
    static S3ProxyServer s3;
    static S3Client admin;
    static final String WRONG_SECRET = "wrong-secret-" + UUID.randomUUID();

    @BeforeAll
    static void startServer() throws Exception {
        s3 = new S3ProxyServer();
        admin = S3Fixture.admin(s3);
        admin.createBucket(b -> b.bucket(BUCKET));
    }

    @AfterAll
    static void stopServer() {
        if (admin != null) {
            admin.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Override
    protected Store createStore() {
        return S3Fixture.store(s3, BUCKET, "t-" + UUID.randomUUID() + "/", 5L << 20, 2);
    }

    @Override
    protected boolean claimWithoutLooking(String key, byte[] content) throws java.io.IOException {
        return ((S3Store) store).claim(key, content, ctx());
    }

    @Override
    protected Store createStoreWithBadCredentials() {
        return storeWithBadCredentials(5L << 20);
    }

    private S3Store storeWithBadCredentials(long partSize) {
        S3Settings good = S3Fixture.settings(s3, BUCKET, "bad/", partSize, 2);
        return new S3Store(new S3Settings(good.endpoint(), good.region(), good.bucket(), good.prefix(), good.accessKey(),
                new Secret(WRONG_SECRET, "test"), true, null, null, null, good.partSize(), 2, true));
    }

    @Override
    protected List<String> badCredentialSecrets() {
        return List.of(WRONG_SECRET, s3.secretKey());
    }

    @Override
    protected void assertNoLeftovers(Store store) {
        assertThat(S3Fixture.multipartUploads(admin, BUCKET)).as("incomplete multipart uploads").isEmpty();
    }

    /** {@code direct}'s store, bucket, prefix and keys, reached at {@code endpoint} (a relay in front of s3proxy). */
    private static S3Settings through(S3Settings direct, java.net.URI endpoint) {
        return new S3Settings(endpoint, direct.region(), direct.bucket(), direct.prefix(), direct.accessKey(),
                direct.secretKey(), true, null, null, null, direct.partSize(), 2, true);
    }

    /**
     * The service becomes unreachable after the first part went up: the upload fails and its abort cannot reach the
     * service either, so the parts stay. The warning named a lifecycle rule or an abort as what removes them, not the
     * job's own {@code prune}, which does (README, Abandoned uploads): the on-call reader was sent to the console.
     */
    @Test
    void anUploadWhoseAbortCannotReachTheServiceSaysItsJobsPruneRemovesItsParts() throws Exception {
        byte[] data = new byte[(5 << 20) + 7];
        new java.util.Random(23).nextBytes(data);
        String prefix = "orphan-" + UUID.randomUUID() + "/";
        S3Settings direct = S3Fixture.settings(s3, BUCKET, prefix, 5L << 20, 2);
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean();
        try (io.dbbackup.testkit.TcpRelay relay = new io.dbbackup.testkit.TcpRelay(s3.endpoint()) {
            @Override
            protected int pass(boolean toServer, byte[] buf, int n, long seen) {
                return down.get() ? 0 : n; // down: every connection, pooled or new, ends at its next bytes
            }
        }) {
            S3Store store = new S3Store(through(direct, relay.uri()));
            store.abortRetryWindow = java.time.Duration.ofSeconds(1);
            try (store; var upload = store.upload("big.bin", ctx())) {
                upload.stream().write(data);
                long until = System.nanoTime() + 30_000_000_000L;
                while (S3Fixture.multipartUploads(admin, BUCKET).stream().noneMatch(u -> u.key().startsWith(prefix))) {
                    assertThat(System.nanoTime()).as("the multipart upload started").isLessThan(until);
                    Thread.sleep(50);
                }
                down.set(true);
                Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> {
                    upload.stream().write(data);
                    upload.commit();
                });
                assertThat(t).as("the upload fails").isNotNull();
            }
        } finally {
            for (var u : S3Fixture.multipartUploads(admin, BUCKET)) {
                if (u.key().startsWith(prefix)) {
                    admin.abortMultipartUpload(b -> b.bucket(BUCKET).key(u.key()).uploadId(u.uploadId()));
                }
            }
        }
        assertThat(logText.toString()).as("the log").containsPattern("WARN +could not abort the multipart upload; its parts stay"
                + " in the bucket \\(billed as stored data\\) until the job's prune removes them once a day old \\(or an abort,"
                + " or a lifecycle rule AbortIncompleteMultipartUpload\\) object=");
    }

    /** Pruning thousands of WAL segments: DeleteObjects with 1,000 keys per request, not one DELETE per key. */
    @Test
    void deleteAllSendsOneRequestPerThousandKeys() throws Exception {
        try (Store store = createStore()) {
            for (String key : List.of("w/a", "w/b", "w/keep")) {
                store.put(key, key.getBytes(java.nio.charset.StandardCharsets.UTF_8), ctx());
            }
            List<String> doomed = new java.util.ArrayList<>(List.of("w/a", "w/b"));
            for (int i = 0; i < 1999; i++) {
                doomed.add(String.format("w/wal/%08X", i)); // never there: no error
            }
            S3RequestLog.drain();
            store.deleteAll(doomed);
            assertThat(S3RequestLog.drain()).containsExactly("DeleteObjects", "DeleteObjects", "DeleteObjects");
            assertThat(store.list("w/")).extracting(o -> o.key()).containsExactly("w/keep");
        }
    }
    /**
     * DeleteObjects (prune, WAL cleanup) carries Content-MD5, which the S3 API requires of it and which S3-compatible
     * services check (older MinIO, Alibaba OSS, Tencent COS...): since SDK 2.30 the client sends a CRC32 header
     * instead, and there every prune of more than one backup failed with "Missing required header for this request:
     * Content-Md5". s3proxy does not ask for it, so the test looks at what was sent, and that s3proxy still takes it.
     */
    @Test
    void deleteObjectsCarriesContentMd5() throws Exception {
        try (Store store = createStore()) {
            for (String key : List.of("m/a", "m/b", "m/keep")) {
                store.put(key, key.getBytes(java.nio.charset.StandardCharsets.UTF_8), ctx());
            }
            S3RequestLog.drainSigned();
            store.deleteAll(List.of("m/a", "m/b"));
            List<S3RequestLog.Signed> deletes = S3RequestLog.drainSigned().stream()
                    .filter(s -> s.operation().equals("DeleteObjects")).toList();
            assertThat(deletes).hasSize(1);
            assertThat(deletes.get(0).contentMd5()).as("Content-MD5 of the DeleteObjects request").isNotBlank();
            assertThat(store.list("m/")).extracting(o -> o.key()).containsExactly("m/keep");
        }
    }

    /**
     * Over http the SDK would hash every part a second time to sign its payload, beside the SHA-256 the part
     * already carries in the signed x-amz-checksum-sha256 header: such parts go as UNSIGNED-PAYLOAD (what the
     * SDK does over https) and s3proxy, which checks every signature, stores them intact. With {@code checksum:
     * none} there is no such header and the payload is signed with its own SHA-256, as before.
     */
    @Test
    void partsCoveredByTheirChecksumAreNotHashedAgainForTheSignature() throws Exception {
        byte[] data = new byte[(11 << 20) + 123];
        new java.util.Random(7).nextBytes(data);
        S3Settings with = S3Fixture.settings(s3, BUCKET, "sig-" + UUID.randomUUID() + "/", 5L << 20, 2);
        S3Settings without = new S3Settings(with.endpoint(), with.region(), with.bucket(), "nosig-" + UUID.randomUUID() + "/",
                with.accessKey(), with.secretKey(), with.pathStyle(), null, null, null, with.partSize(), 2, false);
        for (S3Settings settings : List.of(with, without)) {
            try (Store store = new S3Store(settings)) {
                S3RequestLog.drainSigned();
                try (var upload = store.upload("big.bin", ctx())) {
                    upload.stream().write(data);
                    upload.commit();
                }
                List<S3RequestLog.Signed> parts = S3RequestLog.drainSigned().stream()
                        .filter(s -> s.operation().equals("UploadPart")).toList();
                assertThat(parts).hasSize(3);
                if (settings.checksum()) {
                    assertThat(parts).allSatisfy(p -> {
                        assertThat(p.contentSha256()).isEqualTo("UNSIGNED-PAYLOAD");
                        assertThat(p.checksumSha256()).isNotNull();
                    });
                } else {
                    assertThat(parts).allSatisfy(p -> assertThat(p.checksumSha256()).isNull());
                    assertThat(parts).extracting(S3RequestLog.Signed::contentSha256).contains(java.util.HexFormat.of()
                            .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(java.util.Arrays.copyOf(data, 5 << 20))));
                }
                try (var in = store.open("big.bin")) {
                    assertThat(in.readAllBytes()).as("stored intact").isEqualTo(data);
                }
            }
        }
    }
    /**
     * What makes UNSIGNED-PAYLOAD safe: a part changed on the way (one bit flipped by a relay between the client
     * and s3proxy) is refused by the server against its x-amz-checksum-sha256 (BadDigest). The part is still in
     * memory, so it is sent again, and the object stored is exactly the data, not the damaged bytes.
     */
    @Test
    void aPartChangedOnTheWayIsRefusedByTheServerAndSentAgain() throws Exception {
        byte[] data = new byte[(11 << 20) + 5];
        new java.util.Random(11).nextBytes(data);
        try (io.dbbackup.testkit.CorruptingRelay relay = new io.dbbackup.testkit.CorruptingRelay(s3.endpoint(), 1_000_000, 1)) {
            S3Settings direct = S3Fixture.settings(s3, BUCKET, "flip-" + UUID.randomUUID() + "/", 5L << 20, 2);
            S3Settings viaRelay = through(direct, relay.uri());
            try (Store store = new S3Store(viaRelay)) {
                S3RequestLog.drainSigned();
                try (var upload = store.upload("big.bin", ctx())) {
                    upload.stream().write(data);
                    upload.commit();
                }
                assertThat(relay.flipped()).as("a bit was flipped inside a part").isEqualTo(1);
                List<S3RequestLog.Signed> parts = S3RequestLog.drainSigned().stream()
                        .filter(s -> s.operation().equals("UploadPart")).toList();
                assertThat(parts).as("three parts, one of them sent twice").hasSize(4)
                        .allSatisfy(p -> assertThat(p.contentSha256()).isEqualTo("UNSIGNED-PAYLOAD"));
            }
            try (Store store = new S3Store(direct); var in = store.open("big.bin")) {
                assertThat(in.readAllBytes()).as("what is stored is the data, not the damaged bytes").isEqualTo(data);
            }
            assertThat(S3Fixture.multipartUploads(admin, BUCKET)).isEmpty();
        }
    }

    /**
     * The network drops the connection twice while an object is read: the rest is asked for again from where it broke
     * off (a ranged GetObject of the same version), and the bytes read are the object's, each once.
     */
    @Test
    void aDownloadWhoseConnectionDropsIsResumedWhereItBrokeOff() throws Exception {
        byte[] data = new byte[(13 << 20) + 7];
        new java.util.Random(13).nextBytes(data);
        S3Settings direct = S3Fixture.settings(s3, BUCKET, "cut-" + UUID.randomUUID() + "/", 5L << 20, 2);
        try (Store store = new S3Store(direct)) {
            store.put("big.bin", data, ctx());
        }
        try (io.dbbackup.testkit.CuttingRelay relay = new io.dbbackup.testkit.CuttingRelay(s3.endpoint(), 3_000_000, 2)) {
            S3Settings viaRelay = through(direct, relay.uri());
            try (Store store = new S3Store(viaRelay); var in = store.open("big.bin")) {
                assertThat(in.readAllBytes()).isEqualTo(data);
                assertThat(((io.dbbackup.spi.ResumingInputStream) in).resumes()).isEqualTo(2);
            }
            assertThat(relay.cut()).isEqualTo(2);
        }
    }

    /**
     * The connection drops on the first read and on each of the 3 resumes: the error names the object, the byte reached
     * and the resumes made, as when a request for the rest fails. It said the byte without the resumes ("the content
     * of s3://… ended at byte N of L"), and a read that failed, rather than ended, the read's failure alone.
     */
    @Test
    void aDownloadThatBreaksAgainAfterItsLastResumeSaysTheByteReached() throws Exception {
        byte[] data = new byte[(13 << 20) + 7];
        new java.util.Random(23).nextBytes(data);
        S3Settings direct = S3Fixture.settings(s3, BUCKET, "again-" + UUID.randomUUID() + "/", 5L << 20, 2);
        try (Store store = new S3Store(direct)) {
            store.put("big.bin", data, ctx());
        }
        try (io.dbbackup.testkit.CuttingRelay relay = new io.dbbackup.testkit.CuttingRelay(s3.endpoint(), 3_000_000, 4)) {
            S3Settings viaRelay = through(direct, relay.uri());
            try (Store store = new S3Store(viaRelay); var in = store.open("big.bin")) {
                Throwable t = org.assertj.core.api.Assertions.catchThrowable(in::readAllBytes);
                assertThat(relay.cut()).isEqualTo(4);
                assertThat(t).isExactlyInstanceOf(java.io.IOException.class);
                // the SDK takes the cut for an early end of the body ("the content of … ended at byte N of L")
                java.util.regex.Matcher m = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(
                        viaRelay.location("big.bin")) + "( failed: .*; broke again| ended) at byte (\\d+) of " + data.length
                        + ", after 3 resumes \\(the most a read makes\\)$").matcher(t.getMessage());
                assertThat(m.find()).as("the read's failure and the byte reached in: %s", t.getMessage()).isTrue();
                assertThat(Long.parseLong(m.group(2))).as("the byte reached").isBetween(4L * 2_000_000, 4L * 3_000_000);
                assertThat(((io.dbbackup.spi.ResumingInputStream) in).resumes()).isEqualTo(3);
            }
        }
    }

    /**
     * The connection drops mid-read and the service stops answering (the relay closed: connection refused): after the
     * budget of requests for the rest, the error names the object, the read's failure and the byte reached ("byte N of
     * L", as every failed read says it). It said the last request's failure alone ("s3 get s3://… failed: …
     * Connection refused"), not where the read stopped, and then "byte N" without the length.
     */
    @Test
    void aDownloadWhoseServiceStopsAnsweringAfterADropSaysTheByteReached() throws Exception {
        byte[] data = new byte[(5 << 20) + 7];
        new java.util.Random(19).nextBytes(data);
        S3Settings direct = S3Fixture.settings(s3, BUCKET, "gone-" + UUID.randomUUID() + "/", 5L << 20, 2);
        try (Store store = new S3Store(direct)) {
            store.put("big.bin", data, ctx());
        }
        try (io.dbbackup.testkit.CuttingRelay relay = new io.dbbackup.testkit.CuttingRelay(s3.endpoint(), 3_000_000, 1)) {
            S3Settings viaRelay = through(direct, relay.uri());
            try (Store store = new S3Store(viaRelay); var in = store.open("big.bin")) {
                assertThat(in.readNBytes(1 << 20)).hasSize(1 << 20);
                relay.close(); // the connection open goes on (until its cut); a new one is refused
                Throwable t = org.assertj.core.api.Assertions.catchThrowable(in::readAllBytes);
                assertThat(relay.cut()).isEqualTo(1);
                assertThat(t).isInstanceOf(java.io.IOException.class);
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("; going on from byte (\\d+) of " + data.length
                        + " over a new connection failed too: s3 get " + java.util.regex.Pattern.quote(viaRelay.location("big.bin"))
                        + " failed: ").matcher(t.getMessage());
                assertThat(m.find()).as("the byte reached and the last request's failure in: %s", t.getMessage()).isTrue();
                assertThat(Long.parseLong(m.group(1))).as("the byte reached").isBetween(1L << 20, 3_000_000L);
                assertThat(((io.dbbackup.spi.ResumingInputStream) in).resumes()).isEqualTo(3);
            }
        }
    }

    /**
     * The connection drops mid-read and the answer to the request for the rest ignores its range (a gateway or proxy
     * that strips it: a 200 without Content-Range): not stitched on, not asked again; the error names the object, the
     * byte asked from and the object's length. It said "asked for the rest from byte N" without the length.
     */
    @Test
    void aDownloadWhoseResumeIsAnsweredWithoutItsRangeSaysTheByteOfTheLength() throws Exception {
        byte[] data = new byte[(5 << 20) + 7];
        new java.util.Random(31).nextBytes(data);
        S3Settings direct = S3Fixture.settings(s3, BUCKET, "ranged-" + UUID.randomUUID() + "/", 5L << 20, 2);
        try (Store store = new S3Store(direct)) {
            store.put("big.bin", data, ctx());
        }
        try (io.dbbackup.testkit.RangeIgnoringRelay relay = new io.dbbackup.testkit.RangeIgnoringRelay(s3.endpoint(), 3_000_000)) {
            S3Settings viaRelay = through(direct, relay.uri());
            try (Store store = new S3Store(viaRelay); var in = store.open("big.bin")) {
                Throwable t = org.assertj.core.api.Assertions.catchThrowable(in::readAllBytes);
                assertThat(relay.cut()).isEqualTo(1);
                assertThat(relay.ignored()).as("the one request for the rest, answered without its range").isEqualTo(1);
                assertThat(t).isInstanceOf(io.dbbackup.spi.ResumingInputStream.NotResumable.class);
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("^s3 get " + java.util.regex.Pattern.quote(
                        viaRelay.location("big.bin")) + " failed: asked for the rest from byte (\\d+) of " + data.length
                        + ", the server answered the whole object$").matcher(t.getMessage());
                assertThat(m.find()).as("the byte asked from and the length in: %s", t.getMessage()).isTrue();
                assertThat(Long.parseLong(m.group(1))).as("the byte reached").isBetween(1L, 3_000_000L);
                assertThat(((io.dbbackup.spi.ResumingInputStream) in).resumes()).as("not asked again").isEqualTo(1);
            }
        }
    }

    /**
     * The object is deleted (a prune on another host) while a download reads it, and the connection drops before the
     * end: the request for the rest finds it gone. Still a {@link io.dbbackup.spi.NoSuchKeyException} (callers tell a
     * deleted backup by it), now naming the read's failure and the byte reached; it said "no such object: KEY" alone.
     */
    @Test
    void aDownloadWhoseObjectIsDeletedBeforeItsResumeSaysTheByteReached() throws Exception {
        byte[] data = new byte[(5 << 20) + 7];
        new java.util.Random(29).nextBytes(data);
        S3Settings direct = S3Fixture.settings(s3, BUCKET, "deleted-" + UUID.randomUUID() + "/", 5L << 20, 2);
        try (Store store = new S3Store(direct)) {
            store.put("big.bin", data, ctx());
        }
        try (io.dbbackup.testkit.CuttingRelay relay = new io.dbbackup.testkit.CuttingRelay(s3.endpoint(), 3_000_000, 1)) {
            S3Settings viaRelay = through(direct, relay.uri());
            try (Store store = new S3Store(viaRelay); var in = store.open("big.bin")) {
                assertThat(in.readNBytes(1 << 20)).hasSize(1 << 20);
                try (Store other = new S3Store(direct)) {
                    other.delete("big.bin");
                    assertThat(other.stat("big.bin")).as("deleted").isEmpty();
                }
                Throwable t = org.assertj.core.api.Assertions.catchThrowable(in::readAllBytes);
                assertThat(relay.cut()).isEqualTo(1);
                assertThat(t).isExactlyInstanceOf(io.dbbackup.spi.NoSuchKeyException.class);
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("; going on from byte (\\d+) of " + data.length
                        + " over a new connection failed: no such object: big\\.bin \\(deleted since the read began\\)$")
                        .matcher(t.getMessage());
                assertThat(m.find()).as("the byte reached and the object gone in: %s", t.getMessage()).isTrue();
                assertThat(Long.parseLong(m.group(1))).as("the byte reached").isBetween(1L << 20, 3_000_000L);
                assertThat(((io.dbbackup.spi.ResumingInputStream) in).resumes()).as("not asked again").isEqualTo(1);
            }
        }
    }

    /**
     * The connection breaks while S3 sends its answer to CompleteMultipartUpload: the object is complete in the bucket,
     * but the upload failed. It used to stay under its key, unlisted as a backup and never pruned; now a failed upload
     * leaves nothing there (the run claimed the key: what is there is its own), and the error names the store.
     */
    @Test
    void anUploadWhoseCompletionAnswerIsLostLeavesNothingUnderItsKey() throws Exception {
        byte[] data = new byte[(11 << 20) + 3]; // three parts
        new java.util.Random(17).nextBytes(data);
        S3Settings direct = S3Fixture.settings(s3, BUCKET, "lost-" + UUID.randomUUID() + "/", 5L << 20, 2);
        java.util.concurrent.atomic.AtomicInteger lost = new java.util.concurrent.atomic.AtomicInteger();
        try (io.dbbackup.testkit.TcpRelay relay = new io.dbbackup.testkit.TcpRelay(s3.endpoint()) {
            @Override
            protected int pass(boolean toServer, byte[] buf, int n, long seen) {
                boolean answer = !toServer && new String(buf, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1)
                        .contains("CompleteMultipartUploadResult");
                return answer && lost.getAndIncrement() == 0 ? 0 : n;
            }
        }) {
            S3Settings viaRelay = through(direct, relay.uri());
            try (Store store = new S3Store(viaRelay)) {
                Throwable t = failedUpload(store, "db/db.dump", data);
                assertThat(lost.get()).as("the answer was cut").isGreaterThanOrEqualTo(1);
                assertThat(t).as("the upload fails").isNotNull();
                assertThat(t.getMessage()).contains("s3 complete multipart upload").contains(direct.bucket());
                assertThat(store.stat("db/db.dump")).as("nothing left under the key").isEmpty();
            }
        }
        try (Store store = new S3Store(direct)) {
            assertThat(store.list("")).isEmpty();
        }
        assertThat(S3Fixture.multipartUploads(admin, BUCKET)).isEmpty();
    }

    /**
     * The HeadObject that checks a completed multipart upload's size goes unanswered (every HEAD black-holed: a
     * stalled path). The object was complete under its key but the upload failed, and it stayed there — unlisted as
     * a backup (its sidecars removed by the failed run), never pruned, paid for — as after a lost completion answer.
     * Now a failed check deletes it too: the run claimed the key, so what is there is its own.
     */
    @Test
    void anUploadWhoseSizeCheckFailsLeavesNothingUnderItsKey() throws Exception {
        byte[] data = new byte[(11 << 20) + 3]; // three parts
        new java.util.Random(18).nextBytes(data);
        S3Settings direct = S3Fixture.settings(s3, BUCKET, "head-" + UUID.randomUUID() + "/", 5L << 20, 2);
        java.util.concurrent.atomic.AtomicInteger heads = new java.util.concurrent.atomic.AtomicInteger();
        try (io.dbbackup.testkit.TcpRelay relay = new io.dbbackup.testkit.TcpRelay(s3.endpoint()) {
            @Override
            protected int pass(boolean toServer, byte[] buf, int n, long seen) {
                if (toServer && new String(buf, 0, Math.min(n, 5), java.nio.charset.StandardCharsets.ISO_8859_1).equals("HEAD ")) {
                    heads.incrementAndGet();
                    return silenceUntilClosed();
                }
                return n;
            }
        }) {
            S3Settings viaRelay = through(direct, relay.uri());
            S3Store store = new S3Store(viaRelay);
            store.stallTimeout = java.time.Duration.ofSeconds(2);
            try {
                Throwable t = failedUpload(store, "db/db.dump", data);
                assertThat(heads.get()).as("the size check was black-holed").isPositive();
                assertThat(t).as("the upload fails").isNotNull();
                assertThat(t.getMessage()).contains("s3 head").contains(direct.bucket());
            } finally {
                store.close();
            }
        }
        try (Store store = new S3Store(direct)) {
            assertThat(store.stat("db/db.dump")).as("nothing left under the key").isEmpty();
        }
        assertThat(S3Fixture.multipartUploads(admin, BUCKET)).isEmpty();
    }

    /**
     * A large body sent with bad credentials: the answer is the server's, a clear and final credentials error, not
     * a broken connection retried. (s3proxy reads the body before it refuses; AWS refuses before it, answering
     * Expect: 100-continue with 403, as the raw server of LargeWriteHttpClientTest does.)
     */
    @Test
    void aLargeBodyRefusedForItsCredentialsGivesTheServersAnswer() throws Exception {
        byte[] data = new byte[4 << 20]; // below the 5 MiB part size: one PutObject with a body
        new java.util.Random(11).nextBytes(data);
        try (Store bad = createStoreWithBadCredentials()) {
            S3RequestLog.drain();
            Throwable t = failedUpload(bad, "k/big.bin", data);
            assertThat(t).isInstanceOf(io.dbbackup.core.DbBackupException.class);
            assertThat(((io.dbbackup.core.DbBackupException) t).retryable()).isFalse();
            assertThat(t.getMessage()).contains("HTTP 403").contains("check the store's credentials");
            List<String> sent = S3RequestLog.drain();
            assertThat(sent).contains("PutObject");
            if (sent.stream().filter("PutObject"::equals).count() > 1) { // s3proxy broke the body off: asked again
                assertThat(sent).contains("HeadBucket");
            }
        }
    }

    /**
     * s3proxy reads part of a body, answers 403 and closes; with a body larger than the sockets' buffers the write
     * always breaks first, and the JDK cannot read that answer. The bodiless HeadBucket asked then gives it.
     */
    @Test
    void aBodyBrokenOffByTheServerIsNamedByItsAnswerToABodilessRequest() throws Exception {
        byte[] data = new byte[48 << 20];
        new java.util.Random(12).nextBytes(data);
        try (Store bad = storeWithBadCredentials(64L << 20)) { // one PutObject of 48 MiB
            S3RequestLog.drain();
            Throwable t = failedUpload(bad, "k/huge.bin", data);
            assertThat(t).isInstanceOf(io.dbbackup.core.DbBackupException.class);
            assertThat(((io.dbbackup.core.DbBackupException) t).retryable()).isFalse();
            assertThat(t.getMessage()).contains("s3 put s3://" + BUCKET + "/bad/k/huge.bin failed: HTTP 403")
                    .contains("check the store's credentials");
            assertThat(S3RequestLog.drain()).as("one PutObject, no multipart").contains("PutObject", "HeadBucket")
                    .doesNotContain("CreateMultipartUpload");
        }
    }

    private Throwable failedUpload(Store store, String key, byte[] data) {
        return org.assertj.core.api.Assertions.catchThrowable(() -> {
            try (var upload = store.upload(key, ctx())) {
                upload.stream().write(data);
                upload.commit();
            }
        });
    }

    /**
     * A part upload whose connection goes silent (the relay stops reading mid-part: the socket write blocks, no answer
     * comes): the request is cut off after the stall timeout (2 s here, 60 s by default) and the upload fails as a
     * store failure naming the object and the stall — a plain, retryable IOException, not "interrupted" — without the
     * SDK sending the part again on the same dead path; the multipart upload is aborted. It used to wait for ever (a
     * socket write has no timeout) or, for a silent answer, 120 s × 5 SDK attempts, worded as a cancellation.
     */
    @Test
    void aPartThatStallsFailsTheUploadAsARetryableStoreFailureWithinTheStallTimeout() throws Exception {
        try (io.dbbackup.testkit.StallingRelay relay = new io.dbbackup.testkit.StallingRelay(s3.endpoint(), true, 7_000_000, 1)) {
            S3Settings direct = S3Fixture.settings(s3, BUCKET, "stall-" + UUID.randomUUID() + "/", 5L << 20, 2);
            S3Settings viaRelay = through(direct, relay.uri());
            S3Store store = new S3Store(viaRelay);
            store.stallTimeout = java.time.Duration.ofSeconds(2);
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
            System.out.println("---- s3 stall: failed after " + ms + " ms: " + t + "\n" + logText);
            assertThat(relay.stalled()).as("a connection went silent").isEqualTo(1);
            assertThat(t).isInstanceOf(java.io.IOException.class).isNotInstanceOf(java.io.InterruptedIOException.class)
                    .hasMessageContaining("s3 upload part").hasMessageContaining("s3://" + BUCKET + "/" + direct.prefix() + "db/stalled.dump")
                    .hasMessageContaining("the store stalled: no byte moved for 2 s");
            assertThat(io.dbbackup.pipeline.Failures.map("backup failed", t).retryable()).as("the job's retry applies").isTrue();
            assertThat(ms).as("failed within a few stall timeouts, not 5 × 120 s").isLessThan(30_000);
            assertThat(S3Fixture.multipartUploads(admin, BUCKET)).as("the multipart upload aborted").isEmpty();
        }
    }
}
