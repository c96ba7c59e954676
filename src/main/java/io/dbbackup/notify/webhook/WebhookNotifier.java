package io.dbbackup.notify.webhook;

import io.dbbackup.core.Json;
import io.dbbackup.core.Redactor;
import io.dbbackup.notify.HttpNotice;
import io.dbbackup.spi.JobReport;
import io.dbbackup.spi.Notifier;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP request per job report. Any answer but 2xx is a failure (the runner logs it; the backup's
 * result never changes). Errors name the scheme and host only: the URL's path and query are secret.
 */
final class WebhookNotifier implements Notifier {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final WebhookSettings settings;

    WebhookNotifier(WebhookSettings settings) {
        this.settings = settings;
    }

    @Override
    public void send(JobReport report, java.time.Clock clock) throws IOException {
        String body = Redactor.redact(settings.format() == WebhookSettings.Format.SLACK ? slack(report) : json(report));
        URI uri = uri(); // read here: the config may leave it unresolved
        if (uri == null) { // URI.create's own message would repeat the URL, which is a secret
            throw new IOException("the webhook URL from " + settings.url().source() + " is not a valid URL");
        }
        if (!WebhookUrl.usable(uri)) { // a url_command's, checked only now; the HTTP client's message would repeat it
            throw new IOException("the webhook URL from " + settings.url().source() + " is not an http:// or https:// URL "
                    + "with a host");
        }
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(settings.timeout())
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "dbbackup")
                .method(settings.method(), HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        for (String[] h : settings.headers()) {
            req.header(h[0], h[1]);
        }
        if (settings.authorization() != null) {
            req.header("Authorization", settings.authorization().reveal());
        }
        HttpNotice.send(req.build(), "webhook " + describe(uri));
    }

    /** The report's fields, plus {@code text}: one line a chat tool can show as it is. */
    static String json(JobReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job", r.job());
        m.put("operation", r.operation().name().toLowerCase(Locale.ROOT));
        m.put("outcome", r.outcome().name().toLowerCase(Locale.ROOT));
        m.put("succeeded", r.succeeded());
        m.put("exit_code", r.status() == null ? null : r.status().code()); // null: not known, never guessed
        m.put("host", r.host());
        m.put("copy_of", r.copyOf()); // null: not a copy job
        m.put("datasource", r.datasource());
        m.put("store", r.store());
        m.put("location", r.location());
        m.put("started", r.started().toString());
        m.put("finished", r.started().plus(r.duration()).toString());
        m.put("duration_ms", r.duration().toMillis());
        m.put("attempts", r.attempts());
        m.put("key", r.key());
        m.put("size", r.key() != null ? r.size() : null); // also a failure after the backup was stored
        m.put("error", r.error());
        m.put("detail", r.detail() == null || r.detail().isBlank() ? null : r.detail());
        m.put("next", r.succeeded() || r.next() == null || r.next().isBlank() ? null : r.next().strip());
        m.put("text", headline(r));
        return Json.write(m);
    }

    /**
     * Slack / Mattermost incoming webhooks: {@code {"text": "..."}} with the tool's last stderr lines in a code block. The
     * text is mrkdwn, where {@code <!channel>}, {@code <@U123>} or {@code <http://x|click>} in a server's error message
     * would ping everybody or render a link: {@code & < >} are escaped as Slack says, after secrets are masked (an
     * escaped secret would no longer match its mask).
     */
    static String slack(JobReport r) {
        StringBuilder t = new StringBuilder(headline(r));
        t.append("\nhost ").append(r.host()).append(" · started ").append(TIME.format(r.started()))
                .append(" · ").append(seconds(r)).append(" · attempts ").append(r.attempts());
        if (r.status() != null) {
            t.append(" · exit ").append(r.status().code());
        }
        if (r.copyOf() != null) { // a copy job: its datasource is its source job's
            t.append("\ncopy of ").append(r.copyOf());
        }
        t.append("\ndatasource ").append(r.datasource() == null ? "-" : r.datasource()).append(" · store ")
                .append(r.store() == null ? "-" : r.store()).append(r.location() == null ? "" : " (" + r.location() + ")");
        if (r.key() != null) { // also on a failure after the backup was stored (its prune or pin failed)
            t.append("\nkey ").append(code(r.key())).append(" · ").append(r.size()).append(" bytes");
        }
        if (r.succeeded() && r.key() != null) {
            if (r.detail() != null && !r.detail().isBlank()) { // a copy job: what it copied
                t.append("\n").append(r.detail().strip());
            }
        } else if (r.detail() != null && !r.detail().isBlank()) { // a failing tool's last lines, or what a prune did
            t.append("\n```\n").append(r.detail().strip().replace("```", "'''")).append("\n```");
        }
        if (!r.succeeded() && r.next() != null && !r.next().isBlank()) { // the store's state, the commands to run
            t.append("\n").append(r.next().strip());
        }
        return Json.write(Map.of("text", mrkdwn(Redactor.redact(t.toString()))));
    }

    /**
     * {@code s} in an inline code span. Slack has no escape for a backtick inside one (a key may hold one: a MySQL database
     * or a prefix), so it is shown as ˋ (U+02CB), after secrets are masked (a replaced secret would no longer match).
     */
    static String code(String s) {
        return "`" + Redactor.redact(s).replace('`', '\u02CB') + "`";
    }

    /** {@code text} as literal Slack mrkdwn: {@code &}, {@code <}, {@code >} as {@code &amp;}, {@code &lt;}, {@code &gt;}. */
    static String mrkdwn(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String headline(JobReport r) {
        return switch (r.outcome()) {
            case SUCCESS -> "dbbackup: " + r.operation().title() + " " + r.job() + " succeeded on " + r.host();
            case FAILURE -> "dbbackup: " + r.operation().title() + " " + r.job() + " FAILED on " + r.host() + ": " + oneLine(r.error());
            case INTERRUPTED -> "dbbackup: " + r.operation().title() + " " + r.job() + " INTERRUPTED on " + r.host() + ": "
                    + oneLine(r.error());
        };
    }

    private static String oneLine(String s) {
        return s == null ? "(no error message)" : s.strip().replace('\n', ' ');
    }

    private static String seconds(JobReport r) {
        return String.format(Locale.ROOT, "%.1f s", r.duration().toMillis() / 1000.0);
    }

    @Override
    public String describe() {
        if (!settings.url().available()) {
            return "(URL from " + settings.url().source() + ", unresolved)";
        }
        URI uri = uri();
        return uri == null ? "(URL from " + settings.url().source() + ", not a valid URL)" : describe(uri);
    }

    /**
     * The URL, or null when it is not one (never an exception: their messages repeat the secret URL). Its secret parts are
     * registered with the redactor here too: a {@code url_command}'s URL is first read now, not at load.
     */
    private URI uri() {
        try {
            URI u = new URI(settings.url().reveal().strip());
            WebhookUrl.maskParts(u);
            return u;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static String describe(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
    }
}
