package io.dbbackup.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for Microsoft Entra ID's token endpoint ({@code /<tenant>/oauth2/v2.0/token}: client credentials with a
 * client secret or a federated assertion) and for the instance metadata service's ({@code /metadata/identity/oauth2/token},
 * managed identity), since neither runs outside Azure. It checks each request as Entra ID would (grant, scope,
 * client, the secret or assertion expected) and issues a JWT for the storage audience that Azurite in
 * {@code --oauth basic} accepts (issuer, audience, lifetime; the signature is not checked there). The one fake of
 * the Azure tests: the storage side is Azurite.
 */
public final class EntraTokenServer implements AutoCloseable {
    public final String tenant = UUID.randomUUID().toString();
    public final String clientId = UUID.randomUUID().toString();
    private final HttpServer server;
    private final List<String> issued = new CopyOnWriteArrayList<>();
    private volatile String expectedAssertion;
    private volatile String expectedSecret;
    private volatile long lifetimeSeconds = 3599;

    public EntraTokenServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code AZURE_AUTHORITY_HOST} / {@code AZURE_POD_IDENTITY_AUTHORITY_HOST} for the client. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    public EntraTokenServer acceptAssertion(String assertion) {
        this.expectedAssertion = assertion;
        return this;
    }

    public EntraTokenServer acceptSecret(String secret) {
        this.expectedSecret = secret;
        return this;
    }

    public EntraTokenServer lifetime(long seconds) {
        this.lifetimeSeconds = seconds;
        return this;
    }

    /** "client_secret", "workload_identity" or "managed_identity", one per token issued. */
    public List<String> issued() {
        return issued;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (ex.getRequestMethod().equals("GET") && path.equals("/metadata/identity/oauth2/token")) {
                Map<String, String> q = form(ex.getRequestURI().getRawQuery());
                if (!"true".equals(ex.getRequestHeaders().getFirst("Metadata")) || !"https://storage.azure.com/".equals(q.get("resource"))) {
                    answer(ex, 400, "{\"error\":\"invalid_request\",\"error_description\":\"Required metadata header not specified\"}");
                    return;
                }
                issue(ex, "managed_identity", "\"" + lifetimeSeconds + "\"");
                return;
            }
            if (!ex.getRequestMethod().equals("POST") || !path.equals("/" + tenant + "/oauth2/v2.0/token")) {
                answer(ex, 400, "{\"error\":\"invalid_request\",\"error_description\":\"AADSTS90002: Tenant not found.\"}");
                return;
            }
            Map<String, String> f = form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            boolean basics = "client_credentials".equals(f.get("grant_type")) && clientId.equals(f.get("client_id"))
                    && "https://storage.azure.com/.default".equals(f.get("scope"));
            if (basics && expectedAssertion != null && expectedAssertion.equals(f.get("client_assertion"))
                    && "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".equals(f.get("client_assertion_type"))) {
                issue(ex, "workload_identity", Long.toString(lifetimeSeconds));
            } else if (basics && expectedSecret != null && expectedSecret.equals(f.get("client_secret"))) {
                issue(ex, "client_secret", Long.toString(lifetimeSeconds));
            } else {
                answer(ex, 401, "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS700213: No matching federated "
                        + "identity record found for presented assertion subject.\\r\\nTrace ID: 0000\\r\\nCorrelation ID: 1111\"}");
            }
        }
    }

    private void issue(HttpExchange ex, String kind, String expiresIn) throws IOException {
        long now = Instant.now().getEpochSecond();
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String claims = "{\"aud\":\"https://storage.azure.com\",\"iss\":\"https://sts.windows.net/" + tenant + "/\",\"iat\":"
                + (now - 60) + ",\"nbf\":" + (now - 60) + ",\"exp\":" + (now + lifetimeSeconds) + ",\"oid\":\"" + UUID.randomUUID()
                + "\",\"tid\":\"" + tenant + "\",\"appid\":\"" + clientId + "\"}";
        String jwt = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + b64.encodeToString(UUID.randomUUID().toString().getBytes());
        issued.add(kind);
        answer(ex, 200, "{\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn + ",\"access_token\":\"" + jwt + "\"}");
    }

    private static Map<String, String> form(String text) {
        Map<String, String> m = new HashMap<>();
        if (text == null) {
            return m;
        }
        for (String pair : text.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                m.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return m;
    }

    private static void answer(HttpExchange ex, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
