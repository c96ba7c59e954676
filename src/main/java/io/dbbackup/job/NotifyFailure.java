package io.dbbackup.job;

/**
 * A notification that was not sent: the notifier's name and why, on one line, redacted ("webhook https://hooks.slack.com
 * answered HTTP 500: ..."). It never changes a result or an exit code; the summary shows it under its job.
 */
public record NotifyFailure(String notifier, String reason) {
}
