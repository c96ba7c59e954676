package io.dbbackup.store.s3;

import com.sun.net.httpserver.HttpExchange;
import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Log;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.OperationContext;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * An endpoint that is not an S3 service: a web server answering every request with an HTML page (a console or website
 * URL given as {@code endpoint}). Its 200 page made a HEAD throw a NullPointerException (no size) and a listing fail
 * as "Could not parse XML response", retried as a network fault; its 404 page read as a missing bucket or object. Each
 * is now one line, not retried, naming the endpoint and saying it did not answer as S3.
 */
class S3NotAnS3EndpointTest {
    @TempDir
    Path dir;

    private static void page(HttpExchange x, int status) throws IOException {
        byte[] b = "<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>".getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
        if (x.getRequestMethod().equals("HEAD")) {
            x.sendResponseHeaders(status, -1);
        } else {
            x.sendResponseHeaders(status, b.length);
            x.getResponseBody().write(b);
        }
        x.close();
    }

    @Test
    void anHtmlPageIsNamedAsAnEndpointThatIsNotS3() throws Exception {
        for (int status : new int[] {200, 404}) {
            try (FakeS3Server server = new FakeS3Server(x -> page(x, status)); S3Store store = server.store()) {
                OperationContext ctx = new OperationContext(new Cancellation(), new Log(new PrintWriter(new StringWriter()),
                        Log.Format.TEXT, Log.Level.INFO, Clock.systemUTC()), dir);
                List<ThrowingCallable> ops = List.of(() -> store.stat("job/a.dump"), () -> store.list("job/"),
                        () -> store.putIfAbsent("job/a.dump.sha256", new byte[3], ctx));
                for (ThrowingCallable op : ops) {
                    Throwable t = catchThrowable(op);
                    assertThat(t).as("HTTP " + status).isInstanceOf(DbBackupException.class);
                    assertThat(((DbBackupException) t).retryable()).isFalse();
                    assertThat(t.getMessage()).contains(server.endpoint() + " answered HTTP " + status
                            + " with an HTML page, not as an S3 service: fix the store's 'endpoint'").doesNotContain("\n");
                }
                assertThat(server.requests()).as("asked once each, not retried").isEqualTo(ops.size());
            }
        }
    }

    /** A proxy's error page in front of a real service (502 Bad Gateway) is the network's: retried, not "not S3". */
    @Test
    void aProxysServerErrorPageStaysRetryable() throws Exception {
        try (FakeS3Server server = new FakeS3Server(x -> page(x, 502)); S3Store store = server.store()) {
            Throwable t = catchThrowable(() -> store.list("job/"));
            assertThat(t).isInstanceOf(IOException.class).isNotInstanceOf(DbBackupException.class);
            assertThat(t.getMessage()).contains("HTTP 502").doesNotContain("not as an S3 service");
        }
    }
}
