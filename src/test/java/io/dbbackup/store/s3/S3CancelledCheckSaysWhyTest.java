package io.dbbackup.store.s3;

import io.dbbackup.core.CancelSignal;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.testkit.SilentHttpServer;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A HEAD (a backup's check that no backup has its key) stopped by the backup's own cancellation says why it was stopped,
 * as a stopped GET does: the pipeline tells a check it stopped itself from a store that refused, by that reason. It said
 * only "the request was stopped (cancelled)", so a backup whose upload failed on an untrusted TLS certificate reported
 * the cancelled HEAD instead of the certificate (S3TlsCliIT in the full CI).
 */
class S3CancelledCheckSaysWhyTest {
    @Test
    void aHeadStoppedByACancellationNamesTheCancellationsReason() throws Exception {
        try (SilentHttpServer server = new SilentHttpServer(0); S3Store store = FakeS3Server.storeAt(server.uri())) {
            Cancellation op = new Cancellation();
            CompletableFuture<Throwable> failed = CompletableFuture.supplyAsync(() -> {
                try (CancelSignal.Scope ignored = CancelSignal.enter(op)) {
                    store.stat("db/db-20261207-120000.dump");
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.requests() < 1 && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertThat(server.requests()).as("the HEAD reached the silent server").isGreaterThanOrEqualTo(1);
            op.cancelAfterFailure("backup failed: the upload was refused");
            Throwable t = failed.get(10, TimeUnit.SECONDS);
            assertThat(t).isNotNull();
            assertThat(t.getMessage()).contains("s3 head").contains("cancelled (backup failed: the upload was refused)");
        }
    }
}
