package io.dbbackup.store.azure;

import io.dbbackup.core.Secret;
import io.dbbackup.testkit.OpenCancelScenario;
import io.dbbackup.testkit.SilentHttpServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Get Blob that waits for its answer is stopped by a cancellation (SIGTERM, a job's timeout) or by its stream's close:
 * the hooks that stop a read were registered only once {@code open} returned, and a resumed read's request for the rest
 * had none, so a server that did not answer held the command for the stall timeout (60 s), or the answer timeout (120 s).
 */
class AzureOpenCancelTest {
    private static AzureStore store(SilentHttpServer server) {
        String key = java.util.Base64.getEncoder().encodeToString(new byte[64]);
        return new AzureStore(new AzureSettings(java.net.URI.create(server.uri() + "/devacct"), "devacct", "c", "",
                new Secret(key, "test"), null, 4L << 20, 1, null, null, null, null));
    }

    @Test
    void aCancellationStopsAnOpenWaitingForItsAnswer() throws Exception {
        try (SilentHttpServer server = new SilentHttpServer(0); AzureStore store = store(server)) {
            assertThat(OpenCancelScenario.operationCancelledDuringOpen(store, "db/db.dump")).isLessThan(2000);
        }
    }

    @Test
    void aCancellationStopsAResumedReadsRequestForTheRest() throws Exception {
        try (SilentHttpServer server = new SilentHttpServer(1); AzureStore store = store(server)) {
            assertThat(OpenCancelScenario.operationCancelledDuringResume(store, "db/db.dump", () -> server.requests() >= 2))
                    .isLessThan(2000);
        }
    }

    @Test
    void closingTheStreamStopsAResumedReadsRequestForTheRest() throws Exception {
        try (SilentHttpServer server = new SilentHttpServer(1); AzureStore store = store(server)) {
            assertThat(OpenCancelScenario.closedDuringResume(store, "db/db.dump", () -> server.requests() >= 2))
                    .isLessThan(2000);
        }
    }
}
