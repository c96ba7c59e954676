package io.dbbackup.notify.email;

import io.dbbackup.core.Redactor;
import io.dbbackup.spi.JobReport;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The subject and plain-text body of one job report: which job, the outcome and its exit code (when known), the
 * datasource (for a copy job first the job it copies and that job's store), the store and where in it the job's backups land, when, how long, the attempts and the host; key and size
 * when a backup was stored (also when the run failed after that); the error and the tool's last stderr lines on failure,
 * or what the run did (a prune, a copy); on failure, what now (the store's state, the next commands). Everything passes the redactor last.
 */
record ReportMail(String subject, String body) {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    static ReportMail of(JobReport r, String subjectPrefix) {
        String word = switch (r.outcome()) {
            case SUCCESS -> "OK";
            case FAILURE -> "FAILED";
            case INTERRUPTED -> "INTERRUPTED";
        };
        String subject = (subjectPrefix.isBlank() ? "" : subjectPrefix.strip() + " ") + word + ": " + r.operation().title() + " " + r.job()
                + " on " + r.host();
        StringBuilder b = new StringBuilder();
        line(b, "Job", r.job());
        if (r.operation() != JobReport.Operation.BACKUP) {
            line(b, "Operation", r.operation().name().toLowerCase(Locale.ROOT));
        }
        line(b, "Outcome", switch (r.outcome()) {
            case SUCCESS -> "succeeded";
            case FAILURE -> "FAILED";
            case INTERRUPTED -> "INTERRUPTED (cancelled before it finished)";
        });
        if (r.status() != null) { // not known: left out, never guessed
            line(b, "Exit code", r.status().code() + " (" + r.status().label() + ")");
        }
        if (r.copyOf() != null) { // a copy job: its datasource is its source job's, which this says
            line(b, "Copy of", r.copyOf());
        }
        line(b, "Datasource", r.datasource());
        line(b, "Store", r.store() == null ? null : r.store() + (r.location() == null ? "" : " (" + r.location() + ")"));
        line(b, "Host", r.host());
        line(b, "Started", TIME.format(r.started()));
        line(b, "Finished", TIME.format(r.started().plus(r.duration())));
        line(b, "Duration", duration(r.duration()));
        line(b, "Attempts", String.valueOf(r.attempts()));
        if (r.key() != null) { // also on a failure after the backup was stored (its prune or pin failed)
            line(b, "Key", r.key());
            line(b, "Size", io.dbbackup.core.Human.size(r.size()) + " (" + r.size() + " bytes)");
        }
        if (r.succeeded() && r.detail() != null && !r.detail().isBlank()) { // a copy job's copies, what a prune did
            b.append('\n').append("Result:\n");
            for (String l : r.detail().strip().split("\n")) {
                b.append("  ").append(l).append('\n');
            }
        } else if (!r.succeeded()) {
            b.append('\n').append("Error:\n  ").append(nonEmpty(r.error()).replace("\n", "\n  ")).append('\n');
            if (r.detail() != null && !r.detail().isBlank()) {
                b.append('\n').append("Last lines of the tool's error output:\n");
                for (String l : r.detail().strip().split("\n")) {
                    b.append("  | ").append(l).append('\n');
                }
            }
            if (r.next() != null && !r.next().isBlank()) { // the store's state and the commands to run, with -c FILE
                b.append('\n').append("What now:\n");
                for (String l : r.next().strip().split("\n")) {
                    b.append("  ").append(l).append('\n');
                }
            }
        }
        b.append('\n').append("-- \ndbbackup\n");
        return new ReportMail(Redactor.redact(subject), Redactor.redact(b.toString()));
    }

    /** {@code Label:} padded to the longest label's width ({@code Datasource:}), so that the values line up in one column. */
    private static void line(StringBuilder b, String label, String value) {
        b.append(String.format(Locale.ROOT, "%-11s %s\n", label + ":", value == null ? "-" : value));
    }

    private static String nonEmpty(String s) {
        return s == null || s.isBlank() ? "(no error message)" : s.strip();
    }

    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        long s = d.toSeconds();
        if (s < 60) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
