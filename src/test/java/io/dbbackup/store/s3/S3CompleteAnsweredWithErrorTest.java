package io.dbbackup.store.s3;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Log;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.OperationContext;
import io.dbbackup.spi.Upload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * CompleteMultipartUpload answered {@code 200 OK} with an {@code <Error>} body, as AWS documents it may be ("We
 * encountered an internal error. Please try again."; injected by a minimal HTTP server: s3proxy never does it). The SDK
 * reads it as an error and resends it; once its attempts were spent the failure, carrying status 200, was taken for a
 * refused request (permanent: the job's retry never ran). Now the service's transient codes are retryable whatever
 * the status, and the multipart upload is aborted.
 */
class S3CompleteAnsweredWithErrorTest {
    @TempDir
    Path dir;

    @Test
    void anInternalErrorInTheBodyOfA200CompletionIsARetryableFailureAndTheUploadIsAborted() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        try (FakeS3Server server = new FakeS3Server(exchange -> {
            exchange.getRequestBody().readAllBytes();
            String method = exchange.getRequestMethod();
            String query = exchange.getRequestURI().getQuery() == null ? "" : exchange.getRequestURI().getQuery();
            if (method.equals("POST") && query.contains("uploads")) {
                requests.add("create");
                FakeS3Server.answerXml(exchange, 200, "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>job/a.dump"
                        + "</Key><UploadId>U1</UploadId></InitiateMultipartUploadResult>");
            } else if (method.equals("PUT") && query.contains("partNumber")) {
                requests.add("part");
                exchange.getResponseHeaders().add("ETag", "\"0123456789abcdef0123456789abcdef\"");
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            } else if (method.equals("POST") && query.contains("uploadId")) {
                requests.add("complete");
                FakeS3Server.answerXml(exchange, 200, "<Error><Code>InternalError</Code><Message>We encountered an "
                        + "internal error. Please try again.</Message><RequestId>R1</RequestId></Error>");
            } else if (method.equals("DELETE")) {
                requests.add(query.contains("uploadId") ? "abort" : "delete");
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            } else {
                requests.add(method + " " + query);
                exchange.sendResponseHeaders(405, -1);
                exchange.close();
            }
        }); S3Store store = server.store()) {
            Throwable t = catchThrowable(() -> {
                try (Upload upload = store.upload("job/a.dump", ctx())) {
                    upload.stream().write(new byte[(5 << 20) + 1000]);
                    upload.commit();
                }
            });
            assertThat(t).as("a failure").isNotNull();
            assertThat(t.getMessage()).contains("s3 complete multipart upload s3://b/job/a.dump failed").contains("InternalError");
            assertThat(t instanceof DbBackupException d && !d.retryable()).as("a permanent failure: " + t).isFalse();
            assertThat(requests.stream().filter("complete"::equals).count()).as("the SDK's attempts").isEqualTo(5);
            assertThat(requests).contains("abort");
        }
    }

    private OperationContext ctx() {
        return new OperationContext(new Cancellation(), new Log(new PrintWriter(new StringWriter()), Log.Format.TEXT,
                Log.Level.INFO, Clock.systemUTC()), dir);
    }
}
