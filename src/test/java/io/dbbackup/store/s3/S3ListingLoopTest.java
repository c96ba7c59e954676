package io.dbbackup.store.s3;

import com.sun.net.httpserver.HttpServer;
import io.dbbackup.core.Secret;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A server that answers every ListObjectsV2 page with "truncated, next: the same token" (a fault a real S3 server is not
 * expected to make, injected by a minimal HTTP server): the listing fails after the repeat instead of running for ever
 * (a store audit saw 21,000 requests in 40 s, and a prune that neither the job's timeout nor SIGTERM stopped).
 */
class S3ListingLoopTest {
    @Test
    void aContinuationTokenHandedOutTwiceFailsTheListing() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                    + "<Name>b</Name><Prefix>job/</Prefix><KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>true</IsTruncated>"
                    + "<Contents><Key>job/a.dump</Key><Size>3</Size><LastModified>2026-12-01T00:00:00.000Z</LastModified></Contents>"
                    + "<NextContinuationToken>same-token</NextContinuationToken></ListBucketResult>").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/xml");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
            S3Settings s = new S3Settings(endpoint, "us-east-1", "b", "", new Secret("ak", "test"), new Secret("sk", "test"),
                    true, null, null, null, 5L << 20, 2, true);
            try (S3Store store = new S3Store(s)) {
                assertThatThrownBy(() -> store.list("job/")).isInstanceOf(IOException.class)
                        .hasMessageContaining("s3://b/job/").hasMessageContaining("handed out the marker of a page it had already given");
            }
            assertThat(requests.get()).as("the first page, the repeat, and no more").isEqualTo(2);
        } finally {
            server.stop(0);
        }
    }

    /**
     * A server that says a page is truncated but gives no token for the next one (a server that answers ListObjectsV2
     * as the older ListObjects, with at most NextMarker, or a proxy that drops the element): the listing used to end
     * there, silently, and prune, restore "latest" and list went on with the first 1,000 keys as if they were all.
     * It fails now, naming where: a listing is every key or an error.
     */
    @Test
    void aTruncatedPageWithoutAContinuationTokenFailsTheListing() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                    + "<Name>b</Name><Prefix>job/</Prefix><KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>true</IsTruncated>"
                    + "<Contents><Key>job/a.dump</Key><Size>3</Size><LastModified>2026-12-01T00:00:00.000Z</LastModified></Contents>"
                    + "</ListBucketResult>").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/xml");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
            S3Settings s = new S3Settings(endpoint, "us-east-1", "b", "", new Secret("ak", "test"), new Secret("sk", "test"),
                    true, null, null, null, 5L << 20, 2, true);
            try (S3Store store = new S3Store(s)) {
                assertThatThrownBy(() -> store.list("job/")).isInstanceOf(IOException.class)
                        .hasMessageContaining("s3://b/job/").hasMessageContaining("truncated");
                assertThatThrownBy(() -> store.listFolder("job/")).isInstanceOf(IOException.class)
                        .hasMessageContaining("s3://b/job/").hasMessageContaining("truncated");
            }
        } finally {
            server.stop(0);
        }
    }
}
