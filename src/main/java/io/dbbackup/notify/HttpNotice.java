package io.dbbackup.notify;

import io.dbbackup.core.Redactor;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * The one HTTP request of a notifier (webhook, Pushgateway): an answer other than 2xx, a failed connection or an
 * interruption is an IOException that starts with {@code what} (which names no secret part of the URL) and holds at
 * most 200 characters of the server's answer, redacted.
 */
public final class HttpNotice {
    /** The characters of a server's answer kept in the error (after secrets are masked in it). */
    static final int MAX_ANSWER = 200;

    private HttpNotice() {
    }

    /**
     * The one HTTP client of this JVM's notifiers (webhooks, Pushgateways), made at the first notice: the JDK 17 client
     * cannot be closed, its selector thread and its descriptors stay until it is garbage collected, and each notifier of
     * each config load (a process running many, a test JVM) used to build its own. Nothing a notifier's config says is
     * the client's: its {@code timeout} is each request's (which bounds the connection too: a connect that takes longer
     * fails as "HTTP connect timed out", as the client's connect timeout did), the proxy is the JVM's default selector,
     * TLS the JVM's default context. A config key that set a proxy or a CA would need one client per distinct value,
     * keyed by that value (as {@code AzureHttp.CLIENTS} is), never one per notifier. Redirects are never followed (a
     * redirect could take a token elsewhere).
     */
    private static final class Shared {
        static final HttpClient CLIENT = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * Sends {@code request} with the notifiers' shared client. It must carry its notifier's {@code timeout}: the client
     * has none of its own, and without one a connect would wait as long as the system lets it.
     */
    public static void send(HttpRequest request, String what) throws IOException {
        java.time.Duration timeout = request.timeout()
                .orElseThrow(() -> new IllegalArgumentException("a notice's request needs its notifier's timeout"));
        // the request's timeout ends at the answer's headers and the client has no read timeout: a server that sends
        // its headers and then stalls would hold the send (and the run) for as long as it liked
        java.util.concurrent.CompletableFuture<HttpResponse<String>> sent =
                Shared.CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        Throwable failed = SendLimit.await(sent, timeout, what + " failed",
                "answer", what + " interrupted");
        if (failed instanceof IOException e) {
            throw new IOException(what + " failed: " + Redactor.redact(why(e, request.uri())), e);
        }
        if (failed != null) {
            throw new IOException(what + " failed: " + Redactor.redact(String.valueOf(failed)), failed);
        }
        HttpResponse<String> response = sent.join();
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            // masked before it is cut: a cut through a secret would leave its first part, which its mask no longer matches
            String answer = response.body() == null ? "" : Redactor.excerpt(response.body(), MAX_ANSWER);
            throw new IOException(what + " answered HTTP " + status + (answer.isEmpty() ? "" : ": " + answer));
        }
    }

    /**
     * Why {@code e} happened, in words: the JDK's client says only "ConnectException" (no message) both when nothing
     * listens on the port and when the host name does not resolve, two different fixes for on-call.
     */
    static String why(IOException e, java.net.URI uri) {
        String at = uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.nio.channels.UnresolvedAddressException || t instanceof java.net.UnknownHostException) {
                return "cannot resolve host " + uri.getHost() + " (a wrong name, or DNS down?)";
            }
        }
        if (e instanceof java.net.ConnectException && e.getMessage() == null) {
            return "cannot connect to " + at + ": connection refused (nothing listening there?)";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
