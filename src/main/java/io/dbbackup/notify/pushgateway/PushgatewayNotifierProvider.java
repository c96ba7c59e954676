package io.dbbackup.notify.pushgateway;

import io.dbbackup.core.HostPort;
import io.dbbackup.core.Secret;
import io.dbbackup.spi.ConfigSection;
import io.dbbackup.spi.Notifier;
import io.dbbackup.spi.NotifierProvider;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code type: pushgateway}: each job report as Prometheus gauges pushed to a Pushgateway, for alerting on a job's
 * last successful backup ({@code time() - dbbackup_last_success_timestamp_seconds > 26*3600}) from the monitoring a
 * cluster already has. {@code url} is the Pushgateway's base URL; {@code job} the Prometheus job label (default
 * {@code dbbackup}).
 */
public final class PushgatewayNotifierProvider implements NotifierProvider {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    static final String DEFAULT_JOB = "dbbackup";

    @Override
    public String type() {
        return "pushgateway";
    }

    @Override
    public Notifier create(ConfigSection s) {
        Optional<URI> url = s.requireString("url").flatMap(u -> checkUrl(s, u));
        String job = s.string("job").orElse(DEFAULT_JOB);
        if (!job.matches("[A-Za-z0-9_.:-]+") || job.equals(".") || job.equals("..")) {
            s.error("job", "'" + job + "' is not a usable Prometheus job label here (letters, digits, '_', '.', ':', '-')");
        }
        Secret authorization = s.secret("authorization").orElse(null);
        Duration timeout = s.duration("timeout").filter(d -> !d.isZero()).orElse(DEFAULT_TIMEOUT);
        return url.map(u -> new PushgatewayNotifier(new PushgatewaySettings(s.name(), u, job, authorization, timeout)))
                .orElse(null);
    }

    private static Optional<URI> checkUrl(ConfigSection s, String url) {
        try {
            URI u = new URI(url.strip());
            if (u.getScheme() == null || !Set.of("http", "https").contains(u.getScheme().toLowerCase(Locale.ROOT))
                    || u.getHost() == null) {
                s.error("url", "'" + shown(url) + "' is not an http:// or https:// URL with a host (e.g. http://pushgateway:9091)"
                        + (HostPort.ipv6WithoutBrackets(url) ? HostPort.IPV6_URL_HINT : ""));
            } else if (u.getRawQuery() != null || u.getRawFragment() != null || u.getRawUserInfo() != null) {
                s.error("url", "the Pushgateway URL takes no query, fragment or user (put credentials in authorization_env "
                        + "or authorization_file)");
            } else {
                return Optional.of(u);
            }
        } catch (URISyntaxException e) {
            s.error("url", "'" + shown(url) + "' is not a valid URL");
        }
        return Optional.empty();
    }

    /**
     * {@code url} as written, with everything between the scheme's {@code //} (or the start) and its last {@code @}
     * masked: the URL is no secret, but a {@code user:password@} pasted into it is, and one that does not parse cannot
     * be told apart from the rest by a parser (a password may hold {@code /}, {@code :} or a space).
     */
    static String shown(String url) {
        int at = url.lastIndexOf('@');
        if (at < 0) {
            return url;
        }
        int scheme = url.indexOf("://");
        int start = scheme >= 0 && scheme < at ? scheme + 3 : 0;
        return url.substring(0, start) + "***" + url.substring(at);
    }
}
