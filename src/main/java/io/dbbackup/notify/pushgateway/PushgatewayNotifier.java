package io.dbbackup.notify.pushgateway;

import io.dbbackup.notify.HttpNotice;
import io.dbbackup.spi.JobReport;
import io.dbbackup.spi.Notifier;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;

/**
 * Pushes one job report as gauges to the group {@code /metrics/job/<job>/dbbackup_job/<job name>/operation/<backup|
 * verify|check|prune|drill>} with POST, which replaces only the metrics of the same names in that group: a failed run
 * updates {@code dbbackup_last_run_*} and leaves {@code dbbackup_last_success_timestamp_seconds} and
 * {@code dbbackup_last_backup_size_bytes} at the last success's values, which is what an alert on a job's last
 * success needs. One group per job and operation, so a verify never replaces a backup's figures.
 */
final class PushgatewayNotifier implements Notifier {
    private final PushgatewaySettings settings;

    PushgatewayNotifier(PushgatewaySettings settings) {
        this.settings = settings;
    }

    @Override
    public void send(JobReport report, java.time.Clock clock) throws IOException {
        URI uri = group(report);
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(settings.timeout())
                .header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .header("User-Agent", "dbbackup")
                .POST(HttpRequest.BodyPublishers.ofString(metrics(report), StandardCharsets.UTF_8));
        if (settings.authorization() != null) {
            req.header("Authorization", settings.authorization().reveal());
        }
        HttpNotice.send(req.build(), "pushgateway " + settings.url());
    }

    /** The group's URL under the base URL (job names are letters, digits, '.', '_' and '-': safe path segments). */
    URI group(JobReport r) {
        String base = settings.url().toString().replaceAll("/+$", "");
        return URI.create(base + "/metrics/job/" + settings.job() + "/dbbackup_job/" + r.job() + "/operation/"
                + r.operation().name().toLowerCase(Locale.ROOT));
    }

    /** The report in Prometheus' text format; the group's labels are added by the Pushgateway. */
    static String metrics(JobReport r) {
        Instant finished = r.started().plus(r.duration());
        StringBuilder b = new StringBuilder();
        gauge(b, "dbbackup_last_run_timestamp_seconds", "When the job's last run of this operation finished (Unix time).",
                seconds(finished));
        gauge(b, "dbbackup_last_run_success", "1 when the job's last run of this operation succeeded, else 0.",
                r.succeeded() ? "1" : "0");
        gauge(b, "dbbackup_last_run_duration_seconds", "How long the job's last run of this operation took.",
                String.format(Locale.ROOT, "%.3f", r.duration().toMillis() / 1000.0));
        gauge(b, "dbbackup_last_run_attempts", "Attempts the job's last run of this operation made.", String.valueOf(r.attempts()));
        if (r.succeeded()) {
            gauge(b, "dbbackup_last_success_timestamp_seconds", "When the job's last successful run of this operation "
                    + "finished (Unix time).", seconds(finished));
            if (r.key() != null && r.operation() == JobReport.Operation.BACKUP) {
                gauge(b, "dbbackup_last_backup_size_bytes", "Stored size of the job's newest backup.", String.valueOf(r.size()));
            }
        }
        return b.toString();
    }

    private static void gauge(StringBuilder b, String name, String help, String value) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" gauge\n")
                .append(name).append(' ').append(value).append('\n');
    }

    private static String seconds(Instant t) {
        return String.format(Locale.ROOT, "%d.%03d", t.getEpochSecond(), t.getNano() / 1_000_000);
    }

    /** Metrics are the job's state: a success must be pushed as surely as a failure, whatever {@code on:} says. */
    @Override
    public boolean everyOutcome() {
        return true;
    }

    /** Gauges only: the report's text (its "what now", the newest good backup) is never pushed. */
    @Override
    public boolean showsText() {
        return false;
    }

    @Override
    public String describe() {
        return "pushgateway " + settings.url();
    }
}
