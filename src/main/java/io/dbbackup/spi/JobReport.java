package io.dbbackup.spi;

import java.time.Duration;
import java.time.Instant;

/**
 * The outcome of one job run, as notifiers see it. {@code error} and {@code detail} (the last lines
 * of a tool's stderr) have already passed the redactor.
 */
public record JobReport(String job, Outcome outcome, int attempts, Instant started, Duration duration,
                        String host, String key, long size, String error, String detail) {

    public enum Outcome { SUCCESS, FAILURE, INTERRUPTED }

    public boolean succeeded() {
        return outcome == Outcome.SUCCESS;
    }
}
