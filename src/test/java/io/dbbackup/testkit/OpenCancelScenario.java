package io.dbbackup.testkit;

import io.dbbackup.core.CancelSignal;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.Store;

import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A store's read stopped before the first byte of an answer (its {@code open}, or a resumed read's request for the
 * rest) by a {@link SilentHttpServer}: each scenario returns how long after the stop the read failed, as it must, with
 * an {@link InterruptedIOException} (a cancellation, not a store failure).
 */
public final class OpenCancelScenario {
    private static final long GIVE_UP_SECONDS = 15;

    private OpenCancelScenario() {
    }

    /** {@code open} waits for an answer; the operation it works for is cancelled (a job's timeout). */
    public static long operationCancelledDuringOpen(Store store, String key) throws Exception {
        Cancellation op = new Cancellation();
        CompletableFuture<Throwable> failed = inThread(() -> {
            try (CancelSignal.Scope ignored = CancelSignal.enter(op)) {
                store.open(key).close();
            }
        });
        Thread.sleep(700);
        assertThat(failed).as("open waits for the silent server").isNotDone();
        long t0 = System.nanoTime();
        op.cancel("timeout");
        return failedAfter(failed, t0, "open");
    }

    /** The read resumes (the first answer broke off), its request for the rest waits; the operation is cancelled. */
    public static long operationCancelledDuringResume(Store store, String key, BooleanSupplier resumed) throws Exception {
        Cancellation op = new Cancellation();
        CompletableFuture<Throwable> failed = inThread(() -> {
            try (CancelSignal.Scope ignored = CancelSignal.enter(op); InputStream in = store.open(key)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
        });
        awaitResume(resumed, failed);
        long t0 = System.nanoTime();
        op.cancel("timeout");
        return failedAfter(failed, t0, "the resumed read");
    }

    /**
     * As {@link #operationCancelledDuringResume}, stopped the way a verify or restore stops a read: its stream closed
     * from another thread. The close returns at once too.
     */
    public static long closedDuringResume(Store store, String key, BooleanSupplier resumed) throws Exception {
        InputStream in = store.open(key);
        CompletableFuture<Throwable> failed = inThread(() -> in.transferTo(java.io.OutputStream.nullOutputStream()));
        awaitResume(resumed, failed);
        long t0 = System.nanoTime();
        in.close();
        assertThat((System.nanoTime() - t0) / 1_000_000).as("ms the close took").isLessThan(1000);
        return failedAfter(failed, t0, "the resumed read");
    }

    private interface Body {
        void run() throws Exception;
    }

    private static CompletableFuture<Throwable> inThread(Body body) {
        CompletableFuture<Throwable> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                body.run();
                done.complete(null);
            } catch (Throwable e) {
                done.complete(e);
            }
        }, "reader");
        t.setDaemon(true); // without the fix it stays blocked: it must not hold the test JVM
        t.start();
        return done;
    }

    private static void awaitResume(BooleanSupplier resumed, CompletableFuture<Throwable> failed) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!resumed.getAsBoolean()) {
            assertThat(failed).as(() -> "the read ended before it resumed: " + failed.join()).isNotDone();
            assertThat(System.nanoTime()).as("the read resumes").isLessThan(deadline);
            Thread.sleep(20);
        }
        Thread.sleep(500);
        assertThat(failed).as("the request for the rest waits for the silent server").isNotDone();
    }

    private static long failedAfter(CompletableFuture<Throwable> failed, long t0, String what) throws Exception {
        Throwable e;
        try {
            e = failed.get(GIVE_UP_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException still) {
            throw new AssertionError(what + " still waits " + GIVE_UP_SECONDS + " s after it was stopped");
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("---- " + what + " stopped after " + ms + " ms: " + e);
        assertThat(e).as(what + " fails as stopped").isInstanceOf(InterruptedIOException.class);
        return ms;
    }
}
