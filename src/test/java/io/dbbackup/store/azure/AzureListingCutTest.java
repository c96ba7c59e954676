package io.dbbackup.store.azure;

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
 * A List Blobs page without its {@code NextMarker} element (a proxy or gateway that rewrote the answer, an emulator of
 * another dialect; injected by a minimal HTTP server: Azurite, like Azure, always sends the element, empty on the last
 * page). It was taken for the last page: list, prune and restore's "latest" went on with the first page's blobs as if
 * they were all. The listing fails now, naming where; an empty element still ends it.
 */
class AzureListingCutTest {
    private static final String BLOBS = "<Blobs>"
            + "<Blob><Name>job/db-20261201-000000.sql</Name><Properties><Content-Length>3</Content-Length>"
            + "<Last-Modified>Tue, 01 Dec 2026 00:00:00 GMT</Last-Modified></Properties></Blob>"
            + "<Blob><Name>job/db-20261202-000000.sql</Name><Properties><Content-Length>3</Content-Length>"
            + "<Last-Modified>Wed, 02 Dec 2026 00:00:00 GMT</Last-Modified></Properties></Blob></Blobs>";

    /** A Blob service on loopback answering every List Blobs with {@code page}; the store is of container c. */
    private static final class OnePageService implements AutoCloseable {
        final HttpServer server;
        final AtomicInteger requests = new AtomicInteger();

        OnePageService(String page) throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                requests.incrementAndGet();
                byte[] body = ("<?xml version=\"1.0\" encoding=\"utf-8\"?>" + page).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/xml");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
        }

        AzureStore store() {
            return new AzureStore(new AzureSettings(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/devacct"),
                    "devacct", "c", "", null, new Secret("sv=2021-08-06&sp=racwdl&sig=x", "test"), 4L << 20, 1,
                    null, null, null, null));
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private static String page(String nextMarker) {
        return "<EnumerationResults ServiceEndpoint=\"http://127.0.0.1/devacct\" ContainerName=\"c\"><Prefix>job/</Prefix>"
                + "<MaxResults>5000</MaxResults>" + BLOBS + nextMarker + "</EnumerationResults>";
    }

    @Test
    void aPageWithoutNextMarkerFailsTheListing() throws Exception {
        try (OnePageService service = new OnePageService(page("")); AzureStore store = service.store()) {
            assertThatThrownBy(() -> store.list("job/")).isInstanceOf(IOException.class)
                    .hasMessageContaining("azure://devacct/c/job/").hasMessageContaining("no NextMarker element")
                    .hasMessageNotContaining("sig=");
            assertThatThrownBy(() -> store.listFolder("job/")).isInstanceOf(IOException.class)
                    .hasMessageContaining("azure://devacct/c/job/").hasMessageContaining("no NextMarker element");
        }
    }

    @Test
    void anAnswerThatIsNoListingFailsTheListing() throws Exception {
        try (OnePageService service = new OnePageService("<html><body>Please sign in</body></html>");
             AzureStore store = service.store()) {
            assertThatThrownBy(() -> store.list("job/")).isInstanceOf(IOException.class)
                    .hasMessageContaining("azure://devacct/c/job/").hasMessageContaining("not a List Blobs page");
        }
    }

    @Test
    void anEmptyNextMarkerEndsTheListing() throws Exception {
        try (OnePageService service = new OnePageService(page("<NextMarker/>")); AzureStore store = service.store()) {
            assertThat(store.list("job/")).hasSize(2);
            assertThat(service.requests.get()).isEqualTo(1);
        }
    }
}
