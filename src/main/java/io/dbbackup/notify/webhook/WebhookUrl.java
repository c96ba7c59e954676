package io.dbbackup.notify.webhook;

import io.dbbackup.core.Redactor;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * The parts of a webhook URL that are secret on their own, registered with the redactor wherever the URL is read (at
 * load, or when a notification is sent for a {@code url_command} one): a server's error page or a library's message
 * often echoes one part alone, which the mask of the whole URL does not match. The token is in the path or the query
 * (Slack, Teams, Discord); a {@code user:password@} is masked whole and its password alone.
 */
final class WebhookUrl {
    /** Query parameters whose value is secret however short. */
    private static final Set<String> SECRET_NAMES = Set.of("token", "key", "apikey", "api_key", "secret", "sig", "signature",
            "password", "pass", "auth", "access_token", "code");

    private WebhookUrl() {
    }

    static void maskParts(URI u) {
        mask(u.getRawUserInfo(), 3);
        mask(u.getUserInfo(), 3);
        mask(password(u.getRawUserInfo()), 3);
        mask(password(u.getUserInfo()), 3);
        mask(u.getRawPath(), 8); // a short path ("/hook") is no token
        mask(u.getPath(), 8);
        mask(u.getRawQuery(), 3);
        mask(u.getQuery(), 3);
        mask(u.getRawFragment(), 3);
        if (u.getRawQuery() != null) {
            for (String pair : u.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String name = decode(pair.substring(0, eq)).toLowerCase(Locale.ROOT);
                String value = pair.substring(eq + 1);
                int min = SECRET_NAMES.contains(name) ? 3 : 8; // "format=json" is no secret
                mask(value, min);
                mask(decode(value), min);
            }
        }
    }

    private static String password(String userInfo) {
        int colon = userInfo == null ? -1 : userInfo.indexOf(':');
        return colon < 0 ? null : userInfo.substring(colon + 1);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    private static void mask(String part, int minLength) {
        if (part != null && part.length() >= minLength) {
            Redactor.register(part);
        }
    }

    /** Whether {@code u} is an http:// or https:// URL with a host (what the HTTP client takes). */
    static boolean usable(URI u) {
        return u.getScheme() != null && Set.of("http", "https").contains(u.getScheme().toLowerCase(Locale.ROOT))
                && u.getHost() != null;
    }
}
