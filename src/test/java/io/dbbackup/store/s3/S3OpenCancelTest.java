package io.dbbackup.store.s3;

import io.dbbackup.core.Secret;
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
        return new S3Store(new S3Settings(server.uri(), "us-east-1", "bucket", "", new Secret("AKIDEXAMPLE", "test"),
                new Secret("wJalrXUtnFEMI-example", "test"), true, null, null, null, 5L << 20, 1, true));
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
}
