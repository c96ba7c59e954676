package io.dbbackup.store.s3;

import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullResponse;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.ProtocolException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The SDK's HTTP client contract over the JDK's {@link HttpURLConnection}, sending request bodies in large writes.
 *
 * <p>The SDK's own URLConnection client copies a body through a 4 KiB buffer into the connection's stream, which
 * flushes before every write: a part of 8 MiB went out as 2,048 socket writes of 4 KiB, each a system call and a
 * TCP segment of its own through both kernels' network stacks. Here a body goes out in writes of {@link #WRITE}
 * bytes (the JDK's socket splits them into 128 KiB system calls), with its length fixed up front. Everything else is
 * what the SDK's client does: the caller's connection factory (timeouts, proxies), every request header, no
 * redirects followed, and a request sent with {@code Expect: 100-continue} that the server refuses before its body
 * (the JDK then throws a {@link ProtocolException} from {@code getOutputStream}) is answered with the server's
 * status, its body not sent.
 */
final class LargeWriteHttpClient implements SdkHttpClient {
    /** Bytes per write of a request body. */
    static final int WRITE = 1 << 20;
    /** One write buffer per thread that sends bodies (the upload's part threads), not one per request. */
    private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[WRITE]);

    private final Function<URI, HttpURLConnection> connections;

    LargeWriteHttpClient(Function<URI, HttpURLConnection> connections) {
        this.connections = connections;
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        return new Exchange(request);
    }

    @Override
    public String clientName() {
        return "UrlConnection";
    }

    @Override
    public void close() {
        // connections are the JDK's keep-alive cache's
    }

    private final class Exchange implements ExecutableHttpRequest {
        private final HttpExecuteRequest request;
        private volatile HttpURLConnection connection;

        Exchange(HttpExecuteRequest request) {
            this.request = request;
        }

        @Override
        public HttpExecuteResponse call() throws IOException {
            SdkHttpRequest http = request.httpRequest();
            HttpURLConnection c = connections.apply(http.getUri());
            connection = c;
            c.setRequestMethod(http.method().name());
            c.setInstanceFollowRedirects(false);
            c.setUseCaches(false);
            http.forEachHeader((name, values) -> {
                if (!"Content-Length".equalsIgnoreCase(name)) {
                    values.forEach(v -> c.addRequestProperty(name, v));
                }
            });
            if (http.firstMatchingHeader("Accept").isEmpty()) {
                c.setRequestProperty("Accept", "*/*");
            }
            Optional<ContentStreamProvider> body = request.contentStreamProvider();
            boolean bodySent = true;
            if (body.isPresent()) {
                c.setDoOutput(true);
                long length = http.firstMatchingHeader("Content-Length").map(Long::parseLong).orElse(-1L);
                if (length >= 0) {
                    c.setFixedLengthStreamingMode(length);
                } else {
                    c.setChunkedStreamingMode(WRITE);
                }
                bodySent = send(c, body.get(), http);
            }
            int status = c.getResponseCode();
            SdkHttpFullResponse response = SdkHttpResponse.builder()
                    .statusCode(status)
                    .statusText(c.getResponseMessage())
                    .headers(headers(c))
                    .build();
            InputStream content = hasNoContent(http.method(), status) ? null
                    : status >= 400 || !bodySent ? c.getErrorStream() : c.getInputStream();
            return HttpExecuteResponse.builder()
                    .response(response)
                    .responseBody(content == null ? null : AbortableInputStream.create(content, this::abort))
                    .build();
        }

        /** Sends the body; false when the server refused it after {@code Expect: 100-continue}, before it was sent. */
        private boolean send(HttpURLConnection c, ContentStreamProvider body, SdkHttpRequest http) throws IOException {
            OutputStream out;
            try {
                out = c.getOutputStream();
            } catch (ProtocolException e) {
                if (http.firstMatchingHeader("Expect").filter("100-continue"::equalsIgnoreCase).isPresent()) {
                    return false; // the JDK's answer to a status other than 100: the status follows
                }
                throw e;
            }
            try (InputStream in = body.newStream()) {
                byte[] buffer = BUFFER.get();
                int n;
                while ((n = in.readNBytes(buffer, 0, WRITE)) > 0) {
                    out.write(buffer, 0, n);
                }
            }
            out.close(); // with a fixed length: checks that all of it was written
            return true;
        }

        @Override
        public void abort() {
            HttpURLConnection c = connection;
            if (c != null) {
                c.disconnect();
            }
        }
    }

    private static boolean hasNoContent(SdkHttpMethod method, int status) {
        return method == SdkHttpMethod.HEAD || status == 204 || status == 304 || (status >= 100 && status < 200);
    }

    private static Map<String, List<String>> headers(HttpURLConnection c) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        c.getHeaderFields().forEach((name, values) -> {
            if (name != null) { // the status line
                headers.put(name, values);
            }
        });
        return headers;
    }
}
