package io.dbbackup.pipeline;

import io.dbbackup.codec.Sha256;
import io.dbbackup.core.BackupKey;
import io.dbbackup.core.Compression;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.DumpFormat;
import io.dbbackup.core.ExitStatus;
import io.dbbackup.core.Log;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.DumpInfo;
import io.dbbackup.spi.Engine;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.RestoreOptions;
import io.dbbackup.spi.TargetState;
import io.dbbackup.spi.Upload;
import io.dbbackup.store.local.LocalStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pipeline's guarantees with faults injected on either side of the stream. */
class BackupPipelineTest {
    @TempDir
    Path dir;

    /** Writes {@code total} pseudo-random bytes, failing after {@code failAfter} of them when >= 0. */
    record FakeEngine(long total, long failAfter, AtomicBoolean stoppedEarly) implements Engine {
        public String database() {
            return "db";
        }

        public DumpFormat format() {
            return DumpFormat.SQL;
        }

        public DumpInfo dump(OutputStream out, OperationContext ctx) throws IOException {
            Random r = new Random(42);
            byte[] buf = new byte[8192];
            long written = 0;
            try {
                while (written < total) {
                    if (failAfter >= 0 && written >= failAfter) {
                        throw new IOException("pg_dump: error: connection to server lost");
                    }
                    r.nextBytes(buf);
                    for (int i = 0; i < buf.length; i += 4) {
                        buf[i] = 'a'; // compressible-ish
                    }
                    int n = (int) Math.min(buf.length, total - written);
                    out.write(buf, 0, n);
                    written += n;
                }
            } catch (IOException e) {
                stoppedEarly.set(written < total);
                throw e;
            }
            return DumpInfo.of(Map.of("server_version", "fake 1.0"));
        }

        public TargetState inspectTarget(OperationContext ctx) {
            return new TargetState(false, 0, "");
        }

        public void restore(InputStream in, DumpFormat format, RestoreOptions options, OperationContext ctx) {
        }

        public String describe() {
            return "fake";
        }
    }

    private final BackupKey key = new BackupKey("p", "db", Instant.parse("2026-05-01T00:00:00Z"), DumpFormat.SQL, Compression.ZSTD, false);

    private OperationContext ctx() {
        return new OperationContext(new Cancellation(), new Log(new PrintWriter(new StringWriter()), Log.Format.TEXT,
                Log.Level.INFO, Clock.systemUTC()), dir.resolve("scratch"));
    }

    private BackupPipeline.Request request(Engine engine, io.dbbackup.spi.Store store) {
        return new BackupPipeline.Request("job", "fake", engine, store, key, Compression.ZSTD, 3, null, ctx(), "test");
    }

    private Stream<Path> files(Path root) throws IOException {
        return Files.exists(root) ? Files.walk(root).filter(Files::isRegularFile) : Stream.empty();
    }

    /**
     * A store that cannot say whether the key is free (here: a file where the job's folder should be) names its path once:
     * "cannot reach store local /x/store: /x/store/p/…" said the store's path twice in a row.
     */
    @Test
    void aStoreThatCannotBeReachedIsNamedOnce() throws Exception {
        Path root = Files.createDirectories(dir.resolve("store"));
        Files.writeString(root.resolve("p"), "not a folder");
        LocalStore store = new LocalStore(root, true);
        assertThatThrownBy(() -> new BackupPipeline(Clock.systemUTC()).run(request(new FakeEngine(1000, -1, new AtomicBoolean()), store)))
                .isInstanceOf(DbBackupException.class)
                .hasMessageStartingWith("cannot reach the store: " + root.resolve(key.key()) + ": Not a directory")
                .satisfies(e -> assertThat(e.getMessage().split(java.util.regex.Pattern.quote(root.toString()), -1))
                        .as("the store's path said once").hasSize(2));
    }

    /**
     * A store that cannot be reached fails its upload and the name check each on its own (SFTP's shared failed connect):
     * whichever thread says it first, the error is the same, "cannot reach store …" (SftpSilentHostIT saw the upload's
     * words win when the check's came a moment after the failure).
     */
    @Test
    void anUnreachableStoreIsSaidTheSameWhicheverOfUploadAndCheckFailsFirst() throws Exception {
        LocalStore local = new LocalStore(dir.resolve("store"), true);
        java.util.concurrent.CountDownLatch uploadFailed = new java.util.concurrent.CountDownLatch(1);
        io.dbbackup.spi.Store unreachable = new io.dbbackup.spi.ForwardingStore(local) {
            @Override
            public Upload upload(String k, OperationContext c) throws IOException {
                uploadFailed.countDown();
                throw new IOException("sftp cannot connect to 127.0.0.1:22: no SSH banner within 15 s");
            }

            @Override
            public java.util.Optional<io.dbbackup.core.StoredObject> stat(String k) throws IOException {
                try {
                    uploadFailed.await();
                    Thread.sleep(300); // after the upload's failure has reached the pipeline
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("cannot connect: no SSH banner within 15 s");
            }

            @Override
            public String describe() {
                return "sftp u@h:22:/b";
            }
        };
        assertThatThrownBy(() -> new BackupPipeline(Clock.systemUTC()).run(request(new FakeEngine(1000, -1, new AtomicBoolean()), unreachable)))
                .isInstanceOf(DbBackupException.class)
                .hasMessageContaining("cannot reach store sftp u@h:22:/b: cannot connect: no SSH banner within 15 s");
    }

    @Test
    void aCompleteDumpLandsWithSidecarsAndTheRightDigest() throws Exception {
        LocalStore store = new LocalStore(dir.resolve("store"), true);
        BackupResult r = new BackupPipeline(Clock.systemUTC()).run(request(new FakeEngine(5_000_000, -1, new AtomicBoolean()), store));
        byte[] stored = Files.readAllBytes(dir.resolve("store").resolve(key.key()));
        assertThat(r.size()).isEqualTo(stored.length);
        assertThat(r.rawSize()).isEqualTo(5_000_000);
        assertThat(r.sha256()).isEqualTo(Sha256.hex(stored, 0, stored.length));
        assertThat(Files.readString(dir.resolve("store").resolve(key.sha256Key()))).isEqualTo(r.sha256() + "  " + key.fileName() + "\n");
        assertThat(Files.readString(dir.resolve("store").resolve(key.manifestKey()))).contains("\"server_version\": \"fake 1.0\"");
        // and reading it back gives the dump
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        try (InputStream in = new ArtifactReader(store).open(key, null)) {
            in.transferTo(back);
        }
        assertThat(back.size()).isEqualTo(5_000_000);
    }

    /**
     * Two runs of one job in the same second name the same key. The one that claims the key with its sidecar first keeps
     * its backup; the other fails (retryable, so a retry names a new key) and touches nothing of the first one's.
     */
    @Test
    void aRunThatFindsItsKeyClaimedByAnotherFailsAndLeavesTheOthersBackupAlone() throws Exception {
        LocalStore store = new LocalStore(dir.resolve("store"), true);
        Path sidecar = dir.resolve("store").resolve(key.sha256Key());
        Files.createDirectories(sidecar.getParent());
        Files.writeString(sidecar, "the other run's digest  " + key.fileName() + "\n"); // claimed while this run dumped
        assertThatThrownBy(() -> new BackupPipeline(Clock.systemUTC()).run(request(new FakeEngine(2_000_000, -1, new AtomicBoolean()), store)))
                .isInstanceOf(DbBackupException.class)
                .hasMessageContaining("another run of job job stored a backup under p/db/" + key.fileName() + " first")
                .satisfies(e -> assertThat(((DbBackupException) e).status()).isEqualTo(ExitStatus.SYSTEM_ERROR))
                .satisfies(e -> assertThat(((DbBackupException) e).retryable()).isTrue());
        assertThat(Files.readString(sidecar)).startsWith("the other run's digest");
        try (Stream<Path> s = files(dir.resolve("store"))) {
            assertThat(s).containsExactly(sidecar); // no artifact, no manifest, no temp file of this run
        }
    }

    @Test
    void aDumpFailingMidwayLeavesNothingBehind() throws Exception {
        LocalStore store = new LocalStore(dir.resolve("store"), true);
        assertThatThrownBy(() -> new BackupPipeline(Clock.systemUTC()).run(request(new FakeEngine(50_000_000, 3_000_000, new AtomicBoolean()), store)))
                .isInstanceOf(DbBackupException.class)
                .hasMessageContaining("connection to server lost")
                .satisfies(e -> assertThat(((DbBackupException) e).status()).isEqualTo(ExitStatus.SYSTEM_ERROR));
        try (Stream<Path> s = files(dir.resolve("store"))) {
            assertThat(s).isEmpty(); // no artifact, no sidecar, no temp file
        }
    }

    /**
     * A dump that fails while zstd at level 19 holds tens of MiB in its workers' jobs: the failure is reported at once,
     * not after the compressor ended its frame (it compressed all it held first: tens of seconds, more on a loaded
     * machine, before the job failed, was notified or retried).
     */
    @Test
    void aDumpFailingUnderZstdLevel19IsReportedAtOnce() throws Exception {
        LocalStore store = new LocalStore(dir.resolve("store"), true);
        AtomicLong failedAt = new AtomicLong();
        Engine text = new Engine() {
            public String database() {
                return "db";
            }

            public DumpFormat format() {
                return DumpFormat.SQL;
            }

            public DumpInfo dump(OutputStream out, OperationContext ctx) throws IOException {
                // text (base64 of random bytes): taken in fast by zstd's job buffers, slow to compress at level 19
                Random r = new Random(42);
                byte[] raw = new byte[48 * 1024];
                for (long written = 0; written < 64L << 20; written += 64 * 1024) {
                    r.nextBytes(raw);
                    out.write(java.util.Base64.getEncoder().encode(raw));
                }
                failedAt.set(System.nanoTime());
                throw new IOException("pg_dump: error: connection to server lost");
            }

            public TargetState inspectTarget(OperationContext ctx) {
                return new TargetState(false, 0, "");
            }

            public void restore(InputStream in, DumpFormat format, RestoreOptions options, OperationContext ctx) {
            }

            public String describe() {
                return "fake";
            }
        };
        BackupPipeline.Request request = new BackupPipeline.Request("job", "fake", text, store, key, Compression.ZSTD, 19, null,
                ctx(), "test");
        assertThatThrownBy(() -> new BackupPipeline(Clock.systemUTC()).run(request))
                .isInstanceOf(DbBackupException.class)
                .hasMessageContaining("connection to server lost");
        long ms = (System.nanoTime() - failedAt.get()) / 1_000_000;
        assertThat(ms).as("the dump's failure reported %d ms after it", ms).isLessThan(3000);
        try (Stream<Path> s = files(dir.resolve("store"))) {
            assertThat(s).isEmpty(); // no artifact, no sidecar, no temp file
        }
    }

    @Test
    void anUploadFailingMidwayStopsTheDumpAndAbortsTheUpload() throws Exception {
        AtomicBoolean stoppedEarly = new AtomicBoolean();
        AtomicBoolean aborted = new AtomicBoolean();
        LocalStore local = new LocalStore(dir.resolve("store"), true);
        io.dbbackup.spi.Store failing = new io.dbbackup.spi.Store() {
            public Upload upload(String k, OperationContext c) throws IOException {
                Upload real = local.upload(k, c);
                OutputStream broken = new OutputStream() {
                    long n;

                    public void write(int b) throws IOException {
                        write(new byte[] {(byte) b}, 0, 1);
                    }

                    public void write(byte[] b, int off, int len) throws IOException {
                        n += len;
                        if (n > 1_000_000) {
                            throw new IOException("connection reset by peer");
                        }
                        real.stream().write(b, off, len);
                    }
                };
                return new Upload() {
                    public OutputStream stream() {
                        return broken;
                    }

                    public void commit() throws IOException {
                        real.commit();
                    }

                    public void abort() {
                        aborted.set(true);
                        real.abort();
                    }

                    public void close() {
                        abort();
                    }
                };
            }

            public InputStream open(String k) throws IOException {
                return local.open(k);
            }

            public java.util.List<io.dbbackup.core.StoredObject> list(String p) throws IOException {
                return local.list(p);
            }

            public java.util.Optional<io.dbbackup.core.StoredObject> stat(String k) throws IOException {
                return local.stat(k);
            }

            public void delete(String k) throws IOException {
                local.delete(k);
            }

            public String describe() {
                return "failing";
            }
        };
        // incompressible enough that 1 MB of output arrives long before 500 MB of input
        assertThatThrownBy(() -> new BackupPipeline(Clock.systemUTC()).run(new BackupPipeline.Request("job", "fake",
                new FakeEngine(500_000_000, -1, stoppedEarly), failing, key, Compression.NONE, 0, null, ctx(), "t")))
                .isInstanceOf(DbBackupException.class).hasMessageContaining("connection reset by peer");
        assertThat(aborted).isTrue();
        assertThat(stoppedEarly).as("the dump was stopped, not run to the end into nowhere").isTrue();
        try (Stream<Path> s = files(dir.resolve("store"))) {
            assertThat(s).isEmpty();
        }
    }

    /** Writes {@code before} bytes, then waits (a server that stopped answering) until its context is cancelled. */
    private static Engine stallingEngine(int before, AtomicBoolean cancelled) {
        return new Engine() {
            public String database() {
                return "db";
            }

            public DumpFormat format() {
                return DumpFormat.SQL;
            }

            public DumpInfo dump(OutputStream out, OperationContext ctx) throws IOException {
                out.write(new byte[before]);
                java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);
                ctx.cancellation().onCancel(stop::countDown);
                try {
                    stop.await(); // as a tool reading from a SIGSTOP'd server: until it is killed
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                cancelled.set(true);
                throw new IOException("mariadb-dump was killed");
            }

            public TargetState inspectTarget(OperationContext ctx) {
                return new TargetState(false, 0, "");
            }

            public void restore(InputStream in, DumpFormat format, RestoreOptions options, OperationContext ctx) {
            }

            public String describe() {
                return "fake db on stopped-host";
            }
        };
    }

    /**
     * A dump that stops writing (its server SIGSTOP'd, a frozen VM) fails the backup once it has written nothing for
     * stall_timeout, as a system error that says so, instead of waiting for ever: the dump is cancelled, the upload
     * aborted, nothing is stored.
     */
    @Test
    void aDumpThatWritesNothingForTheStallTimeoutFailsAndStoresNothing() throws Exception {
        AtomicBoolean cancelled = new AtomicBoolean();
        AtomicBoolean aborted = new AtomicBoolean();
        LocalStore local = new LocalStore(dir.resolve("store"), true);
        io.dbbackup.spi.Store store = new io.dbbackup.spi.ForwardingStore(local) {
            @Override
            public Upload upload(String k, OperationContext c) throws IOException {
                Upload real = local.upload(k, c);
                return new Upload() {
                    public OutputStream stream() {
                        return real.stream();
                    }

                    public void commit() throws IOException {
                        real.commit();
                    }

                    public void abort() {
                        aborted.set(true);
                        real.abort();
                    }

                    public void close() {
                        abort();
                    }
                };
            }
        };
        BackupPipeline.Request request = new BackupPipeline.Request("job", "fake", stallingEngine(200_000, cancelled), store,
                key, Compression.ZSTD, 3, null, ctx(), "test", null, java.time.Duration.ofSeconds(1));
        long start = System.nanoTime();
        Throwable thrown = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
                () -> org.assertj.core.api.Assertions.catchThrowable(() -> new BackupPipeline(Clock.systemUTC()).run(request)));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(thrown).isInstanceOf(DbBackupException.class)
                .hasMessage("the dump of fake db on stopped-host wrote nothing for 1 s (stall_timeout): the database server "
                        + "stopped answering, or a lock held the dump back; nothing was stored");
        assertThat(((DbBackupException) thrown).status()).isEqualTo(ExitStatus.SYSTEM_ERROR);
        assertThat(ms).as("failed %d ms after the start", ms).isBetween(900L, 6000L);
        assertThat(cancelled).as("the dump was cancelled").isTrue();
        assertThat(aborted).as("the upload was aborted").isTrue();
        try (Stream<Path> s = files(dir.resolve("store"))) {
            assertThat(s).isEmpty(); // no artifact under its final key, no sidecar, no temp file
        }
    }

    /**
     * A dump held back by the pipeline (the upload slower than the dump, the pipe full for longer than stall_timeout) is
     * not stalled: the time its writes wait for room does not count.
     */
    @Test
    void aDumpHeldBackByASlowUploadIsNotAStall() throws Exception {
        LocalStore local = new LocalStore(dir.resolve("store"), true);
        io.dbbackup.spi.Store slow = new io.dbbackup.spi.ForwardingStore(local) {
            @Override
            public Upload upload(String k, OperationContext c) throws IOException {
                Upload real = local.upload(k, c);
                OutputStream slowly = new OutputStream() {
                    private boolean slept;

                    public void write(int b) throws IOException {
                        write(new byte[] {(byte) b}, 0, 1);
                    }

                    public void write(byte[] b, int off, int len) throws IOException {
                        if (!slept) { // once, long after the pipe has filled up behind it
                            slept = true;
                            try {
                                Thread.sleep(3000);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                throw new java.io.InterruptedIOException();
                            }
                        }
                        real.stream().write(b, off, len);
                    }
                };
                return new Upload() {
                    public OutputStream stream() {
                        return slowly;
                    }

                    public void commit() throws IOException {
                        real.commit();
                    }

                    public void abort() {
                        real.abort();
                    }

                    public void close() {
                        abort();
                    }
                };
            }
        };
        // 40 MB (incompressible enough, no compression): far more than the pipe and the store's blocks hold
        BackupResult result = new BackupPipeline(Clock.systemUTC()).run(new BackupPipeline.Request("job", "fake",
                new FakeEngine(40_000_000, -1, new AtomicBoolean()), slow, key, Compression.NONE, 0, null, ctx(), "t", null,
                java.time.Duration.ofSeconds(1)));
        assertThat(result.rawSize()).isEqualTo(40_000_000);
        assertThat(local.stat(key.key())).isPresent();
    }

    @Test
    void anEmptyDumpIsNotABackup() {
        LocalStore store = new LocalStore(dir.resolve("store"), true);
        assertThatThrownBy(() -> new BackupPipeline(Clock.systemUTC()).run(request(new FakeEngine(0, -1, new AtomicBoolean()), store)))
                .hasMessageContaining("empty");
    }

    @Test
    void anExistingBackupIsNeverOverwritten() throws Exception {
        LocalStore store = new LocalStore(dir.resolve("store"), true);
        new BackupPipeline(Clock.systemUTC()).run(request(new FakeEngine(1000, -1, new AtomicBoolean()), store));
        byte[] first = Files.readAllBytes(dir.resolve("store").resolve(key.key()));
        String firstSidecar = Files.readString(dir.resolve("store").resolve(key.sha256Key()));
        String firstManifest = Files.readString(dir.resolve("store").resolve(key.manifestKey()));
        // the check runs beside the dump: a refusal stops a long dump instead of letting it run to the end
        AtomicBoolean stoppedEarly = new AtomicBoolean();
        assertThatThrownBy(() -> new BackupPipeline(Clock.systemUTC()).run(request(new FakeEngine(2_000_000_000L, -1, stoppedEarly), store)))
                .hasMessageContaining("refusing to overwrite")
                .satisfies(e -> assertThat(((DbBackupException) e).status()).isEqualTo(ExitStatus.SYSTEM_ERROR))
                .satisfies(e -> assertThat(((DbBackupException) e).retryable()).as("a retry names a new second").isTrue());
        assertThat(stoppedEarly).isTrue();
        assertThat(Files.readAllBytes(dir.resolve("store").resolve(key.key()))).isEqualTo(first);
        assertThat(Files.readString(dir.resolve("store").resolve(key.sha256Key()))).isEqualTo(firstSidecar);
        assertThat(Files.readString(dir.resolve("store").resolve(key.manifestKey()))).isEqualTo(firstManifest);
        try (Stream<Path> s = files(dir.resolve("store"))) {
            assertThat(s).hasSize(3); // no temporary file left behind
        }
    }

    /**
     * A backup that fails after it claimed its key (the manifest sidecar refused, the commit refused) or while it
     * uploads removes what it wrote and the folders it made for it, deepest first; the folder that was there before
     * and what another job keeps in it stay. The next run lands under the same key.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = io.dbbackup.testkit.FaultingStore.Step.class,
            names = {"UPLOAD", "SIDECAR", "COMMIT", "COMMIT_STORED"})
    void aBackupFailingAfterItsClaimRemovesTheFoldersItMade(io.dbbackup.testkit.FaultingStore.Step step) throws Exception {
        Path root = Files.createDirectories(dir.resolve("store"));
        Files.writeString(root.resolve("other-job.txt"), "kept");
        LocalStore local = new LocalStore(root, true);
        io.dbbackup.testkit.FaultingStore failing = new io.dbbackup.testkit.FaultingStore(local, step);
        assertThatThrownBy(() -> new BackupPipeline(Clock.systemUTC()).run(request(new FakeEngine(2_000_000, -1, new AtomicBoolean()), failing)))
                .isInstanceOf(DbBackupException.class).hasMessageContaining("injected fault");
        assertThat(failing.struck()).isTrue();
        try (Stream<Path> s = Files.walk(root)) {
            assertThat(s).as("no folder, sidecar, object or temporary file of the failed run")
                    .containsExactlyInAnyOrder(root, root.resolve("other-job.txt"));
        }
        BackupResult next = new BackupPipeline(Clock.systemUTC()).run(request(new FakeEngine(2_000_000, -1, new AtomicBoolean()), local));
        assertThat(new ArtifactReader(local).verify(key, null)).isEqualTo(next.rawSize());
    }

    /**
     * The claim (the {@code .sha256} sidecar's write) fails after the store applied it (its answer lost): the sidecar it
     * stored is read back, found to be this run's and removed, so that it does not claim the key for a backup that does
     * not exist; the next run lands under the same key. It stayed, and the next run was refused ("a backup already exists").
     */
    @Test
    void aClaimThatFailedAfterTheStoreAppliedItRemovesThisRunsSidecar() throws Exception {
        LocalStore local = new LocalStore(dir.resolve("store"), true);
        io.dbbackup.testkit.FaultingStore failing = new io.dbbackup.testkit.FaultingStore(local, io.dbbackup.testkit.FaultingStore.Step.CLAIM_STORED);
        assertThatThrownBy(() -> new BackupPipeline(Clock.systemUTC()).run(request(new FakeEngine(2_000_000, -1, new AtomicBoolean()), failing)))
                .isInstanceOf(DbBackupException.class).hasMessageContaining("timed out after the store applied it");
        assertThat(failing.struck()).isTrue();
        try (Stream<Path> s = files(dir.resolve("store"))) {
            assertThat(s).as("no sidecar, object or temporary file").isEmpty();
        }
        BackupResult next = new BackupPipeline(Clock.systemUTC()).run(request(new FakeEngine(2_000_000, -1, new AtomicBoolean()), local));
        assertThat(new ArtifactReader(local).verify(key, null)).isEqualTo(next.rawSize());
    }

    /**
     * The claim fails without an answer, and what is under the key is another run's: it claimed the key meanwhile (the
     * job started twice in one second) and committed its backup. The failed run reads the sidecar back, finds another
     * run's bytes (or its own, but a committed artifact beside them, which this run never committed before its claim),
     * and deletes nothing of that backup.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void aClaimThatFailedNeverDeletesAnotherRunsCommittedBackup(boolean sameBytes) throws Exception {
        LocalStore local = new LocalStore(dir.resolve("store"), true);
        // the same bytes: the other run dumped the very same data in the same second (this run's sidecar, made ahead)
        byte[] otherSidecar = sameBytes
                ? Sha256.sidecar(new BackupPipeline(Clock.systemUTC()).run(request(new FakeEngine(2_000_000, -1, new AtomicBoolean()),
                        new LocalStore(dir.resolve("ahead"), false))).sha256(), key.fileName())
                : ("0".repeat(64) + "  " + key.fileName() + "\n").getBytes();
        io.dbbackup.spi.Store racing = new io.dbbackup.spi.ForwardingStore(local) {
            @Override
            public boolean putIfAbsent(String k, byte[] content, OperationContext c) throws IOException {
                // the other run gets there first, backup and all; this run's claim then times out
                local.put(key.key(), "the other run's backup".getBytes(), c);
                assertThat(local.putIfAbsent(key.sha256Key(), otherSidecar, c)).isTrue();
                local.put(key.manifestKey(), "{\"the other run\": true}".getBytes(), c);
                local.putIfAbsent(k, content, c); // refused: the other's claim
                throw new IOException("timed out waiting for the answer");
            }
        };
        assertThatThrownBy(() -> new BackupPipeline(Clock.systemUTC()).run(request(new FakeEngine(2_000_000, -1, new AtomicBoolean()), racing)))
                .isInstanceOf(DbBackupException.class).hasMessageContaining("timed out waiting for the answer");
        Path store = dir.resolve("store");
        assertThat(store.resolve(key.key())).hasContent("the other run's backup");
        assertThat(Files.readAllBytes(store.resolve(key.sha256Key()))).isEqualTo(otherSidecar);
        assertThat(store.resolve(key.manifestKey())).hasContent("{\"the other run\": true}");
        try (Stream<Path> s = files(store)) {
            assertThat(s).as("nothing of the failed run's").hasSize(3);
        }
    }
}
