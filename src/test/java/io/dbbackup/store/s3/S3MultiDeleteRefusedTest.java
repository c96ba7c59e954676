package io.dbbackup.store.s3;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A service without multi-object delete (Google Cloud Storage's XML API) answers DeleteObjects ({@code POST ?delete})
 * with 501 NotImplemented (injected by a minimal HTTP server: s3proxy takes it). Every prune of a physical job's
 * archived WAL failed there, on every run, and the archive grew without end. Now the keys are deleted one by one, and
 * DeleteObjects is not asked again by that store.
 */
class S3MultiDeleteRefusedTest {
    @Test
    void aServiceWithoutMultiObjectDeleteHasEachKeyDeletedOnItsOwn() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        try (FakeS3Server server = new FakeS3Server(exchange -> {
            exchange.getRequestBody().readAllBytes();
            String method = exchange.getRequestMethod();
            requests.add(method + " " + exchange.getRequestURI().getPath());
            if (method.equals("POST")) {
                FakeS3Server.answerXml(exchange, 501, "<Error><Code>NotImplemented</Code><Message>A header or query you "
                        + "provided requested a function that is not implemented.</Message><Details>POST ?delete is not "
                        + "implemented for objects.</Details></Error>");
            } else {
                exchange.sendResponseHeaders(method.equals("DELETE") ? 204 : 405, -1);
                exchange.close();
            }
        }); S3Store store = server.store()) {
            store.deleteAll(List.of("wal/000000010000000000000001", "wal/000000010000000000000002"));
            assertThat(requests).containsExactly("POST /b", "DELETE /b/wal/000000010000000000000001",
                    "DELETE /b/wal/000000010000000000000002");

            requests.clear();
            store.deleteAll(List.of("wal/000000010000000000000003"));
            assertThat(requests).as("not asked again").containsExactly("DELETE /b/wal/000000010000000000000003");
        }
    }
}
