package io.dbbackup.spi;

import io.dbbackup.core.Log;
import io.dbbackup.core.StoredObject;
import io.dbbackup.core.UnfinishedUpload;
import io.dbbackup.testkit.TestBytes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * What every {@link Store} promises, run against each implementation with its real server.
 *
 * <p>Overwrite rule: committing an upload over an existing key replaces the object; until the commit
 * the old object stays readable, and an aborted upload leaves it untouched.
 */
public abstract class StoreContract {
    protected static final long MiB = 1L << 20;

    /** A store over a fresh, empty root (each test gets its own). */
    protected abstract Store createStore() throws Exception;

    /** Asserts the store's backend holds no half-written data (temp files, incomplete multipart uploads). */
    protected void assertNoLeftovers(Store store) throws Exception {
    }

    /** Size of the round-trip stream. */
    protected long largeSize() {
        return 50 * MiB;
    }

    /** Bytes that are more than one upload chunk for the store (e.g. two S3 parts). */
    protected long multiChunkSize() {
        return 12 * MiB;
    }

    @TempDir
    protected Path scratch;
    protected final StringWriter logText = new StringWriter();
    protected Store store;

    @BeforeEach
    void openStore() throws Exception {
        store = createStore();
    }

    @AfterEach
    void closeStore() throws Exception {
        if (store != null) {
            store.close();
        }
    }

    protected OperationContext ctx() {
        return new OperationContext(new Cancellation(),
                new Log(new PrintWriter(logText, true), Log.Format.TEXT, Log.Level.DEBUG, Clock.systemUTC()), scratch);
    }

    protected String read(String key) throws IOException {
        try (InputStream in = store.open(key)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    protected void put(String key, String content) throws IOException {
        store.put(key, content.getBytes(StandardCharsets.UTF_8), ctx());
    }

    protected List<String> keys(String prefix) throws IOException {
        return store.list(prefix).stream().map(StoredObject::key).toList();
    }

    @Test
    void largeStreamRoundTrip() throws Exception {
        long size = largeSize();
        String sha;
        try (Upload up = store.upload("db/db-20261123-101500.sql.gz", ctx())) {
            sha = TestBytes.write(up.stream(), size, 42);
            up.stream().close();
            up.commit();
        }
        Optional<StoredObject> stat = store.stat("db/db-20261123-101500.sql.gz");
        assertThat(stat).isPresent();
        assertThat(stat.get().size()).isEqualTo(size);
        assertThat(stat.get().lastModified()).isNotNull();
        try (InputStream in = store.open("db/db-20261123-101500.sql.gz")) {
            assertThat(TestBytes.sha256(in)).isEqualTo(sha);
        }
        assertThat(store.list("db/")).extracting(StoredObject::key, StoredObject::size)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("db/db-20261123-101500.sql.gz", size));
        assertNoLeftovers(store);
    }

    @Test
    void smallAndEmptyObjects() throws Exception {
        put("a/small.txt", "hello");
        store.put("a/empty", new byte[0], ctx());
        assertThat(read("a/small.txt")).isEqualTo("hello");
        assertThat(read("a/empty")).isEmpty();
        assertThat(store.stat("a/empty")).map(StoredObject::size).contains(0L);
        assertThat(store.stat("a/small.txt")).map(StoredObject::size).contains(5L);
    }

    /** The sidecar that claims a backup's key: written only where nothing is, never over what another run stored. */
    @Test
    void putIfAbsentWritesOnlyWhereNothingIs() throws Exception {
        assertThat(store.putIfAbsent("a/b.dump.sha256", "first".getBytes(StandardCharsets.UTF_8), ctx())).isTrue();
        assertThat(read("a/b.dump.sha256")).isEqualTo("first");
        assertThat(store.putIfAbsent("a/b.dump.sha256", "second".getBytes(StandardCharsets.UTF_8), ctx())).isFalse();
        assertThat(read("a/b.dump.sha256")).isEqualTo("first");
        assertThat(keys("a/")).containsExactly("a/b.dump.sha256");
        assertNoLeftovers(store);
    }

    @Test
    void nothingVisibleBeforeCommit() throws Exception {
        try (Upload up = store.upload("job/pending.dump", ctx())) {
            String sha = TestBytes.write(up.stream(), multiChunkSize(), 7);
            assertThat(store.stat("job/pending.dump")).isEmpty();
            assertThat(keys("")).doesNotContain("job/pending.dump").allSatisfy(k -> assertThat(k).doesNotContain("pending"));
            assertThatThrownBy(() -> store.open("job/pending.dump")).isInstanceOf(NoSuchKeyException.class);
            up.commit();
            try (InputStream in = store.open("job/pending.dump")) {
                assertThat(TestBytes.sha256(in)).isEqualTo(sha);
            }
        }
        assertThat(keys("")).containsExactly("job/pending.dump");
        assertNoLeftovers(store);
    }

    @Test
    void abortAndCloseWithoutCommitLeaveNothing() throws Exception {
        Upload up = store.upload("job/aborted.dump", ctx());
        TestBytes.write(up.stream(), multiChunkSize(), 1);
        up.abort();
        up.abort(); // twice is fine
        try (Upload other = store.upload("job/unclosed.dump", ctx())) {
            TestBytes.write(other.stream(), multiChunkSize(), 2);
        } // close without commit
        try (Upload small = store.upload("job/small-aborted.dump", ctx())) {
            small.stream().write("tiny".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(store.list("")).isEmpty();
        assertThat(store.stat("job/aborted.dump")).isEmpty();
        assertThat(store.stat("job/unclosed.dump")).isEmpty();
        assertThat(store.stat("job/small-aborted.dump")).isEmpty();
        assertNoLeftovers(store);
    }

    @Test
    void cancellationMidUploadLeavesNothing() throws Exception {
        OperationContext ctx = ctx();
        Upload up = store.upload("job/cancelled.dump", ctx);
        TestBytes.write(up.stream(), multiChunkSize(), 3);
        ctx.cancellation().cancel("test cancels the job");
        // what the pipeline does: the dump stops, the upload is aborted
        up.abort();
        Throwable late = catchThrowable(() -> up.stream().write(new byte[1 << 20]));
        Throwable commit = catchThrowable(up::commit);
        assertThat(commit).as("commit after abort").isInstanceOf(IOException.class);
        assertThat(late == null || late instanceof IOException).as("a write after abort fails with IOException or is dropped").isTrue();
        assertThat(store.list("")).isEmpty();
        assertNoLeftovers(store);
    }

    /**
     * An upload neither committed nor aborted (what a process killed mid-backup leaves) is listed as unfinished
     * under its key, never as an object, with what it stored so far and when it was last written; removing it
     * leaves nothing, and removing it again is no error.
     */
    @Test
    void anUploadLeftUnfinishedIsListedWithItsKeyAndCanBeRemoved() throws Exception {
        put("job/done.dump", "done");
        Instant before = Instant.now().minusSeconds(2).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Upload left = store.upload("job/db/left.dump", ctx());
        try {
            TestBytes.write(left.stream(), multiChunkSize(), 9);
            left.stream().flush();
            List<UnfinishedUpload> unfinished = awaitUnfinished("job/");
            assertThat(unfinished).singleElement().satisfies(u -> {
                assertThat(u.key()).isEqualTo("job/db/left.dump");
                assertThat(u.name()).isNotBlank();
                assertThat(u.size()).isPositive().isLessThanOrEqualTo(multiChunkSize());
                assertThat(u.lastWrite()).isBetween(before, Instant.now().plusSeconds(2));
            });
            // the same upload under a narrower prefix (its size may have grown: S3 sends parts in the background)
            assertThat(store.listUnfinished("job/db/")).extracting(UnfinishedUpload::key, UnfinishedUpload::name)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("job/db/left.dump", unfinished.get(0).name()));
            assertThat(store.listUnfinished("other/")).isEmpty();
            assertThat(keys("")).containsExactly("job/done.dump");

            store.removeUnfinished(unfinished.get(0));
            assertThat(store.listUnfinished("")).isEmpty();
            store.removeUnfinished(unfinished.get(0)); // already gone
        } finally {
            left.abort(); // what the killed process never did: finds nothing to remove (or cleans up after a failure)
        }
        assertThat(keys("")).containsExactly("job/done.dump");
        assertNoLeftovers(store);
    }

    /**
     * The unfinished uploads under {@code prefix} once one has stored bytes and the listing stopped changing (S3
     * sends the parts written so far in the background; removing the upload while one is on its way races it).
     */
    private List<UnfinishedUpload> awaitUnfinished(String prefix) throws Exception {
        long end = System.nanoTime() + 20_000_000_000L;
        List<UnfinishedUpload> last = List.of();
        while (true) {
            List<UnfinishedUpload> found = store.listUnfinished(prefix);
            boolean stored = !found.isEmpty() && found.get(0).size() > 0;
            if ((stored && found.equals(last)) || System.nanoTime() > end) {
                return found;
            }
            last = found;
            Thread.sleep(300);
        }
    }

    @Test
    void listingWithNestedPrefixes() throws Exception {
        for (String k : List.of("a/b/c.txt", "a/b/d.txt", "a/e.txt", "ab/f.txt", "z.txt", "a/b/deep/er/g.txt")) {
            put(k, k);
        }
        assertThat(keys("")).containsExactly("a/b/c.txt", "a/b/d.txt", "a/b/deep/er/g.txt", "a/e.txt", "ab/f.txt", "z.txt");
        assertThat(keys("a/")).containsExactly("a/b/c.txt", "a/b/d.txt", "a/b/deep/er/g.txt", "a/e.txt");
        assertThat(keys("a")).containsExactly("a/b/c.txt", "a/b/d.txt", "a/b/deep/er/g.txt", "a/e.txt", "ab/f.txt");
        assertThat(keys("a/b/")).containsExactly("a/b/c.txt", "a/b/d.txt", "a/b/deep/er/g.txt");
        assertThat(keys("a/b/d")).containsExactly("a/b/d.txt", "a/b/deep/er/g.txt");
        assertThat(keys("nope/")).isEmpty();
        assertThat(keys("a/nope/")).isEmpty();
        assertThat(store.list("a/e")).singleElement().satisfies(o -> {
            assertThat(o.size()).isEqualTo("a/e.txt".length());
            assertThat(o.lastModified()).isNotNull();
        });
    }

    @Test
    void aFolderIsListedWithoutWhatIsBelowIt() throws Exception {
        for (String k : List.of("p/db/db-1.dump", "p/db/db-2.dump", "p/db/wal/0001/seg-a.zst", "p/db/wal/seg-b.zst",
                "p/dbx/other.dump", "p/db.dump", "top.txt")) {
            put(k, k);
        }
        assertThat(store.listFolder("p/db/")).extracting(StoredObject::key).containsExactly("p/db/db-1.dump", "p/db/db-2.dump");
        assertThat(store.listFolder("p/db/")).allSatisfy(o -> assertThat(o.size()).isEqualTo("p/db/db-1.dump".length()));
        assertThat(store.listFolder("p/db/wal/")).extracting(StoredObject::key).containsExactly("p/db/wal/seg-b.zst");
        assertThat(store.listFolder("p/")).extracting(StoredObject::key).containsExactly("p/db.dump");
        assertThat(store.listFolder("")).extracting(StoredObject::key).containsExactly("top.txt");
        assertThat(store.listFolder("nope/")).isEmpty();
        assertThat(store.listFolder("p/db/db-1.dump/")).isEmpty();
    }

    @Test
    void deleteAndMissingKeys() throws Exception {
        put("x/one.txt", "1");
        put("x/two.txt", "2");
        store.delete("x/one.txt");
        assertThat(keys("x/")).containsExactly("x/two.txt");
        store.delete("x/one.txt"); // already gone: fine
        store.delete("never/was.txt");
        assertThat(store.stat("x/one.txt")).isEmpty();
        assertThat(store.stat("never/was.txt")).isEmpty();
        assertThatThrownBy(() -> store.open("x/one.txt")).isInstanceOf(NoSuchKeyException.class);
        assertThatThrownBy(() -> store.open("never/was.txt")).isInstanceOf(NoSuchKeyException.class);
        assertThat(read("x/two.txt")).isEqualTo("2");
    }

    @Test
    void deleteAllRemovesEveryKeyGivenAndNothingElse() throws Exception {
        List<String> doomed = new java.util.ArrayList<>();
        for (int i = 0; i < 27; i++) {
            doomed.add(String.format("w/wal/%08X", i));
        }
        for (String key : doomed.subList(0, 25)) {
            put(key, "x");
        }
        put("w/wal/keep", "k");
        put("w/other", "o");
        store.deleteAll(doomed); // the last two were never there
        assertThat(keys("w/")).containsExactly("w/other", "w/wal/keep");
        store.deleteAll(List.of());
        assertThat(keys("w/")).containsExactly("w/other", "w/wal/keep");
    }

    @Test
    void overwriteReplacesOnlyOnCommit() throws Exception {
        put("o/key.txt", "first");
        put("o/key.txt", "second");
        assertThat(read("o/key.txt")).isEqualTo("second");
        assertThat(keys("o/")).containsExactly("o/key.txt");

        try (Upload up = store.upload("o/key.txt", ctx())) {
            up.stream().write("third, never committed".getBytes(StandardCharsets.UTF_8));
            assertThat(read("o/key.txt")).isEqualTo("second");
            up.abort();
        }
        assertThat(read("o/key.txt")).isEqualTo("second");

        try (Upload up = store.upload("o/key.txt", ctx())) {
            String sha = TestBytes.write(up.stream(), multiChunkSize(), 9);
            assertThat(read("o/key.txt")).isEqualTo("second");
            up.commit();
            try (InputStream in = store.open("o/key.txt")) {
                assertThat(TestBytes.sha256(in)).isEqualTo(sha);
            }
        }
        assertThat(keys("o/")).containsExactly("o/key.txt");
        assertNoLeftovers(store);
    }

    /** A one-key backup of {@code seed}'s bytes into {@code into}, as the backup command runs it. */
    io.dbbackup.pipeline.BackupResult backUp(Store into, io.dbbackup.core.BackupKey key, long seed) {
        return new io.dbbackup.pipeline.BackupPipeline(Clock.systemUTC()).run(new io.dbbackup.pipeline.BackupPipeline.Request(
                "job", "bytes", new io.dbbackup.testkit.BytesEngine(BACKUP_BYTES, seed), into, key,
                io.dbbackup.core.Compression.ZSTD, 3, null, ctx(), "test"));
    }

    static final long BACKUP_BYTES = 1_500_000;

    /**
     * A backup that fails at any step — the artifact's upload, the claim (its {@code .sha256} sidecar; refused, or
     * applied with its answer lost), the manifest
     * sidecar, the commit (refused, or applied with its answer lost) — leaves no object under a final key and no
     * unfinished upload, and the next backup of the job, under the very same key, lands and verifies.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = io.dbbackup.testkit.FaultingStore.Step.class, names = {
            "UPLOAD", "CLAIM", "CLAIM_STORED", "SIDECAR", "COMMIT", "COMMIT_STORED"})
    void aBackupFailingAtAnyStepLeavesNothingAndTheNextOneLands(io.dbbackup.testkit.FaultingStore.Step step) throws Exception {
        io.dbbackup.core.BackupKey key = new io.dbbackup.core.BackupKey("p", "db", Instant.parse("2026-05-01T00:00:00Z"),
                io.dbbackup.core.DumpFormat.SQL, io.dbbackup.core.Compression.ZSTD, false);
        io.dbbackup.testkit.FaultingStore failing = new io.dbbackup.testkit.FaultingStore(store, step);
        assertThatThrownBy(() -> backUp(failing, key, 1)).isInstanceOf(io.dbbackup.core.DbBackupException.class)
                .hasMessageContaining("injected fault");
        assertThat(failing.struck()).isTrue();
        assertThat(keys("")).as("no object under a final key").isEmpty();
        assertThat(store.listUnfinished("")).as("no unfinished upload").isEmpty();
        assertNoLeftovers(store);

        io.dbbackup.pipeline.BackupResult next = backUp(store, key, 2);
        assertThat(keys("")).containsExactlyInAnyOrder(key.key(), key.sha256Key(), key.manifestKey());
        assertThat(new io.dbbackup.pipeline.ArtifactReader(store).verify(key, null)).isEqualTo(BACKUP_BYTES);
        assertThat(next.rawSize()).isEqualTo(BACKUP_BYTES);
        assertNoLeftovers(store);
    }

    /**
     * Two runs back up byte-identical dumps under one key (the job started twice in one second): the owner claims it;
     * the other's claim fails without an answer, reads the owner's identical sidecar back with no artifact yet and
     * deletes it, before or after the owner's commit. The owner's backup keeps its {@code .sha256} either way (the owner
     * puts it back after its commit; the failing run puts it back when it sees the artifact after its delete). It was
     * lost: the artifact stood without its sidecar.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(io.dbbackup.testkit.ClaimRace.When.class)
    void aFailedClaimOfTheSameBytesNeverLeavesTheOwnersBackupWithoutItsSidecar(io.dbbackup.testkit.ClaimRace.When when)
            throws Exception {
        io.dbbackup.core.BackupKey key = new io.dbbackup.core.BackupKey("p", "db", Instant.parse("2026-05-01T00:00:00Z"),
                io.dbbackup.core.DumpFormat.SQL, io.dbbackup.core.Compression.ZSTD, false);
        io.dbbackup.testkit.ClaimRace race = new io.dbbackup.testkit.ClaimRace(when, key.key());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Future<io.dbbackup.pipeline.BackupResult> owner = pool.submit(() -> {
                try {
                    return backUp(race.owner(store), key, 1);
                } finally {
                    race.ownerDone();
                }
            });
            try {
                assertThatThrownBy(() -> backUp(race.failing(store), key, 1)).isInstanceOf(io.dbbackup.core.DbBackupException.class)
                        .hasMessageContaining("injected fault");
            } finally {
                race.failingDone();
            }
            io.dbbackup.pipeline.BackupResult kept = owner.get(120, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(race.failingDeleted()).as("the failing run deleted the owner's sidecar").isTrue();
            assertThat(keys("")).containsExactlyInAnyOrder(key.key(), key.sha256Key(), key.manifestKey());
            assertThat(read(key.sha256Key())).startsWith(kept.sha256() + "  ");
            assertThat(new io.dbbackup.pipeline.ArtifactReader(store).verify(key, null)).isEqualTo(BACKUP_BYTES);
            assertNoLeftovers(store);
        } finally {
            pool.shutdownNow();
        }
    }

}
