package io.dbbackup.store.s3;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Log;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.OperationContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * S3's {@code 400 RequestTimeout}, "Your socket connection to the server was not read from or written to within the
 * timeout period" (injected by a minimal HTTP server: s3proxy never answers it): the link, not the request, as a 5xx.
 * Once the SDK's own attempts were spent it was a permanent failure, as a refused request, so the job gave up at once
 * where its retry (minutes later, on a link no longer congested) would have stored the backup.
 */
class S3RequestTimeoutTest {
    @TempDir
    Path dir;

    @Test
    void aRequestTimeoutThatOutlastsTheSdksAttemptsIsARetryableFailureNamingIt() throws Exception {
        AtomicInteger puts = new AtomicInteger();
        try (FakeS3Server server = new FakeS3Server(exchange -> {
            exchange.getRequestBody().readAllBytes();
            puts.incrementAndGet();
            FakeS3Server.answerXml(exchange, 400, "<Error><Code>RequestTimeout</Code><Message>Your socket connection to "
                    + "the server was not read from or written to within the timeout period. Idle connections will be "
                    + "closed.</Message><RequestId>R1</RequestId></Error>");
        }); S3Store store = server.store()) {
            Throwable t = catchThrowable(() -> store.put("job/app-20261205-021500.sql.gz",
                    "dump".getBytes(StandardCharsets.UTF_8), ctx()));
            assertThat(puts.get()).as("the SDK's own attempts").isEqualTo(5);
            assertThat(t).isInstanceOf(IOException.class);
            assertThat(t instanceof DbBackupException d && !d.retryable()).as("a permanent failure: " + t).isFalse();
            assertThat(t.getMessage()).contains("s3 put s3://b/job/app-20261205-021500.sql.gz failed: HTTP 400 RequestTimeout");
        }
    }

    private OperationContext ctx() {
        return new OperationContext(new Cancellation(), new Log(new PrintWriter(new StringWriter()), Log.Format.TEXT,
                Log.Level.INFO, Clock.systemUTC()), dir);
    }
}
