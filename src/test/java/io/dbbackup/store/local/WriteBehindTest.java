package io.dbbackup.store.local;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WriteBehindTest {
    private static final long STEP = 1000;

    /** A step's worth written asks for a flush on the flush thread; writing goes on meanwhile, and never two at once. */
    @Test
    void flushesEachStepOnAThreadOfItsOwnWhileTheWritingGoesOn() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger flushes = new AtomicInteger();
        AtomicReference<String> flushedOn = new AtomicReference<>();
        WriteBehind behind = new WriteBehind(() -> {
            flushes.incrementAndGet();
            flushedOn.set(Thread.currentThread().getName());
            entered.countDown();
            await(release);
        }, STEP, "shop.dump.zst");

        behind.wrote(STEP - 1);
        assertThat(flushes).as("less than a step: no flush yet").hasValue(0);
        behind.wrote(1);
        assertThat(entered.await(10, TimeUnit.SECONDS)).as("the flush started").isTrue();
        assertThat(flushedOn.get()).isEqualTo("fsync-shop.dump.zst");

        behind.wrote(3 * STEP); // returns at once although the flush is still under way
        assertThat(flushes).as("one flush at a time; the next takes what was written meanwhile").hasValue(1);
        release.countDown();
        behind.finish();
        assertThat(flushes).hasValue(1);
        assertThat(threadNamed("fsync-shop.dump.zst")).as("finish ends the thread").isFalse();
    }

    @Test
    void aSmallFileStartsNoThread() throws Exception {
        WriteBehind behind = new WriteBehind(() -> { throw new AssertionError("no flush expected"); }, STEP, "tiny.sql.gz");
        behind.wrote(STEP / 2);
        assertThat(threadNamed("fsync-tiny.sql.gz")).isFalse();
        behind.finish();
    }

    /** Linux reports a failed write-back to one flush only: the background one's failure must fail the upload. */
    @Test
    void aFailedFlushFailsTheNextWriteAndTheFinish() throws Exception {
        WriteBehind behind = new WriteBehind(() -> { throw new IOException("Input/output error"); }, STEP, "bad.dump");
        behind.wrote(STEP);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        IOException seen = null;
        while (seen == null && System.nanoTime() < deadline) {
            try {
                behind.wrote(1);
                Thread.sleep(5);
            } catch (IOException e) {
                seen = e;
            }
        }
        assertThat(seen).as("a write after the failed flush fails").isNotNull()
                .hasMessage("flush to disk failed: Input/output error");
        assertThatThrownBy(behind::finish).hasMessage("flush to disk failed: Input/output error");
    }

    @Test
    void stopWaitsForTheFlushUnderWay() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        AtomicInteger done = new AtomicInteger();
        WriteBehind behind = new WriteBehind(() -> {
            entered.countDown();
            sleep(200);
            done.incrementAndGet();
        }, STEP, "aborted.dump");
        behind.wrote(STEP);
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        behind.stop();
        assertThat(done).as("stop returned only after the flush").hasValue(1);
    }

    static boolean threadNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
