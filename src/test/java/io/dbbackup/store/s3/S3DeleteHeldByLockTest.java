package io.dbbackup.store.s3;

import io.dbbackup.spi.HeldObjectException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A delete refused because the object is under a retention lock (AWS Object Lock on a version: 403 AccessDenied "Access
 * Denied because object protected by object lock"; MinIO: 400 InvalidRequest "Object is WORM protected and cannot be
 * overwritten"), injected by a minimal HTTP server (s3proxy has no Object Lock). It used to be said as a missing
 * s3:DeleteObject permission ("check the store's credentials and the bucket policy"), which no policy change fixes; now
 * it is a {@link HeldObjectException} saying the lock holds the object, so that prune keeps the backup and goes on.
 */
class S3DeleteHeldByLockTest {
    /** The store on a {@link FakeS3Server}, as its describe() says it, as a regex: the port is the server's. */
    private static final String STORE = "s3 s3://b/ at http://127\\.0\\.0\\.1:\\d+";

    @Test
    void awsObjectLockRefusalIsAHoldNotAMissingPermission() throws Exception {
        Throwable t = deleteAnswered(403, "AccessDenied", "Access Denied because object protected by object lock.");
        assertThat(t).isInstanceOf(HeldObjectException.class);
        assertThat(t.getMessage()).contains("HTTP 403 AccessDenied (Access Denied because object protected by object lock.)")
                .contains("the bucket's Object Lock (or the service's retention/WORM setting) holds the object")
                .doesNotContain("check the store's credentials");
    }

    @Test
    void minioWormRefusalIsAHold() throws Exception {
        Throwable t = deleteAnswered(400, "InvalidRequest", "Object is WORM protected and cannot be overwritten");
        assertThat(t).isInstanceOf(HeldObjectException.class);
        assertThat(t.getMessage()).contains("HTTP 400 InvalidRequest (Object is WORM protected and cannot be overwritten)")
                .contains("cannot be deleted before its retention ends");
    }

    @Test
    void aPlainAccessDeniedStaysAMissingPermission() throws Exception {
        Throwable t = deleteAnswered(403, "AccessDenied", "Access Denied");
        assertThat(t).isNotInstanceOf(HeldObjectException.class);
        assertThat(t.getMessage()).contains("they need s3:DeleteObject");
    }

    /** DeleteObjects (the archived WAL): keys held by a lock are said so, not as a Deny on their prefix. */
    @Test
    void batchDeleteOfLockedKeysIsAHold() throws Exception {
        List<String> keys = List.of("job/wal/000000010000000000000001", "job/wal/000000010000000000000002");
        try (FakeS3Server server = new FakeS3Server(exchange -> {
            exchange.getRequestBody().readAllBytes();
            FakeS3Server.answerXml(exchange, 200, "<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Error><Key>"
                    + keys.get(1) + "</Key><Code>AccessDenied</Code><Message>Access Denied because object protected by "
                    + "object lock.</Message></Error></DeleteResult>");
        }); S3Store store = server.store()) {
            Throwable t = catchThrowable(() -> store.deleteAll(keys));
            assertThat(t).isInstanceOf(HeldObjectException.class);
            assertThat(t.getMessage()).contains("first " + keys.get(1) + ": AccessDenied")
                    .contains("Object Lock").doesNotContain("a Deny on their prefix");
            assertThat(((HeldObjectException) t).keys()).as("which keys the lock holds").containsExactly(keys.get(1));
        }
    }

    /**
     * A lock that holds keys of the first batch of 1,000 does not stop the next batch (the archive of a busy cluster: the
     * oldest segments held, thousands after them expired): every batch is sent, and the one failure names each key held.
     */
    @Test
    void keysHeldInOneBatchDoNotStopTheNext() throws Exception {
        List<String> keys = java.util.stream.IntStream.range(0, 1001)
                .mapToObj(i -> String.format("job/wal/%024X", i)).toList();
        List<List<String>> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (FakeS3Server server = new FakeS3Server(exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            List<String> batch = java.util.regex.Pattern.compile("<Key>([^<]*)</Key>").matcher(body).results()
                    .map(m -> m.group(1)).toList();
            asked.add(batch);
            String held = batch.contains(keys.get(0)) ? keys.get(0) : keys.get(1000);
            FakeS3Server.answerXml(exchange, 200, "<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Error><Key>"
                    + held + "</Key><Code>AccessDenied</Code><Message>Access Denied because object protected by "
                    + "object lock.</Message></Error></DeleteResult>");
        }); S3Store store = server.store()) {
            Throwable t = catchThrowable(() -> store.deleteAll(keys));
            assertThat(asked).as("both batches sent").hasSize(2);
            assertThat(t).isInstanceOf(HeldObjectException.class);
            assertThat(((HeldObjectException) t).keys()).containsExactly(keys.get(0), keys.get(1000));
        }
    }

    /**
     * Keys held in two of three batches (2,500 keys): the one failure counts them over every batch, not the first
     * batch's alone ("failed for 2 of them (the other 998 were deleted)" it said), and names the first key held.
     */
    @Test
    void keysHeldInTwoBatchesAreCountedOverAll() throws Exception {
        List<String> keys = java.util.stream.IntStream.range(0, 2500)
                .mapToObj(i -> String.format("job/wal/%024X", i)).toList();
        List<String> locked = List.of(keys.get(3), keys.get(7), keys.get(2100), keys.get(2200), keys.get(2499));
        try (FakeS3Server server = new FakeS3Server(exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            StringBuilder errors = new StringBuilder();
            java.util.regex.Pattern.compile("<Key>([^<]*)</Key>").matcher(body).results().map(m -> m.group(1))
                    .filter(locked::contains).forEach(k -> errors.append("<Error><Key>").append(k).append("</Key><Code>"
                            + "AccessDenied</Code><Message>Access Denied because object protected by object lock."
                            + "</Message></Error>"));
            FakeS3Server.answerXml(exchange, 200, "<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                    + errors + "</DeleteResult>");
        }); S3Store store = server.store()) {
            Throwable t = catchThrowable(() -> store.deleteAll(keys));
            assertThat(t).isInstanceOf(HeldObjectException.class);
            assertThat(t.getMessage()).startsWith("delete of 2500 objects in " + store.describe() + " failed for 5 of them (the "
                    + "other 2495 were deleted), first " + keys.get(3) + ": AccessDenied (");
            assertThat(((HeldObjectException) t).keys()).containsExactlyElementsOf(locked);
        }
    }

    /**
     * A service that answers DeleteObjects for the first batch and 501 NotImplemented for the next (some S3-compatibles
     * behind a balancer): the rest is deleted key by key, and the one failure counts the keys held over all 1,010 keys,
     * the batch's and the single deletes' ("delete of 1000 objects … failed for 2 of them (the other 998 were
     * deleted)" it said, beside four keys held).
     */
    @Test
    void keysHeldBeforeAndAfterAFallBackToSingleDeletesAreCountedOverAll() throws Exception {
        List<String> keys = walKeys(1010);
        List<String> locked = List.of(keys.get(3), keys.get(7), keys.get(1002), keys.get(1005));
        Throwable t = deleteAllWithTheSecondBatchNotImplemented(keys, locked);
        assertThat(t).isInstanceOf(HeldObjectException.class);
        assertThat(((HeldObjectException) t).keys()).containsExactlyElementsOf(locked);
        assertThat(t.getMessage()).containsPattern("^delete of 1010 objects in " + STORE + " failed for 4 of them \\(the other "
                        + "1006 were deleted\\), first " + keys.get(3) + ": AccessDenied \\(")
                .contains("the bucket's Object Lock (or the service's retention/WORM setting) holds the object");
    }

    /** The same, no key held among the single deletes: the keys deleted on their own are counted as deleted too. */
    @Test
    void keysHeldBeforeAFallBackToSingleDeletesAreCountedOverAll() throws Exception {
        List<String> keys = walKeys(1010);
        List<String> locked = List.of(keys.get(3), keys.get(7));
        Throwable t = deleteAllWithTheSecondBatchNotImplemented(keys, locked);
        assertThat(t).isInstanceOf(HeldObjectException.class);
        assertThat(((HeldObjectException) t).keys()).containsExactlyElementsOf(locked);
        assertThat(t.getMessage()).containsPattern("^delete of 1010 objects in " + STORE + " failed for 2 of them \\(the other "
                + "1008 were deleted\\), first " + keys.get(3) + ": AccessDenied \\(");
    }

    private static List<String> walKeys(int n) {
        return java.util.stream.IntStream.range(0, n).mapToObj(i -> String.format("job/wal/%024X", i)).toList();
    }

    /**
     * {@code deleteAll(keys)} on a server that answers the first DeleteObjects (a lock holding the keys of {@code locked}
     * in it), 501 to the next, and each single DELETE (403 of a lock for a key of {@code locked}): what it threw.
     */
    private static Throwable deleteAllWithTheSecondBatchNotImplemented(List<String> keys, List<String> locked) throws Exception {
        return deleteAllWithTheSecondBatchNotImplemented(keys, locked, null, 0, null);
    }

    /**
     * Keys held in the first batch (and one on its own), then a single delete after the 501 that fails for another
     * reason, a missing permission: the failure is that one (permanent, its advice kept), and it still counts the keys
     * the lock held before it and names the first. It said only the single delete's refusal: the 3 keys held, gone.
     */
    @Test
    void anotherFailureAfterAFallBackToSingleDeletesKeepsTheKeysHeldBeforeIt() throws Exception {
        List<String> keys = walKeys(1010);
        List<String> locked = List.of(keys.get(3), keys.get(7), keys.get(1002));
        Throwable t = deleteAllWithTheSecondBatchNotImplemented(keys, locked, keys.get(1004), 403,
                "<Code>AccessDenied</Code><Message>Access Denied</Message>");
        assertThat(t).isInstanceOfSatisfying(io.dbbackup.core.DbBackupException.class,
                d -> assertThat(d.retryable()).as("retryable").isFalse());
        assertThat(t.getMessage()).startsWith("delete of 1010 objects in ")
                .contains(" failed for 4 of them (1001 were deleted, 5 not tried): 3 held by a lock, first " + keys.get(3)
                        + ": AccessDenied (Access Denied because object protected by object lock.); then s3 delete ")
                .contains(keys.get(1004) + " failed: HTTP 403 AccessDenied (Access Denied); check the store's credentials "
                        + "(test) and the bucket policy: they need s3:DeleteObject on bucket b");
    }

    /** The same with the service's "try again" (500 InternalError, after the SDK's retries): retryable, as it was. */
    @Test
    void aRetryableFailureAfterAFallBackToSingleDeletesKeepsTheKeysHeldBeforeIt() throws Exception {
        List<String> keys = walKeys(1010);
        List<String> locked = List.of(keys.get(3));
        Throwable t = deleteAllWithTheSecondBatchNotImplemented(keys, locked, keys.get(1000), 500,
                "<Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message>");
        assertThat(t).isInstanceOf(java.io.IOException.class).isNotInstanceOf(HeldObjectException.class);
        assertThat(t.getMessage()).startsWith("delete of 1010 objects in ")
                .contains(" failed for 2 of them (999 were deleted, 9 not tried): 1 held by a lock, first " + keys.get(3)
                        + ": AccessDenied (")
                .contains(keys.get(1000) + " failed: HTTP 500 InternalError (We encountered an internal error. Please try again.)");
    }

    /**
     * As {@link #deleteAllWithTheSecondBatchNotImplemented(List, List)}; the single DELETE of {@code failing} (if not
     * null) answered {@code status} with the error {@code error}, and the keys after it never asked for.
     */
    private static Throwable deleteAllWithTheSecondBatchNotImplemented(List<String> keys, List<String> locked, String failing,
                                                                       int status, String error) throws Exception {
        java.util.concurrent.atomic.AtomicInteger posts = new java.util.concurrent.atomic.AtomicInteger();
        List<String> deletedOnTheirOwn = new java.util.concurrent.CopyOnWriteArrayList<>();
        String lock = "<Code>AccessDenied</Code><Message>Access Denied because object protected by object lock.</Message>";
        try (FakeS3Server server = new FakeS3Server(exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (exchange.getRequestMethod().equals("POST") && posts.incrementAndGet() == 1) {
                StringBuilder errors = new StringBuilder();
                java.util.regex.Pattern.compile("<Key>([^<]*)</Key>").matcher(body).results().map(m -> m.group(1))
                        .filter(locked::contains).forEach(k -> errors.append("<Error><Key>").append(k).append("</Key>")
                                .append(lock).append("</Error>"));
                FakeS3Server.answerXml(exchange, 200, "<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                        + errors + "</DeleteResult>");
            } else if (exchange.getRequestMethod().equals("POST")) {
                FakeS3Server.answerXml(exchange, 501, "<Error><Code>NotImplemented</Code><Message>A header or query you "
                        + "provided requested a function that is not implemented.</Message></Error>");
            } else {
                String key = exchange.getRequestURI().getPath().substring(("/" + FakeS3Server.BUCKET + "/").length());
                deletedOnTheirOwn.add(key);
                if (key.equals(failing)) {
                    FakeS3Server.answerXml(exchange, status, "<Error>" + error + "</Error>");
                } else if (locked.contains(key)) {
                    FakeS3Server.answerXml(exchange, 403, "<Error>" + lock + "</Error>");
                } else {
                    exchange.sendResponseHeaders(204, -1);
                    exchange.close();
                }
            }
        }); S3Store store = server.store()) {
            Throwable t = catchThrowable(() -> store.deleteAll(keys));
            int end = failing == null ? keys.size() : keys.indexOf(failing) + 1;
            assertThat(java.util.List.copyOf(new java.util.LinkedHashSet<>(deletedOnTheirOwn)))
                    .as("the keys after the first batch, on their own (up to the failing one)")
                    .containsExactlyElementsOf(keys.subList(1000, end));
            return t;
        }
    }

    /** A key held beside one the service failed to delete (InternalError): no hold, the failure it was (retryable). */
    @Test
    void aHoldBesideAnotherFailureIsThatFailure() throws Exception {
        List<String> keys = List.of("job/wal/000000010000000000000001", "job/wal/000000010000000000000002");
        try (FakeS3Server server = new FakeS3Server(exchange -> {
            exchange.getRequestBody().readAllBytes();
            FakeS3Server.answerXml(exchange, 200, "<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Error><Key>"
                    + keys.get(0) + "</Key><Code>AccessDenied</Code><Message>Access Denied because object protected by "
                    + "object lock.</Message></Error><Error><Key>" + keys.get(1) + "</Key><Code>InternalError</Code>"
                    + "<Message>We encountered an internal error. Please try again.</Message></Error></DeleteResult>");
        }); S3Store store = server.store()) {
            Throwable t = catchThrowable(() -> store.deleteAll(keys));
            assertThat(t).isInstanceOf(java.io.IOException.class).isNotInstanceOf(HeldObjectException.class);
            assertThat(t.getMessage()).contains("failed for 2 of them");
        }
    }

    private static Throwable deleteAnswered(int status, String code, String message) throws Exception {
        try (FakeS3Server server = new FakeS3Server(exchange -> {
            exchange.getRequestBody().readAllBytes();
            FakeS3Server.answerXml(exchange, status, "<Error><Code>" + code + "</Code><Message>" + message
                    + "</Message></Error>");
        }); S3Store store = server.store()) {
            return catchThrowable(() -> store.delete("job/app-20260101-000000.sqlite.zst"));
        }
    }
}
