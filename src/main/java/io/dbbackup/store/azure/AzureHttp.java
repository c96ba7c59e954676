package io.dbbackup.store.azure;

import io.dbbackup.core.TlsRefusal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The Blob service's REST API over the JDK's HTTP client: one signed request (Shared Key, or a SAS appended to the
 * query), sent again on a network failure, a 5xx, 408 or 429 (every request the store sends is idempotent: a block
 * is staged under its own id, a block list committed whole, a delete of a missing blob is no error). Proxies: the
 * environment's ({@link EnvProxy}: HTTPS_PROXY, NO_PROXY…), else the JVM's ({@code -Dhttps.proxyHost=…}).
 */
final class AzureHttp {
    static final String API_VERSION = "2021-08-06";
    private static final DateTimeFormatter RFC1123 = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(5);
    static final int ATTEMPTS = 5;

    /** One answer, its body read whole (listings, errors; never a blob's content). */
    record Response(int status, Map<String, java.util.List<String>> headers, byte[] body) {
        Optional<String> header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst();
        }

        boolean ok() {
            return status / 100 == 2;
        }
    }

    private final AzureSettings cfg;
    private HttpClient client;
    private SharedKey sharedKey;
    private EntraToken entra;
    /** The TLS context, null for the JVM's default (its trust store); tests trust their own server. */
    javax.net.ssl.SSLContext sslContext;
    /** Where Entra ID sign-in reads AZURE_* variables and the proxy its *_PROXY ones (tests give their own). */
    Map<String, String> env = System.getenv();
    /** Pause before the first resend; doubled each time (tests shorten it). */
    Duration firstPause = Duration.ofMillis(500);

    AzureHttp(AzureSettings cfg) {
        this.cfg = cfg;
    }

    private synchronized HttpClient client() {
        if (client == null) {
            HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
                    .proxy(EnvProxy.of(env)).followRedirects(HttpClient.Redirect.NEVER);
            if (sslContext != null) {
                b.sslContext(sslContext);
            }
            client = b.build();
        }
        return client;
    }

    private synchronized SharedKey sharedKey() {
        if (sharedKey == null) {
            try {
                sharedKey = new SharedKey(cfg.account(), cfg.accountKey().reveal());
            } catch (IllegalArgumentException e) {
                throw io.dbbackup.core.DbBackupException.permanent("azure store " + cfg.describe().substring("azure ".length())
                        + ": " + e.getMessage(), null);
            }
        }
        return sharedKey;
    }

    private synchronized EntraToken entra() {
        if (entra == null) {
            entra = EntraToken.of(cfg, env);
        }
        return entra;
    }

    /** Sends a request on the container ({@code name} empty) or on blob {@code name}; resends as the class says. */
    Response send(String method, String name, Map<String, String> query, Map<String, String> headers,
                  byte[] body, int off, int len) throws IOException {
        HttpResponse<byte[]> h = exchange(() -> request(method, name, query, headers, body, off, len),
                HttpResponse.BodyHandlers.ofByteArray(), refused -> { });
        return new Response(h.statusCode(), h.headers().map(), h.body());
    }

    Response send(String method, String name, Map<String, String> query, Map<String, String> headers) throws IOException {
        return send(method, name, query, headers, null, 0, 0);
    }

    /**
     * A blob's content as a stream with its answer's headers, or the answer that refused it (read whole, as
     * {@link #send} reads it).
     */
    record Fetched(int status, InputStream content, Map<String, java.util.List<String>> headers, Response refusal) {
        Optional<String> header(String name) {
            return new Response(200, headers, new byte[0]).header(name);
        }
    }

    /**
     * GET of a blob (with {@code headers}: a range, a condition), resent as {@link #send} resends until the content
     * starts to arrive; {@code headerTimeout}: how long to wait for the answer's headers.
     */
    Fetched get(String name, Map<String, String> headers, Duration headerTimeout) throws IOException {
        HttpResponse<InputStream> h = exchange(() -> HttpRequest.newBuilder(request("GET", name, Map.of(), headers, null, 0, 0),
                (n, v) -> true).timeout(headerTimeout).build(), HttpResponse.BodyHandlers.ofInputStream(), refused -> {
                    try (InputStream in = refused.body()) {
                        in.transferTo(java.io.OutputStream.nullOutputStream());
                    }
                });
        if (h.statusCode() == 200 || h.statusCode() == 206) {
            return new Fetched(h.statusCode(), h.body(), h.headers().map(), null);
        }
        byte[] body;
        try (InputStream in = h.body()) {
            body = in.readNBytes(64 << 10);
        }
        return new Fetched(h.statusCode(), null, h.headers().map(), new Response(h.statusCode(), h.headers().map(), body));
    }

    private interface RequestMaker {
        HttpRequest make() throws IOException;
    }

    private interface Drain<T> {
        void drain(HttpResponse<T> answer) throws IOException;
    }

    /**
     * One exchange, resent (the request made anew: a fresh date and signature) on a network failure or a transient
     * status, {@link #ATTEMPTS} times in all with a doubling pause; a transient answer resent after is first drained.
     */
    private <T> HttpResponse<T> exchange(RequestMaker request, HttpResponse.BodyHandler<T> handler, Drain<T> drain)
            throws IOException {
        long pause = firstPause.toMillis();
        for (int attempt = 1; ; attempt++) {
            try {
                HttpResponse<T> h = client().send(request.make(), handler);
                if (attempt >= ATTEMPTS || !transientStatus(h.statusCode())) {
                    return h;
                }
                drain.drain(h);
            } catch (IOException e) {
                if (e instanceof InterruptedIOException || attempt >= ATTEMPTS || TlsRefusal.reason(e) != null) {
                    throw e;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
            sleep(pause);
            pause *= 2;
        }
    }

    static boolean transientStatus(int status) {
        return status >= 500 || status == 408 || status == 429;
    }

    private static void sleep(long millis) throws InterruptedIOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
    }

    private HttpRequest request(String method, String name, Map<String, String> query, Map<String, String> headers,
                                byte[] body, int off, int len) throws IOException {
        String rawPath = cfg.accountUrl().getRawPath() + "/" + cfg.container() + (name.isEmpty() ? "" : "/" + encodePath(name));
        StringBuilder q = new StringBuilder();
        query.forEach((k, v) -> q.append(q.length() == 0 ? "" : "&").append(k).append('=').append(encode(v)));
        if (cfg.sasToken() != null) {
            String sas = cfg.sasToken().reveal().trim();
            SasExpiry.of(sas).filter(at -> at.isBefore(java.time.Instant.now())).ifPresent(at -> {
                throw io.dbbackup.core.DbBackupException.permanent("azure store " + cfg.location("") + ": the sas_token expired on "
                        + at + "; make a new one (sp=racwdl) and put it where sas_token_env/_file reads it", null);
            });
            q.append(q.length() == 0 ? "" : "&").append(sas.startsWith("?") ? sas.substring(1) : sas);
        }
        URI accountUrl = cfg.accountUrl();
        URI uri;
        try {
            uri = new URI(accountUrl.getScheme() + "://" + accountUrl.getRawAuthority() + rawPath
                    + (q.length() == 0 ? "" : "?" + q));
        } catch (java.net.URISyntaxException e) { // its message repeats the whole URL, the SAS with it: never shown
            throw io.dbbackup.core.DbBackupException.permanent("azure store " + cfg.location("") + ": the sas_token is not "
                    + "a valid URL query (quotes, spaces or other characters a URL cannot hold?); give it as the portal "
                    + "or 'az storage container generate-sas -o tsv' prints it", null);
        }
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("x-ms-date", RFC1123.format(ZonedDateTime.now(ZoneOffset.UTC)));
        all.put("x-ms-version", API_VERSION);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body, off, len));
        all.forEach(b::header);
        if (cfg.accountKey() != null) {
            b.header("Authorization", sharedKey().authorization(method, rawPath, query, all, body == null ? 0 : len));
        } else if (cfg.sasToken() == null) {
            b.header("Authorization", entra().authorization(client()));
        }
        return b.build();
    }

    /** A blob name's path: each segment percent-encoded, the '/' between them kept. */
    static String encodePath(String name) {
        return java.util.Arrays.stream(name.split("/", -1)).map(AzureHttp::encode)
                .collect(java.util.stream.Collectors.joining("/"));
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20").replace("%7E", "~");
    }
}
