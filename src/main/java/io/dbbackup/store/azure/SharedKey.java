package io.dbbackup.store.azure;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Azure Storage's Shared Key authorization (the {@code Authorization: SharedKey account:signature} header): an
 * HMAC-SHA256, under the account key, of the verb, the standard headers, the {@code x-ms-*} headers and the resource.
 * Written here rather than taken from the Azure SDK (Netty, Reactor and Jackson for a handful of REST calls).
 */
final class SharedKey {
    private static final List<String> STANDARD = List.of("content-encoding", "content-language", "content-length",
            "content-md5", "content-type", "date", "if-modified-since", "if-match", "if-none-match",
            "if-unmodified-since", "range");

    private final String account;
    private final byte[] key;

    /** {@code base64Key}: the account key as the portal shows it; an invalid one is refused here, never sent. */
    SharedKey(String account, String base64Key) {
        this.account = account;
        try {
            this.key = Base64.getDecoder().decode(base64Key.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the account key is not base64 (copy key1 or key2 from the storage account's Access keys)");
        }
    }

    /**
     * The header value for one request. {@code rawPath}: the request's path as sent (percent-encoded, starting with
     * '/'); {@code query}: the query parameters, decoded; {@code headers}: every header sent but Content-Length,
     * names in any case; {@code contentLength}: the body's length (0 when none).
     */
    String authorization(String method, String rawPath, Map<String, String> query, Map<String, String> headers,
                         long contentLength) {
        return "SharedKey " + account + ":" + sign(stringToSign(method, rawPath, query, headers, contentLength));
    }

    String stringToSign(String method, String rawPath, Map<String, String> query, Map<String, String> headers,
                        long contentLength) {
        SortedMap<String, String> lower = new TreeMap<>();
        headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v.trim()));
        StringBuilder s = new StringBuilder(method).append('\n');
        for (String h : STANDARD) {
            if (h.equals("content-length")) {
                s.append(contentLength == 0 ? "" : Long.toString(contentLength));
            } else if (!h.equals("date") || !lower.containsKey("x-ms-date")) {
                s.append(lower.getOrDefault(h, ""));
            }
            s.append('\n');
        }
        lower.forEach((k, v) -> {
            if (k.startsWith("x-ms-")) {
                s.append(k).append(':').append(v).append('\n');
            }
        });
        s.append('/').append(account).append(rawPath);
        SortedMap<String, String> q = new TreeMap<>();
        query.forEach((k, v) -> q.put(k.toLowerCase(Locale.ROOT), v));
        q.forEach((k, v) -> s.append('\n').append(k).append(':').append(v));
        return s.toString();
    }

    private String sign(String stringToSign) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
