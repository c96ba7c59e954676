package io.dbbackup.store.azure;

import io.dbbackup.core.Human;
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
import java.util.List;
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
    /** The service whose clock its answers' Date header tells ({@link io.dbbackup.core.ClockSkew}). */
    static final String SERVICE_KIND = "Azure Blob service";
    /** A request that moves no byte for this long fails as a stall of the store, not sent again. */
    static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);
    /** Bytes the body is handed to the HTTP client in: each one taken is progress. */
    private static final int BODY_SLICE = 64 << 10;

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
    /**
     * The TLS context, null for the JVM's default (its trust store); tests trust their own server. No config key sets
     * it (the Azure store has no {@code ca_file}), so {@link #CLIENTS} holds one entry per proxy setting in a run; a key
     * that did would build a context per store, and {@link #CLIENTS} must then be keyed by its value (the file's path
     * and a digest of its content), not by this object.
     */
    javax.net.ssl.SSLContext sslContext;
    /** Where Entra ID sign-in reads AZURE_* variables and the proxy its *_PROXY ones (tests give their own). */
    Map<String, String> env = System.getenv();
    /** Pause before the first resend; doubled each time (tests shorten it). */
    Duration firstPause = Duration.ofMillis(500);
    /** How long a request may move no byte (tests shorten it). */
    Duration stallTimeout = STALL_TIMEOUT;

    AzureHttp(AzureSettings cfg) {
        this.cfg = cfg;
    }

    /**
     * The HTTP clients of this JVM, one per proxy setting and TLS context, shared by its stores: the JDK 17 client
     * cannot be closed, its selector thread, worker threads and their file descriptors stay until it is garbage
     * collected, and a store made for each run (a restore's, a verify's, each job's in the job runner) left its own
     * client's behind each time.
     */
    private static final Map<List<Object>, HttpClient> CLIENTS = new java.util.concurrent.ConcurrentHashMap<>();

    private synchronized HttpClient client() {
        if (client == null) {
            client = CLIENTS.computeIfAbsent(List.of(EnvProxy.variables(env), sslContext == null ? "default" : sslContext), k -> {
                HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
                        .proxy(EnvProxy.of(env)).followRedirects(HttpClient.Redirect.NEVER);
                if (sslContext != null) {
                    b.sslContext(sslContext);
                }
                return b.build();
            });
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
        HttpResponse<byte[]> h = exchange(progress -> request(method, name, query, headers, body, off, len, progress),
                HttpResponse.BodyHandlers.ofByteArray(), refused -> { }, io.dbbackup.core.CancelSignal.NONE);
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
        // stopped, while it waits for the answer, by the cancellation of the operation it works for (SIGTERM, a job's
        // timeout, a resumed read's stream closed): its hooks are registered only once the content is open
        HttpResponse<InputStream> h = exchange(progress -> HttpRequest.newBuilder(request("GET", name, Map.of(), headers, null, 0, 0, progress),
                (n, v) -> true).timeout(headerTimeout).build(), HttpResponse.BodyHandlers.ofInputStream(), refused -> {
                    try (InputStream in = refused.body()) {
                        in.transferTo(java.io.OutputStream.nullOutputStream());
                    }
                }, io.dbbackup.core.CancelSignal.current());
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
        HttpRequest make(Progress progress) throws IOException;
    }

    /** When a request last moved a byte of its body (nanoTime). */
    private static final class Progress {
        volatile long last = System.nanoTime();
    }

    /** A request that moved no byte for the stall timeout: cancelled, its connection closed. */
    static final class StalledException extends IOException {
        StalledException(Duration timeout) {
            super("the store stalled: no byte moved for " + Human.settingSpaced(timeout) + " (a connection that went silent)");
        }
    }

    private interface Drain<T> {
        void drain(HttpResponse<T> answer) throws IOException;
    }

    /**
     * One exchange, resent (the request made anew: a fresh date and signature) on a network failure or a transient
     * status, {@link #ATTEMPTS} times in all with a doubling pause; a transient answer resent after is first drained.
     */
    private <T> HttpResponse<T> exchange(RequestMaker request, HttpResponse.BodyHandler<T> handler, Drain<T> drain,
                                         io.dbbackup.core.CancelSignal.Token cancel) throws IOException {
        long pause = firstPause.toMillis();
        for (int attempt = 1; ; attempt++) {
            try {
                HttpResponse<T> h = watched(request, handler, cancel);
                // a SAS is not refused for a clock hours off (Shared Key is, past 15 minutes): backups named by it would be
                io.dbbackup.core.ClockSkew.check(SERVICE_KIND, cfg.accountUrl().toString(),
                        io.dbbackup.core.ClockSkew.offset(h.headers().firstValue("Date"), java.time.Instant.now()));
                if (attempt >= ATTEMPTS || !transientStatus(h.statusCode())) {
                    return h;
                }
                drain.drain(h);
            } catch (IOException e) {
                if (e instanceof InterruptedIOException || e instanceof StalledException || attempt >= ATTEMPTS
                        || TlsRefusal.reason(e) != null) {
                    throw e;
                }
            }
            sleep(pause);
            pause *= 2;
        }
    }

    /**
     * One request, cancelled (its connection closed) when it moves no byte of its body and gets no answer for
     * {@link #stallTimeout}, or when this thread is interrupted (an upload's abort cutting off its blocks).
     */
    private <T> HttpResponse<T> watched(RequestMaker request, HttpResponse.BodyHandler<T> handler,
                                        io.dbbackup.core.CancelSignal.Token cancel) throws IOException {
        if (cancel.isCancelled()) {
            throw cancelled(cancel);
        }
        Progress progress = new Progress();
        java.util.concurrent.CompletableFuture<HttpResponse<T>> answer = client().sendAsync(request.make(progress), handler);
        io.dbbackup.core.CancelSignal.Registration stop = cancel.onCancel(() -> answer.cancel(true));
        try {
            return await(answer, progress, cancel);
        } finally {
            stop.close();
        }
    }

    private static InterruptedIOException cancelled(io.dbbackup.core.CancelSignal.Token cancel) {
        return new InterruptedIOException("cancelled: " + cancel.reason());
    }

    private <T> HttpResponse<T> await(java.util.concurrent.CompletableFuture<HttpResponse<T>> answer, Progress progress,
                                      io.dbbackup.core.CancelSignal.Token cancel) throws IOException {
        long period = Math.max(10, Math.min(stallTimeout.toMillis() / 4, 1000));
        while (true) {
            try {
                return answer.get(period, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.CancellationException e) {
                throw cancelled(cancel); // only the cancellation's hook cancels it without throwing here itself
            } catch (java.util.concurrent.TimeoutException e) {
                if (System.nanoTime() - progress.last > stallTimeout.toNanos()) {
                    answer.cancel(true);
                    throw new StalledException(stallTimeout);
                }
            } catch (InterruptedException e) {
                answer.cancel(true);
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable c = e.getCause();
                if (cancel.isCancelled()) { // the client's own CancellationException, or the cut connection's failure
                    InterruptedIOException stopped = cancelled(cancel);
                    stopped.initCause(c);
                    throw stopped;
                }
                if (c instanceof IOException io) {
                    throw io;
                }
                if (c instanceof RuntimeException re) {
                    throw re;
                }
                throw new IOException(c);
            }
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

    /**
     * The store's sas_token refused before anything is sent: {@code azure store azure://a/c/: WHY}, and just {@code WHY}
     * after words that name the store ({@code cannot list d/ in azure azure://a/c/p: WHY}): the store said once, whatever
     * the call site puts before it.
     */
    private io.dbbackup.core.DbBackupException sasFault(String why) {
        String store = cfg.describe();
        int at = store.indexOf(" at ");
        String words = "azure store " + cfg.location("") + ": ";
        return io.dbbackup.core.DbBackupException.permanent(words + why, new io.dbbackup.spi.StoreWordsException(
                at < 0 ? store : store.substring(0, at), words, "", why, null));
    }

    private HttpRequest request(String method, String name, Map<String, String> query, Map<String, String> headers,
                                byte[] body, int off, int len, Progress progress) throws IOException {
        String rawPath = cfg.accountUrl().getRawPath() + "/" + cfg.container() + (name.isEmpty() ? "" : "/" + encodePath(name));
        StringBuilder q = new StringBuilder();
        query.forEach((k, v) -> q.append(q.length() == 0 ? "" : "&").append(k).append('=').append(encode(v)));
        if (cfg.sasToken() != null) {
            String sas = cfg.sasToken().reveal().trim();
            SasExpiry.of(sas).filter(at -> at.isBefore(java.time.Instant.now())).ifPresent(at -> {
                throw sasFault("the sas_token expired on " + at + "; make a new one (sp=racwdl) and put it where"
                        + " sas_token_env/_file reads it");
            });
            q.append(q.length() == 0 ? "" : "&").append(sas.startsWith("?") ? sas.substring(1) : sas);
        }
        URI accountUrl = cfg.accountUrl();
        URI uri;
        try {
            uri = new URI(accountUrl.getScheme() + "://" + accountUrl.getRawAuthority() + rawPath
                    + (q.length() == 0 ? "" : "?" + q));
        } catch (java.net.URISyntaxException e) { // its message repeats the whole URL, the SAS with it: never shown
            throw sasFault("the sas_token is not a valid URL query (quotes, spaces or other characters a URL cannot"
                    + " hold?); give it as the portal or 'az storage container generate-sas -o tsv' prints it");
        }
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("x-ms-date", RFC1123.format(ZonedDateTime.now(ZoneOffset.UTC)));
        all.put("x-ms-version", API_VERSION);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : publisher(body, off, len, progress));
        all.forEach(b::header);
        if (cfg.accountKey() != null) {
            b.header("Authorization", sharedKey().authorization(method, rawPath, query, all, body == null ? 0 : len));
        } else if (cfg.sasToken() == null) {
            b.header("Authorization", entra().authorization(client()));
        }
        return b.build();
    }

    /** {@code body[off..off+len)} in slices of {@link #BODY_SLICE}, each one the client takes counted as progress. */
    private static HttpRequest.BodyPublisher publisher(byte[] body, int off, int len, Progress progress) {
        if (len == 0) {
            return HttpRequest.BodyPublishers.ofByteArray(body, off, 0); // nothing to watch (and no empty publisher)
        }
        Iterable<byte[]> slices = () -> new java.util.Iterator<>() {
            private int at = off;

            @Override
            public boolean hasNext() {
                return at < off + len;
            }

            @Override
            public byte[] next() {
                int n = Math.min(BODY_SLICE, off + len - at);
                byte[] slice = java.util.Arrays.copyOfRange(body, at, at + n);
                at += n;
                progress.last = System.nanoTime();
                return slice;
            }
        };
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofByteArrays(slices), len);
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
