package io.dbbackup.cli;

import io.dbbackup.codec.age.AgeKeys;
import io.dbbackup.testkit.Cli;
import io.dbbackup.testkit.Leftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One JVM running failing backups over and over, as a long Kubernetes job of 200 jobs with {@code retry} does: after
 * each round of failed attempts it holds what it held before the first (threads, native threads, open files, child
 * processes, files in the scratch folder and the store). The figures are printed per round.
 */
class LeftoversAfterFailuresIT {
    private static final int ROUNDS = Integer.getInteger("leftovers.rounds", 5);

    @TempDir
    Path dir;

    private Cli cli() {
        return new Cli().workingDir(dir).env("DBBACKUP_TMPDIR", dir.resolve("scratch").toString());
    }

    private Path[] watched() {
        return new Path[] {dir.resolve("scratch"), dir.resolve("store")};
    }

    /** {@code rounds} runs of {@code args}, each failing (exit {@code exit}), each leaving what the first left. */
    private void failsWithoutLeftovers(String yaml, int exit, String... args) throws Exception {
        failsWithoutLeftovers(cli(), false, 0, yaml, exit, args);
    }

    /**
     * {@code relayed}: the store's far end is a relay in this JVM at {@code relayPort}, whose own sockets and threads
     * come and go with the server's idle timeouts: they are not compared, nor is the JDK's keep-alive timer (it ends with
     * the idle connections it holds); the connections to it are no more than after the first run.
     */
    private void failsWithoutLeftovers(Cli cli, boolean relayed, int relayPort, String yaml, int exit, String... args) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), yaml);
        Cli.Result first = cli.run(args); // loads classes, starts the JVM's own pools
        assertThat(first.exit()).as(first.toString()).isEqualTo(exit);
        Leftovers baseline = Leftovers.steady(10, watched());
        long storeConnections = relayed ? Leftovers.connectionsTo(relayPort) : 0; // the JDK's keep-alive cache, at most 5
        System.out.println("baseline: " + baseline.figures());
        for (int round = 1; round <= ROUNDS; round++) {
            Cli.Result r = cli.run(args);
            assertThat(r.exit()).as(r.toString()).isEqualTo(exit);
            Leftovers after = Leftovers.settledTo(baseline, 5, watched());
            System.out.println("round " + round + ": " + after.figures());
            Leftovers was = baseline;
            if (relayed) {
                long open = Leftovers.connectionsTo(relayPort);
                // an idle connection of the JDK's keep-alive cache (up to 5) goes after 5 s; a leaked one stays: wait 8 s
                for (long end = System.nanoTime() + 8_000_000_000L; open > storeConnections && System.nanoTime() < end; ) {
                    Thread.sleep(200);
                    open = Leftovers.connectionsTo(relayPort);
                }
                System.out.println("round " + round + ": connections to the store open: " + open + " (after the first run: "
                        + storeConnections + ")");
                // no more than after the first run: the JDK's keep-alive cache closes an idle one after 5 s, sooner than a
                // round on a loaded machine takes (seen in CI: 0 where the first run left 1)
                assertThat(open).as("connections to the store open after round %d", round).isLessThanOrEqualTo(storeConnections);
                after = after.withoutSockets();
                was = baseline.withoutSockets();
            }
            assertThat(after.diff(was)).as("what round %d left behind (%s)", round, r.err()).isEmpty();
        }
    }

    private static String recipient() {
        return AgeKeys.generate().recipient();
    }

    @Test
    void aStoreFailingMidStreamLeavesNothingBehind() throws Exception {
        String recipient = recipient();
        StringBuilder y = new StringBuilder("datasources:\n");
        for (String c : new String[] {"zstd", "gzip", "lz4", "none"}) {
            y.append("  ").append(c).append(": {engine: fake, size: 8000000, compression: ").append(c).append("}\n");
        }
        y.append("stores:\n  s: {type: faulty, path: store, fail_write_after: 1000000}\njobs:\n");
        for (String c : new String[] {"zstd", "gzip", "lz4", "none"}) {
            y.append("  ").append(c).append(": {datasource: ").append(c).append(", store: s, retry: {max_attempts: 3, delay: 1ms}, "
                    + "encryption: {recipients: [").append(recipient).append("]}}\n");
        }
        failsWithoutLeftovers(y.toString(), 2, "-c", "config.yaml", "backup", "--all", "--parallel", "4", "--no-progress");
    }

    @Test
    void aDumpToolFailingMidStreamLeavesNothingBehind() throws Exception {
        String recipient = recipient();
        failsWithoutLeftovers("""
                datasources:
                  tool: {engine: fake, compression: zstd, command: [sh, -c, "head -c 3000000 /dev/urandom; sleep 0.2; exit 1"]}
                stores:
                  s: {type: faulty, path: store}
                jobs:
                  tool: {datasource: tool, store: s, retry: {max_attempts: 3, delay: 1ms}, encryption: {recipients: [%s]}}
                """.formatted(recipient), 2, "-c", "config.yaml", "backup", "tool", "--no-progress");
    }

    @Test
    void aSqliteBackupWhoseStoreFailsLeavesNothingInTheScratchFolder() throws Exception {
        io.dbbackup.testkit.SqliteFixture.create(dir.resolve("app.db"), 20000);
        failsWithoutLeftovers("""
                datasources:
                  app: {engine: sqlite, path: app.db, compression: zstd}
                stores:
                  s: {type: faulty, path: store, fail_write_after: 100000}
                jobs:
                  app: {datasource: app, store: s, retry: {max_attempts: 3, delay: 1ms}}
                """, 2, "-c", "config.yaml", "backup", "app", "--no-progress");
    }

    @Test
    void aTimedOutBackupLeavesNothingBehind() throws Exception {
        String recipient = recipient();
        failsWithoutLeftovers("""
                datasources:
                  slow: {engine: fake, size: 8000000, duration: 30s, compression: zstd}
                stores:
                  s: {type: faulty, path: store}
                jobs:
                  slow: {datasource: slow, store: s, timeout: 1s, retry: {max_attempts: 2, delay: 1ms}, encryption: {recipients: [%s]}}
                """.formatted(recipient), 2, "-c", "config.yaml", "backup", "slow", "--no-progress");
    }

    @Test
    void aBackupFailingItsVerificationLeavesNothingBehind() throws Exception {
        String recipient = recipient();
        failsWithoutLeftovers("""
                datasources:
                  d: {engine: fake, size: 3000000, compression: zstd}
                stores:
                  s: {type: faulty, path: store, corrupt: true}
                jobs:
                  d: {datasource: d, store: s, verify: true, retry: {max_attempts: 2, delay: 1ms}, encryption: {recipients: [%s]}}
                """.formatted(recipient), 3, "-c", "config.yaml", "backup", "d", "--no-progress");
    }

    @Test
    void twoHundredJobsSucceedingLeaveNothingBehindPerJob() throws Exception {
        String recipient = recipient();
        StringBuilder y = new StringBuilder("datasources:\n  d: {engine: fake, size: 200000, compression: zstd}\n");
        y.append("stores:\n  s: {type: local, path: store}\njobs:\n");
        for (int i = 0; i < 200; i++) {
            y.append(String.format("  j%03d: {datasource: d, store: s, prefix: j%03d, verify: true, encryption: {recipients: [%s]}}%n", i, i, recipient));
        }
        Files.writeString(dir.resolve("config.yaml"), y);
        Cli cli = cli();
        Path[] scratch = {dir.resolve("scratch")};
        Cli.Result first = cli.run("-c", "config.yaml", "backup", "--all", "--parallel", "4", "--no-progress");
        assertThat(first.exit()).as(first.toString()).isZero();
        Leftovers baseline = Leftovers.steady(10, scratch);
        System.out.println("200 jobs, baseline: " + baseline.figures());
        for (int round = 1; round <= 2; round++) {
            Thread.sleep(1100); // the next second: new keys
            Cli.Result r = cli.run("-c", "config.yaml", "backup", "--all", "--parallel", "4", "--no-progress");
            assertThat(r.exit()).as(r.toString()).isZero();
            Leftovers after = Leftovers.settledTo(baseline, 5, scratch);
            System.out.println("200 jobs, round " + round + ": " + after.figures());
            assertThat(after.diff(baseline)).as("what 200 backups left behind").isEmpty();
        }
    }

    @Test
    void aStoreFailingAfterItsFirstFlushToDiskLeavesNothingBehind() throws Exception {
        failsWithoutLeftovers("""
                datasources:
                  big: {engine: fake, size: 40000000, compression: none}
                stores:
                  s: {type: faulty, path: store, fsync: true, fail_write_after: 20000000}
                jobs:
                  big: {datasource: big, store: s, retry: {max_attempts: 2, delay: 1ms}}
                """, 2, "-c", "config.yaml", "backup", "big", "--no-progress");
    }

    /** Once {@code after} bytes went to the server in all, every request carrying a part's body is cut (small ones pass). */
    private static final class PartCuttingRelay extends io.dbbackup.testkit.TcpRelay {
        private final java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
        private final long after;

        PartCuttingRelay(java.net.URI target, long after) throws java.io.IOException {
            super(target);
            this.after = after;
        }

        @Override
        protected int pass(boolean toServer, byte[] buf, int n, long seen) {
            if (toServer && sent.addAndGet(n) > after && seen + n > 200_000) {
                return 0;
            }
            return n;
        }
    }

    @Test
    void anS3UploadFailingMidStreamIsAbortedAndLeavesNothingBehind() throws Exception {
        try (io.dbbackup.testkit.S3ProxyServer s3 = new io.dbbackup.testkit.S3ProxyServer();
             software.amazon.awssdk.services.s3.S3Client admin = io.dbbackup.store.s3.S3Fixture.admin(s3)) {
            admin.createBucket(b -> b.bucket("leaks"));
            try (PartCuttingRelay relay = new PartCuttingRelay(s3.endpoint(), 12_000_000)) {
                Cli cli = cli().env("S3_ACCESS", s3.accessKey()).env("S3_SECRET", s3.secretKey());
                failsWithoutLeftovers(cli, true, relay.port(), """
                        datasources:
                          big: {engine: fake, size: 40000000, compression: zstd}
                        stores:
                          s3: {type: s3, endpoint: %s, bucket: leaks, path_style: true, access_key_env: S3_ACCESS,
                               secret_key_env: S3_SECRET, part_size: 5MiB}
                        jobs:
                          big: {datasource: big, store: s3, retry: {max_attempts: 2, delay: 1ms}}
                        """.formatted(relay.uri()), 2, "-c", "config.yaml", "backup", "big", "--no-progress");
            }
            assertThat(io.dbbackup.store.s3.S3Fixture.multipartUploads(admin, "leaks")).as("every multipart upload aborted").isEmpty();
        }
        // the JDK's keep-alive cache lets its idle connections and its timer go after 5 s: not into the next test's baseline
        for (long end = System.nanoTime() + 10_000_000_000L; System.nanoTime() < end
                && Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("Keep-Alive-Timer")); ) {
            Thread.sleep(100);
        }
    }
}
