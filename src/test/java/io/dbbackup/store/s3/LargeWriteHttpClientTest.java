package io.dbbackup.store.s3;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The client against the JDK's HTTP server: what goes on the wire, and what comes back to the SDK. */
class LargeWriteHttpClientTest {
    private HttpServer server;
    private final Map<String, byte[]> received = new ConcurrentHashMap<>();
    private final Map<String, com.sun.net.httpserver.Headers> requestHeaders = new ConcurrentHashMap<>();
    private final LargeWriteHttpClient client = new LargeWriteHttpClient(uri -> {
        try {
            return (HttpURLConnection) uri.toURL().openConnection();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    });

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.put(exchange.getRequestMethod() + " " + path, body);
            requestHeaders.put(exchange.getRequestMethod() + " " + path, exchange.getRequestHeaders());
            exchange.getResponseHeaders().add("X-Received", Integer.toString(body.length));
            if (path.equals("/missing")) {
                byte[] error = "<Error><Code>NoSuchKey</Code></Error>".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(404, error.length);
                exchange.getResponseBody().write(error);
            } else if (exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(200, -1);
            } else {
                byte[] ok = ("ok " + body.length).getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, ok.length);
                exchange.getResponseBody().write(ok);
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** The sizes the client asks a body stream for: what it then writes to the connection in one go. */
    private static final class ReadSizes {
        final List<Integer> asked = new CopyOnWriteArrayList<>();

        ContentStreamProvider of(byte[] data) {
            return () -> new FilterInputStream(new ByteArrayInputStream(data)) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    asked.add(len);
                    return super.read(b, off, len);
                }
            };
        }
    }

    private HttpExecuteResponse send(SdkHttpFullRequest request, ContentStreamProvider body) throws IOException {
        HttpExecuteRequest.Builder b = HttpExecuteRequest.builder().request(request);
        if (body != null) {
            b.contentStreamProvider(body);
        }
        return client.prepareRequest(b.build()).call();
    }

    @Test
    void aBodyOfKnownLengthGoesOutInMegabyteWritesWithItsLengthAndEveryHeader() throws IOException {
        byte[] data = new byte[(9 << 20) + 77];
        new Random(3).nextBytes(data);
        ReadSizes sizes = new ReadSizes();
        SdkHttpFullRequest request = SdkHttpFullRequest.builder().method(SdkHttpMethod.PUT).uri(uri("/bucket/part"))
                .putHeader("Content-Length", Integer.toString(data.length))
                .putHeader("x-amz-checksum-sha256", "abc=")
                .putHeader("X-Two", List.of("a", "b"))
                .build();
        HttpExecuteResponse response = send(request, sizes.of(data));

        assertThat(response.httpResponse().statusCode()).isEqualTo(200);
        assertThat(response.httpResponse().firstMatchingHeader("x-received")).contains(Integer.toString(data.length));
        assertThat(new String(response.responseBody().orElseThrow().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("ok " + data.length);
        assertThat(received.get("PUT /bucket/part")).isEqualTo(data);
        var headers = requestHeaders.get("PUT /bucket/part");
        assertThat(headers.getFirst("Content-Length")).isEqualTo(Integer.toString(data.length));
        assertThat(headers.get("Transfer-Encoding")).isNull();
        assertThat(headers.getFirst("x-amz-checksum-sha256")).isEqualTo("abc=");
        assertThat(headers.get("X-Two")).containsExactly("a", "b");
        // the SDK's own client reads (and writes, each flushed) 4 KiB at a time: 2,300 writes for this body
        assertThat(sizes.asked).hasSizeLessThan(20);
        assertThat(sizes.asked.get(0)).isEqualTo(LargeWriteHttpClient.WRITE);
    }

    @Test
    void aBodyOfUnknownLengthIsSentChunked() throws IOException {
        byte[] data = "no length given".getBytes(StandardCharsets.UTF_8);
        SdkHttpFullRequest request = SdkHttpFullRequest.builder().method(SdkHttpMethod.POST).uri(uri("/bucket/chunked")).build();
        HttpExecuteResponse response = send(request, () -> new ByteArrayInputStream(data));
        assertThat(response.httpResponse().statusCode()).isEqualTo(200);
        assertThat(received.get("POST /bucket/chunked")).isEqualTo(data);
        assertThat(requestHeaders.get("POST /bucket/chunked").getFirst("Transfer-Encoding")).isEqualTo("chunked");
    }

    @Test
    void anErrorAnswerKeepsItsStatusAndBodyAndAHeadHasNoBody() throws IOException {
        HttpExecuteResponse missing = send(SdkHttpFullRequest.builder().method(SdkHttpMethod.GET).uri(uri("/missing")).build(), null);
        assertThat(missing.httpResponse().statusCode()).isEqualTo(404);
        assertThat(missing.httpResponse().isSuccessful()).isFalse();
        try (InputStream body = missing.responseBody().orElseThrow()) {
            assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8)).contains("NoSuchKey");
        }

        HttpExecuteResponse head = send(SdkHttpFullRequest.builder().method(SdkHttpMethod.HEAD).uri(uri("/bucket/part")).build(), null);
        assertThat(head.httpResponse().statusCode()).isEqualTo(200);
        assertThat(head.responseBody()).isEmpty();
        assertThat(received).containsKey("HEAD /bucket/part");
    }

    /**
     * AWS answers a body it will not take (bad credentials, a missing upload) before the body when asked to with
     * {@code Expect: 100-continue}, as this raw server does: the answer is the server's status, the body unsent.
     */
    @Test
    void aBodyRefusedBeforeItWasSentGivesTheServersStatus() throws Exception {
        try (java.net.ServerSocket raw = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            java.util.concurrent.CompletableFuture<String> head = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try (java.net.Socket s = raw.accept()) {
                    InputStream in = s.getInputStream();
                    String h = head(in);
                    forbid(s, "AccessDenied");
                    s.shutdownOutput();
                    return h;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            byte[] data = new byte[3 << 20];
            ReadSizes sizes = new ReadSizes();
            SdkHttpFullRequest request = SdkHttpFullRequest.builder().method(SdkHttpMethod.PUT)
                    .uri(URI.create("http://127.0.0.1:" + raw.getLocalPort() + "/bucket/denied"))
                    .putHeader("Content-Length", Integer.toString(data.length))
                    .putHeader("Expect", "100-continue")
                    .build();
            HttpExecuteResponse response = send(request, sizes.of(data));

            assertThat(head.get(10, java.util.concurrent.TimeUnit.SECONDS)).containsIgnoringCase("expect: 100-continue");
            assertThat(response.httpResponse().statusCode()).isEqualTo(403);
            assertThat(sizes.asked).as("the body was not read").isEmpty();
        }
    }

    /**
     * A server that answers a refusal while the body is still coming and closes (s3proxy does): the JDK's connection
     * cannot read that answer after the broken write, so the call fails with the message S3Errors.bodyBrokenOff
     * knows, and S3Upload asks the server again without a body. This pins the message it relies on.
     */
    @Test
    void aRefusalAnsweredWhileTheBodyIsWrittenIsABrokenWrite() throws Exception {
        try (java.net.ServerSocket raw = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            java.util.concurrent.CompletableFuture<Long> bodyRead = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try (java.net.Socket s = raw.accept()) {
                    InputStream in = s.getInputStream();
                    String h = head(in);
                    long read = in.readNBytes(1 << 20).length;
                    forbid(s, "SignatureDoesNotMatch");
                    return read; // closing with the rest of the body unread: the client's next write fails
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            byte[] data = new byte[64 << 20];
            SdkHttpFullRequest request = SdkHttpFullRequest.builder().method(SdkHttpMethod.PUT)
                    .uri(URI.create("http://127.0.0.1:" + raw.getLocalPort() + "/bucket/refused"))
                    .putHeader("Content-Length", Integer.toString(data.length))
                    .build();
            ReadSizes sizes = new ReadSizes();
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> send(request, sizes.of(data)));

            assertThat(bodyRead.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1L << 20);
            assertThat(t).isInstanceOf(IOException.class).hasMessageContaining("Error writing request body");
            assertThat(S3Errors.bodyBrokenOff(software.amazon.awssdk.core.exception.SdkClientException.create("x", t)))
                    .isTrue();
            assertThat(sizes.asked.stream().mapToLong(Integer::longValue).sum())
                    .as("the write stopped at the refusal").isLessThan(data.length);
        }
    }

    /** A request's head as a raw server reads it: up to and with the blank line. */
    /** Answers 403 with the S3 error {@code code} and {@code Connection: close}, as a refusing server does. */
    private static void forbid(java.net.Socket s, String code) throws IOException {
        byte[] error = ("<Error><Code>" + code + "</Code></Error>").getBytes(StandardCharsets.UTF_8);
        s.getOutputStream().write(("HTTP/1.1 403 Forbidden\r\nContent-Length: " + error.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().write(error);
        s.getOutputStream().flush();
    }

    private static String head(InputStream in) throws IOException {
        StringBuilder h = new StringBuilder();
        while (!h.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            h.append((char) c);
        }
        return h.toString();
    }
}
