package io.dbbackup.core;

import io.dbbackup.spi.Cancellation;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A command's secret ({@link Secret#later}) shared by operations that run at once (jobs of {@code --parallel}). */
class SecretTest {
    /**
     * Job A's secret command hangs; job B needs the same secret and waits for A's read, but B's own timeout ends that
     * wait at once: B waited for A's program to end ({@code reveal} was synchronized around the command).
     */
    @Test
    void anOperationWaitingForAnothersReadStopsWhenItIsCancelled() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        Secret secret = vault(started, release, runs);
        CompletableFuture<String> a = CompletableFuture.supplyAsync(secret::reveal);
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

        Cancellation jobB = new Cancellation();
        CompletableFuture<Throwable> b = new CompletableFuture<>();
        Thread bThread = new Thread(() -> {
            try (CancelSignal.Scope ignored = CancelSignal.enter(jobB)) {
                secret.reveal();
                b.complete(null);
            } catch (Throwable t) {
                b.complete(t);
            }
        });
        bThread.setDaemon(true); // without the fix it stays blocked: it must not hold the test JVM
        bThread.start();
        try {
            waitsThenStops(secret, jobB, b);
        } finally {
            release.countDown();
        }
        assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo("pa55-from-vault");
        assertThat(secret.reveal()).isEqualTo("pa55-from-vault");
        assertThat(runs).as("read once").hasValue(1);
    }

    private static void waitsThenStops(Secret secret, Cancellation jobB, CompletableFuture<Throwable> b) throws Exception {
        Thread.sleep(300);
        assertThat(b).as("B waits for A's read").isNotDone();
        long t0 = System.nanoTime();
        jobB.cancel("timeout");
        Throwable stopped;
        try {
            stopped = b.get(2, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("B still waits for A's read 2 s after B was cancelled");
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(stopped).isInstanceOf(DbBackupException.class)
                .hasMessage("the secret from command ./vault was not waited for: cancelled (timeout) while another operation "
                        + "was reading it");
        assertThat(((DbBackupException) stopped).status()).isEqualTo(ExitStatus.SYSTEM_ERROR);
        assertThat(ms).as("B stops within moments of its cancellation").isLessThan(1000);
    }

    /** A waiter whose wait ends with the value drops the hook that would have woken it: its operation keeps none. */
    @Test
    void aWaiterThatGetsTheValueDropsItsWakeUpHook() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Secret secret = vault(started, release, new AtomicInteger());
        CompletableFuture<String> a = CompletableFuture.supplyAsync(secret::reveal);
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        Cancellation jobB = new Cancellation();
        CompletableFuture<String> b = CompletableFuture.supplyAsync(() -> {
            try (CancelSignal.Scope ignored = CancelSignal.enter(jobB)) {
                return secret.reveal();
            }
        });
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (jobB.waitingHooks() == 0 && System.nanoTime() < until) { // B is waiting, its wake-up hook registered
            Thread.sleep(10);
        }
        assertThat(jobB.waitingHooks()).as("B waits with a wake-up hook").isEqualTo(1);
        release.countDown();
        assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo("pa55-from-vault");
        assertThat(b.get(5, TimeUnit.SECONDS)).isEqualTo("pa55-from-vault");
        assertThat(jobB.waitingHooks()).as("B's wake-up hook dropped once it had the value").isZero();
    }

    /** A read that fails (A's program killed by A's timeout) leaves the next one to run the command, as before. */
    @Test
    void aFailedReadIsRunAgainByTheNextThatNeedsIt() {
        AtomicInteger runs = new AtomicInteger();
        Secret secret = Secret.later("command ./vault", () -> {
            if (runs.incrementAndGet() == 1) {
                throw DbBackupException.user("vault: sealed");
            }
            return "second-time";
        });
        assertThatThrownBy(secret::reveal).hasMessage("vault: sealed");
        assertThat(secret.reveal()).isEqualTo("second-time");
        assertThat(runs).hasValue(2);
    }

    /** A command's secret whose program starts ({@code started}), hangs until {@code release}, counting its runs. */
    private static Secret vault(CountDownLatch started, CountDownLatch release, AtomicInteger runs) {
        return Secret.later("command ./vault", () -> {
            runs.incrementAndGet();
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return "pa55-from-vault";
        });
    }
}
