package io.dbbackup.store.s3;

import io.dbbackup.core.DbBackupException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A bucket in another region than the store's {@code region}, as AWS answers it (injected by a minimal HTTP server:
 * s3proxy has no regions): 301 with the bucket's region in {@code x-amz-bucket-region}, without a body for a HEAD. The
 * error used to be "HTTP 301" and nothing else (for the HEAD a backup sends first); it now names the region to set.
 */
class S3WrongRegionTest {
    @Test
    void aBucketInAnotherRegionIsNamedWithTheRegionToSet() throws Exception {
        try (FakeS3Server server = new FakeS3Server(exchange -> {
            exchange.getResponseHeaders().add("x-amz-bucket-region", "eu-west-1");
            if (exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(301, -1);
                exchange.close();
            } else {
                FakeS3Server.answerXml(exchange, 301, "<Error><Code>PermanentRedirect</Code><Message>The bucket you"
                        + " are attempting to access must be addressed using the specified endpoint. Please send all future"
                        + " requests to this endpoint.</Message><Endpoint>b.s3.eu-west-1.amazonaws.com</Endpoint><Bucket>b</Bucket>"
                        + "</Error>");
            }
        }); S3Store store = server.store()) {
            for (Throwable t : new Throwable[] {catchThrowable(() -> store.stat("job/a.dump")),
                    catchThrowable(() -> store.list("job/"))}) {
                assertThat(t).isInstanceOf(DbBackupException.class);
                assertThat(((DbBackupException) t).retryable()).isFalse();
                assertThat(t.getMessage()).contains("s3://b/job/").contains("HTTP 301")
                        .contains("the bucket is in region eu-west-1").contains("region: eu-west-1");
            }
        }
    }

    /**
     * An error answer without a body (a HEAD refused with 400, as a service refuses a request it cannot parse): the
     * code is null, and the check for a damaged body threw a NullPointerException instead of the error's one line.
     */
    @Test
    void anErrorWithoutABodyIsOneLineNotANullPointerException() throws Exception {
        try (FakeS3Server server = new FakeS3Server(exchange -> {
            exchange.sendResponseHeaders(400, -1);
            exchange.close();
        }); S3Store store = server.store()) {
            Throwable t = catchThrowable(() -> store.stat("job/a.dump"));
            assertThat(t).isInstanceOf(DbBackupException.class).hasMessage("s3 head s3://b/job/a.dump failed: HTTP 400 (Bad Request)");
        }
    }
}
