package io.dbbackup.store.s3;

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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An S3-compatible service without conditional writes that refuses the header as AWS refuses one it does not implement:
 * 501 NotImplemented, "A header you provided implies functionality that is not implemented" (injected by a minimal
 * HTTP server: s3proxy takes {@code If-None-Match}). The .sha256 claim of every backup failed there, as a server error
 * retried and failed again — no backup could be made. Now the claim falls back to what a service that ignores the
 * header gets: the look made just before, then a plain PutObject.
 */
class S3ConditionalWriteRefusedTest {
    @TempDir
    Path dir;

    @Test
    void aServiceThatRefusesIfNoneMatchAsNotImplementedStillTakesTheClaim() throws Exception {
        Map<String, byte[]> objects = new ConcurrentHashMap<>();
        List<String> puts = new CopyOnWriteArrayList<>();
        try (FakeS3Server server = new FakeS3Server(exchange -> {
            String path = exchange.getRequestURI().getPath();
            switch (exchange.getRequestMethod()) {
                case "HEAD" -> {
                    // the bucket (HeadBucket, asked after the first HEAD that missed) exists
                    byte[] o = path.matches("/b/?") ? new byte[0] : objects.get(path);
                    if (o != null) {
                        exchange.getResponseHeaders().add("Content-Length", String.valueOf(o.length));
                    }
                    exchange.sendResponseHeaders(o == null ? 404 : 200, -1);
                    exchange.close();
                }
                case "PUT" -> {
                    byte[] body = exchange.getRequestBody().readAllBytes();
                    boolean conditional = exchange.getRequestHeaders().containsKey("If-None-Match");
                    puts.add(conditional ? "conditional" : "plain");
                    if (conditional) {
                        FakeS3Server.answerXml(exchange, 501, "<Error><Code>NotImplemented</Code><Message>A header you "
                                + "provided implies functionality that is not implemented</Message><Header>If-None-Match"
                                + "</Header></Error>");
                    } else {
                        objects.put(path, body);
                        exchange.getResponseHeaders().add("ETag", "\"0123456789abcdef0123456789abcdef\"");
                        exchange.sendResponseHeaders(200, -1);
                        exchange.close();
                    }
                }
                default -> {
                    exchange.sendResponseHeaders(405, -1);
                    exchange.close();
                }
            }
        }); S3Store store = server.store()) {
            OperationContext ctx = new OperationContext(new Cancellation(), new Log(new PrintWriter(new StringWriter()),
                    Log.Format.TEXT, Log.Level.INFO, Clock.systemUTC()), dir);
            byte[] sidecar = "f664bcea  app-20261120-090000.sqlite.zst\n".getBytes(StandardCharsets.UTF_8);
            assertThat(store.putIfAbsent("job/app.sqlite.zst.sha256", sidecar, ctx)).isTrue();
            assertThat(objects.get("/b/job/app.sqlite.zst.sha256")).isEqualTo(sidecar);
            assertThat(puts).containsExactly("conditional", "plain");

            assertThat(store.putIfAbsent("job/app.sqlite.zst.sha256", sidecar, ctx)).as("taken: the look sees it").isFalse();
            assertThat(store.putIfAbsent("job/next.sqlite.zst.sha256", sidecar, ctx)).isTrue();
            assertThat(puts).as("the refused header not sent again").containsExactly("conditional", "plain", "plain");
        }
    }
}
