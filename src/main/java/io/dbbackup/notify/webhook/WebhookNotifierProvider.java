package io.dbbackup.notify.webhook;

import io.dbbackup.core.HostPort;
import io.dbbackup.core.Secret;
import io.dbbackup.spi.ConfigSection;
import io.dbbackup.spi.Notifier;
import io.dbbackup.spi.NotifierProvider;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code type: webhook}: an HTTP request per job report to {@code url_env}/{@code url_file} (the URL
 * is a secret: Slack, Teams and healthchecks URLs carry their token), as JSON ({@code format: json},
 * the report's fields) or as a Slack message ({@code format: slack}, {@code {"text": ...}}).
 */
public final class WebhookNotifierProvider implements NotifierProvider {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

    @Override
    public String type() {
        return "webhook";
    }

    @Override
    public Notifier create(ConfigSection s) {
        Optional<Secret> url = s.secret("url");
        if (url.isEmpty() && !s.secretGiven("url")) {
            s.error("url", "missing required key 'url_env' or 'url_file' (the webhook URL usually holds a token, "
                    + "so it is read from the environment or a file)");
        }
        url = url.map(u -> checkUrl(s, u));
        String method = s.choice("method", Set.of("post", "put")).orElse("post").toUpperCase(Locale.ROOT);
        WebhookSettings.Format format = s.choice("format", Set.of("json", "slack"))
                .map(f -> WebhookSettings.Format.valueOf(f.toUpperCase(Locale.ROOT))).orElse(WebhookSettings.Format.JSON);
        List<String[]> headers = new ArrayList<>();
        List<String> given = s.stringList("headers");
        for (int i = 0; i < given.size(); i++) {
            String h = given.get(i);
            int colon = h.indexOf(':');
            String name = colon <= 0 ? "" : h.substring(0, colon).strip();
            if (!name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
                // not echoed: "X-Api-Key abc123", its colon left out, is a token in the error text and the log
                s.error("headers", "item " + (i + 1) + " is not 'Name: value' (a header name, a colon, its value)");
            } else if (RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                s.error("headers", "the header " + name + " is set by the HTTP client and cannot be configured");
            } else if (name.equalsIgnoreCase("authorization")) {
                s.error("headers", "put the Authorization header in authorization_env or authorization_file: it is a secret");
            } else {
                headers.add(new String[] {name, h.substring(colon + 1).strip()});
            }
        }
        Secret authorization = s.secret("authorization").orElse(null);
        Duration timeout = s.duration("timeout").filter(d -> !d.isZero()).orElse(DEFAULT_TIMEOUT);
        if (url.isEmpty()) {
            return null;
        }
        return new WebhookNotifier(new WebhookSettings(s.name(), url.get(), method, format, headers, authorization, timeout));
    }

    /** Checks the URL without ever echoing it: it is a secret. */
    private static Secret checkUrl(ConfigSection s, Secret url) {
        if (!url.available()) {
            return url; // read when a notification is sent, which then fails naming the key
        }
        String key = s.secretSourceKey("url").orElse("url_env");
        try {
            URI u = new URI(url.reveal().strip());
            WebhookUrl.maskParts(u); // a server's error page often echoes one part alone
            if (!WebhookUrl.usable(u)) {
                return s.unusable(key, url, "the URL from " + url.source() + " is not an http:// or https:// URL with a host"
                        + (HostPort.ipv6WithoutBrackets(url.reveal().strip()) ? HostPort.IPV6_URL_HINT : ""));
            } else if (u.getScheme().equalsIgnoreCase("http") && !io.dbbackup.core.Loopback.is(u.getHost())) {
                s.warn(key, "the URL from " + url.source() + " is plain http:// to another host: it and its token (and an "
                        + "authorization header) would cross the network unencrypted; use https://");
            }
        } catch (URISyntaxException e) {
            return s.unusable(key, url, "the URL from " + url.source() + " is not a valid URL");
        }
        return url;
    }
}
