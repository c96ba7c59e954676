package io.dbbackup.store.s3;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.dbbackup.core.Secret;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal HTTP server on loopback standing in for an S3 service, to inject answers s3proxy never gives (a listing
 * that loops, AWS's redirect to a bucket's region, an error without a body): every request goes to the handler, and
 * {@link #store()} is an {@link S3Store} on it (bucket {@value #BUCKET}, path style, throwaway credentials).
 */
final class FakeS3Server implements AutoCloseable {
    static final String BUCKET = "b";

    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    FakeS3Server(HttpHandler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            handler.handle(exchange);
        });
        server.start();
    }

    /** Requests received so far. */
    int requests() {
        return requests.get();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** A store on this server; the caller closes it. */
    S3Store store() {
        return storeAt(endpoint());
    }

    /** A store on the server at {@code endpoint} (bucket {@value #BUCKET}, path style, throwaway credentials). */
    static S3Store storeAt(URI endpoint) {
        return new S3Store(new S3Settings(endpoint, "us-east-1", BUCKET, "", new Secret("AKIDEXAMPLE", "test"),
                new Secret("wJalrXUtnFEMI-example", "test"), true, null, null, null, 5L << 20, 2, true));
    }

    /** Answers {@code exchange} with {@code status} and the XML document {@code xml}, and ends it. */
    static void answerXml(HttpExchange exchange, int status, String xml) throws IOException {
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + xml).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/xml");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
