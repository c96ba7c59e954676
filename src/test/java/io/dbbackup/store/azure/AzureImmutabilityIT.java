package io.dbbackup.store.azure;

import io.dbbackup.core.StoredObject;
import io.dbbackup.testkit.AzuriteServer;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.ReadOnlyS3Relay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A physical job's prune on Azure Blob Storage whose container holds some blobs: an immutability policy holds one
 * expired backup, a legal hold two archived WAL files. Azurite has no immutability: two relays in front of it answer
 * the deletes of those blobs as Azure does (409, {@code x-ms-error-code} and the body's code and message), and the
 * first gives the held backup's properties the retention's end; everything else goes through. The prune used to stop
 * at the held backup ("HTTP 409 BlobImmutableDueToPolicy", nothing else deleted); now, as on S3 with Object Lock, the
 * held blobs are kept and named, the rest pruned, exit 2.
 */
class AzureImmutabilityIT {
    private static final Instant FIRST = Instant.parse("2026-03-01T02:00:00Z");
    private static final String HELD = "cluster-20260302-020000";
    private static AzuriteServer azurite;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        azurite = new AzuriteServer();
    }

    @AfterAll
    static void stop() {
        if (azurite != null) {
            azurite.close();
        }
    }

    private static String seg(int n) {
        return String.format("00000001000000000000000%d", n);
    }

    @Test
    void heldBlobsAreKeptAndNamedTheRestPrunedExit2() throws Exception {
        String container = "held-" + UUID.randomUUID().toString().substring(0, 8);
        AzureFixture.createContainer(azurite, container);
        URI server = URI.create("http://127.0.0.1:" + azurite.endpoint().getPort());
        try (ReadOnlyS3Relay policy = ReadOnlyS3Relay.azureRefusing(server, l -> l.startsWith("DELETE ") && l.contains(HELD),
                     "BlobImmutableDueToPolicy", "This operation is not permitted as the blob is immutable due to a policy.")
                     .answerHeader(l -> l.startsWith("HEAD ") && l.contains(HELD + ".tar"),
                             "x-ms-immutability-policy-until-date: Sun, 31 Jan 2027 00:00:00 GMT");
             ReadOnlyS3Relay legalHold = ReadOnlyS3Relay.azureRefusing(policy.uri(), l -> l.startsWith("DELETE ")
                     && l.matches(".*/wal/.*/(" + seg(2) + "|" + seg(3) + ")-.*"), "BlobImmutableDueToLegalHold",
                     "This operation is not permitted as the blob is immutable due to one or more legal holds.");
             AzureStore raw = AzureFixture.store(azurite, container, "team/", 4L << 20, 2)) {
            String config = """
                    datasources:
                      cluster: {engine: fake, physical: true, size: 2000, start_wal_file: %s}
                    stores:
                      azure:
                        type: azure
                        account: %s
                        container: %s
                        endpoint: %s/%s
                        prefix: team
                        account_key_env: AZ_KEY
                    jobs:
                      phys: {datasource: cluster, store: azure, retention: {keep_last: 1}}
                    """;
            // the backups straight to Azurite (the relays pass no request body), the prune through the relays
            Files.writeString(dir.resolve("config.yaml"), config.formatted(seg(7), AzuriteServer.ACCOUNT, container,
                    server, AzuriteServer.ACCOUNT));
            for (int day = 0; day < 3; day++) {
                Cli.Result r = at(FIRST.plus(Duration.ofDays(day))).run("-c", "config.yaml", "backup", "phys");
                assertThat(r.exit()).as(r.toString()).isZero();
            }
            for (int n = 1; n <= 8; n++) {
                raw.put("cluster/wal/0000000100000000/" + seg(n) + "-" + "ab".repeat(32), new byte[] {(byte) n}, context());
            }
            List<String> before = backups(raw);
            assertThat(before).hasSize(3);

            Files.writeString(dir.resolve("config.yaml"), config.formatted(seg(7), AzuriteServer.ACCOUNT, container,
                    legalHold.uri(), AzuriteServer.ACCOUNT));
            Cli.Result r = at(FIRST.plus(Duration.ofDays(3))).run("-c", "config.yaml", "prune", "phys");

            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(backups(raw)).as("the held backup kept, the other expired one deleted")
                    .containsExactly(before.get(1), before.get(2));
            assertThat(raw.list("cluster/").stream().map(StoredObject::key).toList()).as("kept whole")
                    .contains(before.get(1) + ".sha256");
            assertThat(wal(raw)).as("the held WAL kept, the other expired files deleted")
                    .containsExactly(seg(2), seg(3), seg(7), seg(8));
            assertThat(r.err()).contains("prune of job phys: 1 backup not deleted, held by a lock on the store "
                            + "(Object Lock retention or legal hold, an Azure immutability policy or legal hold, or the "
                            + "service's WORM setting): " + before.get(1) + "; kept whole")
                    .contains("HTTP 409 BlobImmutableDueToPolicy (This operation is not permitted as the blob is immutable "
                            + "due to a policy.); an immutability policy (time-based retention, on the blob's version or "
                            + "its container) holds it: it cannot be deleted before 2027-01-31T00:00:00Z; not a missing "
                            + "permission")
                    .contains("2 archived WAL files not deleted, held by a lock on the store: " + seg(2) + " to " + seg(3))
                    .contains("a legal hold on the blob holds it")
                    .doesNotContain("cannot delete", "RequestId", azurite.accountKey());
            assertThat(policy.refused()).containsExactly("DELETE /" + AzuriteServer.ACCOUNT + "/" + container
                    + "/team/" + before.get(1));
            assertThat(legalHold.refused()).hasSize(2);
        }
    }

    /**
     * A WAL prune past many blobs an immutability policy holds: the delete of each is refused, and the end of the
     * retention is read (a HEAD) for the first held only, the one the message names; the others are counted, as S3
     * says a DeleteObjects' refusals. It used to read each held blob's properties: thousands of held segments,
     * thousands of requests.
     */
    @Test
    void aDeleteAllPastManyHeldBlobsReadsOneRetentionDateAndCountsTheRest() throws Exception {
        String container = "many-" + UUID.randomUUID().toString().substring(0, 8);
        AzureFixture.createContainer(azurite, container);
        URI server = URI.create("http://127.0.0.1:" + azurite.endpoint().getPort());
        try (ReadOnlyS3Relay policy = ReadOnlyS3Relay.azureRefusing(server, l -> l.startsWith("DELETE ") && l.contains("/held-"),
                     "BlobImmutableDueToPolicy", "This operation is not permitted as the blob is immutable due to a policy.")
                     .answerHeader(l -> l.startsWith("HEAD "), "x-ms-immutability-policy-until-date: Sun, 31 Jan 2027 00:00:00 GMT");
             AzureStore raw = AzureFixture.store(azurite, container, "team/", 4L << 20, 2);
             AzureStore relayed = new AzureStore(new AzureSettings(URI.create(policy.uri() + "/" + AzuriteServer.ACCOUNT),
                     AzuriteServer.ACCOUNT, container, "team/", new io.dbbackup.core.Secret(azurite.accountKey(), "test"),
                     null, 4L << 20, 2, null, null, null, null))) {
            List<String> keys = new java.util.ArrayList<>();
            for (int n = 0; n < 64; n++) {
                keys.add("wal/" + (n % 16 == 0 ? "free-" : "held-") + String.format("%02d", n));
            }
            for (String k : keys) {
                raw.put(k, new byte[] {1}, context());
            }

            io.dbbackup.spi.HeldObjectException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                    () -> relayed.deleteAll(keys), io.dbbackup.spi.HeldObjectException.class);

            assertThat(e.keys()).as("the held keys, in the order given").hasSize(60).startsWith("wal/held-01", "wal/held-02");
            assertThat(raw.list("wal/").stream().map(StoredObject::key).toList()).as("the others deleted")
                    .containsExactlyInAnyOrderElementsOf(e.keys());
            assertThat(policy.passed().stream().filter(l -> l.startsWith("HEAD ")).toList())
                    .as("the properties read (HEAD) to say when the retention ends").hasSize(1);
            assertThat(e.getMessage()).isEqualTo("delete of 64 blobs in " + relayed.describe() + " failed for 60 of "
                    + "them (the other 4 were deleted), first team/wal/held-01: HTTP 409 BlobImmutableDueToPolicy (This "
                    + "operation is not permitted as the blob is immutable due to a policy.); an immutability policy "
                    + "(time-based retention, on the blob's version or its container) holds it: it cannot be deleted "
                    + "before 2027-01-31T00:00:00Z; not a missing permission");
        }
    }

    /**
     * A parallel delete of blobs some of which a policy holds, and one whose delete fails for another reason: the
     * service's 500 (retryable), then a 403 (permanent, with its advice). Each is thrown as it was (its type, whether
     * a retry may fix it, its advice), its line led by the count of the blobs held and the first of them, as S3's and
     * the default deleteAll say it. It used to be the failure's own line: the held blobs' count and the first lost.
     */
    @Test
    void anotherFailureAmongHeldBlobsKeepsTheirCountAndTheFirst() throws Exception {
        String container = "then-" + UUID.randomUUID().toString().substring(0, 8);
        AzureFixture.createContainer(azurite, container);
        URI server = URI.create("http://127.0.0.1:" + azurite.endpoint().getPort());
        try (ReadOnlyS3Relay policy = ReadOnlyS3Relay.azureRefusing(server, l -> l.startsWith("DELETE ") && l.contains("/held-"),
                     "BlobImmutableDueToPolicy", "This operation is not permitted as the blob is immutable due to a policy.");
             ReadOnlyS3Relay broken = ReadOnlyS3Relay.refusing(policy.uri(), l -> l.startsWith("DELETE ") && l.contains("/boom-"),
                     "500 Internal Server Error", "InternalError", "Server encountered an internal error.");
             ReadOnlyS3Relay denied = ReadOnlyS3Relay.refusing(policy.uri(), l -> l.startsWith("DELETE ") && l.contains("/boom-"),
                     "403 Forbidden", "AuthorizationPermissionMismatch", "This request is not authorized.");
             AzureStore raw = AzureFixture.store(azurite, container, "team/", 4L << 20, 2)) {
            List<String> keys = List.of("wal/free-00", "wal/held-01", "wal/held-02", "wal/free-03", "wal/held-04",
                    "wal/free-05", "wal/held-06", "wal/boom-07");
            for (ReadOnlyS3Relay relay : List.of(broken, denied)) {
                for (String k : keys) {
                    raw.put(k, new byte[] {1}, context());
                }
                try (AzureStore relayed = new AzureStore(new AzureSettings(URI.create(relay.uri() + "/" + AzuriteServer.ACCOUNT),
                        AzuriteServer.ACCOUNT, container, "team/", new io.dbbackup.core.Secret(azurite.accountKey(), "test"),
                        null, 4L << 20, 2, null, null, null, null))) {
                    relayed.http.firstPause = Duration.ofMillis(10);
                    Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> relayed.deleteAll(keys));
                    String then = "delete of 8 blobs in " + relayed.describe() + " failed for 5 of them (3 were deleted): 4 "
                            + "held by a lock, first team/wal/held-01: HTTP 409 BlobImmutableDueToPolicy (This operation is "
                            + "not permitted as the blob is immutable due to a policy.); then azure delete "
                            + relayed.settings().location("team/wal/boom-07") + " failed: HTTP ";
                    if (relay == broken) {
                        assertThat(t).isExactlyInstanceOf(java.io.IOException.class).hasMessage(then + "500 InternalError "
                                + "(Server encountered an internal error.)");
                    } else {
                        assertThat(t).isInstanceOfSatisfying(io.dbbackup.core.DbBackupException.class,
                                d -> assertThat(d.retryable()).as("retryable").isFalse());
                        assertThat(t.getMessage()).startsWith(then + "403 AuthorizationPermissionMismatch (This request is "
                                + "not authorized.); check the store's account_key (test), the account's firewall and this host's clock");
                    }
                    assertThat(raw.list("wal/").stream().map(StoredObject::key).toList()).as("the held and the failed left")
                            .containsExactly("wal/boom-07", "wal/held-01", "wal/held-02", "wal/held-04", "wal/held-06");
                }
            }
        }
    }

    private io.dbbackup.spi.OperationContext context() {
        return new io.dbbackup.spi.OperationContext(new io.dbbackup.spi.Cancellation(), new io.dbbackup.core.Log(
                new java.io.PrintWriter(new java.io.StringWriter()), io.dbbackup.core.Log.Format.TEXT,
                io.dbbackup.core.Log.Level.INFO, Clock.systemUTC()), dir);
    }

    private Cli at(Instant now) {
        return new Cli().workingDir(dir).clock(Clock.fixed(now, ZoneOffset.UTC)).env("AZ_KEY", azurite.accountKey());
    }

    private static List<String> backups(AzureStore raw) throws Exception {
        return raw.list("cluster/").stream().map(StoredObject::key)
                .filter(k -> k.matches("cluster/cluster-\\d{8}-\\d{6}\\.tar[.a-z0-9]*") && !k.endsWith(".sha256") && !k.endsWith(".json")).sorted()
                .toList();
    }

    private static List<String> wal(AzureStore raw) throws Exception {
        return raw.list("cluster/wal/").stream().map(o -> o.key().substring(o.key().lastIndexOf('/') + 1, o.key()
                .lastIndexOf('/') + 25)).sorted().toList();
    }
}
