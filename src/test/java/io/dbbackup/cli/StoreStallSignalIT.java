package io.dbbackup.cli;

import io.dbbackup.store.s3.S3Fixture;
import io.dbbackup.testkit.AzuriteServer;
import io.dbbackup.testkit.DbbackupJar;
import io.dbbackup.testkit.OpenSshServer;
import io.dbbackup.testkit.S3ProxyServer;
import io.dbbackup.testkit.StallingRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM while the store's connection is black-holed (a {@link StallingRelay} between dbbackup and a real s3proxy,
 * Azurite or OpenSSH that stops reading and forwarding mid-upload or mid-download): the built jar exits 143 within
 * seconds — inside a pod's 30 s grace period — and leaves nothing under the key. The blocked request is cut off
 * instead of waited for (it used to take 8–11 s for S3 and Azure, 58 s for SFTP, 15.7 s for a stalled verify).
 */
class StoreStallSignalIT {
    /** The bound asserted: generous for a loaded 2-core machine, well under the old figures. */
    private static final long EXIT_WITHIN_MS = 6_000;

    static S3ProxyServer s3;
    static S3Client admin;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        s3 = new S3ProxyServer();
        admin = S3Fixture.admin(s3);
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    /** A dump of 40 MB of random bytes that then waits: parts of 5 MiB go up until the relay goes silent. */
    private static final String SLOW_DUMP = """
            datasources:
              slow:
                engine: fake
                compression: none
                command: [sh, -c, 'head -c 40000000 /dev/urandom; exec sleep 600']
            """;

    @Test
    void sigtermWithAnS3PartStalledExitsWithinSecondsAndAbortsTheUpload() throws Exception {
        String bucket = "stall-" + UUID.randomUUID().toString().substring(0, 8);
        admin.createBucket(b -> b.bucket(bucket));
        try (StallingRelay relay = new StallingRelay(s3.endpoint(), true, 7_000_000, 1)) {
            writeConfig(SLOW_DUMP, s3Store(relay.uri(), bucket));
            Exit e = terminateWhen(Map.of("S3_ACCESS", s3.accessKey(), "S3_SECRET", s3.secretKey()),
                    () -> relay.stalled() > 0, "backup", "slow");
            assertThat(e.code).as(e.toString()).isEqualTo(143);
            assertThat(e.ms).as("exits within seconds of SIGTERM: " + e).isLessThan(EXIT_WITHIN_MS);
            assertThat(admin.listObjectsV2(b -> b.bucket(bucket)).contents()).as("nothing under a key").isEmpty();
            assertThat(S3Fixture.multipartUploads(admin, bucket)).as("the multipart upload aborted").isEmpty();
        }
    }

    @Test
    void sigtermWithAnAzureBlockStalledExitsWithinSecondsAndDiscardsTheBlocks() throws Exception {
        try (AzuriteServer azurite = new AzuriteServer()) {
            String container = "stall-" + UUID.randomUUID().toString().substring(0, 8);
            io.dbbackup.store.azure.AzureFixture.createContainer(azurite, container);
            try (StallingRelay relay = new StallingRelay(azurite.endpoint(), true, 7_000_000, 1)) {
                writeConfig(SLOW_DUMP, """
                            type: azure
                            account: %s
                            container: %s
                            endpoint: %s/%s
                            account_key_env: AZ_KEY
                            block_size: 4MiB
                        """.formatted(AzuriteServer.ACCOUNT, container, relay.uri(), AzuriteServer.ACCOUNT));
                Exit e = terminateWhen(Map.of("AZ_KEY", azurite.accountKey()), () -> relay.stalled() > 0, "backup", "slow");
                assertThat(e.code).as(e.toString()).isEqualTo(143);
                assertThat(e.ms).as("exits within seconds of SIGTERM: " + e).isLessThan(EXIT_WITHIN_MS);
                assertThat(io.dbbackup.store.azure.AzureFixture.blobsAndStagedBlocks(azurite, container))
                        .as("no blob, no staged block").isEmpty();
            }
        }
    }

    @Test
    void sigtermWithAnSftpWriteStalledExitsWithinSecondsAndRemovesTheTemporaryFile() throws Exception {
        try (OpenSshServer ssh = new OpenSshServer();
             StallingRelay relay = new StallingRelay(URI.create("ssh://" + ssh.host() + ":" + ssh.port()), true, 7_000_000, 1)) {
            writeConfig(SLOW_DUMP, """
                        type: sftp
                        host: 127.0.0.1
                        port: %d
                        user: %s
                        path: %s
                        key_file: %s
                        host_key_fingerprint: "%s"
                    """.formatted(relay.uri().getPort(), ssh.user(), ssh.dataDir(), ssh.clientKey(), ssh.hostKeyFingerprint()));
            Exit e = terminateWhen(Map.of(), () -> relay.stalled() > 0, "backup", "slow");
            assertThat(e.code).as(e.toString()).isEqualTo(143);
            // an SFTP session is one connection: the temporary file is removed over a new one
            assertThat(e.ms).as("exits within seconds of SIGTERM (58 s before): " + e).isLessThan(10_000);
            assertThat(ssh.files()).as("no object, no temporary file on the server").isEmpty();
        }
    }

    @Test
    void sigtermDuringAStalledVerifyReadExitsWithinSeconds() throws Exception {
        Map<String, String> env = Map.of("S3_ACCESS", s3.accessKey(), "S3_SECRET", s3.secretKey());
        String bucket = bucketWithABackup("stallv", 12000000, env);
        try (StallingRelay relay = new StallingRelay(s3.endpoint(), false, 3_000_000, 1)) {
            writeConfig("""
                    datasources:
                      slow:
                        engine: fake
                        compression: none
                        command: [sh, -c, 'exit 1']
                    """, s3Store(relay.uri(), bucket));
            Exit e = terminateWhen(env, () -> relay.stalled() > 0, "verify", "slow");
            assertThat(e.code).as(e.toString()).isEqualTo(143);
            assertThat(e.ms).as("exits within seconds of SIGTERM (15.7 s before): " + e).isLessThan(EXIT_WITHIN_MS);
        }
    }

    /**
     * A job's {@code timeout} while its upload is stalled ends the attempt on time: the stalled part is cut off instead
     * of waited for (it overshot the timeout by the abort's 10 s wait for chunks on their way).
     */
    @Test
    void aJobTimeoutDuringAStalledS3PartEndsTheAttemptOnTime() throws Exception {
        String bucket = "stallt-" + UUID.randomUUID().toString().substring(0, 8);
        admin.createBucket(b -> b.bucket(bucket));
        try (StallingRelay relay = new StallingRelay(s3.endpoint(), true, 7_000_000, 1)) {
            writeConfig(SLOW_DUMP, s3Store(relay.uri(), bucket));
            Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml"))
                    .replace("retry: {max_attempts: 3, delay: 1s}", "timeout: 8s"));
            Exit e = backupOfSlowTimed("job timeout 8s in a stall");
            assertThat(relay.stalled()).as("the part stalled").isEqualTo(1);
            assertThat(e.code).as(e.toString()).isEqualTo(2);
            assertThat(e.out).contains("job slow timed out after 8s");
            // the JVM's start-up, the dump up to the stall, 8 s, the abort: well under the old 8 + 10 s (8 s, not less: on a
            // loaded machine the start-up and the dump up to the stall alone took over 4 s)
            assertThat(e.ms).as("the run ends soon after the timeout: " + e).isLessThan(15_000);
            assertThat(S3Fixture.multipartUploads(admin, bucket)).as("the multipart upload aborted").isEmpty();
        }
    }

    /**
     * SIGTERM while a backup's read-back ({@code verify: true}) waits on a stalled download: the read is stopped at
     * once (the stored backup stays, not read back, as for any interrupted read-back) and the process exits 143
     * within seconds; the read used to wait out the socket's read timeout, and be resumed, first.
     */
    @Test
    void sigtermDuringAStalledReadBackExitsWithinSeconds() throws Exception {
        String bucket = "stallr-" + UUID.randomUUID().toString().substring(0, 8);
        admin.createBucket(b -> b.bucket(bucket));
        try (StallingRelay relay = new StallingRelay(s3.endpoint(), false, 3_000_000, 1)) {
            writeConfig("""
                    datasources:
                      slow:
                        engine: fake
                        compression: none
                        command: [sh, -c, 'head -c 12000000 /dev/urandom']
                    """, s3Store(relay.uri(), bucket));
            Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml"))
                    .replace("retry: {max_attempts: 3, delay: 1s}", "verify: true"));
            Exit e = terminateWhen(Map.of("S3_ACCESS", s3.accessKey(), "S3_SECRET", s3.secretKey()),
                    () -> relay.stalled() > 0, "backup", "slow");
            assertThat(e.code).as(e.toString()).isEqualTo(143);
            assertThat(e.ms).as("exits within seconds of SIGTERM: " + e).isLessThan(EXIT_WITHIN_MS);
            assertThat(e.err).contains("the read-back was stopped before it finished: the backup stays");
            assertThat(admin.listObjectsV2(b -> b.bucket(bucket)).contents()).as("the backup and its two sidecars").hasSize(3);
        }
    }

    /**
     * SIGTERM while verify's GetObject of the backup waits for an answer that never comes (the server took the request
     * and went silent before the first byte): the GET is stopped at once and the process exits 143 within seconds. The
     * cancellation's hooks were registered only once the store's {@code open} returned, so nothing stopped the request:
     * the exit came from the signal's 15 s grace watchdog.
     */
    @Test
    void sigtermWhileVerifysGetWaitsForItsAnswerExitsWithinSeconds() throws Exception {
        Map<String, String> env = Map.of("S3_ACCESS", s3.accessKey(), "S3_SECRET", s3.secretKey());
        String bucket = bucketWithABackup("stallg", 100000, env);
        try (ArtifactGetHolder relay = new ArtifactGetHolder(s3.endpoint())) {
            writeConfig("""
                    datasources:
                      slow:
                        engine: fake
                        compression: none
                        command: [sh, -c, 'exit 1']
                    """, s3Store(relay.uri(), bucket));
            Exit e = terminateWhen(env, () -> relay.held() > 0, "verify", "slow");
            assertThat(e.code).as(e.toString()).isEqualTo(143);
            assertThat(e.ms).as("exits within seconds of SIGTERM (15 s before: the grace watchdog): " + e).isLessThan(3_000);
        }
    }

    /**
     * A job's {@code timeout} while its read-back's GetObject waits for an answer that never comes: the attempt ends on
     * time ("timed out", exit 2) and the backup stays, as for any stopped read-back. The GET was not stopped: the attempt
     * waited out the 60 s stall timeout.
     */
    @Test
    void aJobTimeoutWhileTheReadBacksGetWaitsForItsAnswerEndsTheAttemptOnTime() throws Exception {
        String bucket = "stallgt-" + UUID.randomUUID().toString().substring(0, 8);
        admin.createBucket(b -> b.bucket(bucket));
        try (ArtifactGetHolder relay = new ArtifactGetHolder(s3.endpoint())) {
            writeConfig("""
                    datasources:
                      slow:
                        engine: fake
                        compression: none
                        command: [sh, -c, 'head -c 100000 /dev/urandom']
                    """, s3Store(relay.uri(), bucket));
            Files.writeString(dir.resolve("config.yaml"), Files.readString(dir.resolve("config.yaml"))
                    .replace("retry: {max_attempts: 3, delay: 1s}", "verify: true\n    timeout: 8s"));
            Exit e = backupOfSlowTimed("job timeout 8s in the read-back's GET");
            assertThat(relay.held()).as("the read-back's GET was held").isEqualTo(1);
            assertThat(e.code).as(e.toString()).isEqualTo(2);
            assertThat(e.out).contains("job slow timed out after 8s");
            assertThat(e.err).contains("the read-back was stopped before it finished: the backup stays");
            assertThat(e.ms).as("the run ends soon after the timeout (the JVM's start-up, the backup, 8 s; not the 60 s "
                    + "stall timeout): " + e).isLessThan(14_000);
            assertThat(admin.listObjectsV2(b -> b.bucket(bucket)).contents()).as("the backup and its two sidecars").hasSize(3);
        }
    }

    /**
     * SIGTERM while a backup's first S3 request, the HeadObject that checks no backup already has the key, waits for an
     * answer that never comes (a slow or black-holed endpoint): the request is stopped at once and the process exits
     * 143 within seconds, saying interrupted. The HEAD was not stopped: the job was reported "still stopping 10 s after
     * the signal".
     */
    @Test
    void sigtermWhileTheNameChecksHeadWaitsForItsAnswerExitsWithinSeconds() throws Exception {
        String bucket = "stallh-" + UUID.randomUUID().toString().substring(0, 8);
        admin.createBucket(b -> b.bucket(bucket));
        try (RequestHolder relay = new RequestHolder(s3.endpoint(), "^HEAD /[^ ?]*\\.sql(\\?[^ ]*)? HTTP/1\\.1")) {
            writeConfig("""
                    datasources:
                      slow:
                        engine: fake
                        compression: none
                        command: [sh, -c, 'head -c 100000 /dev/urandom']
                    """, s3Store(relay.uri(), bucket));
            Exit e = terminateWhen(Map.of("S3_ACCESS", s3.accessKey(), "S3_SECRET", s3.secretKey()),
                    () -> relay.held() > 0, "backup", "slow");
            assertThat(e.code).as(e.toString()).isEqualTo(143);
            assertThat(e.ms).as("exits within seconds of SIGTERM (over 10 s before: still stopping): " + e).isLessThan(3_000);
            assertThat(e.out + e.err).as(e.toString()).contains("interrupted").doesNotContain("still stopping");
            assertThat(admin.listObjectsV2(b -> b.bucket(bucket)).contents()).as("nothing under a key").isEmpty();
            assertThat(S3Fixture.multipartUploads(admin, bucket)).as("no multipart upload left").isEmpty();
        }
    }

    /**
     * SIGTERM while the backup's claim of its key (the conditional PutObject of its {@code .sha256}) waits for an
     * answer that never comes: the claim is stopped at once, the process exits 143 within seconds, and no claim, backup
     * or multipart upload is left in the bucket.
     */
    @Test
    void sigtermWhileTheClaimWaitsForItsAnswerExitsWithinSecondsAndLeavesNoClaim() throws Exception {
        String bucket = "stallc-" + UUID.randomUUID().toString().substring(0, 8);
        admin.createBucket(b -> b.bucket(bucket));
        try (RequestHolder relay = new RequestHolder(s3.endpoint(), "^PUT /[^ ?]*\\.sha256(\\?[^ ]*)? HTTP/1\\.1")) {
            writeConfig("""
                    datasources:
                      slow:
                        engine: fake
                        compression: none
                        command: [sh, -c, 'head -c 100000 /dev/urandom']
                    """, s3Store(relay.uri(), bucket));
            Exit e = terminateWhen(Map.of("S3_ACCESS", s3.accessKey(), "S3_SECRET", s3.secretKey()),
                    () -> relay.held() > 0, "backup", "slow");
            assertThat(e.code).as(e.toString()).isEqualTo(143);
            assertThat(e.ms).as("exits within seconds of SIGTERM: " + e).isLessThan(3_000);
            assertThat(e.out + e.err).as(e.toString()).contains("interrupted").doesNotContain("still stopping");
            assertThat(admin.listObjectsV2(b -> b.bucket(bucket)).contents()).as("no claim, no backup").isEmpty();
            assertThat(S3Fixture.multipartUploads(admin, bucket)).as("no multipart upload left").isEmpty();
        }
    }

    /** A relay to S3 that takes each request whose first line matches {@code line} and never forwards it. */
    static final class RequestHolder extends io.dbbackup.testkit.TcpRelay {
        private final java.util.regex.Pattern line;
        private final java.util.concurrent.atomic.AtomicInteger held = new java.util.concurrent.atomic.AtomicInteger();

        RequestHolder(URI target, String line) throws java.io.IOException {
            super(target);
            this.line = java.util.regex.Pattern.compile(line, java.util.regex.Pattern.MULTILINE);
        }

        int held() {
            return held.get();
        }

        @Override
        protected int pass(boolean toServer, byte[] buf, int n, long seen) {
            if (toServer && line.matcher(new String(buf, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1)).find()) {
                held.incrementAndGet();
                return silenceUntilClosed();
            }
            return n;
        }
    }

    /** A relay to S3 that takes each GetObject of a {@code .sql} backup and never forwards it: no answer ever comes. */
    static final class ArtifactGetHolder extends io.dbbackup.testkit.TcpRelay {
        private static final java.util.regex.Pattern ARTIFACT_GET =
                java.util.regex.Pattern.compile("^GET /[^ ?]*\\.sql(\\?[^ ]*)? HTTP/1\\.1");
        private final java.util.concurrent.atomic.AtomicInteger held = new java.util.concurrent.atomic.AtomicInteger();

        ArtifactGetHolder(URI target) throws java.io.IOException {
            super(target);
        }

        int held() {
            return held.get();
        }

        @Override
        protected int pass(boolean toServer, byte[] buf, int n, long seen) {
            if (toServer && ARTIFACT_GET.matcher(new String(buf, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1)).find()) {
                held.incrementAndGet();
                return silenceUntilClosed();
            }
            return n;
        }
    }

    record Exit(int code, long ms, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + " after " + ms + " ms\n" + out + err;
        }
    }

    /** The stores' section of an S3 store at {@code endpoint} (s3proxy, or the relay in front of it). */
    private static String s3Store(Object endpoint, String bucket) {
        return """
                type: s3
                endpoint: %s
                bucket: %s
                path_style: true
                access_key_env: S3_ACCESS
                secret_key_env: S3_SECRET
                part_size: 5MiB
            """.formatted(endpoint, bucket);
    }

    private void writeConfig(String datasources, String store) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), datasources + """
                stores:
                  remote:
                %s
                jobs:
                  slow:
                    datasource: slow
                    store: remote
                    prefix: p
                    retry: {max_attempts: 3, delay: 1s}
                """.formatted(store.stripTrailing()));
    }

    /** Starts the jar, waits until {@code stalled}, lets it sit a second in the stall, sends SIGTERM and times the exit. */
    private Exit terminateWhen(Map<String, String> env, BooleanSupplier stalled, String... args) throws Exception {
        Process p = startJar(env, args);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!stalled.getAsBoolean()) {
                assertThat(p.isAlive()).as(() -> "dbbackup still running: " + read("err.txt")).isTrue();
                assertThat(System.nanoTime()).as("the relay stalls a connection").isLessThan(deadline);
                Thread.sleep(50);
            }
            Thread.sleep(1000);
            assertThat(p.isAlive()).as(() -> "dbbackup still running in the stall: " + read("err.txt")).isTrue();
            long t0 = System.nanoTime();
            new ProcessBuilder("kill", "-TERM", String.valueOf(p.pid())).inheritIO().start().waitFor();
            boolean exited = p.waitFor(90, TimeUnit.SECONDS);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            Exit e = new Exit(exited ? p.exitValue() : -1, ms, read("out.txt"), read("err.txt"));
            System.out.println("---- SIGTERM in a stall (" + String.join(" ", args) + "): " + e);
            return e;
        } finally {
            p.destroyForcibly();
        }
    }

    private String read(String name) {
        try {
            return Files.readString(dir.resolve(name));
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private Process startJar(Map<String, String> env, String... args) throws Exception {
        return DbbackupJar.startWithTestEngine(dir, env, args);
    }

    /** A new bucket holding one backup of job {@code slow}: {@code bytes} random bytes, uncompressed. */
    private String bucketWithABackup(String prefix, long bytes, Map<String, String> env) throws Exception {
        String bucket = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        admin.createBucket(b -> b.bucket(bucket));
        writeConfig("""
                datasources:
                  slow:
                    engine: fake
                    compression: none
                    command: [sh, -c, 'head -c %d /dev/urandom']
                """.formatted(bytes), s3Store(s3.endpoint(), bucket));
        Process made = startJar(env, "backup", "slow");
        assertThat(made.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(made.exitValue()).as(Files.readString(dir.resolve("err.txt"))).isZero();
        return bucket;
    }

    /** {@code backup slow} with the S3 keys, run to its end (at most 90 s) and timed; printed under {@code label}. */
    private Exit backupOfSlowTimed(String label) throws Exception {
        long t0 = System.nanoTime();
        Process p = startJar(Map.of("S3_ACCESS", s3.accessKey(), "S3_SECRET", s3.secretKey()), "backup", "slow");
        boolean exited = p.waitFor(90, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        p.destroyForcibly();
        Exit e = new Exit(exited ? p.exitValue() : -1, ms, read("out.txt"), read("err.txt"));
        System.out.println("---- " + label + ": " + e);
        return e;
    }
}
