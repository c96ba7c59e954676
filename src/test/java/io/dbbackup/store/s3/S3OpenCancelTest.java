package io.dbbackup.store.s3;

import io.dbbackup.testkit.OpenCancelScenario;
import io.dbbackup.testkit.SilentHttpServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A GetObject that waits for its answer is stopped by a cancellation (SIGTERM, a job's timeout) or by its stream's close:
 * the hooks that stop a read were registered only once {@code open} returned, and a resumed read's request for the rest
 * had none, so a server that did not answer held the command for the 60 s stall timeout.
 */
class S3OpenCancelTest {
    private static S3Store store(SilentHttpServer server) {
        return FakeS3Server.storeAt(server.uri());
    }

    @Test
    void aCancellationStopsAnOpenWaitingForItsAnswer() throws Exception {
        try (SilentHttpServer server = new SilentHttpServer(0); S3Store store = store(server)) {
            assertThat(OpenCancelScenario.operationCancelledDuringOpen(store, "db/db.dump")).isLessThan(2000);
        }
    }

    @Test
    void aCancellationStopsAResumedReadsRequestForTheRest() throws Exception {
        try (SilentHttpServer server = new SilentHttpServer(1); S3Store store = store(server)) {
            assertThat(OpenCancelScenario.operationCancelledDuringResume(store, "db/db.dump", () -> server.requests() >= 2))
                    .isLessThan(2000);
        }
    }

    @Test
    void closingTheStreamStopsAResumedReadsRequestForTheRest() throws Exception {
        try (SilentHttpServer server = new SilentHttpServer(1); S3Store store = store(server)) {
            assertThat(OpenCancelScenario.closedDuringResume(store, "db/db.dump", () -> server.requests() >= 2))
                    .isLessThan(2000);
        }
    }

    /**
     * A cancellation runs its hooks one after another, outside its lock: a GET's hook could run after that GET had
     * ended and resumed its thread, stopping the thread for good — every later request of that pool thread (the next
     * job of a --parallel run, its retries) failed at once as "stopped". The hook now does nothing once its GET ended.
     */
    @Test
    void aGetsHookThatRunsAfterTheGetEndedLeavesTheThreadsNextRequestsAlone() throws Exception {
        java.util.concurrent.CountDownLatch cancelling = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch getEnded = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch asked = new java.util.concurrent.CountDownLatch(1);
        try (FakeS3Server server = new FakeS3Server(ex -> {
            asked.countDown();
            try {
                cancelling.await(10, java.util.concurrent.TimeUnit.SECONDS); // answer once the cancellation runs its hooks
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "rows".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        }); S3Store store = server.store()) {
            io.dbbackup.spi.Cancellation first = new io.dbbackup.spi.Cancellation();
            first.onCancel(() -> { // runs before the GET's own hook, and holds it back until the GET has ended
                cancelling.countDown();
                try {
                    getEnded.await(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Thread canceller = new Thread(() -> {
                try {
                    asked.await(10, java.util.concurrent.TimeUnit.SECONDS); // the GET is out, its hook registered
                } catch (InterruptedException e) {
                    return;
                }
                first.cancel("test");
            });
            try (io.dbbackup.core.CancelSignal.Scope ignored = io.dbbackup.core.CancelSignal.enter(first)) {
                canceller.start();
                try (java.io.InputStream in = store.open("db/a.dump")) {
                    assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("rows");
                }
            } finally {
                getEnded.countDown();
                canceller.join(10_000);
            }
            // the next operation on this thread (the pool's next job)
            try (io.dbbackup.core.CancelSignal.Scope ignored = io.dbbackup.core.CancelSignal.enter(new io.dbbackup.spi.Cancellation());
                 java.io.InputStream in = store.open("db/b.dump")) {
                assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("rows");
            }
        }
    }
}
