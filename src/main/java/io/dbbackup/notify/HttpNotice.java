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

    /** A notifier's client: {@code timeout} to connect, redirects never followed (a redirect could take a token elsewhere). */
    public static HttpClient client(java.time.Duration timeout) {
        return HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public static void send(HttpClient client, HttpRequest request, String what) throws IOException {
        // the request's timeout ends at the answer's headers and the client has no read timeout: a server that sends
        // its headers and then stalls would hold the send (and the run) for as long as it liked
        java.util.concurrent.CompletableFuture<HttpResponse<String>> sent =
                client.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        Throwable failed = SendLimit.await(sent, request.timeout().orElse(java.time.Duration.ofSeconds(30)), what + " failed",
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
