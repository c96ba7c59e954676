package io.dbbackup.store.s3;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Log;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.OperationContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * An S3-compatible service without the flexible checksums answers every write that carries {@code x-amz-checksum-sha256}
 * with 501 NotImplemented, "A header you provided implies functionality that is not implemented" (injected by a minimal
 * HTTP server: s3proxy takes the header). That was a plain server error, retried by the job and failed again, naming
 * neither the header nor the key that turns it off; now it fails at once (not retryable) saying to set
 * {@code checksum: none}.
 */
class S3ChecksumHeaderRefusedTest {
    @TempDir
    Path dir;

    @Test
    void aWriteRefusedAsNotImplementedNamesTheChecksumSetting() throws Exception {
        AtomicInteger puts = new AtomicInteger();
        try (FakeS3Server server = new FakeS3Server(exchange -> {
            exchange.getRequestBody().readAllBytes();
            if (exchange.getRequestMethod().equals("PUT")) {
                puts.incrementAndGet();
                FakeS3Server.answerXml(exchange, 501, "<Error><Code>NotImplemented</Code><Message>A header you provided "
                        + "implies functionality that is not implemented</Message><Header>x-amz-checksum-sha256</Header>"
                        + "</Error>");
            } else {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
            }
        }); S3Store store = server.store()) {
            OperationContext ctx = new OperationContext(new Cancellation(), new Log(new PrintWriter(new StringWriter()),
                    Log.Format.TEXT, Log.Level.INFO, Clock.systemUTC()), dir);
            Throwable t = catchThrowable(() -> store.put("job/app.sqlite.zst.sha256",
                    "f664bcea  app.sqlite.zst\n".getBytes(StandardCharsets.UTF_8), ctx));
            assertThat(t).isInstanceOf(DbBackupException.class);
            assertThat(((DbBackupException) t).retryable()).isFalse();
            assertThat(t.getMessage()).contains("HTTP 501 NotImplemented").contains("x-amz-checksum-sha256")
                    .contains("set checksum: none in the store");
        }
    }
}
