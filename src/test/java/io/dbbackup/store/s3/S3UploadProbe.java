package io.dbbackup.store.s3;

import io.dbbackup.core.Log;
import io.dbbackup.core.Secret;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.Upload;
import io.dbbackup.testkit.TestBytes;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Run in its own JVM by {@link S3AcceptanceIT}: streams {@code size} random bytes into one S3 object
 * through {@link S3Store} and prints the peak heap in use while doing so (MemoryMXBean polled every
 * 2 ms). Credentials come from the environment, never the command line.
 * Args: endpoint bucket key size partSize concurrency.
 */
public final class S3UploadProbe {
    public static void main(String[] args) throws Exception {
        URI endpoint = URI.create(args[0]);
        long size = Long.parseLong(args[3]);
        long partSize = Long.parseLong(args[4]);
        int concurrency = Integer.parseInt(args[5]);
        S3Settings cfg = new S3Settings(endpoint, "us-east-1", args[1], "", new Secret(System.getenv("PROBE_ACCESS"), "env"),
                new Secret(System.getenv("PROBE_SECRET"), "env"), true, null, null, null, partSize, concurrency, true);
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        System.gc();
        long baseline = mem.getHeapMemoryUsage().getUsed();
        AtomicLong peak = new AtomicLong(baseline);
        Thread poller = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(mem.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        poller.setDaemon(true);
        poller.start();
        String sha;
        long started = System.nanoTime();
        try (S3Store store = new S3Store(cfg)) {
            OperationContext ctx = new OperationContext(new Cancellation(),
                    new Log(new PrintWriter(System.err, true), Log.Format.TEXT, Log.Level.INFO, Clock.systemUTC()), Path.of("."));
            try (Upload up = store.upload(args[2], ctx)) {
                sha = TestBytes.write(up.stream(), size, 300);
                up.commit();
            }
        }
        poller.interrupt();
        poller.join();
        long max = Runtime.getRuntime().maxMemory();
        System.out.println("sha256=" + sha);
        System.out.println("peak_heap_used=" + peak.get());
        System.out.println("baseline_heap_used=" + baseline);
        System.out.println("max_heap=" + max);
        System.out.println("seconds=" + (System.nanoTime() - started) / 1_000_000_000.0);
    }
}
