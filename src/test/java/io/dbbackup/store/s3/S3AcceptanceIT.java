package io.dbbackup.store.s3;

import io.dbbackup.core.Log;
import io.dbbackup.core.StoredObject;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.Upload;
import io.dbbackup.testkit.S3ProxyServer;
import io.dbbackup.testkit.TestBytes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 5's S3 acceptance lines, against s3proxy as a subprocess. */
class S3AcceptanceIT {
    static final String BUCKET = "acceptance";
    static final long MiB = 1L << 20;
    static S3ProxyServer s3;
    static S3Client admin;
    static final String UUID_RE = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        s3 = new S3ProxyServer();
        admin = S3Fixture.admin(s3);
        admin.createBucket(b -> b.bucket(BUCKET));
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

    /**
     * 300 MiB through the store in a JVM whose whole heap is capped at 96 MiB: the upload cannot hold
     * the stream in memory, and the measured peak is printed. The object is then read back by a client
     * with default SDK settings and checked with the real {@code sha256sum -c}.
     */
    @Test
    void threeHundredMiBWithBoundedMemoryReadableByAnotherClient() throws Exception {
        long size = 300 * MiB;
        long partSize = 8 * MiB;
        int concurrency = 2;
        String heap = "96m";
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx" + heap, "-cp", System.getProperty("java.class.path"),
                S3UploadProbe.class.getName(), s3.endpoint().toString(), BUCKET, "big/db-20261123-120000.sql",
                Long.toString(size), Long.toString(partSize), Integer.toString(concurrency))
                .redirectErrorStream(true);
        pb.environment().put("PROBE_ACCESS", s3.accessKey());
        pb.environment().put("PROBE_SECRET", s3.secretKey());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        Map<String, String> facts = new HashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.contains(" ")) {
                facts.put(line.substring(0, eq), line.substring(eq + 1).trim());
            }
        }
        long peak = Long.parseLong(facts.get("peak_heap_used"));
        long baseline = Long.parseLong(facts.get("baseline_heap_used"));
        long buffers = partSize * (concurrency + 1);
        System.out.printf("S3 300 MiB upload: peak heap used %.1f MiB (baseline %.1f MiB, part buffers %d MiB, -Xmx%s), %s s%n",
                peak / (double) MiB, baseline / (double) MiB, buffers / MiB, heap, facts.get("seconds"));
        assertThat(peak).isLessThan(96 * MiB);
        assertThat(out).doesNotContain(s3.secretKey());

        Path folder = Files.createDirectories(tmp.resolve("download"));
        try (S3Client other = S3Fixture.admin(s3)) {
            other.getObject(b -> b.bucket(BUCKET).key("big/db-20261123-120000.sql"),
                    ResponseTransformer.toFile(folder.resolve("db-20261123-120000.sql")));
        }
        Files.writeString(folder.resolve("db-20261123-120000.sql.sha256"), facts.get("sha256") + "  db-20261123-120000.sql\n");
        Process check = new ProcessBuilder("sha256sum", "-c", "db-20261123-120000.sql.sha256").directory(folder.toFile())
                .redirectErrorStream(true).start();
        String checked = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor()).as(checked).isZero();
        assertThat(checked).contains("db-20261123-120000.sql: OK");
        assertThat(Files.size(folder.resolve("db-20261123-120000.sql"))).isEqualTo(size);
        assertThat(S3Fixture.multipartUploads(admin, BUCKET)).isEmpty();
    }

    /**
     * The server dies mid-upload: the upload fails, and once the server is back the abort removes the
     * multipart upload: no object under the final key, ListMultipartUploads empty, no part files left
     * in s3proxy's folder.
     */
    @Test
    void killingTheServerMidUploadLeavesNoObjectAndNoParts() throws Exception {
        StringWriter logText = new StringWriter();
        OperationContext ctx = new OperationContext(new Cancellation(),
                new Log(new PrintWriter(logText, true), Log.Format.TEXT, Log.Level.DEBUG, Clock.systemUTC()), tmp);
        S3Store store = S3Fixture.store(s3, BUCKET, "kill/", 5 * MiB, 2);
        List<Path> before = s3.files();
        AtomicLong written = new AtomicLong();
        Upload up = store.upload("db/db-20261123-130000.sql", ctx);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        Future<Throwable> outcome = writer.submit(() -> {
            try {
                OutputStream counting = new java.io.FilterOutputStream(up.stream()) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                        written.addAndGet(len);
                    }
                };
                TestBytes.write(counting, 4L << 30, 5); // far more than will ever be sent
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        while (written.get() < 40 * MiB) {
            Thread.sleep(20);
        }
        assertThat(S3Fixture.multipartUploads(admin, BUCKET)).as("the upload is a multipart upload in progress").hasSize(1);
        s3.kill();
        Throwable failure = outcome.get(3, TimeUnit.MINUTES);
        writer.shutdown();
        assertThat(failure).as("writing into a dead server fails").isInstanceOf(IOException.class);
        System.out.println("S3 kill mid-upload: writer failed after " + written.get() / MiB + " MiB: " + failure.getMessage());

        Thread restarter = new Thread(() -> {
            try {
                Thread.sleep(1500);
                s3.start();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        restarter.start();
        up.abort(); // retries AbortMultipartUpload until the server is back
        restarter.join();

        assertThat(store.stat("db/db-20261123-130000.sql")).isEmpty();
        assertThat(store.list("")).isEmpty();
        assertThat(S3Fixture.multipartUploads(admin, BUCKET)).as("ListMultipartUploads after the abort").isEmpty();
        List<Path> after = new ArrayList<>(s3.files());
        after.removeAll(before);
        // SIGKILL can leave s3proxy's own temp file of the request it was receiving (<name>-<uuid>); it belongs
        // to no upload (ListMultipartUploads is empty) and real S3 has no such thing. Anything else is a leftover part.
        List<Path> crashTemps = after.stream().filter(f -> f.getFileName().toString().matches(".*-" + UUID_RE)).toList();
        after.removeAll(crashTemps);
        System.out.println("S3 kill mid-upload: s3proxy crash temp files (not parts): " + crashTemps.size());
        assertThat(after).as("part files left in s3proxy's folder").isEmpty();
        String trace = stackTrace(failure);
        for (String secret : List.of(s3.secretKey(), s3.accessKey())) {
            assertThat(logText.toString()).doesNotContain(secret);
            assertThat(trace).doesNotContain(secret);
        }
        store.close();
    }

    @Test
    void listingMoreThanFiveThousandKeysIsComplete() throws Exception {
        int n = 5_100;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> puts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String key = String.format("many/job/db/db-%05d.sql", i);
            puts.add(pool.submit(() -> admin.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("x"))));
        }
        for (int i = 0; i < 40; i++) {
            String key = "many/other/file-" + i;
            puts.add(pool.submit(() -> admin.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("y"))));
        }
        for (Future<?> f : puts) {
            f.get();
        }
        pool.shutdown();
        try (S3Store store = S3Fixture.store(s3, BUCKET, "many/", 5 * MiB, 2)) {
            List<StoredObject> job = store.list("job/");
            assertThat(job).hasSize(n);
            assertThat(job.get(0).key()).isEqualTo("job/db/db-00000.sql");
            assertThat(job.get(n - 1).key()).isEqualTo(String.format("job/db/db-%05d.sql", n - 1));
            assertThat(job).extracting(StoredObject::key).doesNotHaveDuplicates();
            assertThat(store.list("")).hasSize(n + 40);
        }
    }

    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
