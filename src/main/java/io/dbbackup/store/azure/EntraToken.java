package io.dbbackup.store.azure;

import io.dbbackup.core.DbBackupException;
import io.dbbackup.core.Json;
import io.dbbackup.core.Redactor;
import io.dbbackup.core.Secret;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A bearer token for the Blob service from Microsoft Entra ID, for a storage account that refuses shared keys or a
 * deployment that keeps none. The first of: a service principal's {@code client_secret}; AKS workload identity (the
 * federated token file its webhook mounts, {@code AZURE_FEDERATED_TOKEN_FILE}, with {@code AZURE_CLIENT_ID} and
 * {@code AZURE_TENANT_ID}); a managed identity (the instance metadata service). The token is kept and fetched again
 * before it expires (at the latest 5 minutes before, or half-way through a short lifetime).
 */
final class EntraToken {
    static final String SCOPE = "https://storage.azure.com/.default";
    static final String RESOURCE = "https://storage.azure.com/";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    enum Kind {
        CLIENT_SECRET("service principal"), WORKLOAD_IDENTITY("workload identity"), MANAGED_IDENTITY("managed identity");

        final String text;

        Kind(String text) {
            this.text = text;
        }
    }

    private final Kind kind;
    private final String tenant;
    private final String clientId;
    private final Secret clientSecret;
    private final Path federatedTokenFile;
    private final URI endpoint;
    private String token;
    private Instant refreshAt = Instant.EPOCH;

    private EntraToken(Kind kind, String tenant, String clientId, Secret clientSecret, Path federatedTokenFile, URI endpoint) {
        this.kind = kind;
        this.tenant = tenant;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.federatedTokenFile = federatedTokenFile;
        this.endpoint = endpoint;
    }

    /** The way to sign in that {@code cfg} and the environment give, as the class says; a missing id is a one-line error. */
    static EntraToken of(AzureSettings cfg, Map<String, String> env) {
        String tenant = cfg.tenantId() != null ? cfg.tenantId() : blankToNull(env.get("AZURE_TENANT_ID"));
        String client = cfg.clientId() != null ? cfg.clientId() : blankToNull(env.get("AZURE_CLIENT_ID"));
        String authority = env.getOrDefault("AZURE_AUTHORITY_HOST", "https://login.microsoftonline.com/");
        URI tokenUrl = URI.create((authority.endsWith("/") ? authority : authority + "/") + tenant + "/oauth2/v2.0/token");
        if (cfg.clientSecret() != null || blankToNull(env.get("AZURE_FEDERATED_TOKEN_FILE")) != null) {
            Kind kind = cfg.clientSecret() != null ? Kind.CLIENT_SECRET : Kind.WORKLOAD_IDENTITY;
            if (tenant == null || client == null) {
                throw DbBackupException.permanent("azure store " + cfg.location("") + ": " + kind.text + " sign-in needs "
                        + (tenant == null ? "tenant_id (or AZURE_TENANT_ID)" : "client_id (or AZURE_CLIENT_ID)"), null);
            }
            return new EntraToken(kind, tenant, client, cfg.clientSecret(),
                    kind == Kind.WORKLOAD_IDENTITY ? Path.of(env.get("AZURE_FEDERATED_TOKEN_FILE")) : null, tokenUrl);
        }
        String imds = env.getOrDefault("AZURE_POD_IDENTITY_AUTHORITY_HOST", "http://169.254.169.254");
        return new EntraToken(Kind.MANAGED_IDENTITY, null, client, null, null,
                URI.create((imds.endsWith("/") ? imds.substring(0, imds.length() - 1) : imds)
                        + "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=" + AzureHttp.encode(RESOURCE)
                        + (client == null ? "" : "&client_id=" + AzureHttp.encode(client))));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    String describe() {
        return kind.text + (tenant == null ? "" : ", tenant " + tenant) + (clientId == null ? "" : ", client " + clientId);
    }

    /** The {@code Authorization} header's value, the token fetched first when there is none or it is due. */
    synchronized String authorization(HttpClient client) throws IOException {
        if (token == null || !Instant.now().isBefore(refreshAt)) {
            fetch(client);
        }
        return "Bearer " + token;
    }

    private void fetch(HttpClient client) throws IOException {
        HttpRequest.Builder req = HttpRequest.newBuilder(endpoint).timeout(TIMEOUT);
        if (kind == Kind.MANAGED_IDENTITY) {
            req.header("Metadata", "true").GET();
        } else {
            Map<String, String> form = new LinkedHashMap<>();
            form.put("grant_type", "client_credentials");
            form.put("client_id", clientId);
            form.put("scope", SCOPE);
            if (kind == Kind.CLIENT_SECRET) {
                form.put("client_secret", clientSecret.reveal());
            } else {
                form.put("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
                form.put("client_assertion", readFederatedToken());
            }
            String body = form.entrySet().stream().map(e -> e.getKey() + "=" + AzureHttp.encode(e.getValue()))
                    .collect(Collectors.joining("&"));
            req.header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> r;
        try {
            r = client.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while getting an Entra ID token");
        } catch (IOException e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new IOException("azure: cannot reach " + (kind == Kind.MANAGED_IDENTITY ? "the instance metadata service"
                    : "Entra ID") + " at " + endpoint.getAuthority() + " for a token (" + describe() + "): " + msg
                    + (kind == Kind.MANAGED_IDENTITY ? "; without a managed identity give account_key, sas_token or "
                    + "client_secret, or run with workload identity" : ""), e);
        }
        Map<?, ?> json = parse(r.body());
        Object access = json == null ? null : json.get("access_token");
        if (r.statusCode() != 200 || !(access instanceof String)) {
            String error = json == null ? "" : " " + json.get("error");
            Object description = json == null ? null : json.get("error_description");
            String first = description == null ? "" : " (" + description.toString().lines().findFirst().orElse("").trim() + ")";
            DbBackupException refused = DbBackupException.permanent(Redactor.redact("azure: Entra ID refused a token for "
                    + describe() + ": HTTP " + r.statusCode() + error + first), null);
            if (r.statusCode() >= 500 || r.statusCode() == 429) {
                throw new IOException(refused.getMessage());
            }
            throw refused;
        }
        token = (String) access;
        Redactor.register(token);
        long lifetime = seconds(json.get("expires_in"));
        refreshAt = Instant.now().plusSeconds(lifetime - Math.min(300, lifetime / 2));
    }

    private String readFederatedToken() throws IOException {
        try {
            return Files.readString(federatedTokenFile, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw DbBackupException.permanent("azure: cannot read the workload identity token " + federatedTokenFile
                    + " (AZURE_FEDERATED_TOKEN_FILE): " + e.getMessage(), e);
        }
    }

    private static Map<?, ?> parse(String body) {
        try {
            return Json.parse(body) instanceof Map<?, ?> m ? m : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static long seconds(Object v) {
        try {
            return v instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(v));
        } catch (NumberFormatException e) {
            return 300;
        }
    }
}
